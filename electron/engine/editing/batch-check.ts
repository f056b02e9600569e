import * as ort from 'onnxruntime-node';
import { seededRandom } from '../../../shared/model/seeded-random.js';
import { encodeModel } from '../../../shared/onnx/encode.js';
import type { ModelProto } from '../../../shared/onnx/types.js';
import { floatValues } from '../evaluation/compare-run.js';
import { modelInputs } from '../datasets/dataset.js';
import { QUIET } from '../profiling/backends.js';

const BATCH = 4;
/** The batch is also run at 2 (its first two samples): a batch size baked as 4/2 = 2 would pass at 4 alone. */
const SMALL_BATCH = 2;
const TOLERANCE = 1e-5;


function tensor(elemType: number, dims: number[], next: () => number): ort.Tensor {
  const n = dims.reduce((a, b) => a * b, 1);
  switch (elemType) {
    case 7:
      return new ort.Tensor('int64', BigInt64Array.from({ length: n }, () => BigInt(Math.floor(next() * 4))), dims);
    case 6:
      return new ort.Tensor('int32', Int32Array.from({ length: n }, () => Math.floor(next() * 4)), dims);
    case 9:
      return new ort.Tensor('bool', Uint8Array.from({ length: n }, () => (next() < 0.5 ? 1 : 0)), dims);
    default:
      return new ort.Tensor('float32', Float32Array.from({ length: n }, () => next()), dims);
  }
}

/** The feeds cut to their first `rows` samples along axis 0 (inputs without the batch stay whole). */
function firstRows(feeds: Record<string, ort.Tensor>, batched: ReadonlySet<string>, rows: number, of: number): Record<string, ort.Tensor> {
  const out: Record<string, ort.Tensor> = {};
  for (const [name, t] of Object.entries(feeds)) {
    if (!batched.has(name)) {
      out[name] = t;
      continue;
    }
    const size = t.data.length / of;
    out[name] = new ort.Tensor(t.type as 'float32', (t.data as Float32Array).slice(0, rows * size) as Float32Array, [rows, ...t.dims.slice(1)]);
  }
  return out;
}

/** A slice [k] of a batched tensor's data along axis 0. */
function row(data: ArrayLike<number>, k: number, rows: number): number[] {
  const size = data.length / rows;
  return Array.from({ length: size }, (_, i) => Number(data[k * size + i]));
}

/**
 * Checks that a model whose inputs' first axis is dynamic treats samples independently: batches of 4
 * and 2 random samples give, row by row, what each sample gives alone (within 1e-5). Returns a sentence
 * describing the first difference, or undefined when the batch behaves.
 */
export async function checkBatchIndependence(model: ModelProto, batchedInputs: readonly string[]): Promise<string | undefined> {
  let session: ort.InferenceSession;
  try {
    session = await ort.InferenceSession.create(encodeModel(model), QUIET);
  } catch (e) {
    return `ONNX Runtime cannot load the edited model (${e instanceof Error ? e.message.split('\n')[0] : String(e)})`;
  }
  try {
    const next = seededRandom(7);
    const inputs = modelInputs(model);
    const batched = new Set(batchedInputs);
    const feeds: Record<string, ort.Tensor> = {};
    const singles: Record<string, ort.Tensor>[] = Array.from({ length: BATCH }, () => ({}));
    for (const input of inputs) {
      const dims = input.dims.map((d, k) => (k === 0 && batched.has(input.name) ? BATCH : (d ?? 1)));
      const t = tensor(input.elemType, dims, next);
      feeds[input.name] = t;
      for (let k = 0; k < BATCH; k++) {
        if (!batched.has(input.name)) {
          singles[k]![input.name] = t;
          continue;
        }
        const size = t.data.length / BATCH;
        const data = (t.data as Float32Array).slice(k * size, (k + 1) * size);
        singles[k]![input.name] = new ort.Tensor(t.type as 'float32', data as Float32Array, [1, ...dims.slice(1)]);
      }
    }
    const alone = [];
    for (let k = 0; k < BATCH; k++) alone.push(await session.run(singles[k]!));
    for (const rows of [BATCH, SMALL_BATCH]) {
      const batchFeeds = rows === BATCH ? feeds : firstRows(feeds, batched, rows, BATCH);
      let together: ort.InferenceSession.OnnxValueMapType;
      try {
        together = await session.run(batchFeeds);
      } catch (e) {
        return `the edited model fails at batch ${rows} (${e instanceof Error ? e.message.split('\n')[0] : String(e)})`;
      }
      for (let k = 0; k < rows; k++) {
        for (const name of session.outputNames) {
          const a = floatValues(alone[k]![name] as ort.Tensor);
          const b = row(floatValues(together[name] as ort.Tensor), k, rows);
          if (a.length !== b.length) return `output '${name}' has ${b.length} values per sample in a batch of ${rows} but ${a.length} alone`;
          for (let i = 0; i < a.length; i++) {
            if (Math.abs(Number(a[i]) - b[i]!) > TOLERANCE * Math.max(1, Math.abs(b[i]!))) {
              return `output '${name}' of sample ${k + 1} in a batch of ${rows} differs from the same sample alone (${b[i]} against ${a[i]})`;
            }
          }
        }
      }
    }
    return undefined;
  } finally {
    await session.release();
  }
}
