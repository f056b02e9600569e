import { implicitInputs, subgraphsOf } from '../graph/graph-index.js';
import type { GraphProto, ModelProto, NodeProto } from '../onnx/types.js';

/** Names a rewrite must never rename or drop: the graph's own inputs and outputs. */
export function interfaceNames(graph: GraphProto): Set<string> {
  const names = new Set<string>();
  for (const v of [...(graph.input ?? []), ...(graph.output ?? [])]) if (v.name) names.add(v.name);
  return names;
}

/** Initializers that are also graph inputs can be overridden by the caller, so they are not constants. */
export function constantInitializerNames(graph: GraphProto): Set<string> {
  const inputs = new Set((graph.input ?? []).map((v) => v.name));
  return new Set((graph.initializer ?? []).map((t) => t.name ?? '').filter((n) => n && !inputs.has(n)));
}

/** How many times each value is read: node inputs, reads from inside subgraphs, and graph outputs. */
export function readCounts(graph: GraphProto): Map<string, number> {
  const counts = new Map<string, number>();
  const add = (name: string) => counts.set(name, (counts.get(name) ?? 0) + 1);
  for (const node of graph.node ?? []) {
    for (const name of node.input ?? []) if (name) add(name);
    for (const name of implicitInputs(node)) add(name);
  }
  for (const v of graph.output ?? []) if (v.name) add(v.name);
  return counts;
}

/** Value name -> the node that produces it. */
export function producerMap(graph: GraphProto): Map<string, NodeProto> {
  const map = new Map<string, NodeProto>();
  for (const node of graph.node ?? []) for (const name of node.output ?? []) if (name) map.set(name, node);
  return map;
}

/** Value name -> the nodes that read it directly (not from subgraphs). */
export function consumerMap(graph: GraphProto): Map<string, NodeProto[]> {
  const map = new Map<string, NodeProto[]>();
  for (const node of graph.node ?? []) {
    for (const name of node.input ?? []) {
      if (!name) continue;
      const list = map.get(name);
      if (list) list.push(node);
      else map.set(name, [node]);
    }
  }
  return map;
}

/**
 * Renames to apply in one sweep. Chains resolve (a -> b, b -> c reads a as c), so passes can decide
 * node by node against names other decisions already moved.
 */
export class Renames {
  private readonly map = new Map<string, string>();

  get size(): number {
    return this.map.size;
  }

  resolve(name: string): string {
    let n = name;
    for (let seen = 0; this.map.has(n) && seen < 1_000_000; seen++) n = this.map.get(n)!;
    return n;
  }

  set(from: string, to: string): void {
    if (from !== to) this.map.set(from, to);
  }

  has(name: string): boolean {
    return this.map.has(name);
  }
}

function renameInSubgraph(graph: GraphProto, renames: Renames): GraphProto {
  return {
    ...graph,
    node: (graph.node ?? []).map((n) => renameNode(n, renames)),
    output: (graph.output ?? []).map((v) => (v.name && renames.has(v.name) ? { ...v, name: renames.resolve(v.name) } : v)),
  };
}

function renameNode(node: NodeProto, renames: Renames): NodeProto {
  const rename = (list: string[] | undefined) => list?.map((n) => (n ? renames.resolve(n) : n));
  const touched = [...(node.input ?? []), ...(node.output ?? [])].some((n) => n && renames.has(n));
  const subgraphs = subgraphsOf(node).length > 0;
  if (!touched && !subgraphs) return node;
  const out: NodeProto = { ...node, input: rename(node.input) ?? [], output: rename(node.output) ?? [] };
  if (subgraphs) {
    // ONNX names are unique across nesting levels, so an outer name read inside a body is renamed there too.
    out.attribute = (node.attribute ?? []).map((a) => {
      if (a.g) return { ...a, g: renameInSubgraph(a.g, renames) };
      if (a.graphs) return { ...a, graphs: a.graphs.map((g) => renameInSubgraph(g, renames)) };
      return a;
    });
  }
  return out;
}

/**
 * The graph with `removed` nodes dropped and every name read or written renamed. Graph inputs and
 * outputs are never renamed: passes only map names that are neither.
 */
export function rewriteGraph(graph: GraphProto, removed: ReadonlySet<NodeProto>, renames: Renames, replaced = new Map<NodeProto, NodeProto>()): GraphProto {
  const node: NodeProto[] = [];
  for (const n of graph.node ?? []) {
    if (removed.has(n)) continue;
    node.push(renameNode(replaced.get(n) ?? n, renames));
  }
  const valueInfo = (graph.valueInfo ?? []).filter((v) => !v.name || !renames.has(v.name));
  return { ...graph, node, valueInfo };
}

export function withGraph(model: ModelProto, graph: GraphProto): ModelProto {
  return { ...model, graph };
}

/** A name not yet used in the graph, derived from `base`. */
export function freshNameFactory(graph: GraphProto): (base: string) => string {
  const used = new Set<string>();
  for (const n of graph.node ?? []) for (const o of [...(n.output ?? []), ...(n.input ?? [])]) used.add(o);
  for (const t of graph.initializer ?? []) if (t.name) used.add(t.name);
  for (const v of [...(graph.input ?? []), ...(graph.output ?? []), ...(graph.valueInfo ?? [])]) if (v.name) used.add(v.name);
  return (base) => {
    let name = base;
    for (let k = 1; used.has(name); k++) name = `${base}_${k}`;
    used.add(name);
    return name;
  };
}

export function opsetOf(model: ModelProto): number {
  const entry = (model.opsetImport ?? []).find((o) => !o.domain || o.domain === 'ai.onnx');
  return Number(entry?.version ?? 1);
}

/** True for nodes of the default ONNX domain. */
export function isOnnxOp(node: NodeProto, opType: string): boolean {
  return node.opType === opType && (!node.domain || node.domain === 'ai.onnx');
}
