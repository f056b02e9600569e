import { START_EXPORT_ARGS } from '../deploy/export-request.js';
import { z } from 'zod';
import { PREPROCESS_SPEC } from '../preprocess/preprocess-spec.js';

/**
 * A recipe: the deployment steps a user took on one model, replayable headless (`onnx-studio run`).
 * Models are named by reference: 'input' is the opened model, any other reference is the id of the
 * step that produced it. Data folders are named; a replay binds each name to a folder.
 * Documented in docs/recipes.md; bump `version` on any incompatible change.
 */
const ref = z.string().min(1).max(200);
const dataName = z.string().min(1).max(1000);

export const EDIT_STEP = z.object({
  id: ref,
  kind: z.literal('edit'),
  model: ref,
  commands: z.array(z.object({ command: z.string().min(1).max(100), params: z.unknown(), label: z.string().max(1000).optional() }).strict()).min(1).max(100_000),
}).strict();

export const QUANTIZE_STEP = z.object({
  id: ref,
  kind: z.literal('quantize'),
  model: ref,
  mode: z.enum(['fp16', 'int8-dynamic', 'int8-static']),
  backend: z.string().min(1).max(40).optional(),
  method: z.enum(['minmax', 'percentile', 'entropy']).optional(),
  perChannel: z.boolean().optional(),
  excludeNodes: z.array(z.string().max(10_000)).max(100_000).optional(),
  excludeOpTypes: z.array(z.string().max(200)).max(1000).optional(),
  keepIOTypes: z.boolean().optional(),
  data: dataName.optional(),
  spec: PREPROCESS_SPEC.optional(),
  limit: z.number().int().min(1).optional(),
}).strict();

export const PROFILE_STEP = z.object({
  id: ref,
  kind: z.literal('profile'),
  model: ref,
  backend: z.string().min(1).max(40),
  runs: z.number().int().min(1).max(10_000),
  warmup: z.number().int().min(0).max(1_000),
}).strict();

export const THRESHOLDS = z.object({
  /** Largest top-1 drop against the reference, in points. */
  maxTop1DropPoints: z.number().min(0).max(100).optional(),
  minAgreementTop1: z.number().min(0).max(1).optional(),
  minCosine: z.number().min(-1).max(1).optional(),
  minSqnrDb: z.number().optional(),
}).strict();

export const COMPARE_STEP = z.object({
  id: ref,
  kind: z.literal('compare'),
  reference: ref,
  variants: z.array(ref).min(1).max(16),
  data: dataName,
  spec: PREPROCESS_SPEC.optional(),
  backend: z.string().min(1).max(40).optional(),
  thresholds: THRESHOLDS.optional(),
}).strict();

const CHECK_SHAPES = z.record(z.string().max(1000), z.array(z.number().int().min(1).max(2 ** 31)).max(64));
const CHECK_VALUES = z.record(z.string().max(1000), z.number().finite());

/** onnx-simplifier's job: constant folding and graph clean-up, checked in ONNX Runtime (engine `simplifyModel`). */
export const SIMPLIFY_STEP = z.object({
  id: ref,
  kind: z.literal('simplify'),
  model: ref,
  /** Fixed dims for the inputs, so that shape computations fold. */
  inputShapes: CHECK_SHAPES.optional(),
  /** Dims the check runs inputs at, leaving the model's own (a model that does not load at fixed dims). */
  checkShapes: CHECK_SHAPES.optional(),
  /** Values the check feeds to inputs that select behaviour (a sample rate), instead of random ones. */
  inputValues: CHECK_VALUES.optional(),
  skip: z.array(z.string().min(1).max(100)).max(100).optional(),
  /** The user kept a result that failed the ONNX Runtime check ("Keep anyway"); a replay keeps it too. */
  force: z.boolean().optional(),
}).strict();

/** The opset converter (engine `convertOpset`), checked in ONNX Runtime. */
export const CONVERT_STEP = z.object({
  id: ref,
  kind: z.literal('convert'),
  model: ref,
  opset: z.number().int().min(7).max(21),
  /** The dims the check runs both models at (the result keeps the model's own). */
  inputShapes: CHECK_SHAPES.optional(),
  inputValues: CHECK_VALUES.optional(),
  force: z.boolean().optional(),
}).strict();

