import type { AttributeProto, GraphProto, ModelProto } from '../onnx/types.js';
import { MAIN, type GraphPath } from '../graph/graph-path.js';

/**
 * Replaces the graph at `path` (the main graph or a subgraph reached through node attributes) with
 * `update(graph)`, copying only the nodes and attributes on the way down, so everything else is shared
 * with the previous model: the previous model stays valid for undo.
 */
export function updateGraph(model: ModelProto, path: GraphPath, update: (graph: GraphProto) => GraphProto): ModelProto {
  if (!model.graph) throw new Error('the model has no graph');
  const parts = path.split('/');
  if (parts[0] !== MAIN) throw new Error(`edits apply to the main graph and its subgraphs, not '${path}'`);
  return { ...model, graph: descend(model.graph, parts.slice(1), update) };
}

function descend(graph: GraphProto, rest: string[], update: (g: GraphProto) => GraphProto): GraphProto {
  if (rest.length === 0) return update(graph);
  const nodeIndex = Number(rest[0]);
  const attribute = decodeURIComponent(rest[1] ?? '');
  const node = graph.node?.[nodeIndex];
  if (!node || !/^\d+$/.test(rest[0]!)) throw new Error(`the graph has no node #${rest[0]}`);
  const position = rest[2] !== undefined && /^\d+$/.test(rest[2]) ? Number(rest[2]) : undefined;
  const remaining = rest.slice(position === undefined ? 2 : 3);
  const attrs = (node.attribute ?? []).map((a): AttributeProto => {
    if (a.name !== attribute) return a;
    if (position === undefined && a.g) return { ...a, g: descend(a.g, remaining, update) };
    if (position !== undefined && a.graphs?.[position]) return { ...a, graphs: a.graphs.map((g, i) => (i === position ? descend(g, remaining, update) : g)) };
    return a;
  });
  const nodes = [...(graph.node ?? [])];
  nodes[nodeIndex] = { ...node, attribute: attrs };
  return { ...graph, node: nodes };
}
