import { broadcast, dimAdd, dimDiv, dimMul, type Dim } from '../dims.js';
import type { InferContext, InferFn, InferResult, ValueFacts } from '../inference-types.js';

const BOOL = 9;
const FLOAT = 1;

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

function foldBinary(op: string, a: ValueFacts, b: ValueFacts, shape: Dim[] | null): Dim[] | undefined {
  const av = a.value;
  const bv = b.value;
  if (!av || !bv || !shape) return undefined;
  const n = Math.max(av.length, bv.length);
  if ((av.length !== n && av.length !== 1) || (bv.length !== n && bv.length !== 1)) return undefined;
  const out: Dim[] = [];
  for (let i = 0; i < n; i++) {
    const x = av.length === 1 ? av[0]! : av[i]!;
    const y = bv.length === 1 ? bv[0]! : bv[i]!;
    out.push(op === 'Add' ? dimAdd(x, y) : op === 'Mul' ? dimMul(x, y) : op === 'Sub' ? (typeof x === 'number' && typeof y === 'number' ? x - y : dimAdd(x, dimMul(y, -1))) : dimDiv(x, y));
  }
  return out;
}

function binary(outType: 'input' | 'bool', foldable = false): InferFn {
  return (ctx: InferContext): InferResult => {
    const a = ctx.input(0);
    const b = ctx.input(1);
    if (!a || !b) return [];
    const shape = a.shape && b.shape ? broadcast(a.shape, b.shape) : null;
    const facts: ValueFacts = { elemType: outType === 'bool' ? BOOL : a.elemType, shape };
    if (foldable) {
      const value = foldBinary(ctx.node.opType!, a, b, shape);
      if (value && (a.elemType === 7 || a.elemType === 6)) facts.value = value;
    }
    return [facts];
  };
}

/** Variadic ops (Sum, Max, Min, Mean) broadcast all their inputs. */
const variadic: InferFn = (ctx) => {
  const inputs = (ctx.node.input ?? []).map((_, i) => ctx.input(i));
  if (inputs.some((x) => !x)) return [];
  let shape: Dim[] | null = inputs[0]!.shape;
  for (const x of inputs.slice(1)) shape = shape && x!.shape ? broadcast(shape, x!.shape) : null;
  return [{ elemType: inputs[0]!.elemType, shape }];
};

const where: InferFn = (ctx) => {
  const [c, x, y] = [ctx.input(0), ctx.input(1), ctx.input(2)];
  if (!c || !x || !y) return [];
  const xy = x.shape && y.shape ? broadcast(x.shape, y.shape) : null;
  return [{ elemType: x.elemType, shape: xy && c.shape ? broadcast(c.shape, xy) : null }];
};

const cast: InferFn = (ctx) => {
  const x = ctx.input(0);
  if (!x) return [];
  const to = ctx.int('to', x.elemType);
  return [{ elemType: to, shape: x.shape, ...(x.value && (to === 7 || to === 6) ? { value: x.value } : {}) }];
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

const dequantize: InferFn = (ctx) => {
  const [x, scale] = [ctx.input(0), ctx.input(1)];
  return x ? [{ elemType: scale?.elemType ?? FLOAT, shape: x.shape }] : [];
};

const dropout: InferFn = (ctx) => {
  const x = ctx.input(0);
  return x ? [{ elemType: x.elemType, shape: x.shape }, { elemType: BOOL, shape: x.shape }] : [];
};

const prelu: InferFn = binary('input');

const toBool: InferFn = (ctx) => {
  const x = ctx.input(0);
  return x ? [{ elemType: BOOL, shape: x.shape }] : [];
};

export const ELEMENTWISE_OPS: Record<string, InferFn> = {
  ...Object.fromEntries(UNARY.map((op) => [op, sameAsInput])),
  Not: toBool,
  IsInf: toBool,
  IsNaN: toBool,
  Add: binary('input', true),
  Sub: binary('input', true),
  Mul: binary('input', true),
  Div: binary('input', true),
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
  Dropout: dropout,
};
