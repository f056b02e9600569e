/** A NumPy .npy array: dtype, shape and the elements (C order). */
export interface NpyArray {
  dtype: 'float32' | 'float64' | 'int64' | 'int32' | 'uint8' | 'bool';
  shape: number[];
  data: Float32Array | Float64Array | BigInt64Array | Int32Array | Uint8Array;
}

const DTYPES: Record<string, { dtype: NpyArray['dtype']; bytes: number }> = {
  '<f4': { dtype: 'float32', bytes: 4 },
  '<f8': { dtype: 'float64', bytes: 8 },
  '<i8': { dtype: 'int64', bytes: 8 },
  '<i4': { dtype: 'int32', bytes: 4 },
  '|u1': { dtype: 'uint8', bytes: 1 },
  '|b1': { dtype: 'bool', bytes: 1 },
};

/**
 * Reads a .npy file (format versions 1 to 3: magic, header length, a Python-dict header, then the
 * data). Throws an Error with one sentence for anything it cannot read.
 */
export function parseNpy(bytes: Uint8Array): NpyArray {
  const magic = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59];
  if (bytes.length < 10 || magic.some((b, i) => bytes[i] !== b)) throw new Error('not a .npy file (the magic bytes are missing)');
  const major = bytes[6]!;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const start = major === 1 ? 10 : 12;
  if (start + headerLength > bytes.length) throw new Error('the .npy header runs past the end of the file');
  const header = new TextDecoder().decode(bytes.subarray(start, start + headerLength));
  const descr = /'descr'\s*:\s*'([^']+)'/.exec(header)?.[1];
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(header)?.[1];
  const shapeText = /'shape'\s*:\s*\(([^)]*)\)/.exec(header)?.[1];
  if (!descr || !fortran || shapeText === undefined) throw new Error('the .npy header lacks descr, fortran_order or shape');
  if (fortran === 'True') throw new Error('Fortran-ordered .npy arrays are not supported; save with np.ascontiguousarray');
  const type = DTYPES[descr];
  if (!type) throw new Error(`.npy dtype '${descr}' is not supported (use float32, float64, int64, int32, uint8 or bool, little-endian)`);
  const shape = shapeText.split(',').map((s) => s.trim()).filter(Boolean).map(Number);
  const count = shape.reduce((a, b) => a * b, 1);
  const dataStart = start + headerLength;
  if (bytes.length - dataStart < count * type.bytes) throw new Error(`the .npy file has fewer bytes than its shape (${shape.join('x')}) needs`);
  // Copy into an aligned buffer: the data offset need not be a multiple of the element size.
  const copy = new Uint8Array(count * type.bytes);
  copy.set(bytes.subarray(dataStart, dataStart + count * type.bytes));
  const data =
    type.dtype === 'float32' ? new Float32Array(copy.buffer)
    : type.dtype === 'float64' ? new Float64Array(copy.buffer)
    : type.dtype === 'int64' ? new BigInt64Array(copy.buffer)
    : type.dtype === 'int32' ? new Int32Array(copy.buffer)
    : copy;
  return { dtype: type.dtype, shape, data };
}
