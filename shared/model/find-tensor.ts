import { resolveGraph, type GraphPath } from '../graph/graph-path.js';
import type { ModelProto, TensorProto } from '../onnx/types.js';

/** A constant tensor by name in one graph: an initializer, or the value of a Constant node's output. */
export function findTensor(model: ModelProto, path: GraphPath, name: string): TensorProto | undefined {
  const graph = resolveGraph(model, path)?.graph;
  if (!graph) return undefined;
  const init = graph.initializer?.find((t) => t.name === name);
  if (init) return init;
  const constant = graph.node?.find((n) => n.opType === 'Constant' && n.output?.[0] === name);
  const value = constant?.attribute?.find((a) => a.name === 'value')?.t;
  return value ? { ...value, name } : undefined;
}
