import { inferShapes } from '../analysis/shape-inference.js';
import { buildGraphIndex, subgraphsOf, topologicalOrder } from '../graph/graph-index.js';
import { normalizeDomain, type OpRegistry, type OpVersionSchema } from '../graph/op-registry.js';
import { floatArray } from '../model/tensor-values.js';
import type { ModelProto, NodeProto, TensorProto, ValueInfoProto } from '../onnx/types.js';
import { toFloat16Bytes } from './float16.js';
import { syncInitializerInputs } from './initializer-inputs.js';
import { fp16RuntimeHazard } from './fp16-runtime-hazards.js';
import { NameAllocator, nodeLabel } from './graph-names.js';
import type { ExcludedNode, Fp16Options, QuantizeSummary } from './quant-options.js';

const FLOAT = 1;
const FLOAT16 = 10;
type Precision = 'f32' | 'f16';

/** What a node wants on each input: f16, f32, or nothing (not a float input). */
interface NodeDecision {
  blocked: boolean;
  reason?: string;
  wanted: (Precision | undefined)[];
  /** Output positions that come out as float16 when the node runs in float16. */
  f16Outputs: Set<number>;
}

function paramAt(params: OpVersionSchema['inputs'], k: number) {
  const last = params[params.length - 1];
  return params[k] ?? (last?.option === 'variadic' ? last : undefined);
}

function decide(node: NodeProto, index: number, registry: OpRegistry, opset: number, blockOps: Set<string>, blockNodes: Set<string>, keptReasons: Record<string, string>, isFloat: (n: string) => boolean, hazard: string | undefined): NodeDecision {
  const inputs = node.input ?? [];
  const floatInputs = inputs.map((n) => (n && isFloat(n) ? ('f32' as Precision) : undefined));
  const blocked = (reason: string): NodeDecision => ({ blocked: true, reason, wanted: floatInputs, f16Outputs: new Set() });
  const opType = node.opType ?? '';
  if (blockNodes.has(nodeLabel(node, index))) return blocked('excluded by you');
  if (blockOps.has(opType)) return blocked(keptReasons[opType] ? `kept in float32 by default: ${keptReasons[opType]}` : `you kept ${opType} ops in float32`);
  if (hazard) return blocked(`kept in float32: ${hazard}`);
  if (normalizeDomain(node.domain) !== '') return blocked(`custom-domain op (${node.domain}); its float16 support is unknown`);
  const found = registry.lookup('', opType, opset);
  if (found.kind !== 'found') return blocked('its schema is unknown, so its float16 support is too');
  const schema = found.schema;
  const allowsHalf = new Set(schema.typeConstraints.filter((c) => c.allowed.includes('tensor(float16)')).map((c) => c.name));
  const wanted = inputs.map((n, k): Precision | undefined => {
    if (!floatInputs[k]) return undefined;
    const p = paramAt(schema.inputs, k);
    return p && allowsHalf.has(p.typeStr) ? 'f16' : 'f32';
  });
  const boundToHalf = new Set(inputs.map((_, k) => (wanted[k] === 'f16' ? paramAt(schema.inputs, k)?.typeStr : undefined)).filter((t): t is string => !!t));
  const f16Outputs = new Set<number>();
  (node.output ?? []).forEach((_, k) => {
    const p = paramAt(schema.outputs, k);
    if (p && boundToHalf.has(p.typeStr)) f16Outputs.add(k);
  });
  if (wanted.some((w, k) => floatInputs[k] && w === 'f32' && !schemaFixedFloat(schema, k))) return blocked('its schema has no float16 form');
  return { blocked: false, wanted, f16Outputs };
}

/** An input declared as tensor(float) itself (e.g. Resize scales): it stays float32 by definition. */
function schemaFixedFloat(schema: OpVersionSchema, k: number): boolean {
  return paramAt(schema.inputs, k)?.typeStr === 'tensor(float)';
}

function withElemType(v: ValueInfoProto, elemType: number): ValueInfoProto {
  const tensorType = v.type?.tensorType;
  if (!tensorType) return v;
  return { ...v, type: { ...v.type, tensorType: { ...tensorType, elemType } } };
}

function halfTensor(t: TensorProto, name: string): { tensor: TensorProto; clamped: number } {
  const { bytes, clamped } = toFloat16Bytes(floatArray(t));
  const { floatData: _drop, ...rest } = t;
  return { tensor: { ...rest, name, dataType: FLOAT16, rawData: bytes }, clamped };
}

/**
 * Converts a model to float16: weights are stored as float16, ops that have a float16 form run in it,
 * Casts join the parts that stay float32 (blocked ops, inputs defined as float32, and optionally the
 * graph's inputs and outputs). Values beyond float16's range are clamped and named in the warnings.
 */
