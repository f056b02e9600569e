import { z } from 'zod';
import type { METHOD_NAMES } from './method-names.js';
import type { Analysis } from '../analysis/cost-model.js';
import type { GraphView } from '../graph/graph-view.js';
import type { InferredShapes } from '../graph/inferred-shapes.js';
import type { OpVersionSchema } from '../graph/op-registry.js';
import type { RecipeView } from './dto.js';
import type { TensorStats } from '../model/tensor-stats.js';
import type { SimplifyReport } from '../simplify/simplify-report.js';
import type { ModelDiff } from '../diff/model-diff.js';
import type { DiffView } from '../diff/diff-view.js';
import type { NodeChanges } from '../simplify/node-changes.js';
import { PREPROCESS_SPEC, type PreprocessSpec } from '../preprocess/preprocess-spec.js';
import type { DatasetInfo, PreprocessPreview, QuantizeCatalog } from './dto.js';
import { START_EXPORT_ARGS } from '../deploy/export-request.js';
import type { PipelineNodeEvent, PipelineView } from '../pipeline/node-state.js';
import type { AppInfo, BackendInfo, ConvertOpsetResult, JobInfo, JobProgress, JobStarted, ModelInfo, NodeSchemaInfo, SampleInfo, SaveResult } from './dto.js';

const id = z.string().min(1).max(200);

const modelSource = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('path'), path: z.string().min(1).max(4096) }),
  z.object({ kind: z.literal('blob'), blobId: id }),
  z.object({ kind: z.literal('sample'), name: id }),
]);

const saveTarget = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('path'),
    path: z.string().min(1).max(4096),
    overwrite: z.boolean().optional(),
    /** Confirms saving over the opened file although another program changed it since it was opened. */
    overwriteChanged: z.boolean().optional(),
  }),
  z.object({ kind: z.literal('download') }),
]);

const nodeNames = z.array(z.string().min(1).max(10_000)).max(100_000);

const datasetSource = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('path'), path: z.string().min(1).max(4096) }),
  /** Browser mode: files uploaded one by one, with their paths inside the dropped folder. */
  z.object({
    kind: z.literal('blobs'),
    name: z.string().min(1).max(1000),
    files: z.array(z.object({ blobId: id, path: z.string().min(1).max(4096) }).strict()).min(1).max(100_000),
  }),
]);

/** Dims by input name, each a whole number of at least 1. */
const inputShapes = z.record(z.string().max(1000), z.array(z.number().int().min(1).max(2 ** 31)).max(64)).refine((r) => Object.keys(r).length <= 1000);
/** A value every element of the named input holds while a check runs (a sample rate, a flag). */
const inputValues = z.record(z.string().max(1000), z.number().finite()).refine((r) => Object.keys(r).length <= 1000);

const SIMPLIFY_ARGS = z
  .object({
    docId: id,
    inputShapes: inputShapes.optional(),
    /** Dims the check runs inputs at without fixing them in the model (for dims left symbolic). */
    checkShapes: inputShapes.optional(),
    inputValues: inputValues.optional(),
    skip: z.array(z.string().min(1).max(100)).max(100).optional(),
    force: z.boolean().optional(),
  })
  .strict();

const CONVERT_ARGS = z.object({ docId: id, opset: z.number().int().min(1).max(1000), force: z.boolean().optional(), inputShapes: inputShapes.optional(), inputValues: inputValues.optional() }).strict();

/**
 * The method table: every method of the engine API with its argument schema. Transports accept only
 * these names and validate arguments against these schemas before the engine sees them.
 */
