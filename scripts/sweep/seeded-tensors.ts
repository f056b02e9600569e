// Seeded inputs for a model: the same bytes on every run and machine, so cached results stay comparable.
import type { SweepInput } from './corpus-manifest.js';

export interface HostTensor {
  name: string;
  /** The element type the model declares for this input (FLOAT, FLOAT16, INT64, ...). */
  elemType: string;
  dims: number[];
  data: Float32Array | BigInt64Array | Int32Array;
}

/** mulberry32: small, fast and good enough to draw test inputs. */
function generator(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Standard normal draws (Box-Muller): image inputs are normalised to about this range. */
function normals(count: number, seed: number): Float32Array {
  const next = generator(seed);
  const out = new Float32Array(count);
  for (let i = 0; i < count; i += 2) {
    const r = Math.sqrt(-2 * Math.log(1 - next()));
    const t = 2 * Math.PI * next();
    out[i] = r * Math.cos(t);
    if (i + 1 < count) out[i + 1] = r * Math.sin(t);
  }
  return out;
}

const count = (dims: number[]) => dims.reduce((a, b) => a * b, 1);

/**
 * Sample `index` of a model's inputs. Detection models take images in [0, 1], so their float inputs are
 * uniform there; integer inputs without a fixed value draw small non-negative ids.
 */
export function seededSample(inputs: SweepInput[], elemTypes: Record<string, string>, index: number, kind: string): HostTensor[] {
  return inputs.map((input, k) => {
    const elemType = elemTypes[input.name] ?? 'FLOAT';
    const seed = 1000 * index + k + 1;
    const n = count(input.shape);
    if (elemType === 'INT64') {
      const next = generator(seed);
      const data = new BigInt64Array(n);
      for (let i = 0; i < n; i++) data[i] = BigInt(input.value ?? Math.floor(next() * 16));
      return { name: input.name, elemType, dims: input.shape, data };
    }
    if (elemType === 'INT32') {
      const next = generator(seed);
      const data = new Int32Array(n);
      for (let i = 0; i < n; i++) data[i] = input.value ?? Math.floor(next() * 16);
      return { name: input.name, elemType, dims: input.shape, data };
    }
    let data = input.value !== undefined ? new Float32Array(n).fill(input.value) : normals(n, seed);
    if (kind === 'detection' && input.value === undefined) data = data.map((v) => 1 / (1 + Math.exp(-v)));
    return { name: input.name, elemType, dims: input.shape, data };
  });
}
