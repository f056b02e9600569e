// The dynamic-batch column: `edit --set-dim` makes the batch axis symbolic, or refuses naming the node;
// a written model must compute at batch 2 exactly what the FP32 model computes for each sample alone.
import { fail, notApplicable, pass, type Cell } from './cell.js';
import { failedCommand } from './inspect-step.js';
import { checkerProblem } from './onnx-checker.js';
import { loadModel, release, runModel, type OutputValues } from './ort-runner.js';
import { elemTypes } from './quantize-step.js';
import { seededSample, type HostTensor } from './seeded-tensors.js';
import type { SweepContext } from './sweep-context.js';
import { BATCH_MAX_RELATIVE_ERROR } from './thresholds.js';

/**
 * The batch axis of each input: the first axis of size 1 (batch-first exports, silero's [2, batch, 128]
 * state); none for inputs that carry a fixed value. Conformance models with weights as inputs have none.
 */
export function batchAxes(ctx: SweepContext): Record<string, number> {
  if (ctx.model.name.startsWith('conformance-gru')) return {};
  const axes: Record<string, number> = {};
  for (const input of ctx.model.sweepInputs) {
    if (input.value !== undefined) continue;
    const axis = input.shape.indexOf(1);
    if (axis >= 0) axes[input.name] = axis;
  }
  return axes;
}

function concat(a: HostTensor, b: HostTensor, axis: number): HostTensor {
  const outer = a.dims.slice(0, axis).reduce((x, y) => x * y, 1);
  const inner = a.dims.slice(axis).reduce((x, y) => x * y, 1);
  const data = new (a.data.constructor as new (n: number) => HostTensor['data'])(a.data.length * 2);
  for (let o = 0; o < outer; o++) {
    (data as Float32Array).set((a.data as Float32Array).subarray(o * inner, (o + 1) * inner), o * 2 * inner);
    (data as Float32Array).set((b.data as Float32Array).subarray(o * inner, (o + 1) * inner), (o * 2 + 1) * inner);
  }
  const dims = [...a.dims];
  dims[axis] = dims[axis]! * 2;
  return { ...a, dims, data };
}

/** Largest relative error between the batch-2 output and the two batch-1 outputs joined on the grown axis. */
function joinedError(single: [OutputValues, OutputValues], batched: OutputValues): number | string {
  const [a, b] = single;
  const axis = batched.dims.findIndex((d, i) => d === 2 * (a.dims[i] ?? -1) && batched.dims.every((e, j) => j === i || e === a.dims[j]));
  if (axis < 0) return `output '${batched.name}' is [${batched.dims.join(', ')}] at batch 2 but [${a.dims.join(', ')}] at batch 1`;
  const outer = a.dims.slice(0, axis).reduce((x, y) => x * y, 1);
  const inner = a.values.length / Math.max(1, outer);
  let worst = 0;
  let scale = 0;
  for (const v of [...a.values, ...b.values]) scale = Math.max(scale, Math.abs(v));
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      worst = Math.max(worst, Math.abs(batched.values[o * 2 * inner + i]! - a.values[o * inner + i]!));
      worst = Math.max(worst, Math.abs(batched.values[(o * 2 + 1) * inner + i]! - b.values[o * inner + i]!));
    }
  }
  return worst / Math.max(scale, 1e-12);
}

export async function batchStep(ctx: SweepContext): Promise<Cell> {
  const axes = batchAxes(ctx);
  if (Object.keys(axes).length === 0) return notApplicable('no input has a batch axis of size 1 (e.g. a CHW detection image)');
  const file = ctx.out('dynamic-batch.onnx');
  const setDims = Object.entries(axes).flatMap(([name, axis]) => ['--set-dim', `${name}:${axis}=batch`]);
  const r = await ctx.cli(['edit', ctx.modelPath, '-o', file, ...setDims, '--force', '--json']);
  if (r.code !== 0) return failedCommand(r, 'edit --set-dim');
  const problem = await checkerProblem(file, Math.max(30, ctx.secondsLeft()));
  if (problem) return fail(`invalid model written (onnx.checker full_check: ${problem.slice(0, 160)})`);
  const types = elemTypes(ctx);
  const s0 = seededSample(ctx.model.sweepInputs, types, 0, ctx.model.kind);
  const s1 = seededSample(ctx.model.sweepInputs, types, 1, ctx.model.kind);
  const both = s0.map((t, k) => (t.name in axes ? concat(t, s1[k]!, axes[t.name]!) : t));
  let reference;
  try {
    reference = await loadModel(ctx.modelPath, ctx.options.threads);
  } catch (e) {
    return notApplicable(`written and valid; the FP32 model does not load in onnxruntime-node (${(e as Error).message.split('\n')[0]!.slice(0, 100)})`);
  }
  let edited;
  try {
    const single = [await runModel(reference, s0), await runModel(reference, s1)] as const;
    try {
      edited = await loadModel(file, ctx.options.threads);
    } catch (e) {
      return fail(`written model does not load in onnxruntime-node: ${(e as Error).message.split('\n')[0]!.slice(0, 160)}`);
    }
    let batched: OutputValues[];
    try {
      batched = await runModel(edited, both);
    } catch (e) {
      return fail(`written without complaint but fails at batch 2: ${(e as Error).message.split('\n')[0]!.slice(0, 200)}`);
    }
    let worst = 0;
    for (let k = 0; k < batched.length; k++) {
      const err = joinedError([single[0][k]!, single[1][k]!], batched[k]!);
      if (typeof err === 'string') return fail(`wrong without saying so: ${err}`);
      worst = Math.max(worst, err);
    }
    const limit = BATCH_MAX_RELATIVE_ERROR;
    if (worst > limit) return fail(`wrong without saying so: batch 2 differs from two batch-1 runs by ${worst.toExponential(1)} (relative max error; limit ${limit})`);
    const notes = (JSON.parse(r.stdout) as { notes?: string[] }).notes ?? [];
    return pass(`${Object.entries(axes).map(([n, a]) => `${n}:${a}`).join(', ')} = batch; batch 2 matches (rel. err ${worst.toExponential(1)})${notes.length ? `; ${notes[0]!.slice(0, 120)}` : ''}`);
  } catch (e) {
    return notApplicable(`written and valid; the FP32 model fails in onnxruntime-node on a seeded input (${(e as Error).message.split('\n')[0]!.slice(0, 100)})`);
  } finally {
    await release(reference);
    if (edited) await release(edited);
  }
}