export const METHOD_ARGS = {
  getAppInfo: z.object({}).strict(),
  listSamples: z.object({}).strict(),
  openModel: z.object({ source: modelSource }).strict(),
  getModel: z.object({ docId: id }).strict(),
  listModels: z.object({}).strict(),
  closeModel: z.object({ docId: id }).strict(),
  startSaveModel: z.object({ docId: id, target: saveTarget }).strict(),
  getGraphView: z.object({ docId: id, graphPath: z.string().min(1).max(2000) }).strict(),
  /** Shapes the engine infers for every value of one graph (the edge labels), asked for after the first screen. */
  getInferredShapes: z.object({ docId: id, graphPath: z.string().min(1).max(2000) }).strict(),
  getTensorStats: z.object({ docId: id, graphPath: z.string().min(1).max(2000), name: z.string().max(10_000) }).strict(),
  /** A constant tensor as a NumPy .npy file (Netron's tensor save); a download in browser mode. */
  exportTensor: z.object({ docId: id, graphPath: z.string().min(1).max(2000), name: z.string().max(10_000), target: saveTarget }).strict(),
  getNodeSchema: z.object({ docId: id, graphPath: z.string().min(1).max(2000), nodeIndex: z.number().int().min(0) }).strict(),
  analyzeModel: z
    .object({
      docId: id,
      /** Dims for dynamic graph inputs, by input name: numbers or symbols. */
      inputShapes: z.record(z.string().max(1000), z.array(z.union([z.number().int().min(0).max(2 ** 40), z.string().min(1).max(64)])).max(64)).optional(),
    })
    .strict(),
  listBackends: z.object({}).strict(),
  startProfile: z
    .object({
      docId: id,
      backend: z.string().min(1).max(40).optional(),
      runs: z.number().int().min(1).max(10_000).optional(),
      warmup: z.number().int().min(0).max(1_000).optional(),
      threads: z.number().int().min(1).max(256).optional(),
      optimization: z.enum(['disabled', 'basic', 'extended', 'all']).optional(),
      inputShapes: z.record(z.string().max(1000), z.array(z.number().int().min(1).max(2 ** 31)).max(64)).optional(),
      inputFiles: z.record(z.string().max(1000), z.string().min(1).max(4096)).optional(),
      seed: z.number().int().min(0).max(2 ** 31).optional(),
    })
    .strict(),
  getQuantizeCatalog: z.object({}).strict(),
  proposePreprocess: z.object({ docId: id }).strict(),
  openDataset: z.object({ source: datasetSource }).strict(),
  previewPreprocess: z.object({ datasetId: id, spec: PREPROCESS_SPEC, index: z.number().int().min(0).optional() }).strict(),
  startQuantize: z
    .object({
      docId: id,
      mode: z.enum(['fp16', 'int8-dynamic', 'int8-static']),
      /** Target backend preset id; the options below override it. */
      backend: z.string().min(1).max(40).optional(),
      method: z.enum(['minmax', 'percentile', 'entropy']).optional(),
      percentile: z.number().min(90).max(100).optional(),
      perChannel: z.boolean().optional(),
      activationType: z.enum(['int8', 'uint8']).optional(),
      symmetricActivations: z.boolean().optional(),
      weightType: z.enum(['int8', 'uint8']).optional(),
      reduceRange: z.boolean().optional(),
      excludeNodes: nodeNames.optional(),
      excludeOpTypes: z.array(z.string().min(1).max(200)).max(1000).optional(),
      keepIOTypes: z.boolean().optional(),
      fp16BlockOps: z.array(z.string().min(1).max(200)).max(1000).optional(),
      datasetId: id.optional(),
      spec: PREPROCESS_SPEC.optional(),
      limit: z.number().int().min(1).max(10_000_000).optional(),
      /** Accuracy-aware INT8: leave the worst layers in float until top-1 on this labelled folder drops at most this much. */
      accuracy: z.object({ evalDatasetId: id, maxDropPoints: z.number().min(0).max(100) }).strict().optional(),
      /** Write the result even when it follows the original less closely than the mode's threshold. */
      acceptError: z.boolean().optional(),
      /** Write the result here; without it the result opens as a new unsaved document. */
      output: z.object({ path: z.string().min(1).max(4096), overwrite: z.boolean().optional() }).strict().optional(),
    })
    .strict(),
  startCompare: z
    .object({
      referenceDocId: id,
      variantDocIds: z.array(id).min(1).max(16),
      datasetId: id,
      spec: PREPROCESS_SPEC.optional(),
      backend: z.string().min(1).max(40).optional(),
      latencyRuns: z.number().int().min(1).max(10_000).optional(),
    })
    .strict(),
  startLayerErrors: z
    .object({ referenceDocId: id, variantDocId: id, datasetId: id, spec: PREPROCESS_SPEC.optional(), limit: z.number().int().min(1).max(100_000).optional() })
    .strict(),
  getThumbnail: z.object({ datasetId: id, file: z.string().min(1).max(4096) }).strict(),
  /** A new document holding the same model (a recipe replay edits the copy, not the user's document). */
  duplicateModel: z.object({ docId: id }).strict(),
  /** The recipe recorded for the family of models a document belongs to, with this session's step results. */
  getRecipe: z.object({ docId: id }).strict(),
  /** Replaces the recorded steps (edited in the pipeline view); the whole recipe must still hold together. */
  updateRecipeSteps: z.object({ docId: id, steps: z.array(z.unknown()).max(10_000) }).strict(),
  /** Re-runs the recorded recipe from a step on, with this session's models and data. */
  startRunRecipe: z.object({ docId: id, fromStep: z.string().min(1).max(200).optional() }).strict(),
  /** A deployment bundle (TensorRT, Triton, ONNX Runtime) written to a folder, or packed as a .zip download. */
  startExport: START_EXPORT_ARGS,
  /** Operators a node can be inserted as, with their schemas at the document's opset. */
  getOpCatalogue: z.object({ docId: id }).strict(),
  /** One edit command (shared/edit/commands.ts) with its parameters, checked by the command itself. */
  applyEdit: z.object({ docId: id, command: z.string().min(1).max(100), params: z.unknown() }).strict(),
  undoEdit: z.object({ docId: id }).strict(),
  /** Converts the document's default-domain opset (an undoable edit), checked in ONNX Runtime; force keeps a result that fails the check. */
  convertOpset: CONVERT_ARGS,
  redoEdit: z.object({ docId: id }).strict(),
  extractSubgraph: z.object({ docId: id, inputs: z.array(z.string().min(1).max(4096)).min(1).max(10_000), outputs: z.array(z.string().min(1).max(4096)).min(1).max(10_000) }).strict(),
  /** Simplifies the document in place (one undoable edit), checked in ONNX Runtime against it (refused when it differs, unless forced). */
  simplifyModel: SIMPLIFY_ARGS,
  /** simplifyModel as a job, with progress and cancel (the app's Simplify); the job's result is simplifyModel's. */
  startSimplify: SIMPLIFY_ARGS,
  /** convertOpset as a job, with cancel (the app's Convert opset); the job's result is convertOpset's. */
  startConvertOpset: CONVERT_ARGS,
  /** What changed from one open model to another (the JSON of `onnx-studio diff`). */
  diffModels: z.object({ docIdA: id, docIdB: id }).strict(),
  /** The same diff drawn as one merged graph, for the Diff view. */
  getDiffView: z.object({ docIdA: id, docIdB: id }).strict(),
  /**
   * Pipelines (shared/pipeline/): the engine holds each open pipeline with its node states and a bounded
   * cache of node results, so they survive the UI switching tabs. `pipeline` is a pipeline file's JSON,
   * version 2 or a version 1 recipe (converted); it is checked by the engine, its problems come back in the view.
   */
  openPipeline: z.object({ pipeline: z.unknown() }).strict(),
  /** Replaces the pipeline (an edit in the editor): nodes whose cache key changed become stale, the others keep their results. */
  updatePipeline: z.object({ pipelineId: id, pipeline: z.unknown() }).strict(),
  /** Binds a source node to an open model (model-source) or dataset (data-source); without a binding a run opens the node's path (local callers only). */
  bindPipelineSource: z.object({ pipelineId: id, nodeId: z.string().min(1).max(200), docId: id.optional(), datasetId: id.optional() }).strict(),
  getPipeline: z.object({ pipelineId: id }).strict(),
  listPipelines: z.object({}).strict(),
  closePipeline: z.object({ pipelineId: id }).strict(),
  /**
   * Runs the pipeline (every node, or `upTo` and what it needs), skipping nodes whose cache key has a
   * result. Node states arrive as 'pipeline.node' events; the job's result is a PipelineRunResult.
   * Save nodes write into `saveTo` (a folder, or downloads in browser mode); without it they fail saying so.
   */
  startRunPipeline: z
    .object({
      pipelineId: id,
      upTo: z.string().min(1).max(200).optional(),
      saveTo: z
        .discriminatedUnion('kind', [
          z
            .object({
              kind: z.literal('path'),
              /** A folder: save nodes write <fileName> in it, export nodes the folder <bundlePrefix>.<node id>. */
              path: z.string().min(1).max(4096),
              overwrite: z.boolean().optional(),
              bundlePrefix: z.string().regex(/^[\w][\w .-]{0,199}$/, 'a bundle prefix is a plain file name').optional(),
            })
            .strict(),
          z.object({ kind: z.literal('download') }).strict(),
        ])
        .optional(),
    })
    .strict(),
  getJob: z.object({ jobId: id }).strict(),
  cancelJob: z.object({ jobId: id }).strict(),
} as const;

