import { buildGraphIndex, topologicalOrder } from '../graph/graph-index.js';
import type { ModelProto } from '../onnx/types.js';

/**
 * The main graph's nodes in topological order, as ONNX requires and backends' parsers expect (ONNX
 * Runtime sorts for itself, so an unsorted export runs there but fails elsewhere). A sorted graph keeps
 * its order; a graph with a cycle is left as it is.
 */
export function sortNodes(model: ModelProto): ModelProto {
  const graph = model.graph;
  if (!graph) return model;
  const index = buildGraphIndex(graph);
  const { order, unordered } = topologicalOrder(index);
  if (unordered.length > 0 || order.every((i, k) => i === k)) return model;
  return { ...model, graph: { ...graph, node: order.map((i) => index.nodes[i]!) } };
}
