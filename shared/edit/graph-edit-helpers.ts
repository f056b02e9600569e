import { resolveGraph, type GraphPath } from '../graph/graph-path.js';
import type { GraphProto, ModelProto, NodeProto } from '../onnx/types.js';

export function graphAt(model: ModelProto, path: GraphPath): GraphProto | undefined {
  const r = resolveGraph(model, path);
  return r && !r.fn ? r.graph : undefined;
}

export function nodeAt(model: ModelProto, path: GraphPath, index: number): NodeProto | undefined {
  return graphAt(model, path)?.node?.[index];
}

/** Every value name defined in a graph: inputs, initializers and node outputs. */
export function definedNames(graph: GraphProto): Set<string> {
  const names = new Set<string>();
  for (const v of graph.input ?? []) if (v.name) names.add(v.name);
  for (const t of graph.initializer ?? []) if (t.name) names.add(t.name);
  for (const n of graph.node ?? []) for (const o of n.output ?? []) if (o) names.add(o);
  return names;
}
