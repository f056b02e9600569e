import type { GraphProto } from '../onnx/types.js';
import { subgraphsOf } from '../graph/graph-index.js';

/** Hands out value and node names that no existing name in the graph (or its subgraphs) uses. */
export class NameAllocator {
  private readonly taken = new Set<string>();

  constructor(graph: GraphProto) {
    this.collect(graph);
  }

  private collect(graph: GraphProto): void {
    for (const v of [...(graph.input ?? []), ...(graph.output ?? []), ...(graph.valueInfo ?? [])]) if (v.name) this.taken.add(v.name);
    for (const t of graph.initializer ?? []) if (t.name) this.taken.add(t.name);
    for (const n of graph.node ?? []) {
      if (n.name) this.taken.add(n.name);
      for (const o of n.output ?? []) if (o) this.taken.add(o);
      for (const s of subgraphsOf(n)) this.collect(s.graph);
    }
  }

  fresh(wanted: string): string {
    let name = wanted;
    for (let i = 1; this.taken.has(name); i++) name = `${wanted}_${i}`;
    this.taken.add(name);
    return name;
  }
}

/** A node's name for people: its own, or op type and position when the file leaves it empty. */
export function nodeLabel(node: { name?: string; opType?: string }, index: number): string {
  return node.name || `${node.opType ?? 'node'}_${index}`;
}
