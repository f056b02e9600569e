import { buildGraphIndex, topologicalOrder } from '../graph/graph-index.js';
import { normalizeDomain } from '../graph/op-registry.js';
import { shapeOf } from '../model/tensor-info.js';
import type { AttributeProto, GraphProto, ModelProto, NodeProto } from '../onnx/types.js';
import { axisOf, dataDependentDim, type Dim } from './dims.js';
import type { InferContext, InferFn, ValueFacts } from './inference-types.js';
import { ELEMENTWISE_OPS } from './ops/elementwise.js';
import { INDEXING_OPS } from './ops/indexing.js';
import { NN_OPS } from './ops/nn.js';
import { REDUCE_OPS } from './ops/reduce.js';
import { SHAPE_OPS } from './ops/shape-ops.js';
import { LOSS_OPS, TRAINING_OPS } from './ops/training.js';
import { tensorFacts } from './tensor-facts.js';

const RULES: Record<string, InferFn> = { ...ELEMENTWISE_OPS, ...NN_OPS, ...REDUCE_OPS, ...SHAPE_OPS, ...INDEXING_OPS, ...LOSS_OPS };
/** Rules for ops outside the default domain, by domain. */
const DOMAIN_RULES: Record<string, Record<string, InferFn>> = { 'ai.onnx.preview.training': TRAINING_OPS };

export interface InferenceResult {
  /** Facts about every value: inputs, initializers and everything nodes produce. */
  facts: Map<string, ValueFacts>;
  /** Ops without an inference rule, with how many nodes use them; their outputs come from the file's value_info or stay unknown. */
  unsupported: Record<string, number>;
  /** Nodes whose rule failed on their inputs (e.g. shapes that do not match), named with the reason. */
  failed: { node: string; message: string }[];
  /** The largest size each bounded data-dependent dim can take, by symbol (top-level graph only). */
  bounds: Map<string, number>;
}

export interface InferenceOptions {
  /** Dims for graph inputs, by name (the user's values for dynamic axes). */
  inputShapes?: Record<string, Dim[]>;
}

function attrLookup(node: { attribute?: AttributeProto[] }) {
  const byName = new Map((node.attribute ?? []).map((a) => [a.name ?? '', a]));
  return (name: string) => byName.get(name);
}

function declaredFacts(graph: GraphProto): Map<string, ValueFacts> {
  const out = new Map<string, ValueFacts>();
  for (const v of [...(graph.valueInfo ?? []), ...(graph.output ?? [])]) {
    const elemType = v.type?.tensorType?.elemType;
    if (v.name && elemType !== undefined) out.set(v.name, { elemType, shape: shapeOf(v.type) });
  }
  return out;
}

function bodyOf(node: NodeProto, name: string): GraphProto | undefined {
  return node.attribute?.find((a) => a.name === name)?.g;
}

function countInto(target: Record<string, number>, from: Record<string, number>): void {
  for (const [op, n] of Object.entries(from)) target[op] = (target[op] ?? 0) + n;
}

/**
 * If: the branch a known condition picks; else each output merges both branches, as onnx's shape
 * inference does: equal dims kept, dims of different sizes named, a dim either branch does not know unknown.
 */
function inferIf(model: ModelProto, node: NodeProto, facts: ReadonlyMap<string, ValueFacts>, unsupported: Record<string, number>, failed: InferenceResult['failed']): (ValueFacts | undefined)[] {
  const branches = ['then_branch', 'else_branch'].map((name) => {
    const body = bodyOf(node, name);
    if (!body) return undefined;
    const result = inferShapes(model, {}, body, facts);
    countInto(unsupported, result.unsupported);
    return { outputs: (body.output ?? []).map((o) => result.facts.get(o.name ?? '')), failed: result.failed, runs: result.failed.length === 0 };
  });
  // What fails in the branch that runs fails in this If, so an enclosing If knows its branch cannot run.
  const failedIn = (k: number) => failed.push(...(branches[k]?.failed ?? []));
  const [a, b] = branches.map((branch) => branch?.outputs);
  // A condition folded from shapes (torch exports test dims this way) picks its branch outright.
  const cond = (node.input?.[0] ?? '') !== '' ? facts.get(node.input![0]!)?.value?.[0] : undefined;
  if (typeof cond === 'number') {
    failedIn(cond !== 0 ? 0 : 1);
    return (cond !== 0 ? a : b) ?? [];
  }
  if (!a || !b) return [];
  // A branch whose ops reject these shapes cannot run at them (silero's 8 kHz branch fed a 16 kHz
  // frame), so every run that succeeds takes the other one.
  if (branches[0]!.runs !== branches[1]!.runs) return branches[0]!.runs ? a : b;
  failedIn(0);
  failedIn(1);
  return a.map((x, i) => {
    const y = b[i];
    if (!x || !y) return undefined;
    if (!x.shape || !y.shape || x.shape.length !== y.shape.length) return { elemType: x.elemType, shape: null };
    // Dims both branches know but give different sizes: one size per run, chosen by the condition.
    const differing = (k: number) => dataDependentDim(node.name, node.opType, `out${i}_dim${k}`);
    return { elemType: x.elemType, shape: x.shape.map((d, k) => (d === y.shape![k] ? d : d === null || y.shape![k] === null ? null : differing(k))) };
  });
}

