import { monomialDim, parseMonomial } from '../dim-monomial.js';
import { axisOf, broadcast, dataDependentDim, dimAdd, dimDiv, dimMul, dimsProduct, type Dim } from '../dims.js';
import type { InferContext, InferFn } from '../inference-types.js';
import { concatValues, elementCountOf, FOLD_LIMIT, foldElementwise, takeAlongAxis, transposeValues, valuesOf, withValue } from '../folding.js';
import { tensorFacts } from '../tensor-facts.js';

const INT64 = 7;
const BIG = 2 ** 62;

/** A constant 1-D integer input (Reshape target, Slice starts, axes...), or undefined when not known. */
function constInts(ctx: InferContext, i: number): Dim[] | undefined {
  return ctx.input(i)?.value;
}

function numeric(values: Dim[] | undefined): number[] | undefined {
  return values && values.every((v): v is number => typeof v === 'number') ? values : undefined;
}

const shape: InferFn = (ctx) => {
  const x = ctx.input(0);
  if (!x) return [];
  if (!x.shape) return [{ elemType: INT64, shape: [null] }];
  const rank = x.shape.length;
  const clamp = (v: number) => Math.max(0, Math.min(rank, v < 0 ? v + rank : v));
  const dims = x.shape.slice(clamp(ctx.int('start', 0)), clamp(ctx.int('end', rank)));
  return [withValue(INT64, [dims.length], dims)];
};

const size: InferFn = (ctx) => {
  const x = ctx.input(0);
  if (!x) return [];
  return [withValue(INT64, [], x.shape ? [dimsProduct(x.shape)] : undefined)];
};

const constant: InferFn = (ctx) => {
  const t = ctx.attr('value')?.t;
  if (t) return [tensorFacts(t)];
  const f = ctx.attr('value_float');
  if (f) return [{ elemType: 1, shape: [], value: [f.f ?? 0] }];
  const fs = ctx.attr('value_floats');
  if (fs) return [withValue(1, [fs.floats?.length ?? 0], fs.floats ?? [])];
  const i = ctx.attr('value_int');
  if (i) return [{ elemType: INT64, shape: [], value: [Number(i.i ?? 0)] }];
  const is = ctx.attr('value_ints');
  if (is) return [withValue(INT64, [is.ints?.length ?? 0], (is.ints ?? []).map(Number))];
  return [];
};

const constantOfShape: InferFn = (ctx) => {
  const dims = constInts(ctx, 0);
  const t = ctx.attr('value')?.t;
  const elemType = t?.dataType ?? 1;
  if (!dims) return [{ elemType, shape: ctx.input(0)?.shape?.[0] !== undefined && typeof ctx.input(0)!.shape![0] === 'number' ? new Array<Dim>(ctx.input(0)!.shape![0] as number).fill(null) : null }];
  const count = elementCountOf(dims);
  const fill = t ? tensorFacts(t).value?.[0] ?? 0 : 0;
  return [withValue(elemType, dims, count !== undefined && count <= FOLD_LIMIT ? new Array<Dim>(count).fill(fill) : undefined)];
};

/**
 * The product of `input` divided by the product of `others` when every dim is a monomial and the
 * symbols of `others` all cancel: [197, batch, 768] -> [197, -1, 64] gives 'batch*12'.
 */
function monomialQuotient(input: Dim[], others: Dim[]): Dim | undefined {
  const top = input.map(parseMonomial);
  const bottom = others.map(parseMonomial);
  if (top.some((m) => !m) || bottom.some((m) => !m)) return undefined;
  const symbols = top.flatMap((m) => m!.symbols);
  for (const s of bottom.flatMap((m) => m!.symbols)) {
    const k = symbols.indexOf(s);
    if (k < 0) return undefined;
    symbols.splice(k, 1);
  }
  const divisor = bottom.reduce((a, m) => a * m!.coefficient, 1);
  if (divisor === 0) return undefined;
  return monomialDim({ coefficient: top.reduce((a, m) => a * m!.coefficient, 1) / divisor, symbols: symbols.sort() });
}

