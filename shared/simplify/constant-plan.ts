import { inferShapes } from '../analysis/shape-inference.js';
import { buildGraphIndex, implicitInputs, subgraphsOf, topologicalOrder } from '../graph/graph-index.js';
import { byteSizeOf } from '../onnx/data-types.js';
import type { GraphProto, ModelProto, NodeProto, TensorProto } from '../onnx/types.js';
import { tensorByteSize } from '../model/tensor-info.js';
import { constantInitializerNames, withGraph } from './graph-rewrite.js';

/** Ops whose result differs from run to run: never folded. */
const NON_DETERMINISTIC = new Set(['RandomNormal', 'RandomNormalLike', 'RandomUniform', 'RandomUniformLike', 'Multinomial', 'Bernoulli']);
/** Folding DequantizeLinear would turn int8 weights back into float ones and undo a QDQ model's quantization. */
const KEEP = new Set(['DequantizeLinear', 'OptionalGetElement']);
/**
 * Ops that return a sequence or an optional: they may sit inside the constant part (a constant
 * ConcatFromSequence folds), but their result cannot become an initializer, and ONNX Runtime cannot
 * return it, so one whose result something non-constant reads stays a computation.
 */
const NON_TENSOR_RESULTS = new Set(['SequenceConstruct', 'SequenceEmpty', 'SequenceInsert', 'SequenceErase', 'SplitToSequence', 'Optional']);

/** A folded tensor over this size is kept as a computation when it is also larger than what it is computed from. */
export const FOLD_SIZE_LIMIT = 1024 * 1024;

export interface ConstantPlan {
  /** The nodes that compute only from constants, in an order ONNX Runtime can run. */
  nodes: NodeProto[];
  /** Initializers those nodes read. */
  initializers: TensorProto[];
  /** Values to compute: outputs of constant nodes that something not constant reads. */
  outputs: { name: string; elemType: number; sourceBytes: number }[];
}

function outputBytes(elemType: number, shape: readonly (number | string | null)[] | null | undefined): number | undefined {
  if (!shape || !shape.every((d) => typeof d === 'number')) return undefined;
  return byteSizeOf(elemType, (shape as number[]).reduce((a, b) => a * b, 1));
}

/**
 * The constant part of the main graph: every node whose inputs are all constants (initializers that
 * are not graph inputs, or outputs of other constant nodes), in the default domain, deterministic,
 * without subgraphs, not writing a graph output, and not blowing up (an output over 1 MiB that is
 * larger than the constants it is computed from stays a computation, as in onnx-simplifier).
 */
export function planConstantFolding(model: ModelProto): ConstantPlan {
  const graph = model.graph;
  if (!graph) return { nodes: [], initializers: [], outputs: [] };
  const constants = constantInitializerNames(graph);
  const initializers = new Map((graph.initializer ?? []).map((t) => [t.name ?? '', t]));
  const graphOutputs = new Set((graph.output ?? []).map((v) => v.name ?? ''));
  const index = buildGraphIndex(graph);
  const { order } = topologicalOrder(index);
  const candidates = order.some((i) => {
    const n = index.nodes[i]!;
    return (n.input ?? []).every((x) => !x || constants.has(x)) && subgraphsOf(n).length === 0;
  });
  if (!candidates) return { nodes: [], initializers: [], outputs: [] };
  const facts = inferShapes(model).facts;
  const sourceBytes = new Map<string, number>();
  for (const name of constants) sourceBytes.set(name, tensorByteSize(initializers.get(name)!));
  const constantNodes = new Set<NodeProto>();
  for (const i of order) {
    const node = index.nodes[i]!;
    if (node.domain && node.domain !== 'ai.onnx') continue;
    if (NON_DETERMINISTIC.has(node.opType ?? '') || KEEP.has(node.opType ?? '') || subgraphsOf(node).length > 0) continue;
    const inputs = (node.input ?? []).filter(Boolean);
    if (!inputs.every((x) => sourceBytes.has(x)) || (node.output ?? []).some((o) => graphOutputs.has(o))) continue;
    const from = inputs.reduce((a, x) => a + sourceBytes.get(x)!, 0);
    const sizes = (node.output ?? []).map((o) => {
      const f = o ? facts.get(o) : undefined;
      return f ? outputBytes(f.elemType, f.shape) : undefined;
    });
    if (sizes.some((s) => s !== undefined && s > FOLD_SIZE_LIMIT && s > from)) continue;
    constantNodes.add(node);
    // A Constant node reads nothing: what it is computed from is its own value.
    (node.output ?? []).forEach((o, k) => o && sourceBytes.set(o, inputs.length === 0 ? (sizes[k] ?? 0) : from));
  }
  let needed = neededValues(graph, constantNodes, sourceBytes, constants);
  for (const producers = new Map([...constantNodes].flatMap((n) => (n.output ?? []).map((o) => [o, n] as const))); ; ) {
    const blocked = [...needed].map((v) => producers.get(v)!).filter((n) => NON_TENSOR_RESULTS.has(n.opType ?? ''));
    if (blocked.length === 0) break;
    // Taking a node out of the constant part takes out everything downstream that read it.
    for (const n of blocked) constantNodes.delete(n);
    for (const i of order) {
      const n = index.nodes[i]!;
      if (!constantNodes.has(n)) continue;
      if ((n.input ?? []).some((x) => x && !constants.has(x) && !constantNodes.has(producers.get(x)!))) constantNodes.delete(n);
    }
    needed = neededValues(graph, constantNodes, sourceBytes, constants);
  }
  if (constantNodes.size === 0) return { nodes: [], initializers: [], outputs: [] };
  const nodes = order.map((i) => index.nodes[i]!).filter((n) => constantNodes.has(n));
  const used = new Set(nodes.flatMap((n) => n.input ?? []));
  return {
    nodes,
    initializers: (graph.initializer ?? []).filter((t) => used.has(t.name ?? '') && constants.has(t.name ?? '')),
    outputs: [...needed].map((name) => ({ name, elemType: facts.get(name)?.elemType ?? 0, sourceBytes: sourceBytes.get(name) ?? 0 })),
  };
}

