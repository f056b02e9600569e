import { broadcast, dimAdd, dimDiv, dimMul, type Dim } from '../dims.js';
import { foldElementwise, isIntegerType, valuesOf, withValue } from '../folding.js';
import type { InferContext, InferFn, InferResult } from '../inference-types.js';

const BOOL = 9;
const FLOAT = 1;
const STRING = 8;

/** Output like input 0: every unary op whose result has its input's shape and type. */
const sameAsInput: InferFn = (ctx) => {
  const x = ctx.input(0);
  return x ? [{ elemType: x.elemType, shape: x.shape }] : [];
};

const UNARY = [
  'Abs', 'Acos', 'Acosh', 'Asin', 'Asinh', 'Atan', 'Atanh', 'Ceil', 'Celu', 'Cos', 'Cosh', 'Elu', 'Erf', 'Exp', 'Floor',
  'Gelu', 'HardSigmoid', 'HardSwish', 'Hardmax', 'Identity', 'LeakyRelu', 'Log', 'LogSoftmax', 'LpNormalization',
  'LRN', 'MeanVarianceNormalization', 'Mish', 'Neg', 'Reciprocal', 'Relu', 'Round', 'Selu', 'Shrink', 'Sigmoid', 'Sign', 'Sin',
  'Sinh', 'Softmax', 'Softplus', 'Softsign', 'Sqrt', 'Tan', 'Tanh', 'ThresholdedRelu', 'Clip', 'BitwiseNot', 'CumSum', 'Trilu',
];

const isNum = (d: Dim): d is number => typeof d === 'number';

/** Integer division as ONNX Runtime computes it (truncation); symbols divide as shape formulas do. */
function divide(x: Dim, y: Dim, integer: boolean): Dim {
  if (isNum(x) && isNum(y)) return y === 0 ? null : integer ? Math.trunc(x / y) : x / y;
  return integer ? dimDiv(x, y) : null;
}

function subtract(x: Dim, y: Dim): Dim {
  if (isNum(x) && isNum(y)) return x - y;
  if (x !== null && x === y) return 0;
  return dimAdd(x, dimMul(y, -1));
}

/**
 * A symbol built without subtraction ('batch', 'batch*16') is a dim, so never negative. This is what
 * lets torch's expand(n, -1, -1) pattern, Equal(shape, -1), fold on a dynamic batch.
 */
const nonNegative = (d: Dim) => typeof d === 'string' && !d.includes('-');

/** Equality of folded elements: equal numbers or the same symbol are equal; a dim differs from any negative number. */
function equal(x: Dim, y: Dim): Dim {
  if (isNum(x) && isNum(y)) return x === y ? 1 : 0;
  if ((nonNegative(x) && isNum(y) && y < 0) || (nonNegative(y) && isNum(x) && x < 0)) return 0;
  return x !== null && x === y ? 1 : null;
}

function numbers(fn: (a: number, b: number) => number | boolean): (x: Dim, y: Dim) => Dim {
  return (x, y) => {
    if (!isNum(x) || !isNum(y)) return null;
    const r = fn(x, y);
    return typeof r === 'boolean' ? (r ? 1 : 0) : Number.isFinite(r) ? r : null;
  };
}

/** Symbols only take part in integer arithmetic: 'batch*0.5' is no dim. */
function symbolic(fn: (x: Dim, y: Dim) => Dim, integer: boolean): (x: Dim, y: Dim) => Dim {
  return (x, y) => (integer || (isNum(x) && isNum(y)) ? fn(x, y) : null);
}

function pythonMod(a: number, b: number): number {
  const r = a % b;
  return r !== 0 && (r < 0) !== (b < 0) ? r + b : r;
}

/** How each foldable binary op combines two elements; `integer` tells whether the inputs are integers. */
function binaryFold(op: string, ctx: InferContext, integer: boolean): ((x: Dim, y: Dim) => Dim) | undefined {
  switch (op) {
    case 'Add': return symbolic(dimAdd, integer);
    case 'Sub': return symbolic(subtract, integer);
    case 'Mul': return symbolic(dimMul, integer);
    case 'Div': return (x, y) => divide(x, y, integer);
    case 'Mod': return numbers((a, b) => (b === 0 ? NaN : ctx.int('fmod', 0) === 1 ? a % b : pythonMod(a, b)));
    case 'Pow': return numbers((a, b) => a ** b);
    case 'Equal': return equal;
    case 'Less': return numbers((a, b) => a < b);
    case 'LessOrEqual': return numbers((a, b) => a <= b);
    case 'Greater': return numbers((a, b) => a > b);
    case 'GreaterOrEqual': return numbers((a, b) => a >= b);
    case 'And': return numbers((a, b) => a !== 0 && b !== 0);
    case 'Or': return numbers((a, b) => a !== 0 || b !== 0);
    case 'Xor': return numbers((a, b) => (a !== 0) !== (b !== 0));
    default: return undefined;
  }
}

