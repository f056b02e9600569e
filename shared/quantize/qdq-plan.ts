import { inferShapes } from '../analysis/shape-inference.js';
import { buildGraphIndex, subgraphsOf, topologicalOrder, type GraphIndex } from '../graph/graph-index.js';
import { normalizeDomain } from '../graph/op-registry.js';
import type { ModelProto, NodeProto } from '../onnx/types.js';
import { nodeLabel } from './graph-names.js';
import type { ExcludedNode, OpRule, QuantRules } from './quant-options.js';

const FLOAT = 1;

/** A constant weight of a quantized node, quantized per channel along `axis` or per tensor. */
export interface WeightPlan {
  node: number;
  input: number;
  name: string;
  axis?: number;
}

export interface BiasPlan {
  node: number;
  input: number;
  name: string;
  /** The activation whose scale, times the weight's, is the bias scale. */
  activation: string;
  weight: string;
}

/**
 * Where Q/DQ pairs go in a static INT8 model. Every tensor in `activations` gets one QuantizeLinear ->
 * DequantizeLinear pair that all its consumers read; constants among them are quantized from their values,
 * the rest from calibration, except those in `sharedRange`, which take another tensor's range.
 */
export interface QdqPlan {
  quantizedNodes: number[];
  excluded: ExcludedNode[];
  /** Relu/Clip nodes folded into the output range of the quantized op before them. */
  fusedActivations: number[];
  activations: string[];
  /** Tensors to calibrate: `activations` less constants and shared ranges. */
  calibrate: string[];
  sharedRange: Map<string, string>;
  /** Float initializers quantized like activations (per tensor, from their own values). */
  constantActivations: Set<string>;
  weights: WeightPlan[];
  biases: BiasPlan[];
  warnings: string[];
}

export interface PlanOptions {
  excludeNodes: readonly string[];
  excludeOpTypes: readonly string[];
  perChannel: boolean;
}

function attrInt(node: NodeProto, name: string, fallback: number): number {
  const a = node.attribute?.find((x) => x.name === name);
  return a?.i !== undefined ? Number(a.i) : fallback;
}

function activationInputs(node: NodeProto, rule: OpRule): number[] {
  if (rule.activations === 'all') return (node.input ?? []).map((_, i) => i);
  return (rule.activations ?? []).filter((i) => i < (node.input ?? []).length);
}

function weightAxis(node: NodeProto, rule: OpRule, rank: number): number | undefined {
  if (rule.weightAxis === 'gemm') return attrInt(node, 'transB', 0) === 1 ? 0 : 1;
  if (rule.weightAxis === undefined) return undefined;
  if (node.opType === 'ConvTranspose' && attrInt(node, 'group', 1) !== 1) return undefined;
  if (node.opType === 'MatMul' && rank !== 2) return undefined;
  return rule.weightAxis < 0 ? rank + rule.weightAxis : rule.weightAxis;
}

function opsetOf(model: ModelProto): number {
  return Number(model.opsetImport?.find((o) => normalizeDomain(o.domain) === '')?.version ?? 0);
}