/** Values the constant part computes that a node outside it (or a subgraph) reads. */
function neededValues(graph: GraphProto, constantNodes: ReadonlySet<NodeProto>, sourceBytes: ReadonlyMap<string, number>, constants: ReadonlySet<string>): Set<string> {
  const computed = new Set([...constantNodes].flatMap((n) => n.output ?? []));
  const needed = new Set<string>();
  for (const node of graph.node ?? []) {
    if (constantNodes.has(node)) continue;
    for (const x of [...(node.input ?? []), ...implicitInputs(node)]) if (x && computed.has(x) && sourceBytes.has(x) && !constants.has(x)) needed.add(x);
  }
  return needed;
}

/**
 * Replaces computed values by initializers. A node is removed only when every output of it that
 * something reads was computed (else it must keep producing the rest); what it read becomes dead
 * and the dead-node pass drops it.
 */
export function applyFoldedConstants(model: ModelProto, plan: ConstantPlan, computed: ReadonlyMap<string, TensorProto>): { model: ModelProto; changed: number } {
  const graph = model.graph;
  if (!graph || computed.size === 0) return { model, changed: 0 };
  const needed = new Set(plan.outputs.map((o) => o.name));
  const removed = new Set<NodeProto>();
  for (const node of plan.nodes) {
    const outs = (node.output ?? []).filter((o) => needed.has(o));
    if (outs.length > 0 && outs.every((o) => computed.has(o))) removed.add(node);
  }
  // A removed node's other outputs must not be read by a node that stays.
  const readers = new Map<string, NodeProto[]>();
  for (const n of graph.node ?? []) {
    for (const x of [...(n.input ?? []), ...implicitInputs(n)]) {
      if (!x) continue;
      const list = readers.get(x);
      if (list) list.push(n);
      else readers.set(x, [n]);
    }
  }
  for (let again = true; again; ) {
    again = false;
    for (const node of removed) {
      const stranded = (node.output ?? []).some((o) => o && !computed.has(o) && (readers.get(o) ?? []).some((r) => !removed.has(r)));
      if (stranded) {
        removed.delete(node);
        again = true;
      }
    }
  }
  if (removed.size === 0) return { model, changed: 0 };
  const added: TensorProto[] = [];
  for (const node of removed) for (const o of node.output ?? []) if (computed.has(o)) added.push({ ...computed.get(o)!, name: o });
  const node = (graph.node ?? []).filter((n) => !removed.has(n));
  return { model: withGraph(model, { ...graph, node, initializer: [...(graph.initializer ?? []), ...added] }), changed: removed.size };
}
