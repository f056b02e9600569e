import { EngineError } from '../api/errors.js';
import type { Dim } from '../model/tensor-info.js';

/** A graph input as the file declares it: dims are numbers, symbols ('batch') or null (unknown); null shape = rank unknown. */
export interface DeclaredInput {
  name: string;
  shape: Dim[] | null;
}

/**
 * What a profile feeds when neither the file nor the user fixes a dim. The batch is the symbol on
 * axis 0 of the first input that has one (and any unnamed axis-0 dim), set to 1; every other symbol
 * or unknown dim (sequence length, a dynamic height) is set to 128: a typical sequence length, and
 * divisible by the strides image models need.
 */
export const DEFAULT_BATCH = 1;
export const DEFAULT_OTHER_DIM = 128;

export interface ResolvedShapes {
  /** The dims each input is fed with. */
  shapes: Record<string, number[]>;
  /** Dims neither the file nor the user fixed, by symbol ('sequence') or `input[axis]` when unnamed, with the value assumed. */
  assumed: Record<string, number>;
  /** Axes that carry the batch, by input: the batch symbol wherever it appears and unknown axis-0 dims. Empty without a dynamic batch. */
  batchAxes: Record<string, number[]>;
}

const unnamed = (input: string, axis: number) => `${input}[${axis}]`;

/**
 * The dims to feed every input with: the user's dims where given (checked against the file's rank and
 * fixed dims), and for the rest the file's numbers, then the value a symbol already took in another
 * input (so `input_ids` and `attention_mask` share their sequence length), then the defaults above.
 */
export function resolveInputShapes(inputs: readonly DeclaredInput[], given: Readonly<Record<string, readonly number[]>> = {}): ResolvedShapes {
  const byName = new Map(inputs.map((v) => [v.name, v]));
  for (const name of Object.keys(given)) {
    if (!byName.has(name)) throw new EngineError('BAD_ARGUMENT', `The model has no input '${name}'; its inputs are: ${inputs.map((v) => v.name).join(', ')}.`);
  }

  // The first input's axis-0 symbol is the batch; a later input's different one (a sequence-first
  // tensor beside a batch-first mask) is not.
  const batchSymbol = inputs.map((v) => v.shape?.[0]).find((d): d is string => typeof d === 'string');

  const symbolValue = new Map<string, { value: number; from: string }>();
  for (const v of inputs) {
    const dims = given[v.name];
    if (!dims) continue;
    if (v.shape && v.shape.length !== dims.length) {
      throw new EngineError('BAD_ARGUMENT', `Input '${v.name}' has ${v.shape.length} dimensions, but ${dims.length} were given (${dims.join('x') || 'none'}).`);
    }
    dims.forEach((n, axis) => {
      if (!Number.isInteger(n) || n < 1) throw new EngineError('BAD_ARGUMENT', `Dimension ${axis} of input '${v.name}' must be a whole number of at least 1, not ${n}.`);
      const declared = v.shape?.[axis];
      if (typeof declared === 'number' && declared !== n) {
        throw new EngineError('BAD_ARGUMENT', `Input '${v.name}' is fixed at ${declared} in dimension ${axis} by the model, so it cannot be fed ${n} there; give ${declared}.`);
      }
      if (typeof declared === 'string') {
        const seen = symbolValue.get(declared);
        if (seen && seen.value !== n) {
          throw new EngineError('BAD_ARGUMENT', `Inputs '${seen.from}' and '${v.name}' share the dimension '${declared}' but were given ${seen.value} and ${n} for it; give them the same value.`);
        }
        symbolValue.set(declared, { value: n, from: v.name });
      }
    });
  }

  const shapes: Record<string, number[]> = {};
  const assumed: Record<string, number> = {};
  const batchAxes: Record<string, number[]> = {};
  for (const v of inputs) {
    const dims = given[v.name];
    if (!dims && !v.shape) {
      throw new EngineError('BAD_ARGUMENT', `Input '${v.name}' has no shape in the model; give its dims (on the command line: --shape ${v.name}=DIMS).`);
    }
    const declared = v.shape ?? dims!.map(() => null);
    shapes[v.name] = declared.map((d, axis) => {
      if (dims) return dims[axis]!;
      if (typeof d === 'number') return d;
      if (typeof d === 'string') {
        const known = symbolValue.get(d);
        if (known) return known.value;
        const value = d === batchSymbol ? DEFAULT_BATCH : DEFAULT_OTHER_DIM;
        symbolValue.set(d, { value, from: v.name });
        assumed[d] = value;
        return value;
      }
      const value = axis === 0 ? DEFAULT_BATCH : DEFAULT_OTHER_DIM;
      assumed[unnamed(v.name, axis)] = value;
      return value;
    });
    const axes = declared.flatMap((d, axis) => ((batchSymbol !== undefined && d === batchSymbol) || (axis === 0 && d === null && v.shape) ? [axis] : []));
    if (axes.length > 0) batchAxes[v.name] = axes;
  }
  return { shapes, assumed, batchAxes };
}

/** The resolved shapes with every batch axis set to `batch`. */
export function shapesAtBatch(resolved: ResolvedShapes, batch: number): Record<string, number[]> {
  const out: Record<string, number[]> = {};
  for (const [name, dims] of Object.entries(resolved.shapes)) {
    const axes = resolved.batchAxes[name] ?? [];
    out[name] = dims.map((d, axis) => (axes.includes(axis) ? batch : d));
  }
  return out;
}