function resolveReshape(input: Dim[], target: Dim[], allowZero: boolean): Dim[] {
  const out = target.map((d, i) => (d === 0 && !allowZero ? (input[i] ?? null) : d));
  const inferred = out.indexOf(-1);
  if (inferred < 0) return out;
  const others = out.filter((_, i) => i !== inferred);
  const total = dimsProduct(input);
  const known = dimsProduct(others);
  if (typeof total === 'number' && typeof known === 'number') out[inferred] = known === 0 ? 0 : total / known;
  else if (monomialQuotient(input, others) !== undefined) out[inferred] = monomialQuotient(input, others)!;
  else {
    // Cancel a symbol that appears once on each side: [batch, 3, 224, 224] -> [batch, -1] gives 150528.
    const symbolsIn = input.filter((d) => typeof d !== 'number');
    const symbolsOut = others.filter((d) => typeof d !== 'number');
    const numIn = input.filter((d): d is number => typeof d === 'number').reduce((a, b) => a * b, 1);
    const numOut = others.filter((d): d is number => typeof d === 'number').reduce((a, b) => a * b, 1);
    if (symbolsIn.every((s) => s !== null) && symbolsOut.length === 0 && symbolsIn.length > 0) out[inferred] = dimMul(dimsProduct(symbolsIn), numIn / numOut);
    else if (symbolsIn.length === symbolsOut.length && symbolsIn.every((s, i) => s !== null && s === symbolsOut[i]) && numIn % numOut === 0) out[inferred] = numIn / numOut;
    else out[inferred] = null;
  }
  return out;
}

const reshape: InferFn = (ctx) => {
  const x = ctx.input(0);
  if (!x) return [];
  const target = ctx.opset >= 5 ? constInts(ctx, 1) : ctx.ints('shape');
  if (!target) {
    const rank = ctx.input(1)?.shape?.[0];
    return [{ elemType: x.elemType, shape: typeof rank === 'number' ? new Array<Dim>(rank).fill(null) : null }];
  }
  const out = x.shape ? resolveReshape(x.shape, target, ctx.int('allowzero', 0) === 1) : target.map((d) => (d === -1 || d === 0 ? null : d));
  return [withValue(x.elemType, out, x.value)];
};

const flatten: InferFn = (ctx) => {
  const x = ctx.input(0);
  if (!x) return [];
  if (!x.shape) return [{ elemType: x.elemType, shape: [null, null] }];
  const axis = ctx.int('axis', 1);
  const a = axis < 0 ? axis + x.shape.length : axis;
  return [withValue(x.elemType, [dimsProduct(x.shape.slice(0, a)), dimsProduct(x.shape.slice(a))], x.value)];
};

const transpose: InferFn = (ctx) => {
  const x = ctx.input(0);
  if (!x) return [];
  if (!x.shape) return [{ elemType: x.elemType, shape: null }];
  const perm = ctx.ints('perm') ?? x.shape.map((_, i) => x.shape!.length - 1 - i);
  const shape = perm.map((p) => x.shape![p] ?? null);
  const v = valuesOf(x);
  const isPermutation = perm.length === x.shape.length && new Set(perm).size === perm.length && perm.every((p) => p >= 0 && p < perm.length);
  return [withValue(x.elemType, shape, v && isPermutation ? transposeValues(v.shape, v.value, perm) : undefined)];
};

function axesFrom(ctx: InferContext, inputIndex: number, sinceOpset: number): number[] | undefined {
  return ctx.opset >= sinceOpset ? numeric(constInts(ctx, inputIndex)) : ctx.ints('axes');
}

const squeeze: InferFn = (ctx) => {
  const x = ctx.input(0);
  if (!x) return [];
  if (!x.shape) return [{ elemType: x.elemType, shape: null }];
  const given = (ctx.node.input?.length ?? 0) > 1 || ctx.attr('axes') ? axesFrom(ctx, 1, 13) : [];
  if (given === undefined) return [{ elemType: x.elemType, shape: null }];
  const rank = x.shape.length;
  let axes = given.map((a) => axisOf(a, rank)!);
  if (given.length === 0) {
    if (x.shape.some((d) => typeof d !== 'number')) return [{ elemType: x.elemType, shape: null }];
    axes = x.shape.flatMap((d, i) => (d === 1 ? [i] : []));
  }
  const out = x.shape.filter((_, i) => !axes.includes(i));
  return [withValue(x.elemType, out, x.value)];
};

