import { z } from 'zod';
import { COMPARE_STEP, CONVERT_STEP, EDIT_STEP, EXPORT_STEP, PROFILE_STEP, QUANTIZE_STEP, SIMPLIFY_STEP } from '../recipe/recipe.js';

/**
 * The kinds of node a pipeline is built from, their ports and their parameter schemas. A node's
 * parameters are the recipe step of the same job without what the edges say (which model, which data),
 * so a pipeline node and a recipe step share one schema and one replay.
 */

export type PortType = 'model' | 'dataset';

export interface PortSpec {
  /** Stable name, used in edges: `{ node, port }`. */
  name: string;
  type: PortType;
  /** A multi input takes any number of edges (compare's variants); a single input at most one. */
  multi?: boolean;
  /** A required input must be connected before the node can run. */
  required?: boolean;
  /** Shown on the port and in "missing input" sentences. */
  label: string;
}

export type NodeCategory = 'source' | 'transform' | 'check' | 'output';

/** Folder-free file names: a pipeline never carries a path to where it is written (see save). */
const FILE_NAME = z.string().regex(/^[\w][\w .-]{0,199}$/, 'a file name uses letters, digits, spaces, _, - or . and no folders');

/** A model file: bound at run time to an open document (the app) or to the file named here (the CLI). */
export const MODEL_SOURCE_PARAMS = z
  .object({
    /** The file's name, shown on the node. */
    name: z.string().min(1).max(4096),
    /** Where the file was on the machine that saved the pipeline; never sent over HTTP. */
    path: z.string().max(4096).optional(),
    /** SHA-256 of the file, so a replay on a different file says so. */
    sha256: z.string().regex(/^[0-9a-f]{64}$/).optional(),
  })
  .strict();

/** A folder of images or .npy tensors, flat (calibration) or one sub-folder per class (evaluation). */
export const DATA_SOURCE_PARAMS = z
  .object({
    name: z.string().min(1).max(1000),
    path: z.string().max(4096).optional(),
    files: z.number().int().min(0).optional(),
  })
  .strict();

const SET_DIMS_PARAMS = z
  .object({
    /**
     * Each becomes one setDim edit: a number fixes the dim, a symbol ('batch') makes it dynamic. Without
     * `tensor` it applies to every graph input (so a template can say "dynamic batch" for any model).
     */
    dims: z
      .array(z.object({ tensor: z.string().min(1).max(10_000).optional(), axis: z.number().int().min(0).max(63), value: z.union([z.number().int().min(1).max(2 ** 31), z.string().regex(/^[A-Za-z_][\w]{0,63}$/)]) }).strict())
      .min(1)
      .max(1000),
  })
  .strict();

/** Quantize step settings without the fields the node's kind and edges give. */
const QUANTIZE_BASE = QUANTIZE_STEP.omit({ id: true, kind: true, model: true, mode: true, data: true });
const FP16_PARAMS = QUANTIZE_BASE.pick({ excludeNodes: true, excludeOpTypes: true, keepIOTypes: true, backend: true }).strict();
const INT8_DYNAMIC_PARAMS = QUANTIZE_BASE.omit({ spec: true, limit: true, method: true }).strict();
const INT8_STATIC_PARAMS = QUANTIZE_BASE.strict();

const SAVE_PARAMS = z
  .object({
    /** Written into the folder the run is given (CLI: --out-dir, default beside the pipeline file). */
    fileName: FILE_NAME.refine((n) => /\.onnx$/i.test(n), 'a model file name ends in .onnx'),
  })
  .strict();

const REPORT_PARAMS = z.object({ fileName: FILE_NAME.optional() }).strict();

const model = (label = 'model'): PortSpec => ({ name: 'model', type: 'model', required: true, label });

