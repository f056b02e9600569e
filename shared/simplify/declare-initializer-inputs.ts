import type { ModelProto, ValueInfoProto } from '../onnx/types.js';

/**
 * IR versions before 4 require every initializer to be listed as a graph input too. Folding adds
 * initializers, so for those models each new one is declared as an input with its type and dims.
 */
export function declareInitializerInputs(model: ModelProto): ModelProto {
  const graph = model.graph;
  if (!graph || Number(model.irVersion ?? 0) >= 4) return model;
  const listed = new Set((graph.input ?? []).map((v) => v.name));
  const added: ValueInfoProto[] = (graph.initializer ?? [])
    .filter((t) => t.name && !listed.has(t.name))
    .map((t) => ({ name: t.name!, type: { tensorType: { elemType: t.dataType ?? 0, shape: { dim: (t.dims ?? []).map((d) => ({ dimValue: d })) } } } }));
  if (added.length === 0) return model;
  return { ...model, graph: { ...graph, input: [...(graph.input ?? []), ...added] } };
}
