import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { intValues, numberValues } from '../../../shared/convert/constants.js';
import { decodeMessage } from '../../../shared/onnx/decode.js';
import type { TensorProto } from '../../../shared/onnx/types.js';

const ORT_TYPES: Record<number, ort.Tensor.Type> = { 1: 'float32', 2: 'uint8', 3: 'int8', 4: 'uint16', 5: 'int16', 6: 'int32', 7: 'int64', 9: 'bool', 10: 'float16', 11: 'float64', 12: 'uint32', 13: 'uint64' };

/** A conformance test's TensorProto as an ONNX Runtime tensor; undefined for types these tests do not feed (strings, float8...). */
export function toOrtTensor(t: TensorProto): ort.Tensor | undefined {
  const type = ORT_TYPES[t.dataType ?? 0];
  if (!type) return undefined;
  const dims = (t.dims ?? []).map(Number);
  if (type === 'int64' || type === 'uint64') {
    const v = intValues({ ...t, dataType: 7 });
    return v ? new ort.Tensor(type, type === 'int64' ? BigInt64Array.from(v) : BigUint64Array.from(v, (x) => BigInt.asUintN(64, x)), dims) : undefined;
  }
  if (type === 'float16') {
    const raw = t.rawData ? new Uint16Array(Uint8Array.prototype.slice.call(t.rawData).buffer) : Uint16Array.from(t.int32Data ?? []);
    return new ort.Tensor('float16', raw, dims);
  }
  const values = numberValues(t);
  if (!values) return undefined;
  const Ctor = { float32: Float32Array, uint8: Uint8Array, int8: Int8Array, uint16: Uint16Array, int16: Int16Array, int32: Int32Array, bool: Uint8Array, float64: Float64Array, uint32: Uint32Array }[type as 'float32'];
  return new ort.Tensor(type, Ctor.from(values), dims);
}

export interface ReferenceCase {
  inputs: TensorProto[];
  outputs: TensorProto[];
}

/** test_data_set_0 of a conformance model folder: its input and output tensors in order; undefined when one is not a tensor. */
export function referenceCase(dir: string): ReferenceCase | undefined {
  const set = path.join(dir, 'test_data_set_0');
  const files = readdirSync(set).sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
  const read = (prefix: string) => files.filter((f) => f.startsWith(prefix)).map((f) => decodeMessage<TensorProto>(readFileSync(path.join(set, f)), 'TensorProto'));
  try {
    return { inputs: read('input_'), outputs: read('output_') };
  } catch {
    return undefined; // a sequence or optional value, not a TensorProto
  }
}

/** Largest violation of |a - b| <= atol + rtol * |b| (ONNX's backend-test style); 0 when all match. */
export function worstMismatch(actual: ArrayLike<number | bigint>, expected: ArrayLike<number | bigint>, atol = 1e-5, rtol = 1e-3): number {
  let worst = 0;
  for (let i = 0; i < expected.length; i++) {
    const a = Number(actual[i]);
    const b = Number(expected[i]);
    if (Number.isNaN(a) && Number.isNaN(b)) continue;
    if (a === b) continue;
    const excess = Math.abs(a - b) - (atol + rtol * Math.abs(b));
    if (!(excess <= 0)) worst = Math.max(worst, Number.isNaN(excess) ? Infinity : excess);
  }
  return worst;
}
