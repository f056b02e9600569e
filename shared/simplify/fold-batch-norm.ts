import { floatArray } from '../model/tensor-values.js';
import { isExternal } from '../onnx/external-data.js';
import type { AttributeProto, NodeProto, TensorProto } from '../onnx/types.js';
import { constantInitializerNames, freshNameFactory, isOnnxOp, producerMap, readCounts, withGraph } from './graph-rewrite.js';
import { NO_CHANGE, type SimplifyPass } from './simplify-pass.js';

const FLOAT = 1;

function intAttr(node: NodeProto, name: string, fallback: number): number {
  const a = node.attribute?.find((x) => x.name === name);
  return a?.i !== undefined ? Number(a.i) : fallback;
}

function floatAttr(node: NodeProto, name: string, fallback: number): number {
  return node.attribute?.find((x) => x.name === name)?.f ?? fallback;
}

function setFloatAttr(node: NodeProto, name: string, value: number): AttributeProto[] {
  const rest = (node.attribute ?? []).filter((a) => a.name !== name);
  return [...rest, { name, type: 1, f: value }];
}

function tensorOf(name: string, dims: number[], values: Float32Array): TensorProto {
  return { name, dims, dataType: FLOAT, rawData: new Uint8Array(values.buffer, values.byteOffset, values.byteLength) };
}

interface Layout {
  channels: number;
  /** Output channel of flat weight element i. */
  channelOf: (i: number) => number;
}

/** How the weight's elements map to output channels, or undefined for shapes this pass does not fold. */
function weightLayout(producer: NodeProto, w: TensorProto): Layout | undefined {
  const dims = (w.dims ?? []).map(Number);
  const size = dims.reduce((a, b) => a * b, 1);
  if (isOnnxOp(producer, 'Conv')) {
    if (dims.length < 3) return undefined;
    const per = size / dims[0]!;
    return { channels: dims[0]!, channelOf: (i) => Math.floor(i / per) };
  }
  if (isOnnxOp(producer, 'ConvTranspose')) {
    // Weight [C_in, C_out / group, k...]: input channel ci of group g feeds output channels g * (C_out / group) + j.
    if (dims.length < 3) return undefined;
    const group = intAttr(producer, 'group', 1);
    const perGroupOut = dims[1]!;
    const kernel = size / (dims[0]! * dims[1]!);
    const inPerGroup = dims[0]! / group;
    return {
      channels: perGroupOut * group,
      channelOf: (i) => {
        const ci = Math.floor(i / (perGroupOut * kernel));
        const j = Math.floor(i / kernel) % perGroupOut;
        return Math.floor(ci / inPerGroup) * perGroupOut + j;
      },
    };
  }
  if (isOnnxOp(producer, 'Gemm')) {
    if (dims.length !== 2 || intAttr(producer, 'transA', 0) !== 0) return undefined;
    const transB = intAttr(producer, 'transB', 0) !== 0;
    const [rows, cols] = dims as [number, number];
    return transB ? { channels: rows, channelOf: (i) => Math.floor(i / cols) } : { channels: cols, channelOf: (i) => i % cols };
  }
  return undefined;
}

/** The producer's bias as one value per channel (zeros when absent), or undefined when it broadcasts otherwise. */
function biasPerChannel(bias: TensorProto | undefined, channels: number): Float64Array | undefined {
  if (!bias) return new Float64Array(channels);
  const values = floatArray(bias);
  const dims = (bias.dims ?? []).map(Number);
  if (values.length === channels && (dims.length === 1 || (dims.length === 2 && dims[0] === 1))) return Float64Array.from(values);
  if (values.length === 1) return new Float64Array(channels).fill(values[0]!);
  return undefined;
}

/**
 * BatchNormalization right after a Conv, ConvTranspose or Gemm whose output nothing else reads is
 * folded into that node's weight and bias: W' = W * s, b' = (b - mean) * s + beta, with
 * s = scale / sqrt(var + epsilon) per output channel. Only float32 weights that are constants are folded.
 */
