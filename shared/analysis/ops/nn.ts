import { axisOf, broadcast, dimMul, type Dim } from '../dims.js';
import type { InferContext, InferFn } from '../inference-types.js';

/** One spatial output size of Conv/pooling; symbolic inputs stay symbolic only when the size is unchanged. */
function spatial(input: Dim, kernel: number, stride: number, dilation: number, padTotal: number, autoPad: string, ceil: boolean): Dim {
  const span = dilation * (kernel - 1) + 1;
  if (autoPad === 'SAME_UPPER' || autoPad === 'SAME_LOWER') {
    if (typeof input === 'number') return Math.ceil(input / stride);
    return stride === 1 ? input : null;
  }
  const pads = autoPad === 'VALID' ? 0 : padTotal;
  if (typeof input !== 'number') return stride === 1 && pads === span - 1 ? input : null;
  const free = input + pads - span;
  return (ceil ? Math.ceil(free / stride) : Math.floor(free / stride)) + 1;
}

function windowed(ctx: InferContext, kernel: number[], channels: Dim): Dim[] | null {
  const x = ctx.input(0)!;
  if (!x.shape) return null;
  const n = kernel.length;
  const strides = ctx.ints('strides') ?? new Array<number>(n).fill(1);
  const dilations = ctx.ints('dilations') ?? new Array<number>(n).fill(1);
  const pads = ctx.ints('pads') ?? new Array<number>(2 * n).fill(0);
  const autoPad = ctx.string('auto_pad', 'NOTSET');
  const ceil = ctx.int('ceil_mode', 0) === 1;
  const out: Dim[] = [x.shape[0]!, channels];
  for (let i = 0; i < n; i++) out.push(spatial(x.shape[2 + i]!, kernel[i]!, strides[i]!, dilations[i]!, pads[i]! + pads[i + n]!, autoPad, ceil));
  return out;
}

const conv: InferFn = (ctx) => {
  const [x, w] = [ctx.input(0), ctx.input(1)];
  if (!x) return [];
  const kernel = ctx.ints('kernel_shape') ?? (w?.shape ? (w.shape.slice(2) as Dim[]).map((d) => (typeof d === 'number' ? d : NaN)) : undefined);
  if (!kernel || kernel.some(Number.isNaN) || !w?.shape) return [{ elemType: x.elemType, shape: null }];
  return [{ elemType: x.elemType, shape: windowed(ctx, kernel, w.shape[0]!) }];
};

const convTranspose: InferFn = (ctx) => {
  const [x, w] = [ctx.input(0), ctx.input(1)];
  if (!x) return [];
  if (!x.shape || !w?.shape) return [{ elemType: x.elemType, shape: null }];
  const n = x.shape.length - 2;
  const group = ctx.int('group', 1);
  const channels = dimMul(w.shape[1]!, group);
  const outputShape = ctx.ints('output_shape');
  if (outputShape) return [{ elemType: x.elemType, shape: [x.shape[0]!, channels, ...outputShape.slice(-n)] }];
  const kernel = ctx.ints('kernel_shape') ?? (w.shape.slice(2) as number[]);
  const strides = ctx.ints('strides') ?? new Array<number>(n).fill(1);
  const dilations = ctx.ints('dilations') ?? new Array<number>(n).fill(1);
  const pads = ctx.ints('pads') ?? new Array<number>(2 * n).fill(0);
  const outPad = ctx.ints('output_padding') ?? new Array<number>(n).fill(0);
  const autoPad = ctx.string('auto_pad', 'NOTSET');
  const out: Dim[] = [x.shape[0]!, channels];
  for (let i = 0; i < n; i++) {
    const d = x.shape[2 + i]!;
    if (typeof d !== 'number' || typeof kernel[i] !== 'number') out.push(null);
    else if (autoPad === 'SAME_UPPER' || autoPad === 'SAME_LOWER') out.push(d * strides[i]!);
    else out.push(strides[i]! * (d - 1) + outPad[i]! + (kernel[i]! - 1) * dilations[i]! + 1 - pads[i]! - pads[i + n]!);
  }
  return [{ elemType: x.elemType, shape: out }];
};

