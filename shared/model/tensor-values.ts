import type { TensorProto } from '../onnx/types.js';
import { elementCount } from './tensor-info.js';
import { fromFloat16Bits } from '../quantize/float16.js';

const bf16Scratch = new DataView(new ArrayBuffer(4));
function bf16ToFloat(b: number): number {
  bf16Scratch.setUint32(0, b << 16);
  return bf16Scratch.getFloat32(0);
}

/** Element reader over little-endian raw bytes (copied to an aligned buffer first: views may be unaligned). */
function rawReader(type: number, raw: Uint8Array): ((i: number) => number) | undefined {
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  switch (type) {
    case 1: return (i) => view.getFloat32(i * 4, true);
    case 2: return (i) => view.getUint8(i);
    case 3: return (i) => view.getInt8(i);
    case 4: return (i) => view.getUint16(i * 2, true);
    case 5: return (i) => view.getInt16(i * 2, true);
    case 6: return (i) => view.getInt32(i * 4, true);
    case 7: return (i) => Number(view.getBigInt64(i * 8, true));
    case 9: return (i) => view.getUint8(i);
    case 10: return (i) => fromFloat16Bits(view.getUint16(i * 2, true));
    case 11: return (i) => view.getFloat64(i * 8, true);
    case 12: return (i) => view.getUint32(i * 4, true);
    case 13: return (i) => Number(view.getBigUint64(i * 8, true));
    case 16: return (i) => bf16ToFloat(view.getUint16(i * 2, true));
    default: return undefined;
  }
}

/** Reader over the typed fields ONNX uses when raw_data is absent (int32_data also carries 8/16-bit types). */
function fieldReader(t: TensorProto): ((i: number) => number) | undefined {
  const type = t.dataType ?? 0;
  if (type === 1 && t.floatData) return (i) => t.floatData![i]!;
  if (type === 11 && t.doubleData) return (i) => t.doubleData![i]!;
  if ((type === 7) && t.int64Data) return (i) => Number(t.int64Data![i]!);
  if ((type === 12 || type === 13) && t.uint64Data) return (i) => Number(t.uint64Data![i]!);
  if (t.int32Data) {
    if (type === 10) return (i) => fromFloat16Bits(t.int32Data![i]!);
    if (type === 16) return (i) => bf16ToFloat(t.int32Data![i]!);
    if ([2, 3, 4, 5, 6, 9].includes(type)) return (i) => t.int32Data![i]!;
  }
  return undefined;
}

/**
 * Reads element i of a tensor as a number, from `raw` (external data), raw_data, or the typed fields;
 * undefined for element types without a numeric reading here (strings, float8, 4-bit).
 */
export function elementReader(t: TensorProto, raw?: Uint8Array): ((i: number) => number) | undefined {
  const bytes = raw ?? t.rawData;
  return bytes ? rawReader(t.dataType ?? 0, bytes) : fieldReader(t);
}

/** All values of a small tensor, or undefined when it is larger than `max` elements or not numeric. */
export function smallTensorValues(t: TensorProto, max: number): number[] | undefined {
  const n = elementCount(t.dims);
  if (n > max) return undefined;
  const read = elementReader(t);
  if (!read) return undefined;
  try {
    return Array.from({ length: n }, (_, i) => read(i));
  } catch {
    return undefined; // fewer bytes than the dims claim: not a value we can fold
  }
}

/**
 * A float32 tensor's values as an aligned Float32Array (a copy: raw_data views into the file may be
 * unaligned). `raw` supplies external data.
 */
export function floatArray(t: TensorProto, raw?: Uint8Array): Float32Array {
  const n = elementCount(t.dims);
  const bytes = raw ?? t.rawData;
  if (bytes) {
    if (bytes.byteLength !== n * 4) throw new Error(`tensor '${t.name ?? ''}' holds ${bytes.byteLength} bytes, not the ${n * 4} its shape needs`);
    // Uint8Array's slice copies; a Node Buffer's own slice would return a view of its whole pool.
    return new Float32Array(Uint8Array.prototype.slice.call(bytes).buffer);
  }
  if (t.floatData && t.floatData.length === n) return Float32Array.from(t.floatData);
  if (n === 0) return new Float32Array(0);
  throw new Error(`tensor '${t.name ?? ''}' has no float data for its ${n} elements`);
}
