import { dataTypeName } from '../onnx/data-types.js';
import type { TensorProto } from '../onnx/types.js';
import { elementCount } from './tensor-info.js';
import { elementReader } from './tensor-values.js';

/** NumPy dtype of each ONNX element type that NumPy holds as is (little-endian, as ONNX raw data is). */
const DTYPES: Record<number, { descr: string; bytes: number }> = {
  1: { descr: '<f4', bytes: 4 },
  2: { descr: '|u1', bytes: 1 },
  3: { descr: '|i1', bytes: 1 },
  4: { descr: '<u2', bytes: 2 },
  5: { descr: '<i2', bytes: 2 },
  6: { descr: '<i4', bytes: 4 },
  7: { descr: '<i8', bytes: 8 },
  9: { descr: '|b1', bytes: 1 },
  10: { descr: '<f2', bytes: 2 },
  11: { descr: '<f8', bytes: 8 },
  12: { descr: '<u4', bytes: 4 },
  13: { descr: '<u8', bytes: 8 },
};
const BFLOAT16 = 16;

export class NpyExportError extends Error {}

/** The .npy header (format 1.0): magic, version, length, a Python dict literal padded to 64 bytes. */
function header(descr: string, dims: number[]): Uint8Array {
  const shape = dims.length === 1 ? `(${dims[0]},)` : `(${dims.join(', ')})`;
  let dict = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${shape}, }`;
  const total = Math.ceil((10 + dict.length + 1) / 64) * 64;
  dict = dict.padEnd(total - 10 - 1, ' ') + '\n';
  const out = new Uint8Array(total);
  out.set([0x93, ...new TextEncoder().encode('NUMPY'), 1, 0, dict.length & 0xff, dict.length >> 8], 0);
  out.set(new TextEncoder().encode(dict), 10);
  return out;
}

/**
 * A tensor as a NumPy .npy file. bfloat16 becomes float32 (NumPy has no bfloat16; Netron does the
 * same); element types NumPy cannot hold (strings, float8, 4-bit) are refused in one sentence.
 * `raw` supplies the bytes of external data.
 */
export function tensorToNpy(t: TensorProto, raw?: Uint8Array): Uint8Array {
  const type = t.dataType ?? 0;
  const dims = (t.dims ?? []).map(Number);
  const n = elementCount(t.dims);
  const target = type === BFLOAT16 ? DTYPES[1]! : DTYPES[type];
  if (!target) throw new NpyExportError(`'${t.name ?? ''}' is a ${dataTypeName(type)} tensor, which NumPy cannot hold; only numeric and bool tensors save as .npy`);
  const head = header(target.descr, dims);
  const out = new Uint8Array(head.length + n * target.bytes);
  out.set(head, 0);
  const body = new DataView(out.buffer, head.length);
  const bytes = raw ?? t.rawData;
  if (bytes && type !== BFLOAT16) {
    if (bytes.byteLength !== n * target.bytes) throw new NpyExportError(`'${t.name ?? ''}' holds ${bytes.byteLength} bytes, not the ${n * target.bytes} its shape needs`);
    out.set(bytes, head.length);
    return out;
  }
  // 64-bit integers are copied exactly, never through a float.
  if ((type === 7 && t.int64Data) || ((type === 12 || type === 13) && t.uint64Data)) {
    const values = type === 7 ? t.int64Data! : t.uint64Data!;
    if (values.length !== n) throw new NpyExportError(`'${t.name ?? ''}' has ${values.length} values for ${n} elements`);
    values.forEach((v, i) => {
      if (type === 7) body.setBigInt64(i * 8, BigInt(v), true);
      else if (type === 13) body.setBigUint64(i * 8, BigInt(v), true);
      else body.setUint32(i * 4, Number(v), true);
    });
    return out;
  }
  const read = elementReader(t, raw);
  if (!read) throw new NpyExportError(`'${t.name ?? ''}' has no values to save`);
  const write: Record<string, (i: number, v: number) => void> = {
    '<f4': (i, v) => body.setFloat32(i * 4, v, true),
    '|u1': (i, v) => body.setUint8(i, v),
    '|i1': (i, v) => body.setInt8(i, v),
    '<u2': (i, v) => body.setUint16(i * 2, v, true),
    '<i2': (i, v) => body.setInt16(i * 2, v, true),
    '<i4': (i, v) => body.setInt32(i * 4, v, true),
    '|b1': (i, v) => body.setUint8(i, v ? 1 : 0),
    // float16 stored in int32_data holds the bit pattern; reading gave the value, so write it back as bits.
    '<f2': (i) => body.setUint16(i * 2, t.int32Data![i]! & 0xffff, true),
    '<f8': (i, v) => body.setFloat64(i * 8, v, true),
  };
  const put = write[target.descr]!;
  for (let i = 0; i < n; i++) put(i, read(i));
  return out;
}
