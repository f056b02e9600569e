import * as ort from 'onnxruntime-node';
import { EngineError } from '../../../shared/api/errors.js';
import { encodeModel } from '../../../shared/onnx/encode.js';
import type { ModelProto, NodeProto, TensorProto, ValueInfoProto } from '../../../shared/onnx/types.js';
import { inferShapes } from '../../../shared/analysis/shape-inference.js';
import { NameAllocator } from '../../../shared/quantize/graph-names.js';
import type { PreprocessSpec } from '../../../shared/preprocess/preprocess-spec.js';
import { HISTOGRAM_SAMPLES, RangeCollector } from '../../../shared/quantize/range-collector.js';
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

/** What one run returns for a calibrated tensor: reductions computed in the model, or the whole tensor. */
type Fetch = { kind: 'reduced'; min: string; max: string; sample: string; count: number } | { kind: 'whole'; name: string };

const INT64 = 7;

function int64s(name: string, values: number[]): TensorProto {
  return { name, dataType: INT64, dims: [values.length], rawData: new Uint8Array(BigInt64Array.from(values.map(BigInt)).buffer) };
}

/**
 * The model with calibration outputs added. For a tensor of known size, ONNX Runtime itself computes its
 * min and max (ReduceMin/ReduceMax) and a strided sample for the histogram, so only a few kilobytes per
 * tensor cross into JavaScript instead of every activation; other tensors are returned whole.
 */
function withStatisticsOutputs(model: ModelProto, tensors: readonly string[]): { model: ModelProto; fetches: Map<string, Fetch> } {
  const graph = model.graph!;
  const opset = Number(model.opsetImport?.find((o) => !o.domain || o.domain === 'ai.onnx')?.version ?? 0);
  const facts = inferShapes(model).facts;
  const names = new NameAllocator(graph);
  const nodes: NodeProto[] = [];
  const initializers: TensorProto[] = [];
  const outputs: ValueInfoProto[] = [];
  const fetches = new Map<string, Fetch>();
  const existing = new Set((graph.output ?? []).map((o) => o.name));
  const shared = new Map<string, string>();
  const constant = (key: string, values: number[]) => {
    let name = shared.get(key);
    if (!name) {
      name = names.fresh(`calibration_${key}`);
      initializers.push(int64s(name, values));
      shared.set(key, name);
    }
    return name;
  };
  const float = (name: string, rank: number): ValueInfoProto => ({ name, type: { tensorType: { elemType: 1, shape: { dim: Array.from({ length: rank }, () => ({})) } } } });
  for (const t of tensors) {
    const shape = facts.get(t)?.shape;
    const count = shape?.every((d) => typeof d === 'number') ? (shape as number[]).reduce((a, b) => a * b, 1) : undefined;
    if (count === undefined || count === 0 || opset < 13) {
      fetches.set(t, { kind: 'whole', name: t });
      if (!existing.has(t)) outputs.push({ name: t, type: { tensorType: { elemType: 1 } } });
      continue;
    }
    const min = names.fresh(`${t}_calibration_min`);
    const max = names.fresh(`${t}_calibration_max`);
    const flat = names.fresh(`${t}_calibration_flat`);
    const sample = names.fresh(`${t}_calibration_sample`);
    const step = Math.max(1, Math.ceil(count / HISTOGRAM_SAMPLES));
    const keep = [{ name: 'keepdims', type: 2, i: 0 }];
    nodes.push(
      { opType: 'ReduceMin', input: [t], output: [min], attribute: keep },
      { opType: 'ReduceMax', input: [t], output: [max], attribute: keep },
      { opType: 'Reshape', input: [t, constant('flat', [-1])], output: [flat] },
      { opType: 'Slice', input: [flat, constant('start', [0]), constant('end', [Number.MAX_SAFE_INTEGER]), constant('axis', [0]), constant(`step_${step}`, [step])], output: [sample] },
    );
    outputs.push(float(min, 0), float(max, 0), float(sample, 1));
    fetches.set(t, { kind: 'reduced', min, max, sample, count });
  }
  return {
    model: { ...model, graph: { ...graph, node: [...(graph.node ?? []), ...nodes], initializer: [...(graph.initializer ?? []), ...initializers], output: [...(graph.output ?? []), ...outputs] } },
    fetches,
  };
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
  const augmented = withStatisticsOutputs(model, tensors);
  let session: ort.InferenceSession;
  try {
    session = await ort.InferenceSession.create(encodeModel(augmented.model), { graphOptimizationLevel: 'all', ...QUIET });
  } catch (e) {
    throw new EngineError('RUNTIME_ERROR', `ONNX Runtime cannot run this model for calibration: ${e instanceof Error ? e.message : String(e)}.`);
  }
  const stats = new Map(tensors.map((t) => [t, new RangeCollector(options.histogram)]));
  try {
    const names = [...augmented.fetches.values()].flatMap((f) => (f.kind === 'whole' ? [f.name] : [f.min, f.max, f.sample]));
    const data = (outputs: ort.InferenceSession.OnnxValueMapType, name: string) => (outputs[name] as ort.Tensor).data as Float32Array;
    const pass = await forEachSampleRun(session, model, dataset, spec, names, ctx, 'calibrating', (outputs) => {
      for (const [name, collector] of stats) {
        const f = augmented.fetches.get(name)!;
        if (f.kind === 'whole') collector.add(data(outputs, f.name));
        else collector.addSampled(data(outputs, f.sample), data(outputs, f.min)[0]!, data(outputs, f.max)[0]!, f.count);
      }
    }, options.limit);
    return { ...pass, stats };
  } finally {
    await session.release();
  }
}
