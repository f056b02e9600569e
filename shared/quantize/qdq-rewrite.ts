import { implicitInputs } from '../graph/graph-index.js';
import { syncInitializerInputs } from './initializer-inputs.js';
import type { ModelProto, NodeProto, TensorProto } from '../onnx/types.js';
import { floatArray } from '../model/tensor-values.js';
import type { Range } from './calibration-methods.js';
import { NameAllocator, nodeLabel } from './graph-names.js';
import type { QdqPlan } from './qdq-plan.js';
import { QUANT_ELEM_TYPE, quantParams, type QuantParams, type QuantSpec } from './quant-params.js';
import type { Int8Options, QuantizeSummary } from './quant-options.js';
import { quantizeBias, quantizeWeight } from './weight-quant.js';

const INT32 = 6;
const FLOAT = 1;

function scalarOrVector(name: string, values: Float32Array, asVector: boolean): TensorProto {
  return { name, dataType: FLOAT, dims: asVector ? [values.length] : [], rawData: new Uint8Array(values.slice().buffer) };
}

function zeroPointTensor(name: string, values: number[], type: QuantSpec['type'], asVector: boolean): TensorProto {
  const data = type === 'int8' ? Int8Array.from(values) : Uint8Array.from(values);
  return { name, dataType: QUANT_ELEM_TYPE[type], dims: asVector ? [values.length] : [], rawData: new Uint8Array(data.buffer) };
}

/** Q/DQ nodes go unnamed: they are plumbing, and names would cost more bytes than small weights. */
function dequantizeNode(inputs: string[], output: string, axis?: number): NodeProto {
  return {
    opType: 'DequantizeLinear',
    input: inputs,
    output: [output],
    ...(axis !== undefined ? { attribute: [{ name: 'axis', type: 2, i: axis }] } : {}),
  };
}

export interface QdqRewriteResult {
  model: ModelProto;
  summary: QuantizeSummary;
}

/**
 * Writes the static INT8 model: Q/DQ pairs on the planned activations with scales from their ranges,
 * int8 weights behind DequantizeLinear, int32 biases. Nodes keep their order; each pair follows the
 * node (or graph input) that produces its tensor, so the graph stays topologically sorted.
 */
