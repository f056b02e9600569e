import type { TensorProto } from '../onnx/types.js';
import { elementCount } from '../model/tensor-info.js';
import { elementReader } from '../model/tensor-values.js';
import { dataTypeName } from '../onnx/data-types.js';

export interface InitializerDifference {
  readonly name: string;
  /** Largest absolute difference of the values; null when types or shapes differ or values cannot be read. */
  readonly maxAbsDiff: number | null;
  readonly a?: string;
  readonly b?: string;
}

const describe = (t: TensorProto) => `${dataTypeName(t.dataType)}[${(t.dims ?? []).join('×')}]`;

/** How two initializers at the same input differ, or undefined when they hold the same values. */
export function initializerDifference(a: TensorProto, b: TensorProto, rawA?: Uint8Array, rawB?: Uint8Array): InitializerDifference | undefined {
  const name = b.name ?? a.name ?? '';
  if (describe(a) !== describe(b)) return { name, maxAbsDiff: null, a: describe(a), b: describe(b) };
  const readA = elementReader(a, rawA);
  const readB = elementReader(b, rawB);
  if (!readA || !readB) return undefined; // strings, 4-bit or external data not at hand: nothing to say
  const n = elementCount(a.dims);
  let max = 0;
  try {
    for (let i = 0; i < n; i++) {
      const x = readA(i);
      const y = readB(i);
      if (Number.isNaN(x) !== Number.isNaN(y)) return { name, maxAbsDiff: Infinity };
      const d = Math.abs(x - y);
      if (d > max) max = d;
    }
  } catch {
    return { name, maxAbsDiff: null }; // fewer bytes than the dims claim
  }
  return max > 0 ? { name, maxAbsDiff: max } : undefined;
}
