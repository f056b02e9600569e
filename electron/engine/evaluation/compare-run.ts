import * as ort from 'onnxruntime-node';
import { EngineError } from '../../../shared/api/errors.js';
import { argmax, OutputErrorAccumulator, rankOf } from '../../../shared/metrics/output-metrics.js';
import type { CompareResult, Disagreement, ModelMetrics, Precision } from '../../../shared/metrics/compare-types.js';
import type { ModelProto } from '../../../shared/onnx/types.js';
import type { PreprocessSpec } from '../../../shared/preprocess/preprocess-spec.js';
import { fromFloat16Bits } from '../../../shared/quantize/float16.js';
import { feedsFor, modelInputs, readSample, SampleError, type Dataset, type ModelInput } from '../datasets/dataset.js';
import type { JobContext } from '../jobs.js';
import { QUIET } from '../profiling/backends.js';

/** A model taking part in a comparison. */
export interface CompareModel {
  label: string;
  file: string;
  model: ModelProto;
  sizeBytes: number;
  docId?: string;
  path?: string;
}

export interface CompareOptions {
  backend: string;
  latencyRuns: number;
  disagreementLimit: number;
}

const MAX_SKIP_EXAMPLES = 10;

/** What the model is: from the provenance quantization writes, else from its ops and weights. */
function precisionOf(model: ModelProto): Precision {
  const meta = model.metadataProps?.find((p) => p.key === 'onnx_studio.quantization')?.value;
  if (meta) {
    const mode = (JSON.parse(meta) as { mode?: string }).mode;
    if (mode === 'fp16') return 'fp16';
    if (mode?.startsWith('int8')) return 'int8';
  }
  const ops = new Set((model.graph?.node ?? []).map((n) => n.opType));
  if (ops.has('QuantizeLinear') || ops.has('DequantizeLinear') || ops.has('DynamicQuantizeLinear') || ops.has('QLinearConv')) return 'int8';
  const types = new Set((model.graph?.initializer ?? []).map((t) => t.dataType));
  if (types.has(10) && types.has(1)) return 'mixed';
  return types.has(10) ? 'fp16' : 'fp32';
}

/** Output values as float32 numbers, whatever the model's output type. */
export function floatValues(t: ort.Tensor): ArrayLike<number> {
  if (t.type === 'float16') return Array.from(t.data as Uint16Array, fromFloat16Bits);
  if (t.type === 'float32') return t.data as Float32Array;
  return Array.from(t.data as ArrayLike<number | bigint>, Number);
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? 0;
}

/**
 * Runs the reference and every variant over a dataset, one sample at a time (memory stays flat): top-1/5
 * accuracy when the folder has class sub-folders, top-1 agreement with the reference, cosine, SQNR and max
 * absolute error of every output, then p50 latency with the runs of all models interleaved.
 */
