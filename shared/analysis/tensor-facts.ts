import { elementCount } from '../model/tensor-info.js';
import { smallTensorValues } from '../model/tensor-values.js';
import type { TensorProto } from '../onnx/types.js';
import { FLOAT_READ_LIMIT, FOLD_LIMIT, isIntegerType } from './folding.js';
import type { ValueFacts } from './inference-types.js';

/**
 * What inference knows of a constant tensor: its type, its dims, and its values when small: integer
 * and bool tensors (shapes, indices, masks) up to FOLD_LIMIT elements, floating ones (scales) up to
 * FLOAT_READ_LIMIT, so weights are never read.
 */
export function tensorFacts(t: TensorProto): ValueFacts {
  const elemType = t.dataType ?? 0;
  const limit = isIntegerType(elemType) ? FOLD_LIMIT : FLOAT_READ_LIMIT;
  const shape = (t.dims ?? []).map(Number);
  const value = elementCount(t.dims) <= limit && t.dataLocation !== 1 ? smallTensorValues(t, limit) : undefined;
  return { elemType, shape, ...(value ? { value } : {}) };
}
