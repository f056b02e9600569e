import { buildGraphIndex, topologicalOrder } from '../graph/graph-index.js';
import { byteSizeOf } from '../onnx/data-types.js';
import type { ModelProto, NodeProto } from '../onnx/types.js';
import { numericProduct, type Dim } from './dims.js';
import type { ValueFacts } from './inference-types.js';
import { inferShapes, type InferenceOptions } from './shape-inference.js';

export interface NodeCost {
  /** Index of the node in the graph (its position in the file). */
  nodeIndex: number;
  name: string;
  opType: string;
  /** null when a shape it depends on is unknown or symbolic. */
  macs: number | null;
  flops: number | null;
  params: number;
  weightBytes: number;
  /** One per output the node produces; an optional output left out (named '') is no value and has none. */
  outputShapes: (Dim[] | null)[];
  outputBytes: number | null;
  /** Bytes read (inputs, weights included) plus bytes written. */
  bytesMoved: number | null;
  /** FLOPs per byte moved. */
  intensity: number | null;
}

export interface Analysis {
  totals: {
    macs: number;
    flops: number;
    params: number;
    weightBytes: number;
    activationBytes: number;
    peakActivationBytes: number;
    /** The node after which live activations peak. */
    peakNode: string | null;
    /**
     * MACs with every bounded data-dependent dim at its largest size (a detector keeping all its
     * post_nms_top_n proposals): the worst case per run. Present only when such dims carry MACs.
     */
    macsAtBounds?: number;
  };
  nodes: NodeCost[];
  /** Nodes whose cost could not be computed (unknown or symbolic shapes), by name. */
  incomplete: string[];
  unsupported: Record<string, number>;
}

/** FLOPs per output element for ops beyond the plain one-per-element rule. */
const PER_ELEMENT: Record<string, number> = {
  BatchNormalization: 2,
  InstanceNormalization: 5,
  LayerNormalization: 5,
  GroupNormalization: 5,
  Softmax: 3,
  LogSoftmax: 4,
  Gelu: 8,
  Erf: 4,
};

/** Ops that move or describe data without arithmetic. */
const NO_ARITHMETIC = new Set([
  'Reshape', 'Flatten', 'Transpose', 'Squeeze', 'Unsqueeze', 'Concat', 'Split', 'Slice', 'Gather', 'GatherElements', 'GatherND',
  'Expand', 'Tile', 'Pad', 'Shape', 'Size', 'Constant', 'ConstantOfShape', 'Identity', 'Cast', 'CastLike', 'Dropout', 'Range',
  'DepthToSpace', 'SpaceToDepth', 'Resize', 'Upsample', 'ScatterElements', 'ScatterND', 'NonZero', 'OneHot', 'EyeLike', 'TopK',
]);

const product = (dims: Dim[] | null | undefined) => numericProduct(dims);

function bytesOf(f: ValueFacts | undefined): number | null {
  const n = product(f?.shape);
  return n === null || !f ? null : (byteSizeOf(f.elemType, n) ?? null);
}