export async function compareModels(reference: CompareModel, variants: CompareModel[], dataset: Dataset, spec: PreprocessSpec | undefined, ctx: JobContext, options: CompareOptions): Promise<CompareResult> {
  const all = [reference, ...variants];
  const sessions: ort.InferenceSession[] = [];
  try {
    for (const m of all) {
      try {
        sessions.push(await ort.InferenceSession.create(m.file, { executionProviders: [options.backend], ...QUIET }));
      } catch (e) {
        throw new EngineError('RUNTIME_ERROR', `ONNX Runtime cannot load '${m.label}': ${e instanceof Error ? e.message : String(e)}.`);
      }
    }
    const inputs: ModelInput[][] = all.map((m) => modelInputs(m.model));
    const refOutputs = sessions[0]!.outputNames;
    // A variant's outputs are matched by name, else by position.
    const outputNames = sessions.map((s) => refOutputs.map((name, k) => (s.outputNames.includes(name) ? name : s.outputNames[k]!)));
    const errors = variants.map(() => refOutputs.map(() => new OutputErrorAccumulator()));
    const overall = variants.map(() => new OutputErrorAccumulator());
    const classes = dataset.classes();
    const hits = all.map(() => ({ top1: 0, top5: 0 }));
    const agree = variants.map(() => 0);
    const disagreements: Disagreement[] = [];
    let moreDisagreements = 0;
    const samples = dataset.samples(inputs[0]!);
    if (samples.length === 0) throw new EngineError('BAD_ARGUMENT', `The folder '${dataset.name}' has no complete samples for the reference's inputs.`);
    const skippedExamples: string[] = [];
    let used = 0;
    let labelledSamples = 0;
    let foldersAreNotClasses = false;
    let skipped = 0;
    let latencyFeeds: Record<string, ort.Tensor>[] | undefined;
    const read = (k: number) => readSample(samples[k]!, inputs[0]!, spec).then((values) => ({ values }), (error: unknown) => ({ error }));
    let next = read(0);
    for (let k = 0; k < samples.length; k++) {
      ctx.checkCancelled();
      const loaded = await next;
      if (k + 1 < samples.length) next = read(k + 1);
      const sample = samples[k]!;
      try {
        if ('error' in loaded) throw loaded.error;
        const feeds = all.map((_, m) => feedsFor(sample, loaded.values, inputs[m]!));
        latencyFeeds ??= feeds;
        const outputs: ArrayLike<number>[][] = [];
        for (const [m, session] of sessions.entries()) {
          const result = await session.run(feeds[m]!, outputNames[m]!);
          outputs.push(outputNames[m]!.map((name) => floatValues(result[name] as ort.Tensor)));
        }
        const refTop = argmax(outputs[0]![0]!);
        const label = sample.label !== undefined ? classes.indexOf(sample.label) : -1;
        const differing: Record<string, string> = {};
        // Only a sample in a class folder has a right answer; the others count for agreement and error only.
        if (label >= 0) labelledSamples++;
        outputs.forEach((out, m) => {
          if (label >= 0) {
            const rank = rankOf(out[0]!, label);
            // More folders than the model has scores: they are not its classes (sample folders of a regression model, say).
            if (rank === undefined) foldersAreNotClasses = true;
            else {
              if (rank === 0) hits[m]!.top1++;
              if (rank < 5) hits[m]!.top5++;
            }
          }
          if (m === 0) return;
          out.forEach((values, o) => {
            errors[m - 1]![o]!.add(outputs[0]![o]!, values);
            overall[m - 1]!.add(outputs[0]![o]!, values);
          });
          const top = argmax(out[0]!);
          if (top === refTop) agree[m - 1]!++;
          else differing[all[m]!.label] = classes[top] ?? String(top);
        });
        if (Object.keys(differing).length > 0) {
          if (disagreements.length < options.disagreementLimit) {
            disagreements.push({ sample: sample.id, ...(sample.label !== undefined ? { label: sample.label } : {}), reference: classes[refTop] ?? String(refTop), variants: differing });
          } else moreDisagreements++;
        }
        used++;
      } catch (e) {
        if (!(e instanceof SampleError)) {
          if (e instanceof EngineError) throw e;
          throw new EngineError('RUNTIME_ERROR', `ONNX Runtime failed on '${sample.id}': ${e instanceof Error ? e.message : String(e)}.`);
        }
        skipped++;
        if (skippedExamples.length < MAX_SKIP_EXAMPLES) skippedExamples.push(e.message);
      }
      ctx.progress(k + 1, samples.length + 1, 'evaluating');
    }
    if (used === 0) throw new EngineError('BAD_ARGUMENT', `None of the ${samples.length} files in '${dataset.name}' could be used; the first problem: ${skippedExamples[0] ?? 'unknown'}.`);

    // Latency: the same feeds, all models' runs interleaved so drift weighs on each alike.
    ctx.progress(samples.length, samples.length + 1, 'timing');
    const times = all.map(() => [] as number[]);
    for (const [m, s] of sessions.entries()) for (let w = 0; w < 3; w++) await s.run(latencyFeeds![m]!);
    for (let r = 0; r < options.latencyRuns; r++) {
      ctx.checkCancelled();
      for (const [m, s] of sessions.entries()) {
        const t = performance.now();
        await s.run(latencyFeeds![m]!);
        times[m]!.push(performance.now() - t);
      }
    }
    // Accuracy is over labelled samples only, and absent (not 0, not 100%) when there are none.
    const labelled = classes.length >= 2 && labelledSamples > 0 && !foldersAreNotClasses;
    const models: ModelMetrics[] = all.map((m, i) => {
      const err = i === 0 ? undefined : overall[i - 1]!;
      const sqnr = err ? err.sqnrDb : Number.POSITIVE_INFINITY;
      return {
        label: m.label,
        ...(m.docId ? { docId: m.docId } : {}),
        ...(m.path ? { path: m.path } : {}),
        precision: precisionOf(m.model),
        sizeBytes: m.sizeBytes,
        latencyMsP50: median(times[i]!),
        ...(labelled ? { top1: hits[i]!.top1 / labelledSamples, top5: hits[i]!.top5 / labelledSamples } : {}),
        agreementTop1: i === 0 ? 1 : agree[i - 1]! / used,
        cosine: err ? err.cosine : 1,
        sqnrDb: Number.isFinite(sqnr) ? sqnr : null,
        maxAbsErr: err ? err.maxAbsErr : 0,
        outputs: refOutputs.map((name, o) => {
          const e = i === 0 ? undefined : errors[i - 1]![o]!;
          const s = e ? e.sqnrDb : Number.POSITIVE_INFINITY;
          return { name, cosine: e ? e.cosine : 1, sqnrDb: Number.isFinite(s) ? s : null, maxAbsErr: e ? e.maxAbsErr : 0 };
        }),
      };
    });
    return { reference: reference.label, dataset: dataset.name, backend: options.backend, samples: used, skipped, classes, models, disagreements, moreDisagreements };
  } finally {
    await Promise.all(sessions.map((s) => s.release()));
  }
}
