import * as ort from 'onnxruntime-node';
import { seededRandom } from '../../../shared/model/seeded-random.js';
import type { PreprocessSpec } from '../../../shared/preprocess/preprocess-spec.js';
import { runModelsInChild } from '../candidate-run/run-in-child.js';

export type Feeds = Record<string, ort.Tensor>;

const ORT_TYPES: Record<string, ort.Tensor.Type> = { float32: 'float32', float16: 'float16', int64: 'int64', int32: 'int32', uint8: 'uint8', int8: 'int8', bool: 'bool', float64: 'float64' };

/** Seeded random feeds at the given dims, in each input's own type. */
export function randomFeeds(inputs: ReadonlyArray<{ name: string; type: string; dims: number[] }>, seed = 11): Feeds {
  const next = seededRandom(seed);
  const feeds: Feeds = {};
  for (const { name, type, dims } of inputs) {
    const n = dims.reduce((a, b) => a * b, 1);
    const t = ORT_TYPES[type];
    if (!t) throw new Error(`input '${name}' is of type ${type}, which the bundle check cannot feed`);
    if (t === 'int64') feeds[name] = new ort.Tensor(t, BigInt64Array.from({ length: n }, () => BigInt(Math.floor(next() * 4))), dims);
    else if (t === 'int32') feeds[name] = new ort.Tensor(t, Int32Array.from({ length: n }, () => Math.floor(next() * 4)), dims);
    else if (t === 'uint8') feeds[name] = new ort.Tensor(t, Uint8Array.from({ length: n }, () => Math.floor(next() * 256)), dims);
    else if (t === 'bool') feeds[name] = new ort.Tensor(t, Uint8Array.from({ length: n }, () => (next() < 0.5 ? 1 : 0)), dims);
    else if (t === 'float16') feeds[name] = new ort.Tensor('float32', Float32Array.from({ length: n }, () => next()), dims);
    else feeds[name] = new ort.Tensor('float32', Float32Array.from({ length: n }, () => next()), dims);
  }
  return feeds;
}

/**
 * Runs model files in ONNX Runtime, each on its own feeds, in one child process (so a crash refuses the
 * export instead of ending the engine); throws a sentence naming the file that failed.
 */
export async function runModelFiles(models: ReadonlyArray<{ file: string; feeds: Feeds; label: string }>): Promise<Record<string, ort.Tensor>[]> {
  const runs = await runModelsInChild(models.map((m) => ({ source: { path: m.file }, label: `bundle's ${m.label}` })), [models.map((m) => m.feeds)]);
  if (runs.crash) throw new Error(`${runs.crash}; nothing was written`);
  for (const [i, problem] of runs.loadErrors.entries()) {
    if (problem !== null) throw new Error(`ONNX Runtime cannot load the bundle's ${models[i]!.label} (${problem})`);
  }
  return models.map((m, i) => {
    const run = runs.cases[0]![i];
    if (!run || 'error' in run) throw new Error(`ONNX Runtime cannot run the bundle's ${m.label} (${run && 'error' in run ? run.error : 'not run'})`);
    return run.outputs;
  });
}

/** Lets ONNX Runtime optimize a model file at `level` and save the result, in a child process (its optimizers can crash). */
export async function optimizeOffline(file: string, target: string, level: 'disabled' | 'basic' | 'extended' | 'all'): Promise<void> {
  const label = `model being optimized offline at level '${level}'`;
  const runs = await runModelsInChild([{ source: { path: file }, label, saveOptimizedTo: target }], [], { graphOptimizationLevel: level });
  if (runs.crash) throw new Error(`${runs.crash}; nothing was written`);
  if (runs.loadErrors[0]) throw new Error(`ONNX Runtime cannot optimize the bundle's model at level '${level}' (${runs.loadErrors[0]})`);
}

/** Runs a model file in ONNX Runtime; throws a sentence naming the file when it cannot. */
export async function runModelFile(file: string, feeds: Feeds, label: string): Promise<Record<string, ort.Tensor>> {
  return (await runModelFiles([{ file, feeds, label }]))[0]!;
}

/** The app's preprocessing of raw uint8 NHWC pixels already at the spec's size (no resize needed). */
export function preprocessPixels(raw: Uint8Array, batch: number, spec: PreprocessSpec): ort.Tensor {
  const [h, w] = spec.size;
  const c = spec.color === 'gray' ? 1 : 3;
  const out = new Float32Array(batch * c * h * w);
  const pick = (values: number[], ch: number) => (values.length === 1 ? values[0]! : values[ch]!);
  for (let n = 0; n < batch; n++) {
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        for (let ch = 0; ch < c; ch++) {
          const source = spec.color === 'bgr' ? 2 - ch : ch;
          const pixel = raw[((n * h + y) * w + x) * c + source]!;
          const value = (pixel * spec.scale - pick(spec.mean, ch)) / pick(spec.std, ch);
          const at = spec.layout === 'NCHW' ? ((n * c + ch) * h + y) * w + x : ((n * h + y) * w + x) * c + ch;
          out[at] = value;
        }
      }
    }
  }
  return new ort.Tensor('float32', out, spec.layout === 'NCHW' ? [batch, c, h, w] : [batch, h, w, c]);
}

/** Largest absolute difference between the outputs two runs share by name, and the largest magnitude seen. */
export function outputDifference(a: Record<string, ort.Tensor>, b: Record<string, ort.Tensor>): { maxAbsDiff: number; scale: number } {
  let maxAbsDiff = 0;
  let scale = 0;
  for (const [name, ta] of Object.entries(a)) {
    const tb = b[name];
    if (!tb) continue;
    if (ta.data.length !== tb.data.length) return { maxAbsDiff: Infinity, scale: 1 };
    for (let i = 0; i < ta.data.length; i++) {
      const x = Number(ta.data[i]);
      const y = Number(tb.data[i]);
      maxAbsDiff = Math.max(maxAbsDiff, Math.abs(x - y));
      scale = Math.max(scale, Math.abs(x));
    }
  }
  return { maxAbsDiff, scale };
}
