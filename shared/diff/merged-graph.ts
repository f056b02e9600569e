import type { ModelProto, NodeProto, TensorProto, ValueInfoProto } from '../onnx/types.js';
import type { ModelComparison, NodeChange, QuantizedNode } from './model-diff.js';

export type DiffStatus = 'added' | 'removed' | 'changed' | 'quantized' | 'same';

/** How one node of the merged graph relates the two models. */
export interface DiffNodeMark {
  readonly status: DiffStatus;
  readonly opType: string;
  /** The node's name in A and in B, where it exists there. */
  readonly a?: string;
  readonly b?: string;
  readonly change?: NodeChange;
  readonly quantized?: QuantizedNode;
}

export interface MergedGraph {
  /** B's graph with its Q/DQ pairs seen through, plus A's removed nodes wired to B's values. */
  readonly model: ModelProto;
  /** One mark per node of `model.graph.node`, by index. */
  readonly marks: DiffNodeMark[];
}

/**
 * One graph that shows both models, so a diff reads on the picture the user knows: B's nodes (Q/DQ
 * annotations folded into the float node they wrap), with A's removed nodes added where they read
 * from. Values of A that B also has take B's names; the rest keep theirs, renamed only where B already
 * uses the name. It is a picture for the viewer, never a model to run or save.
 */
export function mergedGraph(a: ModelProto, b: ModelProto, comparison: ModelComparison): MergedGraph {
  const { A, B, aToB, bToA, changedAt, quantizedAt } = comparison;
  const graphB = b.graph ?? {};
  const taken = new Set<string>([...B.graphInputs, ...B.index.initializers.keys()]);
  for (const i of B.core) for (const o of B.node(i).output ?? []) if (o) taken.add(o);
  const fresh = (name: string) => {
    let unique = name;
    for (let k = 2; taken.has(unique); k++) unique = `${name} (A${k > 2 ? ` ${k - 1}` : ''})`;
    taken.add(unique);
    return unique;
  };

  const nodes: NodeProto[] = [];
  const marks: DiffNodeMark[] = [];
  const initializers = new Map<string, TensorProto>();
  const nodeNames = new Set<string>();
  for (const ib of B.core) {
    const node = B.node(ib);
    const input = B.inputs.get(ib)!.map((r) => r.tensor);
    for (const t of input) {
      const init = B.index.initializers.get(t);
      if (init) initializers.set(t, init);
    }
    nodes.push({ ...node, input });
    nodeNames.add(node.name ?? '');
    const ia = bToA.get(ib);
    const base = { opType: node.opType ?? '', b: node.name ?? '' };
    if (ia === undefined) {
      marks.push({ ...base, status: 'added' });
      continue;
    }
    const change = changedAt.get(ib);
    const quantized = quantizedAt.get(ib);
    const status = change ? 'changed' : quantized ? 'quantized' : 'same';
    marks.push({ ...base, status, a: A.node(ia).name ?? '', ...(change ? { change } : {}), ...(quantized ? { quantized } : {}) });
  }

  // A's values in the merged graph's names: B's counterpart where there is one, else their own.
  const merged = new Map<string, string>();
  const valueInfoA = new Map((a.graph?.valueInfo ?? []).map((v) => [v.name ?? '', v]));
  const extraValueInfo: ValueInfoProto[] = [];
  const mergedName = (t: string): string => {
    if (!t) return '';
    const known = merged.get(t);
    if (known !== undefined) return known;
    const producer = A.producer(t);
    const ib = producer ? aToB.get(producer[0]) : undefined;
    const position = A.graphInputs.indexOf(t);
    let name: string;
    if (producer && ib !== undefined && B.node(ib).output?.[producer[1]]) name = B.node(ib).output![producer[1]]!;
    else if (!producer && position >= 0 && B.graphInputs.length > 0) name = B.graphInputs.includes(t) ? t : (B.graphInputs[position] ?? fresh(t));
    else {
      name = fresh(t);
      const init = A.index.initializers.get(t);
      if (init) initializers.set(name, { ...init, name });
      const info = valueInfoA.get(t);
      if (info) extraValueInfo.push({ ...info, name });
    }
    merged.set(t, name);
    return name;
  };
  for (const ia of A.core) {
    if (aToB.has(ia)) continue;
    const node = A.node(ia);
    const name = node.name ?? '';
    nodes.push({
      ...node,
      name: nodeNames.has(name) && name ? `${name} (removed)` : name,
      input: A.inputs.get(ia)!.map((r) => mergedName(r.tensor)),
      output: (node.output ?? []).map(mergedName),
    });
    marks.push({ status: 'removed', opType: node.opType ?? '', a: name });
  }

  const opsets = [...(b.opsetImport ?? [])];
  for (const o of a.opsetImport ?? []) if (!opsets.some((p) => (p.domain ?? '') === (o.domain ?? ''))) opsets.push(o);
  // Graph outputs a DequantizeLinear produced are drawn from the float value it stands for.
  const outputs = (graphB.output ?? []).map((v) => ({ ...v, name: B.resolve(v.name ?? '').tensor }));
  const model: ModelProto = {
    ...(b.irVersion !== undefined ? { irVersion: b.irVersion } : {}),
    opsetImport: opsets,
    graph: {
      name: graphB.name ?? 'diff',
      node: nodes,
      input: (graphB.input ?? []).filter((v) => !B.index.initializers.has(v.name ?? '') || initializers.has(v.name ?? '')),
      output: outputs,
      initializer: [...initializers.values()],
      valueInfo: [...(graphB.valueInfo ?? []), ...extraValueInfo],
    },
  };
  return { model, marks };
}
