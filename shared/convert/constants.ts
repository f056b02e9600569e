import { elementReader } from '../model/tensor-values.js';
import { elementCount } from '../model/tensor-info.js';
import { toFloat16Bits } from '../quantize/float16.js';
import type { TensorProto } from '../onnx/types.js';

/** A 1-D int64 tensor (what ONNX uses for axes, pads, starts/ends, sizes, k). */
export function int64Tensor(values: readonly (number | bigint)[], dims: number[] = [values.length]): TensorProto {
  const data = BigInt64Array.from(values, (v) => BigInt(v));
  return { dims, dataType: 7, rawData: new Uint8Array(data.buffer) };
}

/** A float tensor of an element type (float, float16 bits, double); scalar when dims is []. */
export function floatTensor(values: readonly number[], elemType: number, dims: number[] = [values.length]): TensorProto {
  if (elemType === 11) return { dims, dataType: 11, rawData: new Uint8Array(Float64Array.from(values).buffer) };
  if (elemType === 10) {
    const halves = Uint16Array.from(values, toFloat16Bits);
    return { dims, dataType: 10, rawData: new Uint8Array(halves.buffer) };
  }
  return { dims, dataType: 1, rawData: new Uint8Array(Float32Array.from(values).buffer) };
}

/** The integer values of a constant (int64 stays exact as bigint); undefined when not an integer tensor. */
export function intValues(t: TensorProto): bigint[] | undefined {
  const n = elementCount(t.dims);
  const type = t.dataType ?? 0;
  if (type === 7) {
    if (t.rawData) {
      if (t.rawData.byteLength !== n * 8) return undefined;
      const view = new DataView(t.rawData.buffer, t.rawData.byteOffset, t.rawData.byteLength);
      return Array.from({ length: n }, (_, i) => view.getBigInt64(i * 8, true));
    }
    return (t.int64Data ?? []).map((v) => BigInt(v));
  }
  if (type !== 6 && type !== 5 && type !== 3 && type !== 2 && type !== 4 && type !== 12) return undefined;
  const read = elementReader(t);
  if (!read) return undefined;
  try {
    return Array.from({ length: n }, (_, i) => BigInt(read(i)));
  } catch {
    return undefined;
  }
}

/** The numeric values of a constant as numbers; undefined when they cannot be read. */
export function numberValues(t: TensorProto): number[] | undefined {
  const read = elementReader(t);
  if (!read) return undefined;
  try {
    return Array.from({ length: elementCount(t.dims) }, (_, i) => read(i));
  } catch {
    return undefined;
  }
}

/** Whether a tensor holds no elements (an 'empty' optional input written as a tensor). */
export function isEmptyTensor(t: TensorProto): boolean {
  return elementCount(t.dims) === 0 && (t.dims ?? []).length > 0;
}
