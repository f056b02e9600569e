import type { ModelProto, TensorProto, ValueInfoProto } from '../onnx/types.js';

function declared(t: TensorProto): ValueInfoProto {
  return { name: t.name!, type: { tensorType: { elemType: t.dataType ?? 0, shape: { dim: (t.dims ?? []).map((d) => ({ dimValue: d })) } } } };
}

/**
 * Before IR version 4 every initializer must also be a graph input of the same type, and ONNX Runtime
 * refuses a model that breaks this ("Tensor element type mismatch"). A rewrite adds initializers
 * (scales, zero points, float16 copies), changes the type of others and removes some; this makes the
 * graph inputs follow: new initializers are listed, retyped ones are declared anew, and inputs that
 * only stood for an initializer the rewrite removed are dropped (left, they would become inputs the
 * caller must feed). IR 4 and later models are returned unchanged.
 */
export function syncInitializerInputs(before: ModelProto, after: ModelProto): ModelProto {
  const graph = after.graph;
  if (!graph || Number(after.irVersion ?? 0) >= 4) return after;
  const initializers = new Map((graph.initializer ?? []).map((t) => [t.name ?? '', t]));
  const wasInitializer = new Set((before.graph?.initializer ?? []).map((t) => t.name ?? ''));
  const input: ValueInfoProto[] = [];
  const listed = new Set<string>();
  for (const v of graph.input ?? []) {
    const name = v.name ?? '';
    const t = initializers.get(name);
    if (!t && wasInitializer.has(name)) continue;
    listed.add(name);
    input.push(t && v.type?.tensorType?.elemType !== t.dataType ? declared(t) : v);
  }
  for (const [name, t] of initializers) if (!listed.has(name)) input.push(declared(t));
  return { ...after, graph: { ...graph, input } };
}