/** MACs and FLOPs of one node from its input/output facts; null when a needed dim is unknown. */
function arithmetic(node: NodeProto, input: (i: number) => ValueFacts | undefined, output: (i: number) => ValueFacts | undefined, attrInts: (n: string) => number[] | undefined): { macs: number | null; flops: number | null } {
  const op = node.opType ?? '';
  const out = output(0);
  const outElems = product(out?.shape);
  const hasBias = (node.input?.[2] ?? '') !== '';
  switch (op) {
    case 'Conv':
    case 'ConvInteger': {
      const w = input(1)?.shape;
      const kernelVolume = product(w?.slice(1));
      if (outElems === null || kernelVolume === null) return { macs: null, flops: null };
      const macs = outElems * kernelVolume; // each output sums Cin/group * k_h * k_w products
      return { macs, flops: 2 * macs + (hasBias ? outElems : 0) };
    }
    case 'ConvTranspose': {
      const x = product(input(0)?.shape);
      const w = input(1)?.shape;
      const perInput = product(w?.slice(1)); // Cout/group * kernel
      if (x === null || perInput === null || outElems === null) return { macs: null, flops: null };
      const macs = x * perInput;
      return { macs, flops: 2 * macs + (hasBias ? outElems : 0) };
    }
    case 'MatMul':
    case 'MatMulInteger': {
      const a = input(0)?.shape;
      const k = a?.at(-1);
      if (outElems === null || typeof k !== 'number') return { macs: null, flops: null };
      return { macs: outElems * k, flops: 2 * outElems * k };
    }
    case 'Gemm': {
      const a = input(0)?.shape;
      const transA = (node.attribute ?? []).find((x) => x.name === 'transA')?.i;
      const k = a ? (Number(transA ?? 0) ? a[0] : a[1]) : undefined;
      if (outElems === null || typeof k !== 'number') return { macs: null, flops: null };
      return { macs: outElems * k, flops: 2 * outElems * k + (hasBias ? outElems : 0) };
    }
    case 'LSTM':
    case 'GRU':
    case 'RNN': {
      // Every time step multiplies the input by W and the hidden state by R, per direction and gate:
      // MACs = steps x batch x (|W| + |R|), W [dirs, gates*hidden, input], R [dirs, gates*hidden, hidden].
      const x = input(0)?.shape;
      const w = product(input(1)?.shape);
      const r = product(input(2)?.shape);
      const batchFirst = Number(node.attribute?.find((a) => a.name === 'layout')?.i ?? 0) === 1;
      const steps = x?.[batchFirst ? 1 : 0];
      const batch = x?.[batchFirst ? 0 : 1];
      if (typeof steps !== 'number' || typeof batch !== 'number' || w === null || r === null) return { macs: null, flops: null };
      const macs = steps * batch * (w + r);
      // Each gate value also gets its two biases added and its activation; the cell update is a few more ops per unit.
      const gateValues = steps * batch * ((input(1)?.shape?.[0] as number) * (input(1)?.shape?.[1] as number));
      return { macs, flops: 2 * macs + 3 * gateValues };
    }
    case 'MaxPool':
    case 'AveragePool':
    case 'LpPool': {
      const kernel = attrInts('kernel_shape');
      if (outElems === null || !kernel) return { macs: 0, flops: null };
      return { macs: 0, flops: outElems * kernel.reduce((a, b) => a * b, 1) };
    }
    case 'GlobalAveragePool':
    case 'GlobalMaxPool':
    case 'ReduceMean':
    case 'ReduceSum':
    case 'ReduceMax':
    case 'ReduceMin':
    case 'ReduceProd':
    case 'ReduceL1':
    case 'ReduceL2':
    case 'ReduceSumSquare':
    case 'ReduceLogSumExp': {
      const x = product(input(0)?.shape);
      return { macs: 0, flops: x };
    }
    default: {
      if (NO_ARITHMETIC.has(op)) return { macs: 0, flops: 0 };
      if (outElems === null) return { macs: 0, flops: null };
      const inputs = (node.input ?? []).filter(Boolean).length;
      const perElement = PER_ELEMENT[op] ?? (['Sum', 'Max', 'Min', 'Mean'].includes(op) ? Math.max(1, inputs - 1) : 1);
      return { macs: 0, flops: outElems * perElement };
    }
  }
}

/**
 * Per-node and total cost of a model for its input shapes: MACs, FLOPs, parameters, weight and
 * activation bytes, bytes moved and arithmetic intensity, and the peak of live activations when the
 * nodes run in order and every tensor is freed after its last consumer.
 */
