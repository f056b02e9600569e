import type { Dim } from '../model/tensor-info.js';
import type { ModelProto } from '../onnx/types.js';
import { constantInitializerNames } from './graph-rewrite.js';

/**
 * The model with its graph inputs declared at the given dims. Simplifying at fixed dims folds shape
 * computations for exactly those dims, so the result must say so rather than still claim dynamic axes.
 * Returns a sentence naming the problem when an input does not exist or the rank differs.
 */
export function fixInputDims(model: ModelProto, shapes: Readonly<Record<string, Dim[]>>): ModelProto | string {
  const graph = model.graph;
  if (!graph) return model;
  const constants = constantInitializerNames(graph);
  const inputs = (graph.input ?? []).filter((v) => v.name && !constants.has(v.name));
  for (const [name, dims] of Object.entries(shapes)) {
    const input = inputs.find((v) => v.name === name);
    if (!input) return `The model has no input '${name}'; its inputs are: ${inputs.map((v) => v.name).join(', ')}.`;
    const rank = input.type?.tensorType?.shape?.dim?.length;
    if (rank !== undefined && rank !== dims.length) return `Input '${name}' has ${rank} dimensions, but ${dims.length} were given.`;
  }
  if (Object.keys(shapes).length === 0) return model;
  const input = (graph.input ?? []).map((v) => {
    const dims = v.name ? shapes[v.name] : undefined;
    if (!dims || !v.type?.tensorType) return v;
    const old = v.type.tensorType.shape?.dim ?? [];
    const dim = dims.map((d, k) => {
      const { dimValue: _v, dimParam: _p, ...rest } = old[k] ?? {};
      return typeof d === 'number' ? { ...rest, dimValue: d } : typeof d === 'string' ? { ...rest, dimParam: d } : rest;
    });
    return { ...v, type: { ...v.type, tensorType: { ...v.type.tensorType, shape: { ...(v.type.tensorType.shape ?? {}), dim } } } };
  });
  return { ...model, graph: { ...graph, input } };
}
