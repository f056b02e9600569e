import { encodeMessage } from '../onnx/encode.js';
import type { AttributeProto, TensorProto } from '../onnx/types.js';

const text = new TextDecoder();

/** A short, stable hash of bytes (FNV-1a), so equal tensors and subgraphs compare by one string. */
function hashBytes(bytes: Uint8Array): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < bytes.length; i++) h = Math.imul(h ^ bytes[i]!, 0x01000193);
  return (h >>> 0).toString(16).padStart(8, '0');
}

function tensorKey(t: TensorProto): string {
  const bytes = encodeMessage({ ...t, name: '' } as TensorProto, 'TensorProto');
  return `tensor ${t.dataType ?? 0} [${(t.dims ?? []).join(',')}] #${hashBytes(bytes)}`;
}

/**
 * An attribute's value as a string: equal strings mean equal values. Tensors and subgraphs are
 * represented by a hash of their encoding, so two If nodes with different branches differ.
 */
export function attributeValue(a: AttributeProto): string {
  if (a.refAttrName) return `ref ${a.refAttrName}`;
  switch (a.type) {
    case 1: return String(a.f ?? 0);
    case 2: return String(a.i ?? 0);
    case 3: return JSON.stringify(text.decode(a.s ?? new Uint8Array()));
    case 4: return a.t ? tensorKey(a.t) : 'tensor';
    case 5: return `graph #${hashBytes(encodeMessage(a.g ?? {}, 'GraphProto'))}`;
    case 6: return `[${(a.floats ?? []).join(', ')}]`;
    case 7: return `[${(a.ints ?? []).join(', ')}]`;
    case 8: return JSON.stringify((a.strings ?? []).map((s) => text.decode(s)));
    case 9: return `[${(a.tensors ?? []).map(tensorKey).join(', ')}]`;
    case 10: return `graphs #${(a.graphs ?? []).map((g) => hashBytes(encodeMessage(g, 'GraphProto'))).join(',')}`;
    default: return `type ${a.type ?? 0} #${hashBytes(encodeMessage(a, 'AttributeProto'))}`;
  }
}
