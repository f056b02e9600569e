import * as ort from 'onnxruntime-node';
import { decodeMessage } from '../../../shared/onnx/decode.js';
import type { TensorProto } from '../../../shared/onnx/types.js';
import { parseNpy } from '../../../shared/model/npy.js';
import { elementReader } from '../../../shared/model/tensor-values.js';
import { elementCount } from '../../../shared/model/tensor-info.js';
import { toFloat16Bits } from '../../../shared/quantize/float16.js';

/** Element types a dataset can feed, as ONNX numbers them. */
const FLOAT = 1;
const FLOAT16 = 10;
const DOUBLE = 11;

/** Values of one sample for one input, before conversion to the input's element type. */
export interface SampleValues {
  data: Float32Array | Float64Array | Int32Array | BigInt64Array | Uint8Array;
  dims: number[];
}

export function readNpyValues(bytes: Uint8Array): SampleValues {
  const a = parseNpy(bytes);
  if (a.dtype === 'bool') return { data: new Uint8Array(a.data as Uint8Array), dims: a.shape };
  return { data: a.data as SampleValues['data'], dims: a.shape };
}

export function readTensorProtoValues(bytes: Uint8Array): SampleValues {
  const t = decodeMessage<TensorProto>(bytes, 'TensorProto');
  const dims = (t.dims ?? []).map(Number);
  const read = elementReader(t);
  if (!read) throw new Error(`its element type (${t.dataType ?? 0}) cannot be fed from a file`);
  const n = elementCount(t.dims);
  if (t.dataType === 7) return { data: BigInt64Array.from({ length: n }, (_, i) => BigInt(read(i))), dims };
  return { data: Float32Array.from({ length: n }, (_, i) => read(i)), dims };
}

/**
 * Builds the ONNX Runtime tensor an input takes from a sample's values: converts the element type, and
 * adds a leading batch axis of 1 when the sample lacks it. `expected` holds the input's fixed dims
 * (undefined where dynamic); a mismatch throws a sentence naming both shapes.
 */
export function toInputTensor(values: SampleValues, elemType: number, expected: (number | undefined)[]): ort.Tensor {
  let dims = values.dims;
  if (dims.length === expected.length - 1) dims = [1, ...dims];
  const fits = dims.length === expected.length && dims.every((d, i) => expected[i] === undefined || expected[i] === d);
  if (!fits) {
    throw new Error(`it has shape [${values.dims.join(', ')}] but the input takes [${expected.map((d) => d ?? '?').join(', ')}]`);
  }
  const n = values.data.length;
  switch (elemType) {
    case FLOAT:
      return new ort.Tensor('float32', values.data instanceof Float32Array ? values.data : Float32Array.from(values.data as ArrayLike<number>, Number), dims);
    case FLOAT16: {
      const half = new Uint16Array(n);
      for (let i = 0; i < n; i++) half[i] = toFloat16Bits(Number(values.data[i]!));
      return new ort.Tensor('float16', half, dims);
    }
    case DOUBLE:
      return new ort.Tensor('float64', Float64Array.from(values.data as ArrayLike<number>, Number), dims);
    case 7:
      return new ort.Tensor('int64', values.data instanceof BigInt64Array ? values.data : BigInt64Array.from(values.data as ArrayLike<number>, (v) => BigInt(Math.round(Number(v)))), dims);
    case 6:
      return new ort.Tensor('int32', Int32Array.from(values.data as ArrayLike<number>, Number), dims);
    case 2:
      return new ort.Tensor('uint8', Uint8Array.from(values.data as ArrayLike<number>, Number), dims);
    case 9:
      return new ort.Tensor('bool', Uint8Array.from(values.data as ArrayLike<number>, (v) => (Number(v) ? 1 : 0)), dims);
    default:
      throw new Error(`inputs of element type ${elemType} cannot be fed from a dataset`);
  }
}
