import { inferShapes } from '../analysis/shape-inference.js';
import { smallTensorValues } from '../model/tensor-values.js';
import type { NodeProto } from '../onnx/types.js';
import { consumerMap, constantInitializerNames, interfaceNames, isOnnxOp, producerMap, Renames, rewriteGraph, withGraph } from './graph-rewrite.js';
import { NO_CHANGE, type PassContext, type SimplifyPass } from './simplify-pass.js';

function isReshapeLike(node: NodeProto): boolean {
  return isOnnxOp(node, 'Reshape') || isOnnxOp(node, 'Flatten');
}

function staticShape(shape: readonly (number | string | null)[] | null | undefined): number[] | undefined {
  return shape && shape.every((d) => typeof d === 'number') ? (shape as number[]) : undefined;
}

/**
 * Reshape and Flatten with constant shapes: one whose output has exactly its input's (static) shape
 * is removed, and a Reshape of a Reshape/Flatten reads the first one's input directly when its own
 * shape does not copy dims from the intermediate (no 0 entries, or allowzero=1).
 */
export const simplifyReshape: SimplifyPass = {
  name: 'reshape',
  run(model, ctx: PassContext) {
    const graph = model.graph;
    if (!graph || !(graph.node ?? []).some(isReshapeLike)) return NO_CHANGE(model);
    const facts = inferShapes(model, { inputShapes: { ...ctx.inputShapes } }).facts;
    const constants = constantInitializerNames(graph);
    const initializers = new Map((graph.initializer ?? []).map((t) => [t.name ?? '', t]));
    const producers = producerMap(graph);
    const consumers = consumerMap(graph);
    const outputs = new Set((graph.output ?? []).map((v) => v.name ?? ''));
    const iface = interfaceNames(graph);
    const renames = new Renames();
    const removed = new Set<NodeProto>();
    const replaced = new Map<NodeProto, NodeProto>();
    for (const node of graph.node ?? []) {
      if (!isReshapeLike(node)) continue;
      const input = node.input?.[0];
      const output = node.output?.[0];
      if (!input || !output) continue;
      if (isOnnxOp(node, 'Reshape') && !constants.has(node.input?.[1] ?? '')) continue;
      const inShape = staticShape(facts.get(input)?.shape);
      const outShape = staticShape(facts.get(output)?.shape);
      if (inShape && outShape && inShape.length === outShape.length && inShape.every((d, k) => d === outShape[k])) {
        if (!outputs.has(output)) {
          renames.set(output, renames.resolve(input));
          removed.add(node);
          continue;
        }
        if (!iface.has(input) && producers.has(input) && (consumers.get(input)?.length ?? 0) === 1 && !renames.has(input)) {
          renames.set(input, output);
          removed.add(node);
          continue;
        }
      }
      if (!isOnnxOp(node, 'Reshape')) continue;
      const inner = producers.get(input);
      if (!inner || !isReshapeLike(inner) || removed.has(inner) || replaced.has(inner)) continue;
      if (isOnnxOp(inner, 'Reshape') && !constants.has(inner.input?.[1] ?? '')) continue;
      const shapeValues = smallTensorValues(initializers.get(node.input![1]!)!, 64);
      const allowZero = node.attribute?.find((a) => a.name === 'allowzero')?.i;
      if (!shapeValues || (shapeValues.includes(0) && Number(allowZero ?? 0) !== 1)) continue;
      replaced.set(node, { ...node, input: [inner.input![0]!, node.input![1]!] });
    }
    const changed = removed.size + replaced.size;
    if (changed === 0) return NO_CHANGE(model);
    return { model: withGraph(model, rewriteGraph(graph, removed, renames, replaced)), changed };
  },
};
