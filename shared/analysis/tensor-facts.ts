import { smallTensorValues } from '../model/tensor-values.js';
import type { TensorProto } from '../onnx/types.js';
import type { ValueFacts } from './inference-types.js';

const FOLD_LIMIT = 64;

/** What inference knows of a constant tensor: its type, its dims, and its values when small. */
export function tensorFacts(t: TensorProto): ValueFacts {
  const value = smallTensorValues(t, FOLD_LIMIT);
  return { elemType: t.dataType ?? 0, shape: (t.dims ?? []).map(Number), ...(value ? { value } : {}) };
}
