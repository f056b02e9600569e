import { implicitInputs } from '../graph/graph-index.js';
import type { NodeProto } from '../onnx/types.js';
import { producerMap, withGraph } from './graph-rewrite.js';
import { NO_CHANGE, type SimplifyPass } from './simplify-pass.js';

/**
 * Drops nodes nothing downstream of a graph output reads, initializers no node reads, and value_info
 * of values that no longer exist. Graph inputs stay, used or not: they are the model's interface.
 */
export const removeDeadNodes: SimplifyPass = {
  name: 'dead-nodes',
  run(model) {
    const graph = model.graph;
    if (!graph) return NO_CHANGE(model);
    const producers = producerMap(graph);
    const live = new Set<string>();
    const liveNodes = new Set<NodeProto>();
    const stack: string[] = [];
    const mark = (name: string) => {
      if (!name || live.has(name)) return;
      live.add(name);
      stack.push(name);
    };
    for (const v of graph.output ?? []) mark(v.name ?? '');
    while (stack.length > 0) {
      const node = producers.get(stack.pop()!);
      if (!node || liveNodes.has(node)) continue;
      liveNodes.add(node);
      for (const name of node.input ?? []) mark(name);
      for (const name of implicitInputs(node)) mark(name);
    }
    const inputs = new Set((graph.input ?? []).map((v) => v.name));
    const node = (graph.node ?? []).filter((n) => liveNodes.has(n));
    const initializer = (graph.initializer ?? []).filter((t) => live.has(t.name ?? '') || inputs.has(t.name));
    const changed = (graph.node ?? []).length - node.length + (graph.initializer ?? []).length - initializer.length;
    if (changed === 0) return NO_CHANGE(model);
    const exists = new Set<string>(inputs as Set<string>);
    for (const n of node) for (const o of n.output ?? []) exists.add(o);
    for (const t of initializer) exists.add(t.name ?? '');
    const valueInfo = (graph.valueInfo ?? []).filter((v) => exists.has(v.name ?? ''));
    return { model: withGraph(model, { ...graph, node, initializer, valueInfo }), changed };
  },
};