const unsqueeze: InferFn = (ctx) => {
  const x = ctx.input(0);
  if (!x) return [];
  const given = axesFrom(ctx, 1, 13);
  if (!x.shape || !given) return [{ elemType: x.elemType, shape: null }];
  const rank = x.shape.length + given.length;
  const axes = new Set(given.map((a) => axisOf(a, rank)!));
  const out: Dim[] = [];
  let k = 0;
  for (let i = 0; i < rank; i++) out.push(axes.has(i) ? 1 : x.shape[k++]!);
  return [withValue(x.elemType, out, x.value)];
};

const concat: InferFn = (ctx) => {
  const inputs = (ctx.node.input ?? []).map((_, i) => ctx.input(i));
  const first = inputs[0];
  if (!first || inputs.some((x) => !x)) return [];
  if (inputs.some((x) => !x!.shape)) return [{ elemType: first.elemType, shape: null }];
  const rank = first.shape!.length;
  const axis = axisOf(ctx.int('axis', 0), rank);
  if (axis === undefined) return [{ elemType: first.elemType, shape: null }];
  const joined = (i: number): Dim => {
    const sum = inputs.reduce<Dim>((acc, x) => dimAdd(acc, x!.shape![i]!), 0);
    // A sum of many data-dependent counts (one per class in a detector) outgrows the symbol length limit.
    return sum === null && inputs.every((x) => x!.shape![i] !== null) ? dataDependentDim(ctx.node.name, ctx.node.opType, `dim${i}`) : sum;
  };
  const out = first.shape!.map((d, i) => (i === axis ? joined(i) : (inputs.map((x) => x!.shape![i]!).find((v) => typeof v === 'number') ?? d)));
  const parts = inputs.map(valuesOf);
  // Values join only when every part agrees on the other axes (a malformed model may not).
  const joinable = parts.every((p) => p && p.shape.length === rank && p.shape.every((d, i) => i === axis || d === parts[0]!.shape[i]));
  const values = joinable ? concatValues(parts as { shape: number[]; value: Dim[] }[], axis) : undefined;
  return [withValue(first.elemType, out, values)];
};

const split: InferFn = (ctx) => {
  const x = ctx.input(0);
  const outputs = ctx.node.output?.length ?? 0;
  if (!x) return [];
  if (!x.shape) return new Array(outputs).fill({ elemType: x.elemType, shape: null });
  const axis = axisOf(ctx.int('axis', 0), x.shape.length)!;
  const splitInput = ctx.opset >= 13 && (ctx.node.input?.[1] ?? '') !== '';
  const given = splitInput ? numeric(constInts(ctx, 1)) : ctx.ints('split');
  const whole = x.shape[axis]!;
  let parts: Dim[];
  if (given) parts = given;
  else if (splitInput) parts = new Array<Dim>(outputs).fill(null); // sizes come at run time
  else if (typeof whole === 'number') {
    const n = ctx.int('num_outputs', outputs) || outputs;
    const each = Math.ceil(whole / n);
    parts = Array.from({ length: outputs }, (_, i) => Math.max(0, Math.min(each, whole - each * i)));
  } else parts = new Array<Dim>(outputs).fill(null);
  const v = valuesOf(x);
  let offset = 0;
  return parts.map((p) => {
    const shape = x.shape!.map((d, i) => (i === axis ? p : d));
    const positions = v && typeof p === 'number' ? Array.from({ length: p }, (_, j) => offset + j) : undefined;
    offset += typeof p === 'number' ? p : NaN;
    const value = v && positions && positions.every((q) => q < v.shape[axis]!) ? takeAlongAxis(v.shape, v.value, axis, positions) : undefined;
    return withValue(x.elemType, shape, value);
  });
};

/** Slice's clamping rules: negative indices count from the end; the range depends on the step's sign. */
function clampIndex(v: number, dim: number, step: number, isStart: boolean): number {
  const i = v < 0 ? v + dim : v;
  if (step > 0) return Math.max(0, Math.min(dim, i));
  return Math.max(isStart ? 0 : -1, Math.min(dim - 1, i));
}