const pool: InferFn = (ctx) => {
  const x = ctx.input(0);
  if (!x) return [];
  const kernel = ctx.ints('kernel_shape');
  if (!kernel || !x.shape) return [{ elemType: x.elemType, shape: null }];
  const shape = windowed(ctx, kernel, x.shape[1]!);
  return ctx.node.opType === 'MaxPool' && (ctx.node.output?.length ?? 0) > 1 ? [{ elemType: x.elemType, shape }, { elemType: 7, shape }] : [{ elemType: x.elemType, shape }];
};

const globalPool: InferFn = (ctx) => {
  const x = ctx.input(0);
  if (!x) return [];
  return [{ elemType: x.elemType, shape: x.shape ? [x.shape[0]!, x.shape[1]!, ...x.shape.slice(2).map(() => 1)] : null }];
};

const matmul: InferFn = (ctx) => {
  const [a, b] = [ctx.input(0), ctx.input(1)];
  if (!a || !b) return [];
  if (!a.shape || !b.shape) return [{ elemType: a.elemType, shape: null }];
  const as = a.shape.length === 1 ? [1, a.shape[0]!] : a.shape;
  const bs = b.shape.length === 1 ? [b.shape[0]!, 1] : b.shape;
  const batch = broadcast(as.slice(0, -2), bs.slice(0, -2));
  if (!batch) return [{ elemType: a.elemType, shape: null }];
  const out: Dim[] = [...batch];
  if (a.shape.length > 1) out.push(as.at(-2)!);
  if (b.shape.length > 1) out.push(bs.at(-1)!);
  return [{ elemType: a.elemType, shape: out }];
};

const gemm: InferFn = (ctx) => {
  const [a, b] = [ctx.input(0), ctx.input(1)];
  if (!a || !b) return [];
  if (!a.shape || !b.shape || a.shape.length !== 2 || b.shape.length !== 2) return [{ elemType: a.elemType, shape: null }];
  const m = ctx.int('transA', 0) ? a.shape[1]! : a.shape[0]!;
  const n = ctx.int('transB', 0) ? b.shape[0]! : b.shape[1]!;
  return [{ elemType: a.elemType, shape: [m, n] }];
};

/** Normalizations keep X's shape; BatchNormalization in training mode also returns the running mean and variance ([C]). */
const batchNorm: InferFn = (ctx) => {
  const x = ctx.input(0);
  if (!x) return [];
  const channels: Dim[] = [x.shape?.[1] ?? ctx.input(1)?.shape?.[0] ?? null];
  return [{ elemType: x.elemType, shape: x.shape }, { elemType: ctx.input(3)?.elemType ?? x.elemType, shape: channels }, { elemType: ctx.input(4)?.elemType ?? x.elemType, shape: channels }];
};

/** MaxUnpool: the given output_shape, else each spatial size (in - 1) * stride + kernel - pads. */
const maxUnpool: InferFn = (ctx) => {
  const x = ctx.input(0);
  if (!x) return [];
  if ((ctx.node.input?.[2] ?? '') !== '') {
    const given = ctx.input(2)?.value;
    return [{ elemType: x.elemType, shape: given ?? (typeof ctx.input(2)?.shape?.[0] === 'number' ? new Array<Dim>(ctx.input(2)!.shape![0] as number).fill(null) : null) }];
  }
  const kernel = ctx.ints('kernel_shape');
  if (!x.shape || !kernel) return [{ elemType: x.elemType, shape: null }];
  const n = kernel.length;
  const strides = ctx.ints('strides') ?? new Array<number>(n).fill(1);
  const pads = ctx.ints('pads') ?? new Array<number>(2 * n).fill(0);
  const spatialDims = x.shape.slice(2).map((d, i) => (typeof d === 'number' ? (d - 1) * strides[i]! + kernel[i]! - pads[i]! - pads[i + n]! : null));
  return [{ elemType: x.elemType, shape: [x.shape[0]!, x.shape[1]!, ...spatialDims] }];
};