/** A deployment bundle of a model; where it is written is the replay's choice (a folder, or a download). */
export const EXPORT_STEP = START_EXPORT_ARGS.omit({ docId: true, datasetId: true, destination: true })
  .extend({ id: ref, kind: z.literal('export'), model: ref, data: dataName.optional() })
  .strict();

export const RECIPE_STEP = z.discriminatedUnion('kind', [EDIT_STEP, QUANTIZE_STEP, SIMPLIFY_STEP, CONVERT_STEP, PROFILE_STEP, COMPARE_STEP, EXPORT_STEP]);

export const RECIPE = z.object({
  format: z.literal('onnx-studio.recipe'),
  version: z.literal(1),
  input: z.object({ name: z.string().min(1).max(4096), path: z.string().max(4096).optional(), sha256: z.string().regex(/^[0-9a-f]{64}$/) }).strict(),
  data: z.record(dataName, z.object({ path: z.string().max(4096).optional(), files: z.number().int().min(0) }).strict()),
  steps: z.array(RECIPE_STEP).max(10_000),
  /** The model a replay writes with -o: a model reference. */
  output: ref.optional(),
}).strict();

export type Recipe = z.infer<typeof RECIPE>;
export type RecipeStep = z.infer<typeof RECIPE_STEP>;
export type Thresholds = z.infer<typeof THRESHOLDS>;

/** Checks a recipe from outside and its references: each step reads a model made before it, and named data exists. */
export function parseRecipe(value: unknown): Recipe {
  const r = RECIPE.safeParse(value);
  if (!r.success) {
    const issue = r.error.issues[0]!;
    throw new Error(`the recipe's ${issue.path.join('.') || 'top level'} is not valid: ${issue.message}`);
  }
  const recipe = r.data;
  const made = new Set(['input']);
  for (const step of recipe.steps) {
    const reads = step.kind === 'compare' ? [step.reference, ...step.variants] : [step.model];
    const missing = reads.find((m) => !made.has(m));
    if (missing) throw new Error(`step '${step.id}' reads model '${missing}', which no earlier step makes`);
    const data = step.kind === 'compare' || step.kind === 'quantize' || step.kind === 'export' ? step.data : undefined;
    if (data && !recipe.data[data]) throw new Error(`step '${step.id}' uses data '${data}', which the recipe's data table does not list`);
    if (made.has(step.id)) throw new Error(`two steps have the id '${step.id}'`);
    if (step.kind === 'edit' || step.kind === 'quantize' || step.kind === 'simplify' || step.kind === 'convert') made.add(step.id);
  }
  if (recipe.output && !made.has(recipe.output)) throw new Error(`the output '${recipe.output}' is not a model the recipe makes`);
  return recipe;
}

/** Which thresholds a variant's comparison figures break, as sentences. */
export function thresholdFailures(t: Thresholds | undefined, reference: { top1?: number }, variant: { label: string; top1?: number; agreementTop1: number; cosine: number; sqnrDb: number | null }): string[] {
  if (!t) return [];
  const out: string[] = [];
  if (t.maxTop1DropPoints !== undefined && reference.top1 !== undefined && variant.top1 !== undefined) {
    const drop = (reference.top1 - variant.top1) * 100;
    if (drop > t.maxTop1DropPoints) out.push(`${variant.label}: top-1 drops ${drop.toFixed(2)} points (at most ${t.maxTop1DropPoints} allowed)`);
  }
  if (t.minAgreementTop1 !== undefined && variant.agreementTop1 < t.minAgreementTop1) out.push(`${variant.label}: top-1 agreement ${variant.agreementTop1.toFixed(4)} is below ${t.minAgreementTop1}`);
  if (t.minCosine !== undefined && variant.cosine < t.minCosine) out.push(`${variant.label}: cosine ${variant.cosine.toFixed(5)} is below ${t.minCosine}`);
  if (t.minSqnrDb !== undefined && variant.sqnrDb !== null && variant.sqnrDb < t.minSqnrDb) out.push(`${variant.label}: SQNR ${variant.sqnrDb.toFixed(1)} dB is below ${t.minSqnrDb}`);
  return out;
}
