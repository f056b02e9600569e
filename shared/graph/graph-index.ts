import type { AttributeProto, GraphProto, NodeProto, TensorProto, ValueInfoProto } from '../onnx/types.js';

/**
 * Lookups over one graph (not its subgraphs): who produces and who consumes each value, and the
 * graph's inputs, initializers and value infos by name. Built once per graph version, never stored
 * in the document.
 */
export interface GraphIndex {
  readonly graph: GraphProto;
  readonly nodes: readonly NodeProto[];
  /** Value name -> indices of the nodes that produce it (more than one is a validation error). */
  readonly producers: ReadonlyMap<string, number[]>;
  readonly consumers: ReadonlyMap<string, number[]>;
  readonly initializers: ReadonlyMap<string, TensorProto>;
  readonly inputs: ReadonlyMap<string, ValueInfoProto>;
  readonly outputs: ReadonlyMap<string, ValueInfoProto>;
  /** value_info, inputs and outputs together: everything the file says about a value's type. */
  readonly valueInfo: ReadonlyMap<string, ValueInfoProto>;
}

function push(map: Map<string, number[]>, key: string, index: number): void {
  const list = map.get(key);
  if (list) list.push(index);
  else map.set(key, [index]);
}

export function buildGraphIndex(graph: GraphProto): GraphIndex {
  const nodes = graph.node ?? [];
  const producers = new Map<string, number[]>();
  const consumers = new Map<string, number[]>();
  nodes.forEach((node, i) => {
    for (const name of node.output ?? []) if (name) push(producers, name, i);
    for (const name of node.input ?? []) if (name) push(consumers, name, i);
  });
  const byName = <T extends { name?: string }>(list: T[] | undefined) => {
    const map = new Map<string, T>();
    for (const item of list ?? []) if (item.name !== undefined && !map.has(item.name)) map.set(item.name, item);
    return map;
  };
  const valueInfo = new Map<string, ValueInfoProto>();
  for (const list of [graph.valueInfo, graph.output, graph.input]) {
    for (const v of list ?? []) if (v.name) valueInfo.set(v.name, v);
  }
  return {
    graph,
    nodes,
    producers,
    consumers,
    initializers: byName(graph.initializer),
    inputs: byName(graph.input),
    outputs: byName(graph.output),
    valueInfo,
  };
}

export interface TopologicalResult {
  /** Node indices in an order where every producer comes before its consumers. */
  readonly order: number[];
  /** Nodes that could not be ordered because they sit on or behind a cycle. */
  readonly unordered: number[];
}

/**
 * Kahn's algorithm over value edges. Values produced outside the graph (inputs, initializers, outer
 * scope) are ready from the start. Ties keep file order, so a valid file's order is preserved.
 */
export function topologicalOrder(index: GraphIndex): TopologicalResult {
  const { nodes, producers } = index;
  const pending = new Int32Array(nodes.length);
  const dependents: number[][] = nodes.map(() => []);
  nodes.forEach((node, i) => {
    const seen = new Set<number>();
    for (const name of [...(node.input ?? []), ...implicitInputs(node)]) {
      const from = producers.get(name);
      if (!from) continue;
      for (const p of from) {
        if (p === i || seen.has(p)) {
          if (p === i) pending[i]! += 1; // a node consuming its own output can never run
          continue;
        }
        seen.add(p);
        pending[i]! += 1;
        dependents[p]!.push(i);
      }
    }
  });
  const order: number[] = [];
  // Taking the lowest ready index first keeps the file's order when it is already valid.
  const queue = new MinHeap();
  for (let i = 0; i < nodes.length; i++) if (pending[i] === 0) queue.push(i);
  while (queue.size > 0) {
    const i = queue.pop();
    order.push(i);
    for (const d of dependents[i]!) if (--pending[d]! === 0) queue.push(d);
  }
  const done = new Uint8Array(nodes.length);
  for (const i of order) done[i] = 1;
  const unordered: number[] = [];
  for (let i = 0; i < nodes.length; i++) if (!done[i]) unordered.push(i);
  return { order, unordered };
}

/** Outer-scope values a node's subgraphs read: they order the node after their producers. */
export function implicitInputs(node: NodeProto): string[] {
  const graphs = subgraphsOf(node);
  if (graphs.length === 0) return [];
  const names: string[] = [];
  for (const { graph } of graphs) collectOuterReads(graph, new Set(), names);
  return names;
}

function collectOuterReads(graph: GraphProto, outerDefined: Set<string>, out: string[]): void {
  const defined = new Set(outerDefined);
  for (const v of graph.input ?? []) if (v.name) defined.add(v.name);
  for (const t of graph.initializer ?? []) if (t.name) defined.add(t.name);
  for (const s of graph.sparseInitializer ?? []) if (s.values?.name) defined.add(s.values.name);
  for (const n of graph.node ?? []) for (const o of n.output ?? []) if (o) defined.add(o);
  for (const n of graph.node ?? []) {
    for (const i of n.input ?? []) if (i && !defined.has(i)) out.push(i);
    for (const sub of subgraphsOf(n)) collectOuterReads(sub.graph, defined, out);
  }
  for (const o of graph.output ?? []) if (o.name && !defined.has(o.name)) out.push(o.name);
}

export interface SubgraphRef {
  readonly attribute: string;
  /** Position in a GRAPHS attribute, or undefined for a single GRAPH attribute. */
  readonly position?: number;
  readonly graph: GraphProto;
}

/** The body graphs of If/Loop/Scan (and any other node with graph attributes). */
export function subgraphsOf(node: NodeProto): SubgraphRef[] {
  const refs: SubgraphRef[] = [];
  for (const attr of node.attribute ?? []) collectGraphs(attr, refs);
  return refs;
}

function collectGraphs(attr: AttributeProto, refs: SubgraphRef[]): void {
  const name = attr.name ?? '';
  if (attr.g) refs.push({ attribute: name, graph: attr.g });
  attr.graphs?.forEach((graph, position) => refs.push({ attribute: name, position, graph }));
}

/** A small binary min-heap of node indices, so ready nodes run in file order. */
class MinHeap {
  private items: number[] = [];

  get size(): number {
    return this.items.length;
  }

  push(v: number): void {
    const a = this.items;
    a.push(v);
    let i = a.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (a[p]! <= v) break;
      a[i] = a[p]!;
      i = p;
    }
    a[i] = v;
  }

  pop(): number {
    const a = this.items;
    const top = a[0]!;
    const last = a.pop()!;
    if (a.length > 0) {
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= a.length) break;
        const r = l + 1;
        const c = r < a.length && a[r]! < a[l]! ? r : l;
        if (a[c]! >= last) break;
        a[i] = a[c]!;
        i = c;
      }
      a[i] = last;
    }
    return top;
  }
}
