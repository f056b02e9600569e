// Writes .npy (format 1.0) files: the calibration and profiling inputs the CLI reads.
import { writeFileSync } from 'node:fs';
import type { HostTensor } from './seeded-tensors.js';

const DESCR: Record<string, string> = { FLOAT: '<f4', FLOAT16: '<f4', INT64: '<i8', INT32: '<i4' };

export function npyBytes(t: HostTensor): Buffer {
  const shape = t.dims.length === 1 ? `(${t.dims[0]},)` : `(${t.dims.join(', ')})`;
  let header = `{'descr': '${DESCR[t.elemType] ?? '<f4'}', 'fortran_order': False, 'shape': ${shape}, }`;
  // The header (with magic, version and length) is padded with spaces to a multiple of 64 bytes.
  const unpadded = 10 + header.length + 1;
  header += ' '.repeat((64 - (unpadded % 64)) % 64) + '\n';
  const head = Buffer.alloc(10);
  head.write('\x93NUMPY', 0, 'latin1');
  head[6] = 1;
  head[7] = 0;
  head.writeUInt16LE(header.length, 8);
  const body = Buffer.from(t.data.buffer, t.data.byteOffset, t.data.byteLength);
  return Buffer.concat([head, Buffer.from(header, 'latin1'), body]);
}

export function writeNpy(file: string, t: HostTensor): void {
  writeFileSync(file, npyBytes(t));
}