/**
 * The length a Slice keeps along one axis when the dim or a bound is a symbol (a data-dependent count,
 * or a bound read from such a shape): the whole axis and the empty slice are exact; any other cut of a
 * symbolic range has one size per run that no formula here can write, so it gets a named dim.
 */
function symbolicSliceLength(ctx: InferContext, axis: number, dim: Dim, start: Dim, end: Dim, step: Dim): Dim {
  if (step === 1 && start === 0 && (end === dim || (typeof end === 'number' && end >= BIG))) return dim;
  if (start !== null && start === end) return 0;
  if (dim === null || start === null || end === null || step === null) return null;
  const named = dataDependentDim(ctx.node.name, ctx.node.opType, `dim${axis}`);
  // torchvision keeps the first post_nms_top_n boxes this way: at most `end` of them.
  if (step === 1 && typeof start === 'number' && typeof end === 'number' && start >= 0 && end >= start) ctx.bound(named, end - start);
  return named;
}

const slice: InferFn = (ctx) => {
  const x = ctx.input(0);
  if (!x) return [];
  if (!x.shape) return [{ elemType: x.elemType, shape: null }];
  const rank = x.shape.length;
  const v10 = ctx.opset >= 10;
  const starts = v10 ? constInts(ctx, 1) : ctx.ints('starts');
  const ends = v10 ? constInts(ctx, 2) : ctx.ints('ends');
  const axesGiven = v10 ? ((ctx.node.input?.[3] ?? '') !== '' ? numeric(constInts(ctx, 3)) : null) : (ctx.ints('axes') ?? null);
  const stepsGiven = v10 && (ctx.node.input?.[4] ?? '') !== '';
  const steps = stepsGiven ? constInts(ctx, 4) : undefined;
  if (!starts || !ends || axesGiven === undefined || (stepsGiven && !steps)) return [{ elemType: x.elemType, shape: x.shape.map(() => null) }];
  const axes = axesGiven ?? starts.map((_, i) => i);
  const out = [...x.shape];
  let known = valuesOf(x);
  axes.forEach((a, k) => {
    const axis = axisOf(a, rank);
    if (axis === undefined) throw new Error(`Slice axis ${a} is out of range for rank ${rank}`);
    const dim = x.shape![axis]!;
    const step = steps?.[k] ?? 1;
    const start = starts[k] ?? null;
    const end = ends[k] ?? null;
    if (step === 0) throw new Error('Slice step is 0');
    if (typeof dim !== 'number' || typeof start !== 'number' || typeof end !== 'number' || typeof step !== 'number') {
      out[axis] = symbolicSliceLength(ctx, axis, dim, start, end, step);
      known = undefined;
      return;
    }
    const s = clampIndex(start, dim, step, true);
    const e = clampIndex(end, dim, step, false);
    const count = Math.max(0, Math.ceil((e - s) / step));
    out[axis] = count;
    if (known) {
      const positions = Array.from({ length: count }, (_, j) => s + j * step);
      known = { shape: known.shape.map((d, i) => (i === axis ? count : d)), value: takeAlongAxis(known.shape, known.value, axis, positions) };
    }
  });
  return [withValue(x.elemType, out, known?.value)];
};

const gather: InferFn = (ctx) => {
  const [data, indices] = [ctx.input(0), ctx.input(1)];
  if (!data || !indices) return [];
  if (!data.shape || !indices.shape) return [{ elemType: data.elemType, shape: null }];
  const axis = axisOf(ctx.int('axis', 0), data.shape.length);
  if (axis === undefined) return [{ elemType: data.elemType, shape: null }];
  const out = [...data.shape.slice(0, axis), ...indices.shape, ...data.shape.slice(axis + 1)];
  const d = valuesOf(data);
  const idx = numeric(valuesOf(indices)?.value);
  let value: Dim[] | undefined;
  if (d && idx) {
    const length = d.shape[axis]!;
    const positions = idx.map((i) => (i < 0 ? i + length : i));
    if (positions.every((p) => p >= 0 && p < length)) value = takeAlongAxis(d.shape, d.value, axis, positions);
  }
  return [withValue(data.elemType, out, value)];
};

