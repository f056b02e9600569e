import { dimUses, parseMonomial, sameDim } from '../analysis/dim-monomial.js';
import type { Dim } from '../analysis/dims.js';
import type { ValueFacts } from '../analysis/inference-types.js';
import type { ModelProto, NodeProto } from '../onnx/types.js';
import { nodeLabel } from '../quantize/graph-names.js';

/**
 * Where a batch symbol reaches an axis that mixes samples: a contraction (MatMul's inner dim, Gemm's
 * K), a Softmax or reduction axis, a channel or spatial axis of a convolution, or a broadcast against a
 * different size. A Reshape that baked batch 1 can often take the batch in more than one dim
 * ([197, 12, 64] as [197, 12·batch, 64] or [197·batch, 12, 64]); only one keeps samples apart, and this
 * tells them apart before the numerical batch check has to. Returns a sentence for the first one found.
 */
export function batchAxisViolation(model: ModelProto, facts: ReadonlyMap<string, ValueFacts>, symbol: string, old: number): string | undefined {
  const opset = (model.opsetImport ?? []).find((o) => !o.domain || o.domain === 'ai.onnx')?.version;
  const opsetVersion = opset === undefined ? 13 : Number(opset);
  const nodes = model.graph?.node ?? [];
  for (let i = 0; i < nodes.length; i++) {
    const why = violation(nodes[i]!, facts, symbol, old, opsetVersion);
    if (why) return `${nodes[i]!.opType} '${nodeLabel(nodes[i]!, i)}' ${why}`;
  }
  // A graph output carries the batch as its whole first axis or not at all: [2·batch, 1, 4] keeps
  // samples apart but is not a batch of the outputs the model had.
  for (const o of model.graph?.output ?? []) {
    const shape = facts.get(o.name ?? '')?.shape;
    if (shape?.some((d, k) => dimUses(d, symbol) && (k > 0 || d !== symbol))) return `output '${o.name}' would have the shape [${shape.join(', ')}], not '${symbol}' first`;
  }
  return undefined;
}

const ELEMENTWISE = new Set(['Add', 'Sub', 'Mul', 'Div', 'Pow', 'Where', 'Equal', 'Less', 'Greater', 'And', 'Or', 'Max', 'Min', 'Mod', 'PRelu']);
const SPATIAL = new Set(['Conv', 'ConvTranspose', 'MaxPool', 'AveragePool', 'GlobalAveragePool', 'GlobalMaxPool', 'BatchNormalization', 'InstanceNormalization', 'LpPool']);
const REDUCE = /^Reduce[A-Z]/;

function attrInt(node: NodeProto, name: string): number | undefined {
  const a = node.attribute?.find((x) => x.name === name);
  return a?.i !== undefined ? Number(a.i) : undefined;
}

function violation(node: NodeProto, facts: ReadonlyMap<string, ValueFacts>, symbol: string, old: number, opset: number): string | undefined {
  const shapeOf = (k: number): Dim[] | undefined => {
    const name = node.input?.[k];
    return name ? (facts.get(name)?.shape ?? undefined) : undefined;
  };
  const uses = (d: Dim | undefined) => d !== undefined && dimUses(d, symbol);
  const at = (s: Dim[], axis: number) => s[axis < 0 ? axis + s.length : axis];
  const op = node.opType ?? '';
  const x = shapeOf(0);
  if (!x) return undefined;
  if (op === 'MatMul') {
    const b = shapeOf(1);
    if (uses(at(x, -1)) || (b && b.length >= 2 && uses(at(b, -2)))) return `would sum over the '${symbol}' axis`;
    if (b && x.length > 2 && b.length > 2 && broadcastConflict([x.slice(0, -2), b.slice(0, -2)], symbol, old)) return `would broadcast the '${symbol}' axis against a different size`;
  } else if (op === 'Gemm') {
    const k = attrInt(node, 'transA') ? x[0] : x[1];
    if (uses(k)) return `would sum over the '${symbol}' axis`;
  } else if (op === 'Softmax' || op === 'LogSoftmax' || op === 'Hardmax') {
    const axis = attrInt(node, 'axis') ?? (opset >= 13 ? -1 : 1);
    const a = axis < 0 ? axis + x.length : axis;
    const covered = opset >= 13 ? [x[a]] : x.slice(a);
    if (covered.some(uses)) return `would normalise across the '${symbol}' axis`;
  } else if (op === 'LayerNormalization') {
    const axis = attrInt(node, 'axis') ?? -1;
    if (x.slice(axis < 0 ? axis + x.length : axis).some(uses)) return `would normalise across the '${symbol}' axis`;
  } else if (REDUCE.test(op)) {
    const axesAttr = node.attribute?.find((a) => a.name === 'axes')?.ints?.map(Number);
    const axesInput = node.input?.[1] ? facts.get(node.input[1])?.value : undefined;
    const axes = axesAttr ?? (axesInput?.every((v) => typeof v === 'number') ? (axesInput as number[]) : undefined);
    const reduced = axes ? axes.map((a) => at(x, a)) : x;
    if (reduced.some(uses)) return `would reduce across the '${symbol}' axis`;
  } else if (SPATIAL.has(op)) {
    if (x.slice(1).some(uses)) return `would mix samples: '${symbol}' reaches its channel or spatial axes`;
  } else if (ELEMENTWISE.has(op)) {
    const shapes = (node.input ?? []).map((_, k) => shapeOf(k)).filter((s): s is Dim[] => !!s);
    if (broadcastConflict(shapes, symbol, old)) return `would broadcast the '${symbol}' axis against a different size`;
  }
  return undefined;
}

/**
 * True when, on some axis, a size that uses the symbol meets a different size other than 1. A number
 * equal to the symbolic size at the old batch is not a conflict: it is a branch whose own Reshape has
 * not taken the batch yet (the keys of an attention block while its queries are decided).
 */
function broadcastConflict(shapes: Dim[][], symbol: string, old: number): boolean {
  const rank = Math.max(...shapes.map((s) => s.length));
  const atOld = (d: Dim): number | undefined => {
    const m = parseMonomial(d);
    return m ? m.coefficient * old ** m.symbols.filter((x) => x === symbol).length : undefined;
  };
  for (let axis = 0; axis < rank; axis++) {
    const dims = shapes.map((s) => s[axis - (rank - s.length)]).filter((d): d is Dim => d !== undefined && d !== 1 && d !== null);
    const symbolic = dims.filter((d) => dimUses(d, symbol));
    if (symbolic.length === 0) continue;
    const clash = dims.some((d) => !sameDim(d, symbolic[0]!) && !(typeof d === 'number' && atOld(symbolic[0]!) === d));
    if (clash) return true;
  }
  return false;
}
