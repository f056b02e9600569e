// Runs a model in onnxruntime-node on host tensors: the judge of every variant the CLI writes.
import * as ort from 'onnxruntime-node';
import { fromFloat16Bits, toFloat16Bits } from '../../shared/quantize/float16.js';
import type { HostTensor } from './seeded-tensors.js';

export interface OutputValues {
  name: string;
  dims: number[];
  /** Float outputs as numbers; integer outputs (labels, ids) too, compared for equality. */
  values: Float64Array;
  integer: boolean;
}

export interface LoadedModel {
  session: ort.InferenceSession;
  inputTypes: Record<string, string>;
}

export async function loadModel(file: string, threads: number): Promise<LoadedModel> {
  const session = await ort.InferenceSession.create(file, { intraOpNumThreads: threads, interOpNumThreads: 1, graphOptimizationLevel: 'all' });
  const inputTypes: Record<string, string> = {};
  for (const m of session.inputMetadata) if (m.isTensor) inputTypes[m.name] = m.type;
  return { session, inputTypes };
}

function toOrt(t: HostTensor, type: string): ort.Tensor {
  const values = t.data;
  switch (type) {
    case 'float32':
      return new ort.Tensor('float32', values instanceof Float32Array ? values : Float32Array.from(values as Int32Array), t.dims);
    case 'float16': {
      const bits = new Uint16Array(values.length);
      for (let i = 0; i < values.length; i++) bits[i] = toFloat16Bits(Number(values[i]));
      return new ort.Tensor('float16', bits, t.dims);
    }
    case 'int64':
      return new ort.Tensor('int64', values instanceof BigInt64Array ? values : BigInt64Array.from(Array.from(values as Float32Array, (v) => BigInt(Math.round(v)))), t.dims);
    case 'int32':
      return new ort.Tensor('int32', values instanceof Int32Array ? values : Int32Array.from(values as Float32Array), t.dims);
    default:
      throw new Error(`input '${t.name}' has element type ${type}, which the sweep does not feed`);
  }
}

export async function runModel(model: LoadedModel, feeds: HostTensor[]): Promise<OutputValues[]> {
  const ortFeeds: Record<string, ort.Tensor> = {};
  for (const t of feeds) ortFeeds[t.name] = toOrt(t, model.inputTypes[t.name] ?? 'float32');
  const results = await model.session.run(ortFeeds);
  return model.session.outputNames.map((name) => {
    const t = results[name]!;
    const integer = !t.type.startsWith('float');
    const data = t.data as ArrayLike<number | bigint>;
    const values = new Float64Array(data.length);
    if (t.type === 'float16') for (let i = 0; i < data.length; i++) values[i] = fromFloat16Bits(Number(data[i]));
    else for (let i = 0; i < data.length; i++) values[i] = Number(data[i]);
    return { name, dims: [...t.dims], values, integer };
  });
}

export async function release(model: LoadedModel): Promise<void> {
  await model.session.release();
}
