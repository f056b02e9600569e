import type { GraphProto, NodeProto } from '../onnx/types.js';
import { constantInitializerNames, interfaceNames, isOnnxOp, producerMap, readCounts, Renames, rewriteGraph, withGraph } from './graph-rewrite.js';
import { smallTensorValues } from '../model/tensor-values.js';
import { NO_CHANGE, type SimplifyPass } from './simplify-pass.js';

/**
 * Dropout is the identity at inference unless its training_mode input is present and not a constant
 * false; its mask output must be unread (an inference mask is all ones, but nothing here writes it).
 */
function inferenceDropout(node: NodeProto, graph: GraphProto, constants: ReadonlySet<string>, reads: ReadonlySet<string>): boolean {
  if (!isOnnxOp(node, 'Dropout')) return false;
  const mask = node.output?.[1];
  if (mask && reads.has(mask)) return false;
  const training = node.input?.[2];
  if (!training) return true;
  if (!constants.has(training)) return false;
  const t = (graph.initializer ?? []).find((x) => x.name === training);
  const values = t ? smallTensorValues(t, 1) : undefined;
  return values !== undefined && values[0] === 0;
}

/**
 * Removes nodes that pass their input through unchanged: Identity, and Dropout at inference. Readers
 * of the output read the input instead; when the output is a graph output, the input's producer is
 * made to write it under the output's name, and the node stays when neither is possible (an input or a
 * weight passed straight to an output).
 */
export const removeIdentity: SimplifyPass = {
  name: 'identity',
  run(model) {
    const graph = model.graph;
    if (!graph) return NO_CHANGE(model);
    const iface = interfaceNames(graph);
    const outputs = new Set((graph.output ?? []).map((v) => v.name ?? ''));
    const constants = constantInitializerNames(graph);
    const producers = producerMap(graph);
    const reads = new Set(readCounts(graph).keys());
    const renames = new Renames();
    const claimed = new Set<string>();
    const removed = new Set<NodeProto>();
    for (const node of graph.node ?? []) {
      const passThrough = isOnnxOp(node, 'Identity') || inferenceDropout(node, graph, constants, reads);
      if (!passThrough) continue;
      const source = node.input?.[0];
      const result = node.output?.[0];
      if (!source || !result) continue;
      const from = renames.resolve(source);
      if (!outputs.has(result)) {
        renames.set(result, from);
        removed.add(node);
      } else if (!iface.has(from) && !claimed.has(from) && producers.has(from)) {
        // The producer now writes the graph output directly; every reader of `from` reads it by that name.
        renames.set(from, result);
        claimed.add(from);
        removed.add(node);
      }
    }
    if (removed.size === 0) return NO_CHANGE(model);
    return { model: withGraph(model, rewriteGraph(graph, removed, renames)), changed: removed.size };
  },
};