/** Decides, from the rules and the user's exclusions, which nodes and tensors of the main graph get quantized. */
export function planQdq(model: ModelProto, rules: QuantRules, options: PlanOptions): QdqPlan {
  const graph = model.graph;
  if (!graph) throw new Error('the model has no graph');
  const index: GraphIndex = buildGraphIndex(graph);
  const facts = inferShapes(model).facts;
  const isFloat = (name: string) => facts.get(name)?.elemType === FLOAT;
  const initializer = (name: string) => index.initializers.get(name);
  const graphOutputs = new Set(index.outputs.keys());
  const excludeNodes = new Set(options.excludeNodes);
  const excludeOps = new Set(options.excludeOpTypes);
  const warnings: string[] = [];
  let perChannel = options.perChannel;
  if (perChannel && opsetOf(model) < 13) {
    perChannel = false;
    warnings.push(`Per-channel weights need opset 13 or newer (this model imports opset ${opsetOf(model)}); weights were quantized per tensor.`);
  }

  const excluded: ExcludedNode[] = [];
  const quantized = new Set<number>();
  const activations = new Set<string>();
  const constantActivations = new Set<string>();
  const weights: WeightPlan[] = [];
  const biases: BiasPlan[] = [];
  const sharedRange = new Map<string, string>();
  const fused = new Set<number>();

  const ruleOf = (node: NodeProto): OpRule | undefined =>
    normalizeDomain(node.domain) === '' && subgraphsOf(node).length === 0 ? rules.ops[node.opType ?? ''] : undefined;

  const addActivation = (name: string) => {
    activations.add(name);
    const t = initializer(name);
    if (t && t.dataType === FLOAT) constantActivations.add(name);
  };

  // Pass 1: weighted and arithmetic ops, the ones INT8 speeds up.
  const { order } = topologicalOrder(index);
  for (const i of order) {
    const node = index.nodes[i]!;
    const label = nodeLabel(node, i);
    const opType = node.opType ?? '';
    const rule = ruleOf(node);
    const userExcluded = excludeNodes.has(label) || excludeOps.has(opType);
    // Data-movement ops are decided (and their exclusion reported) in pass 2.
    if (userExcluded && rule && (rule.kind === 'weighted' || rule.kind === 'arithmetic')) {
      excluded.push({ name: label, opType, reason: excludeNodes.has(label) ? 'excluded by you' : `you excluded ${opType} ops` });
      continue;
    }
    const leftInFloat = rules.leftInFloat[opType];
    if (leftInFloat !== undefined && normalizeDomain(node.domain) === '') {
      excluded.push({ name: label, opType, reason: `left in float by default: ${leftInFloat}` });
      continue;
    }
    if (!rule || (rule.kind !== 'weighted' && rule.kind !== 'arithmetic')) continue;
    const inputs = node.input ?? [];
    const acts = activationInputs(node, rule).filter((k) => inputs[k]);
    let weight: WeightPlan | undefined;
    if (rule.kind === 'weighted' && rule.weight !== undefined) {
      const w = inputs[rule.weight];
      const t = w ? initializer(w) : undefined;
      if (t && t.dataType === FLOAT) {
        const axis = perChannel ? weightAxis(node, rule, t.dims?.length ?? 0) : undefined;
        weight = { node: i, input: rule.weight, name: w!, ...(axis !== undefined ? { axis } : {}) };
      } else if (!acts.includes(rule.weight)) {
        excluded.push({ name: label, opType, reason: 'its weight is computed at run time, not a constant' });
        continue;
      }
    }
    const floatActs = acts.filter((k) => k !== weight?.input);
    const notFloat = floatActs.find((k) => !isFloat(inputs[k]!));
    if (notFloat !== undefined) {
      excluded.push({ name: label, opType, reason: `input '${inputs[notFloat]}' is not a float32 tensor (or its type is unknown)` });
      continue;
    }
    quantized.add(i);
    for (const k of floatActs) addActivation(inputs[k]!);
    if (weight) weights.push(weight);
    const b = rule.bias !== undefined ? inputs[rule.bias] : undefined;
    const bt = b ? initializer(b) : undefined;
    if (weight && b && bt?.dataType === FLOAT && (bt.dims?.length ?? 0) <= 2 && floatActs.length === 1) {
      biases.push({ node: i, input: rule.bias!, name: b, activation: inputs[floatActs[0]!]!, weight: weight.name });
    }
  }

  // Pass 2: data-movement ops between quantized ones keep the values quantized (same scale in and out).
  const consumersQuantized = (name: string) => (index.consumers.get(name) ?? []).some((c) => quantized.has(c));
  for (const i of order) {
    const node = index.nodes[i]!;
    const rule = ruleOf(node);
    if (rule?.kind !== 'passthrough' || quantized.has(i)) continue;
    const label = nodeLabel(node, i);
    if (excludeNodes.has(label) || excludeOps.has(node.opType ?? '')) {
      excluded.push({ name: label, opType: node.opType ?? '', reason: excludeNodes.has(label) ? 'excluded by you' : `you excluded ${node.opType} ops` });
      continue;
    }
    const input = node.input?.[0];
    const output = node.output?.[0];
    if (!input || !output || !isFloat(input) || graphOutputs.has(output)) continue;
    const producer = index.producers.get(input)?.[0];
    const neighbourQuantized = activations.has(input) || (producer !== undefined && quantized.has(producer)) || consumersQuantized(output);
    if (!neighbourQuantized) continue;
    quantized.add(i);
    addActivation(input);
  }

  // Outputs of quantized ops, moved past a Relu/Clip that only they feed (kernels fuse it into the op).
  for (const i of order) {
    if (!quantized.has(i)) continue;
    const node = index.nodes[i]!;
    const output = node.output?.[0];
    if (!output || graphOutputs.has(output) || !isFloat(output)) continue;
    const rule = ruleOf(node)!;
    if (rule.kind === 'passthrough') {
      sharedRange.set(output, node.input![0]!);
      activations.add(output);
      continue;
    }
    const consumers = index.consumers.get(output) ?? [];
    const next = consumers.length === 1 ? index.nodes[consumers[0]!]! : undefined;
    const nextOut = next?.output?.[0];
    if (next && ruleOf(next)?.kind === 'activation' && nextOut && !graphOutputs.has(nextOut) && next.input?.[0] === output) {
      fused.add(consumers[0]!);
      activations.add(nextOut);
      continue;
    }
    activations.add(output);
  }

  // Resolve chains of shared ranges to the tensor that is calibrated.
  for (const [t, source] of sharedRange) {
    let s = source;
    for (let hops = 0; sharedRange.has(s) && hops < 10_000; hops++) s = sharedRange.get(s)!;
    sharedRange.set(t, s);
  }
  const calibrate = [...activations].filter((t) => !constantActivations.has(t) && !sharedRange.has(t));
  return {
    quantizedNodes: [...quantized].sort((a, b) => a - b),
    excluded,
    fusedActivations: [...fused].sort((a, b) => a - b),
    activations: [...activations],
    calibrate,
    sharedRange,
    constantActivations,
    weights,
    biases,
    warnings,
  };
}
