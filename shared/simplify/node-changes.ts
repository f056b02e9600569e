import type { AttributeProto, GraphProto, NodeProto, TensorProto } from '../onnx/types.js';

/**
 * Which nodes of a graph a transform (simplify, opset conversion) added, changed or removed, so the UI
 * can mark them. Added and changed nodes are named as the graph view names them (the node name, or
 * `#index` in the new graph for an unnamed node); removed ones by name, or op type and first output.
 */
export interface NodeChanges {
  added: string[];
  changed: string[];
  removed: string[];
}

/** Nodes are matched by name; unnamed ones (common in old exports) by the first tensor they write. */
const identity = (n: NodeProto) => n.name || `output:${n.output?.[0] ?? ''}`;

function sameBytes(a: Uint8Array | undefined, b: Uint8Array | undefined): boolean {
  if (a === b) return true;
  if (!a || !b || a.byteLength !== b.byteLength) return false;
  for (let i = 0; i < a.byteLength; i++) if (a[i] !== b[i]) return false;
  return true;
}

function sameTensor(a: TensorProto | undefined, b: TensorProto | undefined): boolean {
  if (a === b) return true;
  if (!a || !b || a.dataType !== b.dataType || (a.dims ?? []).join() !== (b.dims ?? []).join()) return false;
  if (a.rawData || b.rawData) return sameBytes(a.rawData, b.rawData);
  return JSON.stringify([a.floatData, a.int32Data, a.int64Data?.map(String), a.doubleData]) === JSON.stringify([b.floatData, b.int32Data, b.int64Data?.map(String), b.doubleData]);
}

function sameAttribute(a: AttributeProto, b: AttributeProto): boolean {
  if (a.name !== b.name || a.type !== b.type || a.f !== b.f || String(a.i ?? '') !== String(b.i ?? '')) return false;
  if (!sameBytes(a.s, b.s) || !sameTensor(a.t, b.t)) return false;
  if ((a.floats ?? []).join() !== (b.floats ?? []).join() || (a.ints ?? []).map(String).join() !== (b.ints ?? []).map(String).join()) return false;
  // Subgraph bodies are compared by identity: transforms rebuild a body only when they change it.
  return a.g === b.g && (a.graphs ?? []).every((g, i) => g === b.graphs?.[i]);
}

/** A node is unchanged when it reads and writes the same tensors, with the same attributes and the same weights. */
function sameNode(a: NodeProto, b: NodeProto, weightsA: Map<string, TensorProto>, weightsB: Map<string, TensorProto>): boolean {
  if (a.opType !== b.opType || (a.domain ?? '') !== (b.domain ?? '')) return false;
  if ((a.input ?? []).join('\u0000') !== (b.input ?? []).join('\u0000') || (a.output ?? []).join('\u0000') !== (b.output ?? []).join('\u0000')) return false;
  const attrsA = a.attribute ?? [];
  const attrsB = b.attribute ?? [];
  if (attrsA.length !== attrsB.length) return false;
  const byName = new Map(attrsB.map((x) => [x.name, x]));
  if (!attrsA.every((x) => byName.has(x.name) && sameAttribute(x, byName.get(x.name)!))) return false;
  return (a.input ?? []).every((name) => sameTensor(weightsA.get(name), weightsB.get(name)));
}

/**
 * The constant tensors a graph's nodes can read, by name: initializers and Constant nodes' values, so a
 * Constant folded into an initializer (or back) does not count as a change of the nodes that read it.
 */
function constants(graph: GraphProto): Map<string, TensorProto> {
  const out = new Map((graph.initializer ?? []).map((t) => [t.name ?? '', t]));
  for (const n of graph.node ?? []) {
    const value = n.opType === 'Constant' && !n.domain ? n.attribute?.find((a) => a.name === 'value')?.t : undefined;
    if (value && n.output?.[0]) out.set(n.output[0], value);
  }
  return out;
}

export function nodeChanges(before: GraphProto, after: GraphProto): NodeChanges {
  const weightsBefore = constants(before);
  const weightsAfter = constants(after);
  const old = new Map<string, NodeProto>();
  for (const n of before.node ?? []) old.set(identity(n), n);
  const added: string[] = [];
  const changed: string[] = [];
  const kept = new Set<string>();
  (after.node ?? []).forEach((n, index) => {
    const key = identity(n);
    const label = n.name || `#${index}`;
    const was = old.get(key);
    if (!was) added.push(label);
    else {
      kept.add(key);
      if (!sameNode(was, n, weightsBefore, weightsAfter)) changed.push(label);
    }
  });
  const removed = (before.node ?? []).filter((n) => !kept.has(identity(n))).map((n) => n.name || `${n.opType} → ${n.output?.[0] ?? ''}`);
  return { added, changed, removed };
}