/** GridSample: N and C of X, the spatial sizes of the grid ([N, H_out, W_out, 2]). */
const gridSample: InferFn = (ctx) => {
  const [x, grid] = [ctx.input(0), ctx.input(1)];
  if (!x) return [];
  if (!x.shape || !grid?.shape) return [{ elemType: x.elemType, shape: null }];
  return [{ elemType: x.elemType, shape: [x.shape[0]!, x.shape[1]!, ...grid.shape.slice(1, -1)] }];
};

/** RoiAlign: one [C, output_height, output_width] map per region of interest. */
const roiAlign: InferFn = (ctx) => {
  const [x, rois] = [ctx.input(0), ctx.input(1)];
  if (!x) return [];
  return [{ elemType: x.elemType, shape: [rois?.shape?.[0] ?? null, x.shape?.[1] ?? null, ctx.int('output_height', 1), ctx.int('output_width', 1)] }];
};

const layerNorm: InferFn = (ctx) => {
  const x = ctx.input(0);
  if (!x) return [];
  if (!x.shape) return [{ elemType: x.elemType, shape: null }];
  const axis = axisOf(ctx.int('axis', -1), x.shape.length) ?? 0;
  const reduced = x.shape.map((d, i) => (i < axis ? d : 1));
  return [{ elemType: x.elemType, shape: x.shape }, { elemType: 1, shape: reduced }, { elemType: 1, shape: reduced }];
};

/** LSTM/GRU/RNN outputs: Y [seq, directions, batch, hidden], Y_h and Y_c [directions, batch, hidden]. */
const recurrent: InferFn = (ctx) => {
  const x = ctx.input(0);
  if (!x?.shape) return [];
  // Thrown, not skipped: an If branch that feeds a recurrent op a wrong rank is a branch that cannot run.
  if (x.shape.length !== 3) throw new Error(`${ctx.node.opType} input X must have rank 3 [seq, batch, input], not rank ${x.shape.length}`);
  const hidden = ctx.int('hidden_size', 0) || null;
  const directions = ctx.string('direction', 'forward') === 'bidirectional' ? 2 : 1;
  const layoutBatchFirst = ctx.int('layout', 0) === 1;
  const [seq, batch] = layoutBatchFirst ? [x.shape[1]!, x.shape[0]!] : [x.shape[0]!, x.shape[1]!];
  const y: Dim[] = layoutBatchFirst ? [batch, seq, directions, hidden] : [seq, directions, batch, hidden];
  const state: Dim[] = layoutBatchFirst ? [batch, directions, hidden] : [directions, batch, hidden];
  return [{ elemType: x.elemType, shape: y }, { elemType: x.elemType, shape: state }, { elemType: x.elemType, shape: state }];
};

/**
 * QLinearConv/QLinearMatMul: the float rule applied to their data inputs (0 and 3; 1-2 and 4-5 are
 * scales and zero points), with the output type of the output zero point (input 7).
 */
function qlinear(rule: InferFn): InferFn {
  return (ctx) => rule({ ...ctx, input: (i) => ctx.input(i === 1 ? 3 : i) }).map((f) => f && { ...f, elemType: ctx.input(7)?.elemType ?? f.elemType });
}

export const NN_OPS: Record<string, InferFn> = {
  Conv: conv,
  ConvInteger: (ctx) => conv(ctx).map((f) => f && { ...f, elemType: 6 }),
  QLinearConv: qlinear(conv),
  ConvTranspose: convTranspose,
  MaxPool: pool,
  AveragePool: pool,
  LpPool: pool,
  GlobalAveragePool: globalPool,
  GlobalMaxPool: globalPool,
  GlobalLpPool: globalPool,
  MatMul: matmul,
  MatMulInteger: (ctx) => matmul(ctx).map((f) => f && { ...f, elemType: 6 }),
  QLinearMatMul: qlinear(matmul),
  Gemm: gemm,
  BatchNormalization: batchNorm,
  InstanceNormalization: batchNorm,
  GroupNormalization: batchNorm,
  LayerNormalization: layerNorm,
  MaxUnpool: maxUnpool,
  GridSample: gridSample,
  RoiAlign: roiAlign,
  LSTM: recurrent,
  GRU: (ctx) => recurrent(ctx).slice(0, 2),
  RNN: (ctx) => recurrent(ctx).slice(0, 2),
};

