import * as ort from 'onnxruntime-node';
import { EngineError } from '../../../shared/api/errors.js';
import { encodeModel } from '../../../shared/onnx/encode.js';
import type { ModelProto } from '../../../shared/onnx/types.js';
import type { PreprocessSpec } from '../../../shared/preprocess/preprocess-spec.js';
import { RangeCollector } from '../../../shared/quantize/range-collector.js';
import { loadSample, modelInputs, SampleError, type Dataset, type Sample } from '../datasets/dataset.js';
import type { JobContext } from '../jobs.js';
import { QUIET } from '../profiling/backends.js';

export interface DataPassResult {
  samplesUsed: number;
  skipped: number;
  /** The first few skipped files with why, for the summary. */
  skippedExamples: string[];
}

export interface CalibrationResult extends DataPassResult {
  stats: Map<string, RangeCollector>;
}

const SKIP_EXAMPLES = 10;

/**
 * Runs every sample of a dataset through a model once, handing each run's outputs to `consume`. The
 * next sample is decoded (on libuv's threads, by sharp) while the current one runs. Bad files are
 * skipped and counted; none usable is an error.
 */
export async function forEachSampleRun(
  session: ort.InferenceSession,
  model: ModelProto,
  dataset: Dataset,
  spec: PreprocessSpec | undefined,
  fetches: string[],
  ctx: JobContext,
  phase: string,
  consume: (outputs: ort.InferenceSession.OnnxValueMapType, sample: Sample) => void,
  limit?: number,
): Promise<DataPassResult> {
  const inputs = modelInputs(model);
  const samples = dataset.samples(inputs).slice(0, limit);
  if (samples.length === 0) {
    throw new EngineError('BAD_ARGUMENT', `The folder '${dataset.name}' has no complete samples for this model's inputs (${inputs.map((i) => i.name).join(', ')}).`);
  }
  const skippedExamples: string[] = [];
  let skipped = 0;
  let used = 0;
  const load = (k: number) => loadSample(samples[k]!, inputs, spec).then((feeds) => ({ feeds }), (error: unknown) => ({ error }));
  let next = load(0);
  for (let k = 0; k < samples.length; k++) {
    ctx.checkCancelled();
    const loaded = await next;
    if (k + 1 < samples.length) next = load(k + 1);
    if ('error' in loaded) {
      if (!(loaded.error instanceof SampleError)) throw loaded.error;
      skipped++;
      if (skippedExamples.length < SKIP_EXAMPLES) skippedExamples.push(loaded.error.message);
    } else {
      let outputs: ort.InferenceSession.OnnxValueMapType;
      try {
        outputs = await session.run(loaded.feeds, fetches);
      } catch (e) {
        throw new EngineError('RUNTIME_ERROR', `ONNX Runtime failed on '${samples[k]!.id}': ${e instanceof Error ? e.message : String(e)}.`);
      }
      consume(outputs, samples[k]!);
      for (const v of Object.values(outputs)) (v as ort.Tensor).dispose?.();
      used++;
    }
    ctx.progress(k + 1, samples.length, phase);
  }
  if (used === 0) {
    throw new EngineError('BAD_ARGUMENT', `None of the ${samples.length} files in '${dataset.name}' could be used; the first problem: ${skippedExamples[0] ?? 'unknown'}.`);
  }
  return { samplesUsed: used, skipped, skippedExamples };
}

/** The model with the tensors to calibrate added as graph outputs, so one run returns them all. */
function withOutputs(model: ModelProto, tensors: readonly string[]): ModelProto {
  const graph = model.graph!;
  const existing = new Set((graph.output ?? []).map((o) => o.name));
  const extra = tensors.filter((t) => !existing.has(t)).map((name) => ({ name, type: { tensorType: { elemType: 1 } } }));
  return { ...model, graph: { ...graph, output: [...(graph.output ?? []), ...extra] } };
}

/**
 * Streaming calibration: each sample runs once, and every tensor's values are folded into its running
 * min/max and histogram before the next sample, so memory stays flat however many images there are.
 */
export async function calibrate(
  model: ModelProto,
  tensors: readonly string[],
  dataset: Dataset,
  spec: PreprocessSpec | undefined,
  ctx: JobContext,
  options: { histogram: boolean; limit?: number },
): Promise<CalibrationResult> {
  ctx.progress(0, 1, 'preparing calibration');
  let session: ort.InferenceSession;
  try {
    session = await ort.InferenceSession.create(encodeModel(withOutputs(model, tensors)), { graphOptimizationLevel: 'all', ...QUIET });
  } catch (e) {
    throw new EngineError('RUNTIME_ERROR', `ONNX Runtime cannot run this model for calibration: ${e instanceof Error ? e.message : String(e)}.`);
  }
  const stats = new Map(tensors.map((t) => [t, new RangeCollector(options.histogram)]));
  try {
    const pass = await forEachSampleRun(session, model, dataset, spec, [...tensors], ctx, 'calibrating', (outputs) => {
      for (const [name, collector] of stats) collector.add((outputs[name] as ort.Tensor).data as Float32Array);
    }, options.limit);
    return { ...pass, stats };
  } finally {
    await session.release();
  }
}
