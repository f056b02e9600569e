import type { ModelProto, NodeProto, TensorProto } from '../onnx/types.js';
import { nodeLabel } from './graph-names.js';

const TENSOR_ATTRIBUTE = 4;

/**
 * Makes constants that exporters hide behind nodes into plain initializers, so quantization sees them as
 * weights: PyTorch shares identical weights and biases through Identity nodes (torchvision's MobileNetV2
 * and ResNet-50 feed 39 and 47 of their Convs that way), and some exporters emit weights as Constant nodes.
 * An Identity of an initializer is dropped and its readers read the initializer; a Constant holding a
 * tensor becomes an initializer of the same name. Graph outputs and initializers that are also graph
 * inputs (overridable at run time, so not constants) are left alone. The model computes the same values.
 * Returns the model itself when there is nothing to fold.
 */
export function foldConstantAliases(model: ModelProto): ModelProto {
  const graph = model.graph;
  if (!graph) return model;
  const initializers = new Map((graph.initializer ?? []).map((t) => [t.name ?? '', t]));
  const graphInputs = new Set((graph.input ?? []).map((i) => i.name));
  const graphOutputs = new Set((graph.output ?? []).map((o) => o.name));
  const renamed = new Map<string, string>();
  const added: TensorProto[] = [];
  const kept: NodeProto[] = [];
  const source = (name: string) => renamed.get(name) ?? name;
  const isConstant = (name: string) => initializers.has(name) && !graphInputs.has(name);
  for (const [index, node] of (graph.node ?? []).entries()) {
    const out = node.output?.[0];
    const plainDomain = !node.domain || node.domain === 'ai.onnx';
    if (plainDomain && out && !graphOutputs.has(out) && node.output!.length === 1) {
      const from = node.input?.[0] !== undefined ? source(node.input[0]) : undefined;
      if (node.opType === 'Identity' && from !== undefined && isConstant(from)) {
        renamed.set(out, from);
        continue;
      }
      const value = node.opType === 'Constant' && node.attribute?.length === 1 && node.attribute[0]!.name === 'value' && node.attribute[0]!.type === TENSOR_ATTRIBUTE ? node.attribute[0]!.t : undefined;
      if (value && !initializers.has(out) && !graphInputs.has(out)) {
        const tensor = { ...value, name: out };
        initializers.set(out, tensor);
        added.push(tensor);
        continue;
      }
    }
    // An unnamed node is known by its position (nodeLabel); it keeps that label when nodes before it go.
    kept.push(node.name ? node : { ...node, name: nodeLabel(node, index) });
  }
  if (renamed.size === 0 && added.length === 0) return model;
  // Readers inside subgraphs see outer names too; they are rare for weights, so those keep their Identity.
  const usedInSubgraphs = new Set<string>();
  const node = kept.map((n) => {
    for (const a of n.attribute ?? []) if (a.g || (a.graphs && a.graphs.length > 0)) collectNames(a.g ? [a.g] : a.graphs!, usedInSubgraphs);
    return renamed.size > 0 && (n.input ?? []).some((i) => renamed.has(i)) ? { ...n, input: n.input!.map((i) => renamed.get(i) ?? i) } : n;
  });
  const restored = (graph.node ?? [])
    .filter((n) => n.opType === 'Identity' && n.output?.[0] !== undefined && renamed.has(n.output[0]) && usedInSubgraphs.has(n.output[0]))
    .map((n) => ({ ...n, input: [renamed.get(n.output![0]!)!] }));
  return { ...model, graph: { ...graph, node: [...restored, ...node], initializer: [...(graph.initializer ?? []), ...added] } };
}

function collectNames(graphs: readonly NonNullable<ModelProto['graph']>[], into: Set<string>): void {
  for (const g of graphs) {
    for (const n of g.node ?? []) {
      for (const i of n.input ?? []) into.add(i);
      for (const a of n.attribute ?? []) if (a.g || (a.graphs && a.graphs.length > 0)) collectNames(a.g ? [a.g] : a.graphs!, into);
    }
  }
}