export function convertToFp16(model: ModelProto, registry: OpRegistry, options: Fp16Options, keptReasons: Record<string, string>): { model: ModelProto; summary: QuantizeSummary } {
  const graph = model.graph;
  if (!graph) throw new Error('the model has no graph');
  if ((graph.node ?? []).some((n) => subgraphsOf(n).length > 0)) {
    throw new Error('FP16 conversion does not handle control flow (If, Loop, Scan) yet; convert a model without it');
  }
  const opset = Number(model.opsetImport?.find((o) => normalizeDomain(o.domain) === '')?.version ?? 0);
  const index = buildGraphIndex(graph);
  const facts = inferShapes(model).facts;
  const isFloat = (n: string) => facts.get(n)?.elemType === FLOAT;
  const names = new NameAllocator(graph);
  const blockOps = new Set(options.blockOps);
  const blockNodes = new Set(options.excludeNodes);
  const { order } = topologicalOrder(index);
  const nodes = index.nodes;
  const decisions = nodes.map((n, i) => decide(n, i, registry, opset, blockOps, blockNodes, keptReasons, isFloat, fp16RuntimeHazard(n, index)));

  const precision = new Map<string, Precision>();
  const warnings: string[] = [];
  const excluded: ExcludedNode[] = [];
  const newInputs = (graph.input ?? []).map((v) => {
    if (!v.name || index.initializers.has(v.name) || !isFloat(v.name)) return v;
    if (options.keepIOTypes) {
      precision.set(v.name, 'f32');
      return v;
    }
    precision.set(v.name, 'f16');
    return withElemType(v, FLOAT16);
  });

  // Initializers: converted in place when every reader wants float16, copied when some want each.
  const wants = new Map<string, Set<Precision>>();
  nodes.forEach((n, i) => n.input?.forEach((name, k) => {
    const w = decisions[i]!.wanted[k];
    if (w && index.initializers.has(name)) (wants.get(name) ?? wants.set(name, new Set()).get(name)!).add(w);
  }));
  const initializers: TensorProto[] = [];
  const halfCopy = new Map<string, string>();
  const clampedTensors: string[] = [];
  for (const t of graph.initializer ?? []) {
    const name = t.name ?? '';
    const w = wants.get(name);
    if (t.dataType !== FLOAT || !w?.has('f16') || index.outputs.has(name)) {
      initializers.push(t);
      if (t.dataType === FLOAT) precision.set(name, 'f32');
      continue;
    }
    const target = w.has('f32') ? names.fresh(`${name}_fp16`) : name;
    const { tensor, clamped } = halfTensor(t, target);
    if (clamped > 0) clampedTensors.push(`${name} (${clamped} values)`);
    if (w.has('f32')) {
      initializers.push(t);
      precision.set(name, 'f32');
      halfCopy.set(name, target);
    } else {
      precision.set(name, 'f16');
    }
    initializers.push(tensor);
  }

  const casts = new Map<string, string>();
  const out: NodeProto[] = [];
  const castTo = (name: string, to: Precision): string => {
    if (to === 'f16' && halfCopy.has(name)) return halfCopy.get(name)!;
    const key = `${name}->${to}`;
    let castName = casts.get(key);
    if (!castName) {
      castName = names.fresh(`${name}_${to === 'f16' ? 'fp16' : 'fp32'}`);
      out.push({ name: names.fresh(`Cast_${castName}`), opType: 'Cast', input: [name], output: [castName], attribute: [{ name: 'to', type: 2, i: to === 'f16' ? FLOAT16 : FLOAT }] });
      casts.set(key, castName);
    }
    return castName;
  };

  let converted = 0;
  for (const i of order) {
    const node = nodes[i]!;
    const d = decisions[i]!;
    const input = (node.input ?? []).map((name, k) => {
      const w = d.wanted[k];
      const have = precision.get(name);
      return w && have && w !== have ? castTo(name, w) : name;
    });
    out.push(input.some((v, k) => v !== node.input![k]) ? { ...node, input } : node);
    (node.output ?? []).forEach((o, k) => {
      if (!o) return;
      if (d.f16Outputs.has(k)) precision.set(o, 'f16');
      else if (isFloat(o)) precision.set(o, 'f32');
    });
    if (d.blocked) {
      if (d.wanted.some((w) => w)) excluded.push({ name: nodeLabel(node, i), opType: node.opType ?? '', reason: d.reason ?? '' });
    } else if (d.f16Outputs.size > 0) {
      converted++;
    }
  }

  // Graph outputs: float16 where the model now computes them so, unless float32 edges were asked for.
  const renamedOutputs = new Map<string, string>();
  const outputs = (graph.output ?? []).map((v) => {
    const name = v.name ?? '';
    if (precision.get(name) !== 'f16') return v;
    if (!options.keepIOTypes) return withElemType(v, FLOAT16);
    renamedOutputs.set(name, names.fresh(`${name}_fp16`));
    return v;
  });
  const nodesOut = renamedOutputs.size === 0 ? out : out.map((n) => {
    const rename = (list: string[] | undefined) => list?.map((x) => renamedOutputs.get(x) ?? x);
    return { ...n, input: rename(n.input) ?? [], output: rename(n.output) ?? [] };
  });
  for (const [name, half] of renamedOutputs) {
    nodesOut.push({ name: names.fresh(`Cast_${name}`), opType: 'Cast', input: [half], output: [name], attribute: [{ name: 'to', type: 2, i: FLOAT }] });
  }
  const valueInfo = (graph.valueInfo ?? []).map((v) => (v.name && precision.get(v.name) === 'f16' && !renamedOutputs.has(v.name) ? withElemType(v, FLOAT16) : v));

  if (clampedTensors.length > 0) warnings.push(`Values beyond float16's range (±65504) were clamped in: ${clampedTensors.join(', ')}.`);
  return {
    model: syncInitializerInputs(model, { ...model, graph: { ...graph, input: newInputs, output: outputs, node: nodesOut, initializer: initializers, valueInfo } }),
    summary: {
      mode: 'fp16',
      quantizedNodes: converted,
      quantizedNodeNames: order.filter((i) => !decisions[i]!.blocked && decisions[i]!.f16Outputs.size > 0).map((i) => nodeLabel(nodes[i]!, i)),
      excludedNodes: excluded,
      warnings,
    },
  };
}