function binary(outType: 'input' | 'bool'): InferFn {
  return (ctx: InferContext): InferResult => {
    const a = ctx.input(0);
    const b = ctx.input(1);
    if (!a || !b) return [];
    const shape = a.shape && b.shape ? broadcast(a.shape, b.shape) : null;
    const elemType = outType === 'bool' ? BOOL : a.elemType;
    const av = valuesOf(a);
    const bv = valuesOf(b);
    const fn = av && bv ? binaryFold(ctx.node.opType!, ctx, isIntegerType(a.elemType)) : undefined;
    if (!fn) return [{ elemType, shape }];
    return [withValue(elemType, shape, foldElementwise(shape, [av!, bv!], ([x, y]) => fn(x!, y!)))];
  };
}

function variadicFold(op: string, integer: boolean): ((xs: Dim[]) => Dim) | undefined {
  const all = (fn: (ns: number[]) => number) => (xs: Dim[]) => (xs.every(isNum) ? fn(xs) : xs.every((x) => x !== null && x === xs[0]) ? xs[0]! : null);
  switch (op) {
    case 'Max': return all((ns) => Math.max(...ns));
    case 'Min': return all((ns) => Math.min(...ns));
    case 'Sum': return integer ? (xs) => xs.reduce<Dim>((acc, x) => dimAdd(acc, x), 0) : (xs) => (xs.every(isNum) ? xs.reduce((p, q) => p + q, 0) : null);
    default: return undefined;
  }
}

/** Variadic ops (Sum, Max, Min, Mean) broadcast all their inputs. */
const variadic: InferFn = (ctx) => {
  const inputs = (ctx.node.input ?? []).map((_, i) => ctx.input(i));
  if (inputs.some((x) => !x)) return [];
  let shape: Dim[] | null = inputs[0]!.shape;
  for (const x of inputs.slice(1)) shape = shape && x!.shape ? broadcast(shape, x!.shape) : null;
  const elemType = inputs[0]!.elemType;
  const values = inputs.map(valuesOf);
  const fn = variadicFold(ctx.node.opType!, isIntegerType(elemType));
  if (!fn || values.some((v) => !v)) return [{ elemType, shape }];
  return [withValue(elemType, shape, foldElementwise(shape, values as { shape: number[]; value: Dim[] }[], fn))];
};

const where: InferFn = (ctx) => {
  const [c, x, y] = [ctx.input(0), ctx.input(1), ctx.input(2)];
  if (!c || !x || !y) return [];
  const xy = x.shape && y.shape ? broadcast(x.shape, y.shape) : null;
  const shape = xy && c.shape ? broadcast(c.shape, xy) : null;
  const values = [c, x, y].map(valuesOf);
  if (values.some((v) => !v)) return [{ elemType: x.elemType, shape }];
  const picked = foldElementwise(shape, values as { shape: number[]; value: Dim[] }[], ([k, a, b]) => (isNum(k!) ? (k !== 0 ? a! : b!) : null));
  return [withValue(x.elemType, shape, picked)];
};

/** One element converted to another type: integers truncate, bools are 0/1, symbols survive integer and float casts. */
function convert(v: Dim, to: number): Dim {
  if (v === null) return null;
  if (typeof v === 'string') return to === BOOL ? null : v;
  if (to === BOOL) return v !== 0 ? 1 : 0;
  if (isIntegerType(to)) return Number.isFinite(v) ? Math.trunc(v) : null;
  return v;
}

const cast: InferFn = (ctx) => {
  const x = ctx.input(0);
  if (!x) return [];
  const to = ctx.int('to', x.elemType);
  return [withValue(to, x.shape, to === STRING ? undefined : x.value?.map((v) => convert(v, to)))];
};

