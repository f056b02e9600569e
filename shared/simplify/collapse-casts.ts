import { inferShapes } from '../analysis/shape-inference.js';
import type { NodeProto } from '../onnx/types.js';
import { consumerMap, interfaceNames, isOnnxOp, producerMap, Renames, rewriteGraph, withGraph } from './graph-rewrite.js';
import { NO_CHANGE, type SimplifyPass } from './simplify-pass.js';

// ONNX element types: 1 float, 2 uint8, 3 int8, 4 uint16, 5 int16, 6 int32, 7 int64, 9 bool,
// 10 float16, 11 double, 12 uint32, 13 uint64, 16 bfloat16.
/** For each type, the types that hold every one of its values exactly (so a round trip through them changes nothing). */
const EXACT_WIDER: Record<number, readonly number[]> = {
  9: [1, 2, 3, 4, 5, 6, 7, 10, 11, 12, 13, 16],
  2: [1, 4, 5, 6, 7, 10, 11, 12, 13],
  3: [1, 5, 6, 7, 10, 11],
  4: [1, 6, 7, 11, 12, 13],
  5: [1, 6, 7, 11],
  6: [7, 11],
  12: [7, 11, 13],
  10: [1, 11],
  16: [1, 11],
  1: [11],
};

function castTarget(node: NodeProto): number | undefined {
  const to = node.attribute?.find((a) => a.name === 'to')?.i;
  return to === undefined ? undefined : Number(to);
}

/** True when casting a value of type `from` to `via` loses nothing. */
function exact(from: number, via: number): boolean {
  return from === via || (EXACT_WIDER[from]?.includes(via) ?? false);
}

/**
 * Cast(Cast(x, T1), T2) becomes Cast(x, T2) when T1 holds every value of x's type exactly (then the
 * detour cannot change the result), and a Cast to the type its input already has is removed. The
 * first Cast stays while something else reads it; the dead-node pass drops it otherwise.
 */
export const collapseCasts: SimplifyPass = {
  name: 'casts',
  run(model) {
    const graph = model.graph;
    if (!graph || !(graph.node ?? []).some((n) => isOnnxOp(n, 'Cast'))) return NO_CHANGE(model);
    const facts = inferShapes(model).facts;
    const producers = producerMap(graph);
    const outputs = new Set((graph.output ?? []).map((v) => v.name ?? ''));
    const iface = interfaceNames(graph);
    const consumers = consumerMap(graph);
    const renames = new Renames();
    const removed = new Set<NodeProto>();
    const replaced = new Map<NodeProto, NodeProto>();
    for (const node of graph.node ?? []) {
      if (!isOnnxOp(node, 'Cast')) continue;
      const to = castTarget(node);
      const input = node.input?.[0];
      const output = node.output?.[0];
      if (to === undefined || !input || !output) continue;
      const inputType = facts.get(input)?.elemType;
      if (inputType === to) {
        if (!outputs.has(output)) {
          renames.set(output, renames.resolve(input));
          removed.add(node);
        } else if (!iface.has(input) && producers.has(input) && (consumers.get(input)?.length ?? 0) === 1 && !renames.has(input)) {
          renames.set(input, output);
          removed.add(node);
        }
        continue;
      }
      const first = producers.get(input);
      if (!first || removed.has(first) || !isOnnxOp(first, 'Cast')) continue;
      const via = castTarget(first);
      const source = first.input?.[0];
      const sourceType = source ? facts.get(source)?.elemType : undefined;
      if (via === undefined || !source || sourceType === undefined || !exact(sourceType, via)) continue;
      replaced.set(node, { ...node, input: [source] });
    }
    const changed = removed.size + replaced.size;
    if (changed === 0) return NO_CHANGE(model);
    return { model: withGraph(model, rewriteGraph(graph, removed, renames, replaced)), changed };
  },
};
