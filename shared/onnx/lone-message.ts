import { byteSizeOf } from './data-types.js';
import { decodeMessage } from './decode.js';
import type { GraphProto, ModelProto, TensorProto } from './types.js';

/**
 * Netron opens a file holding a lone GraphProto or TensorProto (ONNX's test data sets store every
 * input and output as a TensorProto .pb). Such bytes are shown as a model wrapping them: the graph
 * as is (no opset_import is invented, so validation says it is missing), or the tensor as an
 * initializer that is the graph's only output. Returns undefined unless the bytes clearly are one.
 */
export function wrapLoneMessage(bytes: Uint8Array): ModelProto | undefined {
  const graph = tryDecode<GraphProto>(bytes, 'GraphProto');
  if (graph?.node?.length && graph.node.every((n) => n.opType) && !graph.$unknown) return { graph };
  const tensor = tryDecode<TensorProto>(bytes, 'TensorProto');
  if (tensor && !tensor.$unknown && isWholeTensor(tensor)) {
    const name = tensor.name || 'tensor';
    const named = { ...tensor, name };
    const dim = (tensor.dims ?? []).map((d) => ({ dimValue: d }));
    return { graph: { name, initializer: [named], output: [{ name, type: { tensorType: { elemType: tensor.dataType!, shape: { dim } } } }] } };
  }
  return undefined;
}

function tryDecode<T extends object>(bytes: Uint8Array, message: string): T | undefined {
  try {
    return decodeMessage<T & { $unknown?: Uint8Array[] }>(bytes, message);
  } catch {
    return undefined;
  }
}

/** A known element type and exactly as many values as its dims say (random bytes rarely manage both). */
function isWholeTensor(t: TensorProto): boolean {
  if (t.dataType === undefined || t.dims === undefined) return false;
  const n = t.dims.reduce<number>((a, d) => a * Number(d), 1);
  if (t.rawData) return byteSizeOf(t.dataType, n) === t.rawData.byteLength;
  const counts = [t.floatData?.length, t.doubleData?.length, t.int32Data?.length, t.int64Data?.length, t.uint64Data?.length, t.stringData?.length].filter((c) => c !== undefined);
  return counts.length === 1 && counts[0] === n;
}