/**
 * Loop: the carried values keep the body's output facts (checked against the initial values' rank);
 * each scan output gains a leading axis of the trip count when the count is a known constant.
 */
function inferLoop(model: ModelProto, node: NodeProto, facts: ReadonlyMap<string, ValueFacts>, unsupported: Record<string, number>): (ValueFacts | undefined)[] {
  const body = bodyOf(node, 'body');
  if (!body) return [];
  const carried = (node.input ?? []).slice(2);
  const seeded = new Map<string, ValueFacts>();
  const bodyInputs = body.input ?? [];
  if (bodyInputs[0]?.name) seeded.set(bodyInputs[0].name, { elemType: 7, shape: [] });
  if (bodyInputs[1]?.name) seeded.set(bodyInputs[1].name, { elemType: 9, shape: [] });
  carried.forEach((name, k) => {
    const f = facts.get(name);
    const inner = bodyInputs[k + 2]?.name;
    if (f && inner) seeded.set(inner, f);
  });
  const result = inferShapes(model, {}, body, facts, seeded);
  countInto(unsupported, result.unsupported);
  const bodyOutputs = (body.output ?? []).slice(1).map((o) => result.facts.get(o.name ?? ''));
  const tripValue = (node.input?.[0] ?? '') !== '' ? facts.get(node.input![0]!)?.value?.[0] : undefined;
  const trip: Dim = typeof tripValue === 'number' ? tripValue : null;
  return bodyOutputs.map((f, k) => {
    if (!f) return undefined;
    if (k < carried.length) return f;
    return { elemType: f.elemType, shape: f.shape ? [trip, ...f.shape] : null };
  });
}

/**
 * Scan: the body sees each state and one slice of each scan input; final states keep the body's
 * facts and each scan output stacks the body's output along its scan axis, the sequence length long.
 * Opset 8's Scan also carries a leading batch axis (and an optional sequence_lens input first).
 */
function inferScan(model: ModelProto, node: NodeProto, facts: ReadonlyMap<string, ValueFacts>, opset: number, unsupported: Record<string, number>): (ValueFacts | undefined)[] {
  const body = bodyOf(node, 'body');
  if (!body) return [];
  const attr = attrLookup(node);
  const scanCount = Number(attr('num_scan_inputs')?.i ?? 0);
  const batched = opset < 9;
  const inputs = (node.input ?? []).slice(batched ? 1 : 0).map((name) => (name ? facts.get(name) : undefined));
  const stateCount = inputs.length - scanCount;
  const inputAxes = attr('scan_input_axes')?.ints?.map(Number) ?? [];
  const outputAxes = attr('scan_output_axes')?.ints?.map(Number) ?? [];
  const without = (f: ValueFacts | undefined, axes: number[]): ValueFacts | undefined => f && { elemType: f.elemType, shape: f.shape ? f.shape.filter((_, i) => !axes.includes(i)) : null };
  const scanAxisOf = (k: number, rank: number) => (batched ? 1 : (axisOf(inputAxes[k] ?? 0, rank) ?? 0));
  const firstScan = inputs[stateCount];
  const seqLen: Dim = firstScan?.shape ? (firstScan.shape[scanAxisOf(0, firstScan.shape.length)] ?? null) : null;
  const batch: Dim = batched ? (inputs[0]?.shape?.[0] ?? firstScan?.shape?.[0] ?? null) : null;
  const seeded = new Map<string, ValueFacts>();
  (body.input ?? []).forEach((v, k) => {
    const f = inputs[k];
    if (!v.name || !f) return;
    const dropped = k < stateCount ? (batched ? [0] : []) : [...(batched ? [0] : []), scanAxisOf(k - stateCount, f.shape?.length ?? 0)];
    const inner = without(f, dropped);
    if (inner) seeded.set(v.name, inner);
  });
  const result = inferShapes(model, {}, body, facts, seeded);
  countInto(unsupported, result.unsupported);
  return (body.output ?? []).map((o, k) => {
    const f = result.facts.get(o.name ?? '');
    if (!f) return undefined;
    if (!f.shape) return { elemType: f.elemType, shape: null };
    if (k < stateCount) return { elemType: f.elemType, shape: batched ? [batch, ...f.shape] : f.shape };
    const shape = [...f.shape];
    shape.splice(batched ? 0 : (axisOf(outputAxes[k - stateCount] ?? 0, f.shape.length + 1) ?? 0), 0, seqLen);
    return { elemType: f.elemType, shape: batched ? [batch, ...shape] : shape };
  });
}