export type MethodName = keyof typeof METHOD_ARGS;

// METHOD_NAMES (what clients build their methods from) must name exactly the methods of the table.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const methodNamesMatch: Same<(typeof METHOD_NAMES)[number], MethodName> = true;
void methodNamesMatch;
export type MethodArgs<M extends MethodName> = z.infer<(typeof METHOD_ARGS)[M]>;

export interface MethodResults {
  getAppInfo: AppInfo;
  listSamples: SampleInfo[];
  openModel: ModelInfo;
  getModel: ModelInfo;
  listModels: ModelInfo[];
  closeModel: { closed: true };
  startSaveModel: JobStarted;
  getGraphView: GraphView;
  getInferredShapes: InferredShapes;
  getTensorStats: TensorStats;
  exportTensor: SaveResult;
  getNodeSchema: NodeSchemaInfo;
  analyzeModel: Analysis;
  listBackends: BackendInfo[];
  startProfile: JobStarted;
  getQuantizeCatalog: QuantizeCatalog;
  proposePreprocess: PreprocessSpec | null;
  openDataset: DatasetInfo;
  previewPreprocess: PreprocessPreview;
  startQuantize: JobStarted;
  startCompare: JobStarted;
  startLayerErrors: JobStarted;
  getThumbnail: { imageUrl: string };
  getOpCatalogue: { opType: string; category: string; schema: OpVersionSchema }[];
  duplicateModel: ModelInfo;
  getRecipe: RecipeView;
  updateRecipeSteps: RecipeView;
  startRunRecipe: JobStarted;
  startExport: JobStarted;
  applyEdit: ModelInfo & { notes: string[] };
  undoEdit: ModelInfo;
  convertOpset: ConvertOpsetResult;
  redoEdit: ModelInfo;
  extractSubgraph: ModelInfo;
  simplifyModel: { model: ModelInfo; report: SimplifyReport; changes: NodeChanges };
  startSimplify: JobStarted;
  startConvertOpset: JobStarted;
  diffModels: ModelDiff;
  getDiffView: DiffView;
  openPipeline: PipelineView;
  updatePipeline: PipelineView;
  bindPipelineSource: PipelineView;
  getPipeline: PipelineView;
  listPipelines: { pipelineId: string; name?: string; nodeCount: number }[];
  closePipeline: { closed: true };
  startRunPipeline: JobStarted;
  getJob: JobInfo;
  cancelJob: JobInfo;
}

/** The engine API every transport carries. */
export type EngineApi = {
  [M in MethodName]: (args: MethodArgs<M>) => Promise<MethodResults[M]>;
};

/** Events the engine pushes: job progress and completion. */
export interface EngineEvents {
  'job.progress': JobProgress;
  'job.done': JobInfo;
  /** A pipeline node's state changed (status, progress, result). */
  'pipeline.node': PipelineNodeEvent;
}

export type EventName = keyof EngineEvents;
export type EngineEvent = { [E in EventName]: { event: E; payload: EngineEvents[E] } }[EventName];

export function isMethodName(name: unknown): name is MethodName {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(METHOD_ARGS, name);
}
