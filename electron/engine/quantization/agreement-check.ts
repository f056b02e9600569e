import type * as ort from 'onnxruntime-node';
import { EngineError } from '../../../shared/api/errors.js';
import type { ModelProto } from '../../../shared/onnx/types.js';
import { AGREEMENT_THRESHOLDS } from '../../../shared/quantize/agreement-thresholds.js';
import type { QuantizeMode } from '../../../shared/quantize/quant-options.js';
import { checkFeeds } from '../check-inputs.js';
import { runModelsInChild } from '../candidate-run/run-in-child.js';
import { floatValues } from '../evaluation/compare-run.js';

export interface Agreement {
  /** Mean over the samples of the worst output's cosine similarity to FP32. */
  cosine: number;
  /** Signal-to-quantization-noise ratio over every float output value, dB. */
  sqnrDb: number;
  samples: number;
  /** What the models were fed: the first calibration samples (INT8 static), or seeded random inputs. */
  on: 'calibration' | 'seeded';
}

type Feeds = Record<string, ort.Tensor>;

/** Samples compared; kept small because both models run on each before anything is written. */
export const SAMPLES = 8;

function cosine(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let ab = 0;
  let aa = 0;
  let bb = 0;
  for (let i = 0; i < a.length; i++) {
    const x = Number(a[i]);
    const y = Number(b[i]);
    ab += x * y;
    aa += x * x;
    bb += y * y;
  }
  if (aa === 0 && bb === 0) return 1;
  return aa === 0 || bb === 0 ? 0 : ab / Math.sqrt(aa * bb);
}

/**
 * How closely `variant` follows `reference`: on the given samples (a calibrated model is only meant for
 * data like its calibration data), or on seeded inputs at the model's dims (symbolic dims 1). What the
 * corpus sweep measures, on fewer samples, so a variant that computes something else is caught before
 * it is written. Both run in a child process, so a variant that crashes ONNX Runtime is refused in one
 * sentence instead of taking the engine down.
 */
export async function measureAgreement(reference: Uint8Array | string, variant: Uint8Array, model: ModelProto, variantModel: ModelProto, data?: readonly Feeds[], label = 'quantized model'): Promise<Agreement> {
  const samples = data && data.length > 0 ? data.length : SAMPLES;
  const cases: Feeds[][] = [];
  for (let s = 0; s < samples; s++) {
    // Seeded inputs are drawn per model from the same sequence, so a float16-input variant gets the
    // same values rounded to its type.
    const feeds = data && data.length > 0 ? data[s]! : checkFeeds(model, 9000 + s);
    cases.push([feeds, data && data.length > 0 ? feeds : checkFeeds(variantModel, 9000 + s)]);
  }
  const models = [
    { source: typeof reference === 'string' ? { path: reference } : { bytes: reference }, label: 'original model' },
    { source: { bytes: variant }, label },
  ];
  const runs = await runModelsInChild(models, cases);
  if (runs.crash) throw new EngineError('RUNTIME_ERROR', `${runs.crash}; nothing was written.`);
  for (const [i, problem] of runs.loadErrors.entries()) {
    if (problem !== null) throw new EngineError('RUNTIME_ERROR', `ONNX Runtime cannot load the ${models[i]!.label} (${problem}), so nothing was written.`);
  }
  let cosineSum = 0;
  let signal = 0;
  let noise = 0;
  for (const [s, [ra, rb]] of runs.cases.entries()) {
    for (const [i, run] of [ra, rb].entries()) {
      if (!run || 'error' in run) throw new EngineError('RUNTIME_ERROR', `ONNX Runtime cannot run the ${models[i]!.label} on ${data && data.length > 0 ? 'calibration sample' : 'seeded input'} ${s + 1} (${run && 'error' in run ? run.error : 'not run'}), so nothing was written.`);
    }
    const [oa, ob] = [(ra as { outputs: Feeds }).outputs, (rb as { outputs: Feeds }).outputs];
    let worst = 1;
    for (const name of runs.outputNames[0]!) {
      const x = oa[name]!;
      const y = ob[name];
      if (!y || x.type === 'string' || x.type === 'bool' || x.type === 'int64' || x.type === 'int32') continue;
      const [fx, fy] = [floatValues(x), floatValues(y)];
      if (fx.length !== fy.length) {
        worst = 0;
        continue;
      }
      worst = Math.min(worst, cosine(fx, fy));
      for (let i = 0; i < fx.length; i++) {
        signal += fx[i]! * fx[i]!;
        noise += (fx[i]! - fy[i]!) ** 2;
      }
    }
    cosineSum += worst;
  }
  const sqnrDb = noise === 0 ? Infinity : 10 * Math.log10(signal / noise);
  return { cosine: cosineSum / samples, sqnrDb, samples, ...(data && data.length > 0 ? { on: 'calibration' as const } : { on: 'seeded' as const }) };
}

/** How sentences name a variant of this mode. */
export function modeLabel(mode: QuantizeMode): string {
  return mode === 'fp16' ? 'FP16' : mode === 'int8-dynamic' ? 'INT8 dynamic' : 'INT8 static';
}

/** The sentence that refuses a variant below the mode's threshold, or undefined when it agrees. */
export function agreementProblem(mode: QuantizeMode, a: Agreement): string | undefined {
  const t = AGREEMENT_THRESHOLDS[mode];
  if (a.cosine >= t.cosine && a.sqnrDb >= t.sqnrDb) return undefined;
  const label = modeLabel(mode);
  const fix = mode === 'int8-static' ? 'leave the most sensitive layers in float (--max-drop with --eval, or --exclude), try another --method,' : mode === 'int8-dynamic' ? 'exclude the layers that lose most (--exclude),' : 'keep more ops in float32 (--exclude-op),';
  return `The ${label} model computes something too different from the original (cosine ${a.cosine.toFixed(4)}, SQNR ${a.sqnrDb.toFixed(1)} dB on ${a.samples} ${a.on === 'calibration' ? 'calibration samples' : 'seeded inputs'}; it needs cosine >= ${t.cosine} and SQNR >= ${t.sqnrDb} dB), so nothing was written: ${fix} or pass --accept-error to write it anyway.`;
}
