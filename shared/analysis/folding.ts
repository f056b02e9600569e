import type { Dim } from './dims.js';
import type { ValueFacts } from './inference-types.js';

/**
 * Constant folding during shape inference works on small tensors only: shape vectors, masks and
 * index tensors, never weights or activations, so a large model costs no more to infer than before.
 */
export const FOLD_LIMIT = 4096;

/** Element types whose values are folded from any small tensor; floating values only up to this size (scales, not weights). */
const INTEGER_TYPES = new Set([2, 3, 4, 5, 6, 7, 9, 12, 13]);
export const FLOAT_READ_LIMIT = 64;

export function isIntegerType(elemType: number): boolean {
  return INTEGER_TYPES.has(elemType);
}

/** The number of elements of a fully numeric shape, or undefined when a dim is symbolic or unknown. */
export function elementCountOf(shape: readonly Dim[] | null | undefined): number | undefined {
  if (!shape) return undefined;
  let n = 1;
  for (const d of shape) {
    if (typeof d !== 'number' || d < 0) return undefined;
    n *= d;
  }
  return n;
}

const FLOAT = 1;

/**
 * Facts with values attached when the shape is numeric, small enough and the values fill it exactly.
 * float32 values are rounded as ONNX Runtime stores them, so a size computed as floor(320 * (1/320))
 * folds to what the runtime computes, not to what float64 arithmetic would give.
 */
export function withValue(elemType: number, shape: Dim[] | null, value: Dim[] | undefined): ValueFacts {
  const n = elementCountOf(shape);
  if (value && n !== undefined && n <= FOLD_LIMIT && value.length === n && (n === 0 || value.some((v) => v !== null))) {
    return { elemType, shape, value: elemType === FLOAT ? value.map((v) => (typeof v === 'number' ? Math.fround(v) : v)) : value };
  }
  return { elemType, shape };
}

/** The known values of an input whose shape is numeric (a value array always matches its shape). */
export function valuesOf(f: ValueFacts | undefined): { shape: number[]; value: Dim[] } | undefined {
  if (!f?.value || !f.shape) return undefined;
  return elementCountOf(f.shape) === f.value.length ? { shape: f.shape as number[], value: f.value } : undefined;
}

function stridesOf(shape: readonly number[]): number[] {
  const strides = new Array<number>(shape.length).fill(1);
  for (let i = shape.length - 2; i >= 0; i--) strides[i] = strides[i + 1]! * shape[i + 1]!;
  return strides;
}

/**
 * Elementwise fold with numpy broadcasting: each output element applies `fn` to the inputs' elements
 * it broadcasts from. `out` is the broadcast shape.
 */
export function foldElementwise(out: readonly Dim[] | null, inputs: { shape: number[]; value: Dim[] }[], fn: (xs: Dim[]) => Dim): Dim[] | undefined {
  const n = elementCountOf(out);
  if (n === undefined || n > FOLD_LIMIT) return undefined;
  const outShape = out as number[];
  const outStrides = stridesOf(outShape);
  const inStrides = inputs.map((x) => {
    const s = stridesOf(x.shape);
    const offset = outShape.length - x.shape.length;
    // A broadcast axis (size 1 or missing) does not move through the input.
    return outShape.map((_, axis) => (axis < offset || x.shape[axis - offset] === 1 ? 0 : s[axis - offset]!));
  });
  const result = new Array<Dim>(n);
  const xs = new Array<Dim>(inputs.length);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < inputs.length; k++) {
      let at = 0;
      let rest = i;
      for (let axis = 0; axis < outShape.length; axis++) {
        const q = Math.floor(rest / outStrides[axis]!);
        rest -= q * outStrides[axis]!;
        at += q * inStrides[k]![axis]!;
      }
      xs[k] = inputs[k]!.value[at]!;
    }
    result[i] = fn(xs);
  }
  return result;
}

/** Values reordered by `perm`, as Transpose does. */
export function transposeValues(shape: readonly number[], value: readonly Dim[], perm: readonly number[]): Dim[] {
  const inStrides = stridesOf(shape);
  const outShape = perm.map((p) => shape[p]!);
  const outStrides = stridesOf(outShape);
  const result = new Array<Dim>(value.length);
  for (let i = 0; i < value.length; i++) {
    let at = 0;
    let rest = i;
    for (let axis = 0; axis < outShape.length; axis++) {
      const q = Math.floor(rest / outStrides[axis]!);
      rest -= q * outStrides[axis]!;
      at += q * inStrides[perm[axis]!]!;
    }
    result[i] = value[at]!;
  }
  return result;
}

/**
 * Views values as [outer, axisLength, inner] around one axis: the layout Gather, Concat, Slice and
 * reductions index along.
 */
export function aroundAxis(shape: readonly number[], axis: number): { outer: number; length: number; inner: number } {
  let outer = 1;
  let inner = 1;
  shape.forEach((d, i) => {
    if (i < axis) outer *= d;
    else if (i > axis) inner *= d;
  });
  return { outer, length: shape[axis]!, inner };
}

/** Picks the given positions along an axis (Gather with normalized indices, or Slice's positions). */
export function takeAlongAxis(shape: readonly number[], value: readonly Dim[], axis: number, positions: readonly number[]): Dim[] {
  const { outer, length, inner } = aroundAxis(shape, axis);
  const result: Dim[] = [];
  for (let o = 0; o < outer; o++) {
    for (const p of positions) {
      for (let k = 0; k < inner; k++) result.push(value[(o * length + p) * inner + k]!);
    }
  }
  return result;
}

/** Joins values along an axis, as Concat does. */
export function concatValues(parts: { shape: number[]; value: Dim[] }[], axis: number): Dim[] {
  const outer = aroundAxis(parts[0]!.shape, axis).outer;
  const result: Dim[] = [];
  for (let o = 0; o < outer; o++) {
    for (const part of parts) {
      const { length, inner } = aroundAxis(part.shape, axis);
      const chunk = length * inner;
      for (let k = 0; k < chunk; k++) result.push(part.value[o * chunk + k]!);
    }
  }
  return result;
}

/** Reduces values over a set of axes with `combine`, keeping the output in row-major order of the kept axes. */
export function reduceValues(shape: readonly number[], value: readonly Dim[], axes: ReadonlySet<number>, combine: (a: Dim, b: Dim) => Dim): Dim[] {
  const keptShape = shape.map((d, i) => (axes.has(i) ? 1 : d));
  const keptStrides = stridesOf(keptShape);
  const strides = stridesOf(shape as number[]);
  const result = new Array<Dim | undefined>(keptShape.reduce((a, b) => a * b, 1)).fill(undefined);
  for (let i = 0; i < value.length; i++) {
    let at = 0;
    let rest = i;
    for (let axis = 0; axis < shape.length; axis++) {
      const q = Math.floor(rest / strides[axis]!);
      rest -= q * strides[axis]!;
      if (!axes.has(axis)) at += q * keptStrides[axis]!;
    }
    const acc = result[at];
    result[at] = acc === undefined ? value[i]! : combine(acc, value[i]!);
  }
  return result.map((v) => (v === undefined ? null : v));
}
