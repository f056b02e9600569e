import { buildGraphIndex, topologicalOrder, type GraphIndex } from '../graph/graph-index.js';
import type { GraphProto, NodeProto, TensorProto } from '../onnx/types.js';
import { foldQdq, type ResolvedInput } from './qdq-folding.js';

/** One model's graph as the diff sees it: Q/DQ annotations folded away, inputs resolved through them. */
export interface DiffSide {
  readonly index: GraphIndex;
  /** Indices of the nodes that take part in the diff (everything but folded Q/DQ), in topological order. */
  readonly core: readonly number[];
  readonly isCore: (node: number) => boolean;
  /** Each core node's inputs, resolved through Q/DQ. */
  readonly inputs: ReadonlyMap<number, readonly ResolvedInput[]>;
  /** Resolved value -> the core nodes (and input positions) that read it. */
  readonly readers: ReadonlyMap<string, ReadonlyArray<readonly [node: number, position: number]>>;
  /** Value -> [core node, output position] producing it. */
  readonly producer: (tensor: string) => readonly [number, number] | undefined;
  readonly graphInputs: readonly string[];
  /** Any value seen through Q/DQ (a graph output that a DequantizeLinear produces, say). */
  readonly resolve: (tensor: string) => ResolvedInput;
  /** Raw bytes of an initializer stored outside the file, when the caller can read them. */
  readonly raw?: (t: TensorProto) => Uint8Array | undefined;
  node(i: number): NodeProto;
}

export function diffSide(graph: GraphProto, raw?: (t: TensorProto) => Uint8Array | undefined): DiffSide {
  const index = buildGraphIndex(graph);
  const fold = foldQdq(index);
  const { order } = topologicalOrder(index);
  const core = order.filter((i) => !fold.folded.has(i));
  const coreSet = new Set(core);
  const inputs = new Map<number, ResolvedInput[]>();
  const readers = new Map<string, Array<readonly [number, number]>>();
  const produced = new Map<string, readonly [number, number]>();
  for (const i of core) {
    const node = index.nodes[i]!;
    const resolved = (node.input ?? []).map((t) => (t ? fold.resolve(t) : { tensor: '' }));
    inputs.set(i, resolved);
    resolved.forEach((r, k) => {
      if (!r.tensor) return;
      const list = readers.get(r.tensor);
      if (list) list.push([i, k]);
      else readers.set(r.tensor, [[i, k]]);
    });
    (node.output ?? []).forEach((t, k) => {
      if (t && !produced.has(t)) produced.set(t, [i, k]);
    });
  }
  const graphInputs = (graph.input ?? []).map((v) => v.name ?? '').filter((n) => !index.initializers.has(n));
  return {
    index,
    core,
    isCore: (i) => coreSet.has(i),
    inputs,
    readers,
    producer: (t) => produced.get(t),
    graphInputs,
    resolve: fold.resolve,
    ...(raw ? { raw } : {}),
    node: (i) => index.nodes[i]!,
  };
}