/** Every node kind: its category, palette label, ports and parameter schema. */
export const NODE_KINDS = {
  'model-source': { category: 'source', label: 'Model file', inputs: [], outputs: [{ name: 'model', type: 'model', label: 'model' }], params: MODEL_SOURCE_PARAMS },
  'data-source': { category: 'source', label: 'Data folder', inputs: [], outputs: [{ name: 'data', type: 'dataset', label: 'data' }], params: DATA_SOURCE_PARAMS },
  edit: { category: 'transform', label: 'Edit commands', inputs: [model()], outputs: [model()], params: EDIT_STEP.pick({ commands: true }).strict() },
  'set-dims': { category: 'transform', label: 'Set dims / dynamic axes', inputs: [model()], outputs: [model()], params: SET_DIMS_PARAMS },
  fp16: { category: 'transform', label: 'FP16', inputs: [model()], outputs: [model()], params: FP16_PARAMS },
  'int8-dynamic': { category: 'transform', label: 'INT8 dynamic', inputs: [model()], outputs: [model()], params: INT8_DYNAMIC_PARAMS },
  'int8-static': {
    category: 'transform',
    label: 'INT8 static',
    inputs: [model(), { name: 'calibration', type: 'dataset', required: true, label: 'calibration dataset' }],
    outputs: [model()],
    params: INT8_STATIC_PARAMS,
  },
  simplify: { category: 'transform', label: 'Simplify', inputs: [model()], outputs: [model()], params: SIMPLIFY_STEP.omit({ id: true, kind: true, model: true }).strict() },
  convert: { category: 'transform', label: 'Convert opset', inputs: [model()], outputs: [model()], params: CONVERT_STEP.omit({ id: true, kind: true, model: true }).strict() },
  export: {
    category: 'output',
    label: 'Export',
    inputs: [model(), { name: 'calibration', type: 'dataset', label: 'calibration dataset (INT8 TensorRT)' }],
    outputs: [],
    params: EXPORT_STEP.omit({ id: true, kind: true, model: true, data: true }).strict(),
  },
  profile: { category: 'check', label: 'Profile', inputs: [model()], outputs: [], params: PROFILE_STEP.omit({ id: true, kind: true, model: true }).strict() },
  compare: {
    category: 'check',
    label: 'Compare',
    inputs: [
      { name: 'reference', type: 'model', required: true, label: 'reference model' },
      { name: 'variants', type: 'model', required: true, multi: true, label: 'variant models' },
      { name: 'data', type: 'dataset', required: true, label: 'evaluation dataset' },
    ],
    outputs: [],
    params: COMPARE_STEP.omit({ id: true, kind: true, reference: true, variants: true, data: true }).strict(),
  },
  save: { category: 'output', label: 'Save model', inputs: [model()], outputs: [], params: SAVE_PARAMS },
  report: { category: 'output', label: 'Report', inputs: [{ name: 'models', type: 'model', multi: true, required: true, label: 'models' }], outputs: [], params: REPORT_PARAMS },
} as const satisfies Record<string, { category: NodeCategory; label: string; inputs: readonly PortSpec[]; outputs: readonly PortSpec[]; params: z.ZodType }>;

export type NodeKind = keyof typeof NODE_KINDS;
export const NODE_KIND_NAMES = Object.keys(NODE_KINDS) as NodeKind[];
export type NodeParams<K extends NodeKind> = z.infer<(typeof NODE_KINDS)[K]['params']>;

export function isNodeKind(kind: unknown): kind is NodeKind {
  return typeof kind === 'string' && Object.prototype.hasOwnProperty.call(NODE_KINDS, kind);
}

export function inputPort(kind: NodeKind, port: string): PortSpec | undefined {
  return (NODE_KINDS[kind].inputs as readonly PortSpec[]).find((p) => p.name === port);
}

export function outputPort(kind: NodeKind, port: string): PortSpec | undefined {
  return (NODE_KINDS[kind].outputs as readonly PortSpec[]).find((p) => p.name === port);
}

/** Checks a node's parameters; the sentence names the first bad field. */
export function checkParams(kind: NodeKind, params: unknown): { ok: true; params: unknown } | { ok: false; field: string; message: string } {
  const r = (NODE_KINDS[kind].params as z.ZodType).safeParse(params ?? {});
  if (r.success) return { ok: true, params: r.data };
  const issue = r.error.issues[0]!;
  return { ok: false, field: issue.path.join('.'), message: issue.message };
}