export const foldBatchNorm: SimplifyPass = {
  name: 'batch-norm',
  run(model) {
    const graph = model.graph;
    if (!graph || !(graph.node ?? []).some((n) => isOnnxOp(n, 'BatchNormalization'))) return NO_CHANGE(model);
    const constants = constantInitializerNames(graph);
    const initializers = new Map((graph.initializer ?? []).map((t) => [t.name ?? '', t]));
    const constant = (name: string | undefined) => {
      const t = name && constants.has(name) ? initializers.get(name) : undefined;
      return t && t.dataType === FLOAT && !isExternal(t) ? t : undefined;
    };
    const producers = producerMap(graph);
    const reads = readCounts(graph);
    const outputs = new Set((graph.output ?? []).map((v) => v.name));
    const fresh = freshNameFactory(graph);
    const removed = new Set<NodeProto>();
    const replaced = new Map<NodeProto, NodeProto>();
    const added: TensorProto[] = [];
    for (const bn of graph.node ?? []) {
      if (!isOnnxOp(bn, 'BatchNormalization') || intAttr(bn, 'training_mode', 0) !== 0 || intAttr(bn, 'spatial', 1) !== 1) continue;
      if ((bn.output ?? []).slice(1).some((o) => o && (reads.get(o) ?? 0) > 0)) continue;
      const x = bn.input?.[0];
      const producer = x ? producers.get(x) : undefined;
      if (!producer || removed.has(producer) || replaced.has(producer) || outputs.has(x) || reads.get(x!) !== 1) continue;
      if (!['Conv', 'ConvTranspose', 'Gemm'].some((op) => isOnnxOp(producer, op)) || producer.output?.[0] !== x) continue;
      const w = constant(producer.input?.[1]);
      const bnParams = [1, 2, 3, 4].map((k) => constant(bn.input?.[k]));
      if (!w || bnParams.some((t) => !t)) continue;
      const layout = weightLayout(producer, w);
      if (!layout) continue;
      const hasBias = Boolean(producer.input?.[2]);
      const biasTensor = hasBias ? constant(producer.input?.[2]) : undefined;
      if (hasBias && !biasTensor) continue;
      const bias = biasPerChannel(biasTensor, layout.channels);
      const [scale, shift, mean, variance] = bnParams.map((t) => floatArray(t!));
      if (!bias || [scale, shift, mean, variance].some((v) => v!.length !== layout.channels)) continue;
      const epsilon = floatAttr(bn, 'epsilon', 1e-5);
      const biasScale = isOnnxOp(producer, 'Gemm') ? floatAttr(producer, 'beta', 1) : 1;
      const s = Float64Array.from(scale!, (g, c) => g / Math.sqrt(variance![c]! + epsilon));
      const weights = floatArray(w);
      const folded = new Float32Array(weights.length);
      for (let i = 0; i < weights.length; i++) folded[i] = weights[i]! * s[layout.channelOf(i)]!;
      const newBias = Float32Array.from(s, (sc, c) => (biasScale * bias[c]! - mean![c]!) * sc + shift![c]!);
      const base = producer.name || w.name || 'folded';
      const wName = fresh(`${base}_bn_weight`);
      const bName = fresh(`${base}_bn_bias`);
      added.push(tensorOf(wName, (w.dims ?? []).map(Number), folded), tensorOf(bName, [layout.channels], newBias));
      replaced.set(producer, {
        ...producer,
        input: [producer.input![0]!, wName, bName],
        output: [bn.output![0]!],
        ...(isOnnxOp(producer, 'Gemm') ? { attribute: setFloatAttr(producer, 'beta', 1) } : {}),
      });
      removed.add(bn);
    }
    if (removed.size === 0) return NO_CHANGE(model);
    const node = (graph.node ?? []).filter((n) => !removed.has(n)).map((n) => replaced.get(n) ?? n);
    const gone = new Set([...removed].flatMap((n) => n.input?.[0] ?? []));
    const valueInfo = (graph.valueInfo ?? []).filter((v) => !gone.has(v.name ?? ''));
    return { model: withGraph(model, { ...graph, node, valueInfo, initializer: [...(graph.initializer ?? []), ...added] }), changed: removed.size };
  },
};