/**
 * Combines what a rule inferred with what the file declares: per dim, a number wins over a symbol,
 * and a symbol over unknown. A declared shape of another rank is ignored (the rule is trusted).
 */
function mergeFacts(inferred: ValueFacts | undefined, declared: ValueFacts | undefined): ValueFacts | undefined {
  if (!inferred) return declared;
  if (!declared?.shape) return inferred;
  if (!inferred.shape) return { ...inferred, shape: declared.shape };
  if (inferred.shape.length !== declared.shape.length) return inferred;
  const shape = inferred.shape.map((d, i) => {
    const e = declared.shape![i]!;
    if (typeof d === 'number') return d;
    if (typeof e === 'number') return e;
    return d ?? e;
  });
  return { ...inferred, shape };
}

/**
 * Infers element types and shapes through a graph in execution order, carrying symbolic dims and
 * folding small shape computations (Shape -> Gather -> Concat -> Reshape). Ops without a rule are
 * listed, never guessed: their outputs take the file's value_info when it has one.
 */
export function inferShapes(
  model: ModelProto,
  options: InferenceOptions = {},
  graph: GraphProto | undefined = model.graph,
  outer: ReadonlyMap<string, ValueFacts> = new Map(),
  seededInputs: ReadonlyMap<string, ValueFacts> = new Map(),
): InferenceResult {
  const facts = new Map<string, ValueFacts>(outer);
  const unsupported: Record<string, number> = {};
  const failed: InferenceResult['failed'] = [];
  const bounds = new Map<string, number>();
  if (!graph) return { facts, unsupported, failed, bounds };
  const opsets = new Map((model.opsetImport ?? []).map((o) => [normalizeDomain(o.domain), Number(o.version ?? 0)]));
  for (const t of graph.initializer ?? []) if (t.name) facts.set(t.name, tensorFacts(t));
  for (const v of graph.input ?? []) {
    if (!v.name || (facts.has(v.name) && !outer.has(v.name))) continue;
    const seeded = seededInputs.get(v.name);
    if (seeded) {
      facts.set(v.name, seeded);
      continue;
    }
    const override = options.inputShapes?.[v.name];
    facts.set(v.name, { elemType: v.type?.tensorType?.elemType ?? 0, shape: override ?? shapeOf(v.type) });
  }
  const declared = declaredFacts(graph);
  const index = buildGraphIndex(graph);
  const { order, unordered } = topologicalOrder(index);
  for (const i of [...order, ...unordered]) {
    const node = index.nodes[i]!;
    const domain = normalizeDomain(node.domain);
    const rule = (domain === '' ? RULES : DOMAIN_RULES[domain])?.[node.opType ?? ''];
    let outputs: (ValueFacts | undefined)[] = [];
    if (domain === '' && (node.opType === 'If' || node.opType === 'Loop' || node.opType === 'Scan')) {
      if (node.opType === 'Scan') outputs = inferScan(model, node, facts, opsets.get('') ?? 1, unsupported);
      else outputs = node.opType === 'If' ? inferIf(model, node, facts, unsupported, failed) : inferLoop(model, node, facts, unsupported);
    } else if (!rule) {
      const key = `${domain ? `${domain}.` : ''}${node.opType ?? ''}`;
      unsupported[key] = (unsupported[key] ?? 0) + 1;
    } else {
      const attr = attrLookup(node);
      const ctx: InferContext = {
        node,
        opset: opsets.get('') ?? 1,
        input: (k) => {
          const name = node.input?.[k];
          return name ? facts.get(name) : undefined;
        },
        attr,
        int: (name, fallback) => (attr(name)?.i !== undefined ? Number(attr(name)!.i) : fallback),
        ints: (name) => attr(name)?.ints?.map(Number),
        float: (name, fallback) => attr(name)?.f ?? fallback,
        string: (name, fallback) => {
          const s = attr(name)?.s;
          return s ? new TextDecoder().decode(s) : fallback;
        },
        bound: (dim, max) => {
          if (typeof dim === 'string' && Number.isFinite(max) && max >= 0) bounds.set(dim, Math.min(max, bounds.get(dim) ?? Infinity));
        },
      };
      try {
        outputs = rule(ctx);
      } catch (e) {
        failed.push({ node: node.name || node.opType || '?', message: e instanceof Error ? e.message : String(e) });
      }
    }
    (node.output ?? []).forEach((name, k) => {
      if (!name) return;
      const merged = mergeFacts(outputs[k], declared.get(name));
      if (merged) facts.set(name, merged);
    });
  }
  return { facts, unsupported, failed, bounds };
}