export function rewriteQdq(model: ModelProto, plan: QdqPlan, ranges: ReadonlyMap<string, Range>, options: Int8Options): QdqRewriteResult {
  const graph = model.graph!;
  const names = new NameAllocator(graph);
  const nodes = graph.node ?? [];
  const initializers = new Map((graph.initializer ?? []).map((t) => [t.name ?? '', t]));
  const activationSpec: QuantSpec = { type: options.activations.type, symmetric: options.activations.symmetric, reduceRange: false };
  const weightSpec: QuantSpec = { type: options.weights.type, symmetric: options.weights.symmetric, reduceRange: options.weights.reduceRange };
  const warnings = [...plan.warnings];
  const newInitializers: TensorProto[] = [];

  // Scales and zero points of every quantized activation.
  const params = new Map<string, QuantParams>();
  const rangeOf = (t: string): Range | undefined => {
    if (plan.constantActivations.has(t)) {
      const values = floatArray(initializers.get(t)!);
      let min = 0;
      let max = 0;
      for (const v of values) {
        if (v < min) min = v;
        if (v > max) max = v;
      }
      return { min, max };
    }
    return ranges.get(plan.sharedRange.get(t) ?? t);
  };
  for (const t of plan.activations) {
    const range = rangeOf(t);
    if (!range) throw new Error(`no calibrated range for tensor '${t}'`);
    params.set(t, quantParams(range.min, range.max, activationSpec));
  }

  // The Q -> DQ pair of each activation, placed after its producer.
  const pairsAfter = new Map<number, NodeProto[]>();
  const pairsFirst: NodeProto[] = [];
  const producerOf = new Map<string, number>();
  nodes.forEach((n, i) => n.output?.forEach((o) => o && producerOf.set(o, i)));
  const dequantized = new Map<string, string>();
  // Tensors that share a range (a MaxPool's output with its input) share one scale and zero point.
  const paramTensors = new Map<string, [scale: string, zp: string]>();
  const paramsFor = (t: string): [string, string] => {
    const source = plan.sharedRange.get(t) ?? t;
    let pair = paramTensors.get(source);
    if (!pair) {
      const p = params.get(source) ?? params.get(t)!;
      pair = [names.fresh(`${source}_scale`), names.fresh(`${source}_zp`)];
      newInitializers.push(scalarOrVector(pair[0], Float32Array.of(p.scale), false), zeroPointTensor(pair[1], [p.zeroPoint], activationSpec.type, false));
      paramTensors.set(source, pair);
    }
    return pair;
  };
  for (const t of plan.activations) {
    const [scale, zp] = paramsFor(t);
    const q = names.fresh(`${t}_q`);
    const dq = names.fresh(`${t}_dq`);
    const pair: NodeProto[] = [
      { opType: 'QuantizeLinear', input: [t, scale, zp], output: [q] },
      dequantizeNode([q, scale, zp], dq),
    ];
    dequantized.set(t, dq);
    const producer = producerOf.get(t);
    if (producer === undefined) pairsFirst.push(...pair);
    else pairsAfter.set(producer, [...(pairsAfter.get(producer) ?? []), ...pair]);
  }

  // Weights: int8 constants read through DequantizeLinear.
  const weightNodes: NodeProto[] = [];
  const weightScales = new Map<string, Float32Array>();
  const replacedInputs = new Map<string, string>(); // `${node}:${input}` -> new value name
  const quantizedWeightOf = new Map<string, string>();
  for (const w of plan.weights) {
    const key = `${w.name}@${w.axis ?? 'tensor'}`;
    let dq = quantizedWeightOf.get(key);
    if (!dq) {
      const t = initializers.get(w.name)!;
      const dims = (t.dims ?? []).map(Number);
      const qw = quantizeWeight(floatArray(t), dims, weightSpec, w.axis);
      const perChannel = w.axis !== undefined;
      const qName = names.fresh(`${w.name}_q`);
      const scale = names.fresh(`${w.name}_scale`);
      dq = names.fresh(`${w.name}_dq`);
      newInitializers.push(
        { name: qName, dataType: QUANT_ELEM_TYPE[weightSpec.type], dims: t.dims ?? [], rawData: new Uint8Array(qw.data.buffer) },
        scalarOrVector(scale, qw.scales, perChannel),
      );
      // A zero point of 0 is the default for int8, so symmetric int8 weights need none stored.
      const inputs = [qName, scale];
      if (weightSpec.type !== 'int8' || qw.zeroPoints.some((z) => z !== 0)) {
        const zp = names.fresh(`${w.name}_zp`);
        newInitializers.push(zeroPointTensor(zp, qw.zeroPoints, weightSpec.type, perChannel));
        inputs.push(zp);
      }
      weightNodes.push(dequantizeNode(inputs, dq, w.axis));
      weightScales.set(dq, qw.scales);
      quantizedWeightOf.set(key, dq);
    }
    replacedInputs.set(`${w.node}:${w.input}`, dq);
  }

  // Biases: int32 with scale = activation scale x weight scale, so integer kernels add them directly.
  for (const b of plan.biases) {
    const t = initializers.get(b.name)!;
    const wKey = replacedInputs.get(`${b.node}:${plan.weights.find((w) => w.node === b.node)!.input}`)!;
    const wScales = weightScales.get(wKey)!;
    const values = floatArray(t);
    const perChannel = wScales.length > 1;
    if (perChannel && values.length !== wScales.length) {
      warnings.push(`Bias '${b.name}' has ${values.length} values for ${wScales.length} channels; it stays in float.`);
      continue;
    }
    const inputScale = params.get(b.activation)!.scale;
    const qb = quantizeBias(values, inputScale, wScales);
    if (qb.clamped > 0) warnings.push(`Bias '${b.name}': ${qb.clamped} values exceed the int32 range at their scale and were clamped.`);
    const qName = names.fresh(`${b.name}_q`);
    const scale = names.fresh(`${b.name}_scale`);
    const dq = names.fresh(`${b.name}_dq`);
    const scales = perChannel ? qb.scales : Float32Array.of(qb.scales[0] ?? Math.fround(inputScale * wScales[0]!));
    // Per-channel scales run along the bias's only axis, so a [1, N] Gemm bias is stored as [N].
    const dims = perChannel ? [values.length] : (t.dims ?? []);
    newInitializers.push(
      { name: qName, dataType: INT32, dims, rawData: new Uint8Array(qb.data.buffer) },
      scalarOrVector(scale, scales, perChannel),
    );
    // int32 biases have zero point 0, the default when none is given.
    weightNodes.push(dequantizeNode([qName, scale], dq, perChannel ? 0 : undefined));
    replacedInputs.set(`${b.node}:${b.input}`, dq);
  }

  // Rewire: every reader of a quantized activation reads its dequantized copy; quantized nodes read their weights' DQ.
  const graphOutputs = new Set((graph.output ?? []).map((o) => o.name ?? ''));
  const rewired = nodes.map((node, i): NodeProto => {
    const input = (node.input ?? []).map((name, k) => replacedInputs.get(`${i}:${k}`) ?? dequantized.get(name) ?? name);
    return input.some((v, k) => v !== node.input![k]) ? { ...node, input } : node;
  });
  const ordered: NodeProto[] = [...weightNodes, ...pairsFirst];
  rewired.forEach((n, i) => ordered.push(n, ...(pairsAfter.get(i) ?? [])));

  // Float weights nothing reads any more are dropped; the rest (read by float nodes, or from inside an
  // If/Loop body, which names outer-scope values without listing them as node inputs) stay.
  const read = new Set<string>();
  for (const n of ordered) for (const v of [...(n.input ?? []), ...implicitInputs(n)]) read.add(v);
  for (const o of graphOutputs) read.add(o);
  const keptInitializers = (graph.initializer ?? []).filter((t) => read.has(t.name ?? ''));

  const quantizedNodeNames = plan.quantizedNodes.map((i) => nodeLabel(nodes[i]!, i));
  const out: ModelProto = {
    ...model,
    graph: { ...graph, node: ordered, initializer: [...keptInitializers, ...newInitializers] },
  };
  return {
    model: syncInitializerInputs(model, out),
    summary: {
      mode: 'int8-static',
      quantizedNodes: quantizedNodeNames.length,
      quantizedNodeNames,
      excludedNodes: plan.excluded,
      warnings,
    },
  };
}

