import { axisOf, dimAdd, dimMul, type Dim } from '../dims.js';
import { reduceValues, valuesOf, withValue } from '../folding.js';
import type { InferFn } from '../inference-types.js';

/** Opset from which each reduction takes its axes as an input instead of an attribute. */
const AXES_INPUT_SINCE: Record<string, number> = { ReduceSum: 13 };

const bothNumbers = (fn: (a: number, b: number) => number) => (a: Dim, b: Dim): Dim => (typeof a === 'number' && typeof b === 'number' ? fn(a, b) : a !== null && a === b ? a : null);

/** Reductions folded on small tensors (a shape's element count is ReduceProd of Shape). */
const COMBINE: Record<string, (a: Dim, b: Dim) => Dim> = {
  ReduceProd: dimMul,
  ReduceSum: dimAdd,
  ReduceMin: bothNumbers(Math.min),
  ReduceMax: bothNumbers(Math.max),
};

const reduce: InferFn = (ctx) => {
  const x = ctx.input(0);
  if (!x) return [];
  if (!x.shape) return [{ elemType: x.elemType, shape: null }];
  const since = AXES_INPUT_SINCE[ctx.node.opType!] ?? 18;
  const fromInput = ctx.opset >= since;
  const hasAxesInput = fromInput && (ctx.node.input?.[1] ?? '') !== '';
  const axesValue = hasAxesInput ? ctx.input(1)?.value : undefined;
  if (hasAxesInput && !axesValue) return [{ elemType: x.elemType, shape: ctx.int('keepdims', 1) ? x.shape.map(() => null) : null }];
  const given = fromInput ? (axesValue as number[] | undefined) ?? [] : ctx.ints('axes') ?? [];
  const rank = x.shape.length;
  if (given.length === 0 && ctx.int('noop_with_empty_axes', 0) === 1) return [{ elemType: x.elemType, shape: x.shape }];
  const axes = new Set(given.length === 0 ? x.shape.map((_, i) => i) : given.map((a) => axisOf(a, rank)!));
  const keep = ctx.int('keepdims', 1) === 1;
  const out: Dim[] = keep ? x.shape.map((d, i) => (axes.has(i) ? 1 : d)) : x.shape.filter((_, i) => !axes.has(i));
  const v = valuesOf(x);
  const combine = COMBINE[ctx.node.opType!];
  return [withValue(x.elemType, out, v && combine ? reduceValues(v.shape, v.value, axes, combine) : undefined)];
};

const argReduce: InferFn = (ctx) => {
  const x = ctx.input(0);
  if (!x) return [];
  if (!x.shape) return [{ elemType: 7, shape: null }];
  const axis = axisOf(ctx.int('axis', 0), x.shape.length)!;
  const keep = ctx.int('keepdims', 1) === 1;
  return [{ elemType: 7, shape: keep ? x.shape.map((d, i) => (i === axis ? 1 : d)) : x.shape.filter((_, i) => i !== axis) }];
};

export const REDUCE_OPS: Record<string, InferFn> = {
  ...Object.fromEntries(['ReduceL1', 'ReduceL2', 'ReduceLogSum', 'ReduceLogSumExp', 'ReduceMax', 'ReduceMean', 'ReduceMin', 'ReduceProd', 'ReduceSum', 'ReduceSumSquare'].map((op) => [op, reduce])),
  ArgMax: argReduce,
  ArgMin: argReduce,
};