const expand: InferFn = (ctx) => {
  const x = ctx.input(0);
  if (!x) return [];
  const target = constInts(ctx, 1);
  if (x.shape && target) {
    const shape = broadcast(x.shape, target);
    const v = valuesOf(x);
    return [withValue(x.elemType, shape, v ? foldElementwise(shape, [v], ([e]) => e!) : undefined)];
  }
  // Target values unknown but their count known: the rank still is (dims stay unknown).
  const count = ctx.input(1)?.shape?.[0];
  if (x.shape && typeof count === 'number') return [{ elemType: x.elemType, shape: Array.from({ length: Math.max(x.shape.length, count) }, () => null) }];
  return [{ elemType: x.elemType, shape: null }];
};

const tile: InferFn = (ctx) => {
  const x = ctx.input(0);
  if (!x) return [];
  const repeats = constInts(ctx, 1);
  const shape = x.shape && repeats ? x.shape.map((d, i) => dimMul(d, repeats[i] ?? null)) : null;
  const v = valuesOf(x);
  const n = numeric(repeats);
  // Tiling is concatenating copies along each axis in turn.
  let tiled = v && n && n.length === v.shape.length && elementCountOf(shape) !== undefined && elementCountOf(shape)! <= FOLD_LIMIT ? v : undefined;
  n?.forEach((r, axis) => {
    if (tiled) tiled = { shape: tiled.shape.map((d, i) => (i === axis ? d * r : d)), value: concatValues(new Array(r).fill(tiled), axis) };
  });
  return [withValue(x.elemType, shape, tiled?.value)];
};

const pad: InferFn = (ctx) => {
  const x = ctx.input(0);
  if (!x) return [];
  if (!x.shape) return [{ elemType: x.elemType, shape: null }];
  const pads = ctx.opset >= 11 ? numeric(constInts(ctx, 1)) : ctx.ints('pads') ?? ctx.ints('paddings');
  if (!pads) return [{ elemType: x.elemType, shape: x.shape.map(() => null) }];
  const rank = x.shape.length;
  const axes = ctx.opset >= 18 && (ctx.node.input?.[3] ?? '') !== '' ? numeric(constInts(ctx, 3)) : x.shape.map((_, i) => i);
  if (!axes) return [{ elemType: x.elemType, shape: x.shape.map(() => null) }];
  const out = [...x.shape];
  axes.forEach((a, k) => {
    const axis = axisOf(a, rank)!;
    out[axis] = dimAdd(dimAdd(x.shape![axis]!, pads[k]!), pads[k + axes.length]!);
  });
  return [{ elemType: x.elemType, shape: out }];
};

const resize: InferFn = (ctx) => {
  const x = ctx.input(0);
  if (!x) return [];
  if (!x.shape) return [{ elemType: x.elemType, shape: null }];
  const op = ctx.node.opType;
  const scalesIndex = op === 'Upsample' || ctx.opset < 11 ? 1 : 2;
  const sizes = op === 'Resize' && ctx.opset >= 11 && (ctx.node.input?.[3] ?? '') !== '' ? constInts(ctx, 3) : undefined;
  const scalesInput = (ctx.node.input?.[scalesIndex] ?? '') !== '' ? ctx.input(scalesIndex)?.value : undefined;
  const scales = op === 'Upsample' && ctx.opset < 9 ? ctx.attr('scales')?.floats : scalesInput;
  const axes = ctx.ints('axes') ?? x.shape.map((_, i) => i);
  const out = [...x.shape];
  if (sizes) axes.forEach((a, k) => (out[axisOf(a, out.length)!] = sizes[k] ?? null));
  else if (scales && scales.length > 0) {
    axes.forEach((a, k) => {
      const axis = axisOf(a, out.length)!;
      const d = x.shape![axis]!;
      const s = scales[k];
      out[axis] = typeof d === 'number' && typeof s === 'number' ? Math.floor(d * s) : s === 1 ? d : null;
    });
  } else return [{ elemType: x.elemType, shape: x.shape.map(() => null) }];
  return [{ elemType: x.elemType, shape: out }];
};

