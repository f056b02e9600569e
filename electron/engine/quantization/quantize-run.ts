import { readFileSync } from 'node:fs';
import { EngineError } from '../../../shared/api/errors.js';
import type { ModelProto } from '../../../shared/onnx/types.js';
import type { PreprocessSpec } from '../../../shared/preprocess/preprocess-spec.js';
import { calibratedRange, DEFAULT_METHOD_OPTIONS, type Range } from '../../../shared/quantize/calibration-methods.js';
import { rewriteDynamic } from '../../../shared/quantize/dynamic-rewrite.js';
import { foldConstantAliases } from '../../../shared/quantize/constant-aliases.js';
import { convertToFp16 } from '../../../shared/quantize/fp16-convert.js';
import { planQdq, type QdqPlan } from '../../../shared/quantize/qdq-plan.js';
import { rewriteQdq } from '../../../shared/quantize/qdq-rewrite.js';
import type { Fp16Options, Int8Options, QuantizeMode, QuantizeSummary, QuantRules } from '../../../shared/quantize/quant-options.js';
import type { PresetFile } from '../../../shared/quantize/presets.js';
import type { RangeCollector } from '../../../shared/quantize/range-collector.js';
import { resourcePath } from '../app-paths.js';
import type { Dataset } from '../datasets/dataset.js';
import type { JobContext } from '../jobs.js';
import { opRegistry } from '../op-metadata.js';
import { calibrate } from './calibrate.js';

let rulesCache: QuantRules | undefined;
let presetsCache: PresetFile | undefined;

export function quantRules(): QuantRules {
  rulesCache ??= JSON.parse(readFileSync(resourcePath('quantization-rules.json'), 'utf8')) as QuantRules;
  return rulesCache;
}

export function quantPresets(): PresetFile {
  presetsCache ??= JSON.parse(readFileSync(resourcePath('quantization-presets.json'), 'utf8')) as PresetFile;
  return presetsCache;
}

export interface QuantizeRequest {
  mode: QuantizeMode;
  int8: Int8Options;
  fp16: Fp16Options;
  dataset?: Dataset;
  spec?: PreprocessSpec;
  /** Calibrate on at most this many samples. */
  limit?: number;
  /** The static plan already made for these options (the service checks it before starting the job). */
  plan?: QdqPlan;
}

export interface QuantizeOutcome {
  model: ModelProto;
  summary: QuantizeSummary;
  calibrationSamples: number;
  skippedSamples: number;
  skippedExamples: string[];
  /** Calibration statistics were reused from an earlier run on the same data. */
  calibrationReused: boolean;
}

/** Calibration statistics by model version and data: a second quantization with another method reuses them. */
export type CalibrationCache = Map<string, { stats: Map<string, RangeCollector>; samplesUsed: number; skipped: number; skippedExamples: string[] }>;

const NOTHING_TO_QUANTIZE = 'The model has no operators INT8 quantization applies to (Conv, ConvTranspose, Gemm, MatMul and the ops between them); there is nothing to quantize.';

/** The plan is made on the model with its hidden constants folded (what quantize() rewrites). */
function planFor(model: ModelProto, int8: Int8Options): { folded: ModelProto; plan: QdqPlan } {
  const folded = foldConstantAliases(model);
  return { folded, plan: planQdq(folded, quantRules(), { excludeNodes: int8.excludeNodes, excludeOpTypes: int8.excludeOpTypes, perChannel: int8.weights.perChannel }) };
}

function computesSomething(model: ModelProto, plan: QdqPlan): boolean {
  return plan.quantizedNodes.some((i) => quantRules().ops[model.graph!.node![i]!.opType ?? '']?.kind !== 'passthrough');
}

/** Whether these options leave any operator that computes (not only moves values) to quantize. */
export function hasQuantizableNodes(model: ModelProto, int8: Int8Options): boolean {
  const { folded, plan } = planFor(model, int8);
  return computesSomething(folded, plan);
}

/**
 * What a static quantization would do, before any data is read. The plan's node indices refer to the
 * model with its constants folded, which is the model itself unless it hides weights behind nodes.
 */
export function staticPlan(model: ModelProto, int8: Int8Options): QdqPlan {
  const { folded, plan } = planFor(model, int8);
  if (!computesSomething(folded, plan)) throw new EngineError('BAD_ARGUMENT', NOTHING_TO_QUANTIZE);
  return plan;
}

function wrap<T>(what: string, work: () => T): T {
  try {
    return work();
  } catch (e) {
    if (e instanceof EngineError) throw e;
    throw new EngineError('BAD_ARGUMENT', `Cannot ${what}: ${e instanceof Error ? e.message : String(e)}.`);
  }
}

/** Runs one quantization mode on a model whose weights are all in memory. */
export async function quantize(original: ModelProto, request: QuantizeRequest, ctx: JobContext, cache?: { map: CalibrationCache; key: string }): Promise<QuantizeOutcome> {
  const none = { calibrationSamples: 0, skippedSamples: 0, skippedExamples: [], calibrationReused: false };
  if (request.mode === 'fp16') {
    ctx.progress(0, 1, 'converting');
    const r = wrap('convert to FP16', () => convertToFp16(original, opRegistry(), request.fp16, quantRules().fp16KeptInFloat));
    if (r.summary.quantizedNodes === 0) throw new EngineError('BAD_ARGUMENT', 'No operator of this model can run in float16; there is nothing to convert.');
    return { ...r, ...none };
  }
  // Weights reached through Identity or Constant nodes are weights too.
  const model = foldConstantAliases(original);
  if (request.mode === 'int8-dynamic') {
    ctx.progress(0, 1, 'quantizing');
    const r = wrap('quantize', () => rewriteDynamic(model, quantRules(), request.int8));
    if (r.summary.quantizedNodes === 0) {
      throw new EngineError('BAD_ARGUMENT', 'The model has no Conv, Gemm or MatMul with constant weights, which INT8 dynamic quantization applies to; there is nothing to quantize.');
    }
    return { ...r, ...none };
  }
  // A plan made before the job is for this folded model unless folding changed something.
  const plan = (model === original ? request.plan : undefined) ?? wrap('plan the quantization', () => staticPlan(model, request.int8));
  if (!request.dataset) throw new EngineError('BAD_ARGUMENT', 'INT8 static quantization needs calibration data; give a folder of images or tensors (--calib DIR).');
  request.dataset.requireUsable();
  const hit = cache?.map.get(cache.key);
  const cached = hit && plan.calibrate.every((t) => hit.stats.has(t)) ? hit : undefined;
  const calibration = cached ?? (await calibrate(model, plan.calibrate, request.dataset, request.spec, ctx, { histogram: true, ...(request.limit ? { limit: request.limit } : {}) }));
  if (cache && !cached) cache.map.set(cache.key, calibration);
  ctx.checkCancelled();
  ctx.progress(1, 1, 'quantizing');
  const ranges = new Map<string, Range>();
  const methodOptions = { ...DEFAULT_METHOD_OPTIONS, percentile: request.int8.percentile };
  for (const t of plan.calibrate) {
    const stats = calibration.stats.get(t);
    if (!stats) throw new EngineError('INTERNAL', `Internal error: tensor '${t}' was not calibrated. Please report this with the model.`);
    ranges.set(t, calibratedRange(stats, request.int8.method, methodOptions));
  }
  const r = wrap('quantize', () => rewriteQdq(model, plan, ranges, request.int8));
  return {
    ...r,
    calibrationSamples: calibration.samplesUsed,
    skippedSamples: calibration.skipped,
    skippedExamples: calibration.skippedExamples,
    calibrationReused: cached !== undefined,
  };
}
