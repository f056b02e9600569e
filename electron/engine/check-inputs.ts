// The inputs a check runs a model on: seeded random values at the model's dims, or at the dims and
// values the user gives. Values matter for inputs that select behaviour rather than carry data (a
// speech model's sample rate: silero-vad runs only at 8000 or 16000).
import * as ort from 'onnxruntime-node';
import { seededRandom } from '../../shared/model/seeded-random.js';
import type { ModelProto } from '../../shared/onnx/types.js';
import { toFloat16Bits } from '../../shared/quantize/float16.js';
import { modelInputs, type ModelInput } from './datasets/dataset.js';

export interface CheckInputs {
  /** Dims by input name (a dim left symbolic runs at 1). */
  shapes?: Readonly<Record<string, readonly (number | string | null)[]>>;
  /** A value every element of the named input holds, instead of random ones. */
  values?: Readonly<Record<string, number>>;
}

/** A tensor of `elemType` at `dims`, each element from `value()` (ints rounded, bools nonzero). */
function tensorOf(elemType: number, dims: number[], value: (kind: 'int' | 'small' | 'byte' | 'bool' | 'float') => number): ort.Tensor {
  const n = dims.reduce((a, b) => a * b, 1);
  switch (elemType) {
    case 7:
      return new ort.Tensor('int64', BigInt64Array.from({ length: n }, () => BigInt(Math.round(value('int')))), dims);
    case 6:
      return new ort.Tensor('int32', Int32Array.from({ length: n }, () => Math.round(value('int'))), dims);
    case 3:
      return new ort.Tensor('int8', Int8Array.from({ length: n }, () => Math.round(value('small'))), dims);
    case 2:
      return new ort.Tensor('uint8', Uint8Array.from({ length: n }, () => Math.round(value('byte'))), dims);
    case 9:
      return new ort.Tensor('bool', Uint8Array.from({ length: n }, () => (value('bool') ? 1 : 0)), dims);
    case 10:
      return new ort.Tensor('float16', Uint16Array.from({ length: n }, () => toFloat16Bits(value('float'))), dims);
    case 11:
      return new ort.Tensor('float64', Float64Array.from({ length: n }, () => value('float')), dims);
    default:
      return new ort.Tensor('float32', Float32Array.from({ length: n }, () => value('float')), dims);
  }
}

/** Seeded random values: integers 0..3, int8 -4..3, bytes 0..255, floats in [-1, 1). */
export function randomTensor(elemType: number, dims: number[], next: () => number): ort.Tensor {
  return tensorOf(elemType, dims, (kind) => {
    const r = next();
    return kind === 'int' ? Math.floor(r * 4) : kind === 'small' ? Math.floor(r * 8) - 4 : kind === 'byte' ? Math.floor(r * 256) : kind === 'bool' ? (r < 0.5 ? 1 : 0) : r * 2 - 1;
  });
}

/** The feed for one input: the user's value everywhere when given, seeded random values otherwise. */
export function checkFeed(input: ModelInput, dims: number[], next: () => number, values: CheckInputs['values'] = {}): ort.Tensor {
  const fixed = values[input.name];
  return fixed === undefined ? randomTensor(input.elemType, dims, next) : tensorOf(input.elemType, dims, () => fixed);
}

/** An input's dims for a check: the given ones where numbers, the model's where static, `dynamic` elsewhere. */
export function checkDims(input: ModelInput, shapes: CheckInputs['shapes'] = {}, dynamic = 1): number[] {
  const given = shapes[input.name];
  return input.dims.map((d, k) => (typeof given?.[k] === 'number' ? (given[k] as number) : (d ?? dynamic)));
}

/** Seeded feeds for a model's inputs (initializers excluded). */
export function checkFeeds(model: ModelProto, seed = 1, inputs: CheckInputs = {}): Record<string, ort.Tensor> {
  const next = seededRandom(seed);
  return Object.fromEntries(modelInputs(model).map((input) => [input.name, checkFeed(input, checkDims(input, inputs.shapes), next, inputs.values)]));
}

/**
 * Checks user-given check inputs against the model: each name must be one of its inputs, and each
 * shape must have the input's rank. Returns the problem in one sentence, or undefined.
 */
export function checkInputsProblem(model: ModelProto, inputs: CheckInputs): string | undefined {
  const byName = new Map(modelInputs(model).map((i) => [i.name, i]));
  for (const [name, dims] of Object.entries(inputs.shapes ?? {})) {
    const input = byName.get(name);
    if (!input) return `The model has no input '${name}'; its inputs are: ${[...byName.keys()].join(', ')}.`;
    if (dims.length !== input.dims.length) return `Input '${name}' has ${input.dims.length} dims, but ${dims.length} were given.`;
  }
  for (const name of Object.keys(inputs.values ?? {})) {
    if (!byName.has(name)) return `The model has no input '${name}'; its inputs are: ${[...byName.keys()].join(', ')}.`;
  }
  return undefined;
}
