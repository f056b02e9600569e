import type { NodeProto, TensorProto } from '../onnx/types.js';
import { normalizeDomain } from '../graph/op-registry.js';
import { floatTensor, int64Tensor } from './constants.js';

/** The tensor a default-domain Constant node produces, whichever attribute holds it; undefined otherwise. */
export function constantOfNode(node: NodeProto): TensorProto | undefined {
  if (node.opType !== 'Constant' || normalizeDomain(node.domain) !== '') return undefined;
  const a = node.attribute?.[0];
  if (!a || (node.attribute ?? []).length !== 1) return undefined;
  switch (a.name) {
    case 'value':
      return a.t;
    case 'value_float':
      return floatTensor([a.f ?? 0], 1, []);
    case 'value_floats':
      return floatTensor(a.floats ?? [], 1);
    case 'value_int':
      return int64Tensor([a.i ?? 0], []);
    case 'value_ints':
      return int64Tensor(a.ints ?? []);
    default:
      return undefined;
  }
}
