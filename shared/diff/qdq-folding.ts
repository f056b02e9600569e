import type { GraphIndex } from '../graph/graph-index.js';
import type { NodeProto } from '../onnx/types.js';

/** What a node input really reads once QuantizeLinear -> DequantizeLinear pairs are seen through. */
export interface ResolvedInput {
  /** The float value behind any Q/DQ: an activation, an initializer or a graph input. */
  readonly tensor: string;
  /** How the input was quantized, when it was. */
  readonly via?: 'activation' | 'weight';
  /** The ONNX data type it was quantized to (a weight's stored type, an activation's zero point type). */
  readonly quantizedType?: number;
}

/**
 * The Q/DQ wrapping of a quantized graph, so that a diff against the float model reads "Conv
 * quantized" rather than "two nodes added". A DequantizeLinear of a QuantizeLinear is an activation
 * pair; a DequantizeLinear of an initializer is a quantized weight (or bias). Q/DQ nodes that fit
 * neither pattern stay ordinary nodes.
 */
export interface QdqFolding {
  /** Indices of the Q/DQ nodes that are annotations, not graph nodes. */
  readonly folded: ReadonlySet<number>;
  resolve(tensor: string): ResolvedInput;
}

const UINT8 = 2;

/** What a QuantizeLinear produces: its zero point's type, else its output_dtype attribute, else uint8 (the ONNX default). */
function activationType(index: GraphIndex, q: NodeProto): number {
  const zeroPoint = q.input?.[2] ? index.initializers.get(q.input[2]) : undefined;
  if (zeroPoint?.dataType) return zeroPoint.dataType;
  const declared = q.attribute?.find((a) => a.name === 'output_dtype')?.i;
  return declared ? Number(declared) : UINT8;
}

export function foldQdq(index: GraphIndex): QdqFolding {
  const nodes = index.nodes;
  const producerOf = (t: string) => {
    const p = index.producers.get(t);
    return p && p.length === 1 ? p[0]! : undefined;
  };
  const folded = new Set<number>();
  /** DequantizeLinear output -> what it stands for. */
  const stand = new Map<string, ResolvedInput>();
  nodes.forEach((node, i) => {
    if (node.opType !== 'DequantizeLinear' || (node.domain ?? '') !== '' || !node.output?.[0]) return;
    const source = node.input?.[0] ?? '';
    if (index.initializers.has(source)) {
      folded.add(i);
      stand.set(node.output[0], { tensor: source, via: 'weight', quantizedType: index.initializers.get(source)!.dataType ?? 0 });
      return;
    }
    const q = producerOf(source);
    const qNode = q === undefined ? undefined : nodes[q];
    if (!qNode || qNode.opType !== 'QuantizeLinear' || (qNode.domain ?? '') !== '') return;
    folded.add(i);
    stand.set(node.output[0], { tensor: qNode.input?.[0] ?? '', via: 'activation', quantizedType: activationType(index, qNode) });
    // The QuantizeLinear is an annotation only when every reader of its output is a folded DQ.
    const readers = index.consumers.get(source) ?? [];
    if (readers.every((r) => nodes[r]!.opType === 'DequantizeLinear')) folded.add(q!);
  });
  const resolve = (tensor: string): ResolvedInput => {
    let current: ResolvedInput = { tensor };
    // Chains (DQ(Q(DQ(Q(x))))) appear where two quantized ops share a value; follow them to the float value.
    for (let hops = 0; hops < 8; hops++) {
      const next = stand.get(current.tensor);
      if (!next) break;
      const via = current.via ?? next.via;
      const quantizedType = current.quantizedType ?? next.quantizedType;
      current = { tensor: next.tensor, ...(via ? { via } : {}), ...(quantizedType !== undefined ? { quantizedType } : {}) };
    }
    return current;
  };
  return { folded, resolve };
}
