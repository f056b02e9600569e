// Whether a rewritten model (simplified, opset-converted) still computes what the original computes:
// both run in onnxruntime-node on the same seeded inputs, and the worst output must stay within 1e-4
// relative. Unlike quantization, a rewrite has no error budget of its own.
import { elemTypes } from './quantize-step.js';
import { loadModel, release, runModel, type LoadedModel, type OutputValues } from './ort-runner.js';
import { seededSample } from './seeded-tensors.js';
import type { SweepContext } from './sweep-context.js';
import { MIN_COMPARABLE } from './thresholds.js';

/** onnx-simplifier's and the engine's own bar for a rewrite that must not change the result. */
export const REWRITE_MAX_RELATIVE_ERROR = 1e-4;

/** Seeded inputs per comparison: a rewrite is exact or wrong, so a few inputs find a wrong one. */
export const REWRITE_SAMPLES = 4;

export interface RewriteAgreement {
  samples: number;
  /** Samples whose outputs had the same names and shapes in both models (detections can differ in count). */
  comparable: number;
  /** Largest |a - b| over an output relative to that output's largest |a|, worst output and sample. */
  worstRelative: number;
  /** The output where worstRelative was found. */
  worstOutput: string;
}

function relativeError(a: OutputValues, b: OutputValues): number {
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < a.values.length; i++) {
    const x = a.values[i]!;
    const y = b.values[i]!;
    // NaN in the same place in both is agreement; NaN in one only is the worst disagreement.
    if (Number.isNaN(x) || Number.isNaN(y)) {
      if (Number.isNaN(x) !== Number.isNaN(y)) return Infinity;
      continue;
    }
    diff = Math.max(diff, Math.abs(x - y));
    scale = Math.max(scale, Math.abs(x));
  }
  return diff === 0 ? 0 : scale === 0 ? Infinity : diff / scale;
}

const sameShape = (a: OutputValues, b: OutputValues) => a.dims.length === b.dims.length && a.dims.every((d, i) => d === b.dims[i]);

/** Runs the original and every variant side by side on the same seeded inputs. */
export async function compareRewrites(ctx: SweepContext, files: string[]): Promise<(RewriteAgreement | { error: string })[]> {
  const reference = await loadModel(ctx.modelPath, ctx.options.threads);
  const variants: (LoadedModel | { error: string })[] = [];
  try {
    for (const f of files) {
      try {
        variants.push(await loadModel(f, ctx.options.threads));
      } catch (e) {
        variants.push({ error: `does not load in onnxruntime-node: ${(e as Error).message.split('\n')[0]!.slice(0, 160)}` });
      }
    }
    const results: (RewriteAgreement | { error: string })[] = variants.map((v) => ('error' in v ? v : { samples: 0, comparable: 0, worstRelative: 0, worstOutput: '' }));
    const types = elemTypes(ctx);
    for (let s = 0; s < REWRITE_SAMPLES; s++) {
      const feeds = seededSample(ctx.model.sweepInputs, types, s, ctx.model.kind);
      const expected = await runModel(reference, feeds);
      for (const [k, v] of variants.entries()) {
        const r = results[k]!;
        if ('error' in v || 'error' in r) continue;
        let got: OutputValues[];
        try {
          got = await runModel(v, feeds);
        } catch (e) {
          results[k] = { error: `loads but fails to run where the original runs: ${(e as Error).message.split('\n')[0]!.slice(0, 160)}` };
          continue;
        }
        r.samples++;
        const byName = new Map(got.map((o) => [o.name, o]));
        const paired = expected.map((o) => [o, byName.get(o.name)] as const);
        if (got.length !== expected.length || paired.some(([o, p]) => !p || !sameShape(o, p))) continue;
        r.comparable++;
        for (const [o, p] of paired) {
          const e = relativeError(o, p!);
          if (e > r.worstRelative || r.worstOutput === '') {
            r.worstRelative = e;
            r.worstOutput = o.name;
          }
        }
      }
    }
    return results;
  } finally {
    await release(reference);
    for (const v of variants) if (!('error' in v)) await release(v);
  }
}

/** problem is null when the rewrite computes what the original does; figures say how closely, or what is wrong. */
export function judgeRewrite(a: RewriteAgreement | { error: string }): { problem: string | null; figures: string } {
  if ('error' in a) return { problem: a.error, figures: '' };
  if (a.comparable / Math.max(1, a.samples) < MIN_COMPARABLE) return { problem: `output shapes differ from the original on ${a.samples - a.comparable} of ${a.samples} inputs`, figures: '' };
  const figures = `${a.worstRelative === 0 ? 'identical' : `max rel ${a.worstRelative.toExponential(1)}`} on ${a.comparable} inputs`;
  if (!(a.worstRelative <= REWRITE_MAX_RELATIVE_ERROR)) {
    return { problem: `wrong without saying so: output '${a.worstOutput}' differs by ${a.worstRelative.toExponential(1)} relative (needs <= ${REWRITE_MAX_RELATIVE_ERROR})`, figures };
  }
  return { problem: null, figures };
}
