import { inferShapes } from '../analysis/shape-inference.js';
import { buildGraphIndex, implicitInputs } from '../graph/graph-index.js';
import { normalizeDomain } from '../graph/op-registry.js';
import { floatArray } from '../model/tensor-values.js';
import { syncInitializerInputs } from './initializer-inputs.js';
import type { AttributeProto, ModelProto, NodeProto, TensorProto } from '../onnx/types.js';
import { NameAllocator, nodeLabel } from './graph-names.js';
import { QUANT_ELEM_TYPE, type QuantSpec } from './quant-params.js';
import type { ExcludedNode, Int8Options, QuantRules, QuantizeSummary } from './quant-options.js';
import { quantizeWeight } from './weight-quant.js';

const FLOAT = 1;

function attr(node: NodeProto, name: string): AttributeProto | undefined {
  return node.attribute?.find((a) => a.name === name);
}

function floatTensor(name: string, values: Float32Array, dims: number[]): TensorProto {
  return { name, dataType: FLOAT, dims, rawData: new Uint8Array(values.slice().buffer) };
}

function transpose2d(values: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(values.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = values[r * cols + c]!;
  return out;
}

/**
 * INT8 dynamic quantization: weights are stored as 8-bit integers once; activations are quantized at run
 * time by DynamicQuantizeLinear (uint8, from each input's own min/max), so no calibration data is needed.
 * MatMul and Gemm become MatMulInteger, Conv becomes ConvInteger; the int32 result is scaled back to float.
 */
export function rewriteDynamic(model: ModelProto, rules: QuantRules, options: Int8Options): { model: ModelProto; summary: QuantizeSummary } {
  const graph = model.graph;
  if (!graph) throw new Error('the model has no graph');
  const index = buildGraphIndex(graph);
  const facts = inferShapes(model).facts;
  const names = new NameAllocator(graph);
  const excludeNodes = new Set(options.excludeNodes);
  const excludeOps = new Set(options.excludeOpTypes);
  const excluded: ExcludedNode[] = [];
  const quantizedNames: string[] = [];
  const added: TensorProto[] = [];
  const out: NodeProto[] = [];
  const readCount = new Map<string, number>();
  // Reads from inside If/Loop bodies count, or a weight a body also uses would be dropped.
  for (const n of index.nodes) for (const v of [...(n.input ?? []), ...implicitInputs(n)]) readCount.set(v, (readCount.get(v) ?? 0) + 1);
  const dropped = new Set<string>();

  const emit = (opType: string, input: string[], outputName: string | undefined, hint: string, attribute?: AttributeProto[]): string => {
    const output = outputName ?? names.fresh(`${hint}_${opType}_out`);
    out.push({ name: names.fresh(`${hint}_${opType}`), opType, input, output: [output], ...(attribute ? { attribute } : {}) });
    return output;
  };

  index.nodes.forEach((node, i) => {
    const label = nodeLabel(node, i);
    const opType = node.opType ?? '';
    const rule = normalizeDomain(node.domain) === '' ? rules.ops[opType] : undefined;
    if (!rule?.dynamic) {
      if (rules.leftInFloat[opType] !== undefined) excluded.push({ name: label, opType, reason: `left in float by default: ${rules.leftInFloat[opType]}` });
      out.push(node);
      return;
    }
    const reject = (reason: string) => {
      excluded.push({ name: label, opType, reason });
      out.push(node);
    };
    if (excludeNodes.has(label) || excludeOps.has(opType)) return reject(excludeNodes.has(label) ? 'excluded by you' : `you excluded ${opType} ops`);
    const [x, w, bias] = node.input ?? [];
    const weight = w ? index.initializers.get(w) : undefined;
    if (!x || !weight || weight.dataType !== FLOAT) return reject('its weight is computed at run time, not a constant');
    if (facts.get(x)?.elemType !== FLOAT) return reject(`input '${x}' is not a float32 tensor (or its type is unknown)`);
    const dims = (weight.dims ?? []).map(Number);
    let values = floatArray(weight);
    let biasValues: Float32Array | undefined;
    if (opType === 'Gemm') {
      if (Number(attr(node, 'transA')?.i ?? 0) !== 0) return reject('Gemm with transA is left in float');
      if (dims.length !== 2) return reject('its weight is not a matrix');
      const alpha = attr(node, 'alpha')?.f ?? 1;
      const beta = attr(node, 'beta')?.f ?? 1;
      if (Number(attr(node, 'transB')?.i ?? 0) === 1) {
        values = transpose2d(values, dims[0]!, dims[1]!);
        dims.reverse();
      }
      if (alpha !== 1) values = values.map((v) => v * alpha);
      if (bias) {
        const b = index.initializers.get(bias);
        if (!b || b.dataType !== FLOAT) return reject('its bias is computed at run time, not a constant');
        biasValues = floatArray(b).map((v) => v * beta);
        if (biasValues.length !== dims[1]) return reject('its bias does not have one value per output');
      }
    } else if (opType === 'MatMul' && dims.length !== 2) {
      return reject('its weight is not a matrix');
    } else if (opType === 'Conv' && bias) {
      const b = index.initializers.get(bias);
      if (!b || b.dataType !== FLOAT) return reject('its bias is computed at run time, not a constant');
      biasValues = floatArray(b);
    }

    // ConvInteger in ONNX Runtime takes uint8 weights with one zero point; MatMulInteger also takes
    // int8 weights with a zero point per output column.
    const isConv = opType === 'Conv';
    const spec: QuantSpec = isConv
      ? { type: 'uint8', symmetric: false, reduceRange: options.weights.reduceRange }
      : { type: options.weights.type, symmetric: options.weights.symmetric, reduceRange: options.weights.reduceRange };
    const axis = !isConv && options.weights.perChannel ? 1 : undefined;
    const qw = quantizeWeight(values, dims, spec, axis);
    const hint = label.replace(/[^A-Za-z0-9_.-]/g, '_');
    const qName = names.fresh(`${w}_quantized`);
    const zpName = names.fresh(`${w}_zero_point`);
    const scaleName = names.fresh(`${w}_scale`);
    const zp = spec.type === 'int8' ? Int8Array.from(qw.zeroPoints) : Uint8Array.from(qw.zeroPoints);
    added.push(
      { name: qName, dataType: QUANT_ELEM_TYPE[spec.type], dims, rawData: new Uint8Array(qw.data.buffer) },
      { name: zpName, dataType: QUANT_ELEM_TYPE[spec.type], dims: axis !== undefined ? [zp.length] : [], rawData: new Uint8Array(zp.buffer) },
      floatTensor(scaleName, qw.scales, axis !== undefined ? [qw.scales.length] : []),
    );

    const xq = names.fresh(`${x}_${hint}_quantized`);
    const xScale = names.fresh(`${x}_${hint}_scale`);
    const xZp = names.fresh(`${x}_${hint}_zero_point`);
    out.push({ name: names.fresh(`${hint}_DynamicQuantizeLinear`), opType: 'DynamicQuantizeLinear', input: [x], output: [xq, xScale, xZp] });
    const integerOp = rule.dynamic!;
    const convAttrs = isConv ? (node.attribute ?? []) : undefined;
    const acc = emit(integerOp, [xq, qName, xZp, zpName], undefined, hint, convAttrs);
    const accFloat = emit('Cast', [acc], undefined, hint, [{ name: 'to', type: 2, i: FLOAT }]);
    const scale = emit('Mul', [xScale, scaleName], undefined, hint);
    const finalOut = node.output![0]!;
    if (!biasValues) {
      emit('Mul', [accFloat, scale], finalOut, hint);
    } else {
      const scaled = emit('Mul', [accFloat, scale], undefined, hint);
      const biasName = names.fresh(`${bias}_${hint}_bias`);
      added.push(floatTensor(biasName, biasValues, isConv ? [1, biasValues.length, ...dims.slice(2).map(() => 1)] : [biasValues.length]));
      emit('Add', [scaled, biasName], finalOut, hint);
    }
    quantizedNames.push(label);
    for (const v of [w, bias]) {
      if (!v) continue;
      const left = (readCount.get(v) ?? 0) - 1;
      readCount.set(v, left);
      if (left === 0 && !index.outputs.has(v)) dropped.add(v);
    }
  });

  const initializer = [...(graph.initializer ?? []).filter((t) => !dropped.has(t.name ?? '')), ...added];
  return {
    model: syncInitializerInputs(model, { ...model, graph: { ...graph, node: out, initializer } }),
    summary: { mode: 'int8-dynamic', quantizedNodes: quantizedNames.length, quantizedNodeNames: quantizedNames, excludedNodes: excluded, warnings: [] },
  };
}
