import { inferShapes } from '../analysis/shape-inference.js';
import { smallTensorValues } from '../model/tensor-values.js';
import type { Dim } from '../model/tensor-info.js';
import type { NodeProto, TensorProto } from '../onnx/types.js';
import { consumerMap, constantInitializerNames, freshNameFactory, interfaceNames, isOnnxOp, producerMap, Renames, rewriteGraph, withGraph } from './graph-rewrite.js';
import { NO_CHANGE, type PassContext, type SimplifyPass } from './simplify-pass.js';

function isReshapeLike(node: NodeProto): boolean {
  return isOnnxOp(node, 'Reshape') || isOnnxOp(node, 'Flatten');
}

function staticShape(shape: readonly (number | string | null)[] | null | undefined): number[] | undefined {
  return shape && shape.every((d) => typeof d === 'number') ? (shape as number[]) : undefined;
}

/**
 * A computed Reshape target whose entries are all known positive numbers but at most one, as a constant
 * with -1 there: Reshape derives that entry from the element count, so for every input the original
 * reshapes, the result is the same ([Shape(x)[0], 4] becomes [-1, 4]). Undefined when it does not apply.
 */
function constantTarget(value: readonly Dim[] | undefined): number[] | undefined {
  if (!value || value.length === 0) return undefined;
  const unknown = value.filter((d) => typeof d !== 'number').length;
  if (unknown > 1 || value.some((d) => typeof d === 'number' && d <= 0)) return undefined;
  return value.map((d) => (typeof d === 'number' ? d : -1));
}

function int64Tensor(name: string, values: number[]): TensorProto {
  return { name, dims: [values.length], dataType: 7, rawData: new Uint8Array(BigInt64Array.from(values, (v) => BigInt(v)).buffer) };
}

/**
 * Reshape and Flatten with constant shapes: one whose output has exactly its input's (static) shape
 * is removed, and a Reshape of a Reshape/Flatten reads the first one's input directly when its own
 * shape does not copy dims from the intermediate (no 0 entries, or allowzero=1). A Reshape whose target
 * is computed (Shape -> Gather -> Concat) but known to all but one entry gets a constant target
 * (constantTarget), so the shape arithmetic goes dead: onnx-simplifier leaves it standing, and ONNX
 * Runtime's own Reshape fusion turns it into [0, -1], which fails on an empty tensor (retinanet with no
 * box kept).
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
    const added: TensorProto[] = [];
    const fresh = freshNameFactory(graph);
    for (const node of graph.node ?? []) {
      if (!isReshapeLike(node)) continue;
      const input = node.input?.[0];
      const output = node.output?.[0];
      if (!input || !output) continue;
      if (isOnnxOp(node, 'Reshape') && !constants.has(node.input?.[1] ?? '')) {
        const target = constantTarget(facts.get(node.input?.[1] ?? '')?.value);
        if (!target) continue;
        const name = fresh(`${node.input![1]!}_constant`);
        added.push(int64Tensor(name, target));
        replaced.set(node, { ...node, input: [input, name] });
        continue;
      }
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
    const rewritten = rewriteGraph(graph, removed, renames, replaced);
    return { model: withGraph(model, { ...rewritten, initializer: [...(rewritten.initializer ?? []), ...added] }), changed };
  },
};