/** Unary ops worth folding in shape computations (Neg of a shape, Not of a mask, Floor of a scaled size). */
const UNARY_FOLD: Record<string, (v: number) => number> = {
  Neg: (v) => -v,
  Abs: Math.abs,
  Floor: Math.floor,
  Ceil: Math.ceil,
  // ONNX rounds halves to even.
  Round: (v) => (Math.abs(v % 1) === 0.5 ? 2 * Math.round(v / 2) : Math.round(v)),
  Sign: Math.sign,
  Relu: (v) => Math.max(0, v),
  // torchvision's resize computes its scale as 1/size (Reciprocal) before flooring the new size.
  Reciprocal: (v) => (v === 0 ? NaN : 1 / v),
  Sqrt: (v) => (v < 0 ? NaN : Math.sqrt(v)),
  Not: (v) => (v !== 0 ? 0 : 1),
};

function unaryFolding(rule: InferFn): InferFn {
  return (ctx) => {
    const [out] = rule(ctx);
    const x = ctx.input(0);
    const fn = UNARY_FOLD[ctx.node.opType!];
    if (!out || !x?.value || !fn) return out ? [out] : [];
    const value = x.value.map((v) => {
      if (isNum(v)) {
        const r = fn(v);
        return Number.isFinite(r) ? r : null;
      }
      return ctx.node.opType === 'Neg' && typeof v === 'string' ? dimMul(v, -1) : null;
    });
    return [withValue(out.elemType, out.shape, value)];
  };
}

const identity: InferFn = (ctx) => {
  const x = ctx.input(0);
  return x ? [x] : [];
};

const castLike: InferFn = (ctx) => {
  const [x, like] = [ctx.input(0), ctx.input(1)];
  return x && like ? [{ elemType: like.elemType, shape: x.shape }] : [];
};

const quantize: InferFn = (ctx) => {
  const x = ctx.input(0);
  if (!x) return [];
  const zeroPoint = ctx.input(2);
  return [{ elemType: zeroPoint?.elemType ?? (ctx.int('output_dtype', 0) || 2), shape: x.shape }];
};

const dynamicQuantize: InferFn = (ctx) => {
  const x = ctx.input(0);
  return x ? [{ elemType: 2, shape: x.shape }, { elemType: FLOAT, shape: [] }, { elemType: 2, shape: [] }] : [];
};

const dequantize: InferFn = (ctx) => {
  const [x, scale] = [ctx.input(0), ctx.input(1)];
  return x ? [{ elemType: scale?.elemType ?? FLOAT, shape: x.shape }] : [];
};

const dropout: InferFn = (ctx) => {
  const x = ctx.input(0);
  return x ? [{ elemType: x.elemType, shape: x.shape }, { elemType: BOOL, shape: x.shape }] : [];
};

/** PRelu's slope broadcasts to X only (unidirectionally; before opset 7 it was laid along the channels), so Y has X's shape. */
const prelu: InferFn = sameAsInput;

const toBool: InferFn = (ctx) => {
  const x = ctx.input(0);
  return x ? [{ elemType: BOOL, shape: x.shape }] : [];
};

export const ELEMENTWISE_OPS: Record<string, InferFn> = {
  ...Object.fromEntries(UNARY.map((op) => [op, op in UNARY_FOLD ? unaryFolding(sameAsInput) : sameAsInput])),
  Identity: identity,
  Not: unaryFolding(toBool),
  IsInf: toBool,
  IsNaN: toBool,
  Add: binary('input'),
  Sub: binary('input'),
  Mul: binary('input'),
  Div: binary('input'),
  Pow: binary('input'),
  Mod: binary('input'),
  BitShift: binary('input'),
  BitwiseAnd: binary('input'),
  BitwiseOr: binary('input'),
  BitwiseXor: binary('input'),
  PRelu: prelu,
  Equal: binary('bool'),
  Less: binary('bool'),
  LessOrEqual: binary('bool'),
  Greater: binary('bool'),
  GreaterOrEqual: binary('bool'),
  And: binary('bool'),
  Or: binary('bool'),
  Xor: binary('bool'),
  Sum: variadic,
  Max: variadic,
  Min: variadic,
  Mean: variadic,
  Where: where,
  Cast: cast,
  CastLike: castLike,
  QuantizeLinear: quantize,
  DequantizeLinear: dequantize,
  DynamicQuantizeLinear: dynamicQuantize,
  Dropout: dropout,
};