export function analyzeModel(model: ModelProto, options: InferenceOptions = {}): Analysis {
  const graph = model.graph ?? {};
  const { facts, unsupported, bounds } = inferShapes(model, options);
  // Facts with each bounded data-dependent dim replaced by its bound, for the worst-case MACs.
  const atBounds = (f: ValueFacts | undefined): ValueFacts | undefined =>
    f?.shape && f.shape.some((d) => typeof d === 'string' && bounds.has(d)) ? { ...f, shape: f.shape.map((d) => (typeof d === 'string' ? (bounds.get(d) ?? d) : d)) } : f;
  let macsAtBounds = 0;
  let boundedMacs = false;
  const index = buildGraphIndex(graph);
  const { order } = topologicalOrder(index);
  const initializers = new Set((graph.initializer ?? []).map((t) => t.name ?? ''));
  const counted = new Set<string>();
  const nodes: NodeCost[] = [];
  const incomplete: string[] = [];
  const totals: Analysis['totals'] = { macs: 0, flops: 0, params: 0, weightBytes: 0, activationBytes: 0, peakActivationBytes: 0, peakNode: null };

  // Live activations: graph inputs from the start; each value until its last consumer has run.
  const lastUse = new Map<string, number>();
  order.forEach((nodeIndex, step) => {
    for (const i of index.nodes[nodeIndex]!.input ?? []) if (i && !initializers.has(i)) lastUse.set(i, step);
  });
  const graphOutputs = new Set((graph.output ?? []).map((o) => o.name));
  const live = new Map<string, number>();
  let liveBytes = 0;
  for (const v of graph.input ?? []) {
    if (v.name && !initializers.has(v.name)) {
      const b = bytesOf(facts.get(v.name)) ?? 0;
      live.set(v.name, b);
      liveBytes += b;
    }
  }

  order.forEach((nodeIndex, step) => {
    const node = index.nodes[nodeIndex]!;
    const name = node.name || `${node.opType}_${nodeIndex}`;
    const input = (i: number) => (node.input?.[i] ? facts.get(node.input[i]!) : undefined);
    const output = (i: number) => (node.output?.[i] ? facts.get(node.output[i]!) : undefined);
    const attrInts = (n: string) => node.attribute?.find((a) => a.name === n)?.ints?.map(Number);
    let params = 0;
    let weightBytes = 0;
    for (const i of node.input ?? []) {
      if (!initializers.has(i) || counted.has(i)) continue;
      counted.add(i);
      params += product(facts.get(i)?.shape) ?? 0;
      weightBytes += bytesOf(facts.get(i)) ?? 0;
    }
    const { macs, flops } = arithmetic(node, input, output, attrInts);
    if (macs === null && bounds.size > 0) {
      const worst = arithmetic(node, (i) => atBounds(input(i)), (i) => atBounds(output(i)), attrInts).macs;
      if (worst !== null && worst > 0) boundedMacs = true;
      macsAtBounds += worst ?? 0;
    } else macsAtBounds += macs ?? 0;
    const outputShapes = (node.output ?? []).filter(Boolean).map((o) => facts.get(o)?.shape ?? null);
    const outputSizes = (node.output ?? []).filter(Boolean).map((o) => bytesOf(facts.get(o)));
    const outputBytes = outputSizes.every((b) => b !== null) ? outputSizes.reduce<number>((a, b) => a + b!, 0) : null;
    const inputSizes = (node.input ?? []).filter(Boolean).map((i) => bytesOf(facts.get(i)));
    const bytesMoved = outputBytes !== null && inputSizes.every((b) => b !== null) ? outputBytes + inputSizes.reduce<number>((a, b) => a + b!, 0) : null;
    if (macs === null || flops === null || outputBytes === null) incomplete.push(name);
    nodes.push({
      nodeIndex,
      name,
      opType: node.opType ?? '',
      macs,
      flops,
      params,
      weightBytes,
      outputShapes,
      outputBytes,
      bytesMoved,
      intensity: flops !== null && bytesMoved ? flops / bytesMoved : null,
    });
    totals.macs += macs ?? 0;
    totals.flops += flops ?? 0;
    totals.params += params;
    totals.weightBytes += weightBytes;
    totals.activationBytes += outputBytes ?? 0;

    for (const o of node.output ?? []) {
      if (!o) continue;
      const b = bytesOf(facts.get(o)) ?? 0;
      live.set(o, b);
      liveBytes += b;
    }
    if (liveBytes > totals.peakActivationBytes) {
      totals.peakActivationBytes = liveBytes;
      totals.peakNode = name;
    }
    for (const v of [...(node.input ?? []), ...(node.output ?? [])]) {
      if (!v || graphOutputs.has(v) || !live.has(v)) continue;
      if ((lastUse.get(v) ?? -1) <= step) {
        liveBytes -= live.get(v)!;
        live.delete(v);
      }
    }
  });
  if (boundedMacs) totals.macsAtBounds = macsAtBounds;
  return { totals, nodes, incomplete, unsupported };
}
