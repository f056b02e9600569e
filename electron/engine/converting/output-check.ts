import * as ort from 'onnxruntime-node';
import { floatValues } from '../evaluation/compare-run.js';
import { runModelsInChild, type RunnableModel } from '../candidate-run/run-in-child.js';

/** A converted model is refused when an output moves by more than this, relative to the output's largest value. */
export const RELATIVE_TOLERANCE = 1e-4;

export type { RunnableModel };

export interface OutputCheck {
  /** Largest absolute difference over all outputs (null when the models could not both be run). */
  maxAbsDiff: number | null;
  /** Largest difference relative to the largest magnitude of the same original output. */
  maxRelDiff: number | null;
  /** Why the result cannot be trusted, one sentence; absent when it matches. */
  problem?: string;
}

/** Largest |a-b| and its size relative to max|a|; NaN on one side only counts as an infinite difference. */
function difference(a: ArrayLike<number>, b: ArrayLike<number>): { abs: number; rel: number } {
  let abs = 0;
  let scale = 0;
  for (let i = 0; i < a.length; i++) {
    const x = Number(a[i]);
    const y = Number(b[i]);
    if (Number.isNaN(x) && Number.isNaN(y)) continue;
    if (x === y) {
      if (Number.isFinite(x)) scale = Math.max(scale, Math.abs(x));
      continue;
    }
    const d = Math.abs(x - y);
    abs = Number.isNaN(d) ? Infinity : Math.max(abs, d);
    if (Number.isFinite(x)) scale = Math.max(scale, Math.abs(x));
  }
  return { abs, rel: abs === 0 ? 0 : abs / Math.max(scale, Number.MIN_VALUE) };
}

/**
 * Runs the original and the converted model in ONNX Runtime on the same inputs (seeded random at the
 * model's dims unless given) and reports the largest difference of any output, or why they could not
 * be compared. The caller refuses the conversion when `problem` is set.
 */
export async function checkOutputs(original: RunnableModel, converted: RunnableModel, feeds: Record<string, ort.Tensor>): Promise<OutputCheck> {
  const failed = (problem: string): OutputCheck => ({ maxAbsDiff: null, maxRelDiff: null, problem });
  const runs = await runModelsInChild([{ source: original, label: 'original model' }, { source: converted, label: 'converted model' }], [[feeds, feeds]]);
  if (runs.crash) return failed(runs.crash);
  const [loadBefore, loadAfter] = runs.loadErrors;
  if (loadBefore) return failed(`ONNX Runtime cannot load the original model (${loadBefore}), so the conversion cannot be checked`);
  if (loadAfter) return failed(`ONNX Runtime cannot load the converted model (${loadAfter})`);
  const [before, after] = runs.cases[0]!;
  if (!before || 'error' in before) return failed(`ONNX Runtime cannot run the original model on random inputs (${before && 'error' in before ? before.error : 'not run'}), so the conversion cannot be checked`);
  if (!after || 'error' in after) return failed(`ONNX Runtime cannot run the converted model (${after && 'error' in after ? after.error : 'not run'})`);
  let maxAbsDiff = 0;
  let maxRelDiff = 0;
  for (const name of runs.outputNames[0]!) {
    const a = before.outputs[name];
    const b = after.outputs[name];
    if (!a || !b) return failed(`the converted model does not produce the output '${name}'`);
    if (a.dims.join('x') !== b.dims.join('x')) return failed(`output '${name}' changes shape from [${a.dims.join(', ')}] to [${b.dims.join(', ')}]`);
    if (a.type === 'string' || b.type === 'string') {
      if ((a.data as string[]).some((s, i) => s !== (b.data as string[])[i])) return failed(`output '${name}' holds different strings`);
      continue;
    }
    const d = difference(floatValues(a), floatValues(b));
    maxAbsDiff = Math.max(maxAbsDiff, d.abs);
    maxRelDiff = Math.max(maxRelDiff, d.rel);
  }
  if (maxRelDiff > RELATIVE_TOLERANCE) {
    return { maxAbsDiff, maxRelDiff, problem: `its outputs differ from the original's by up to ${maxAbsDiff.toPrecision(3)} (${maxRelDiff.toPrecision(3)} relative, more than the ${RELATIVE_TOLERANCE} allowed)` };
  }
  return { maxAbsDiff, maxRelDiff };
}