const range: InferFn = (ctx) => {
  const [start, limit, delta] = [0, 1, 2].map((i) => ctx.input(i)?.value?.[0]);
  const elemType = ctx.input(0)?.elemType ?? INT64;
  if (typeof start !== 'number' || typeof limit !== 'number' || typeof delta !== 'number' || delta === 0) return [{ elemType, shape: [null] }];
  const n = Math.max(0, Math.ceil((limit - start) / delta));
  return [withValue(elemType, [n], n <= FOLD_LIMIT ? Array.from({ length: n }, (_, i) => start + i * delta) : undefined)];
};

const nonZero: InferFn = (ctx) => {
  const x = ctx.input(0);
  if (!x) return [];
  const count = dataDependentDim(ctx.node.name, ctx.node.opType, 'count');
  const elements = x.shape ? elementCountOf(x.shape) : undefined;
  if (elements !== undefined) ctx.bound(count, elements);
  return [{ elemType: INT64, shape: [x.shape ? x.shape.length : null, count] }];
};


/** NonMaxSuppression: one [batch, class, box] row per kept box; how many are kept depends on the scores. */
const nonMaxSuppression: InferFn = (ctx) => [{ elemType: INT64, shape: [dataDependentDim(ctx.node.name, ctx.node.opType, 'selected'), 3] }];

const topK: InferFn = (ctx) => {
  const x = ctx.input(0);
  if (!x?.shape) return x ? [{ elemType: x.elemType, shape: null }, { elemType: INT64, shape: null }] : [];
  const axis = axisOf(ctx.int('axis', -1), x.shape.length)!;
  // K folded from shapes (torchvision's min(k, anchors)) is its number; K computed from data is named.
  const folded = ctx.opset >= 10 ? (ctx.input(1)?.value?.[0] ?? null) : ctx.int('k', 0);
  const k = folded ?? dataDependentDim(ctx.node.name, ctx.node.opType, 'k');
  const out = x.shape.map((d, i) => (i === axis ? k : d));
  return [{ elemType: x.elemType, shape: out }, { elemType: INT64, shape: out }];
};

const depthToSpace: InferFn = (ctx) => {
  const x = ctx.input(0);
  if (!x?.shape || x.shape.length !== 4) return x ? [{ elemType: x.elemType, shape: null }] : [];
  const b = ctx.int('blocksize', 1);
  const [n, c, h, w] = x.shape as [Dim, Dim, Dim, Dim];
  return [{ elemType: x.elemType, shape: [n, dimDiv(c, b * b), dimMul(h, b), dimMul(w, b)] }];
};

const spaceToDepth: InferFn = (ctx) => {
  const x = ctx.input(0);
  if (!x?.shape || x.shape.length !== 4) return x ? [{ elemType: x.elemType, shape: null }] : [];
  const b = ctx.int('blocksize', 1);
  const [n, c, h, w] = x.shape as [Dim, Dim, Dim, Dim];
  return [{ elemType: x.elemType, shape: [n, dimMul(c, b * b), dimDiv(h, b), dimDiv(w, b)] }];
};

const eyeLike: InferFn = (ctx) => {
  const x = ctx.input(0);
  return x ? [{ elemType: ctx.int('dtype', x.elemType), shape: x.shape }] : [];
};

export const SHAPE_OPS: Record<string, InferFn> = {
  SequenceLength: () => [{ elemType: INT64, shape: [] }],
  Shape: shape,
  Size: size,
  Constant: constant,
  ConstantOfShape: constantOfShape,
  Reshape: reshape,
  Flatten: flatten,
  Transpose: transpose,
  Squeeze: squeeze,
  Unsqueeze: unsqueeze,
  Concat: concat,
  Split: split,
  Slice: slice,
  Gather: gather,
  Expand: expand,
  Tile: tile,
  Pad: pad,
  Resize: resize,
  Upsample: resize,
  Range: range,
  NonZero: nonZero,
  TopK: topK,
  NonMaxSuppression: nonMaxSuppression,
  DepthToSpace: depthToSpace,
  SpaceToDepth: spaceToDepth,
  EyeLike: eyeLike,
};
