import { z } from 'zod';
import { dimUses, parseMonomial } from '../../analysis/dim-monomial.js';
import { batchAxisViolation } from '../batch-axis-violations.js';
import { inferShapes } from '../../analysis/shape-inference.js';
import { buildGraphIndex, implicitInputs, type GraphIndex } from '../../graph/graph-index.js';
import { smallTensorValues } from '../../model/tensor-values.js';
import type { GraphProto, ModelProto, NodeProto, TensorProto, ValueInfoProto } from '../../onnx/types.js';
import { NameAllocator, nodeLabel } from '../../quantize/graph-names.js';
import type { EditCommand } from '../command.js';
import { tensorFromValues } from '../attribute-value.js';

type Params = { tensor: string; axis: number; value: number | string };

const INT64_MAX = Number.MAX_SAFE_INTEGER;

/** A constant the old dim is baked into, and what to do about it. */
interface BakedConstant {
  node: string;
  opType: string;
  /**
   * The input's new values; or `broadcastFrom`: the input (a batch-1 tensor such as ViT's class token)
   * is expanded to the batch of that value at run time; or why it cannot be rewritten.
   */
  rewrite: number[] | { broadcastFrom: string } | { refuse: string } | { candidates: number[][] };
  nodeIndex: number;
  input: number;
}

/**
 * The values of a constant input: an initializer, a Constant node, or a value computed from constants
 * only (torch writes shuffle shapes as Concat of Constants). Inference ran with the input's first axis
 * symbolic, so a value that is all numbers does not depend on the input.
 */
function constantValues(index: GraphIndex, name: string, facts: Facts): number[] | undefined {
  const t = index.initializers.get(name);
  if (t) return smallTensorValues(t, 64);
  const producer = index.producers.get(name)?.[0];
  const node = producer !== undefined ? index.nodes[producer] : undefined;
  const value = node?.opType === 'Constant' ? node.attribute?.find((a) => a.name === 'value')?.t : undefined;
  if (value) return smallTensorValues(value, 64);
  const computed = facts.get(name)?.value;
  return computed && computed.length <= 64 && computed.every((v) => typeof v === 'number') ? (computed as number[]) : undefined;
}

/**
 * Constants that bake `old` (the fixed size of axis 0 before it became `symbol`) into nodes whose data
 * now carries the symbol on axis 0: Reshape targets (rewritten to 0, "copy this dim"), Expand shapes
 * (rewritten to 1, "keep this dim"), Slice ends that took the whole axis (rewritten to the maximum); other
 * uses (Resize sizes, a Reshape moving the batch elsewhere) are refused with the node named.
 */
function bakedConstants(model: ModelProto, symbol: string, old: number, known?: Facts): BakedConstant[] {
  const graph = model.graph!;
  const index = buildGraphIndex(graph);
  const facts = known ?? inferShapes(model).facts;
  const out: BakedConstant[] = [];
  index.nodes.forEach((node, i) => {
    const reshape = node.opType === 'Reshape' ? reshapeTakingBatch(index, facts, node, symbol, old) : undefined;
    if (reshape) {
      out.push({ node: nodeLabel(node, i), opType: 'Reshape', rewrite: reshape, nodeIndex: i, input: 1 });
      return;
    }
    const data = node.opType === 'Concat' ? node.input?.find((x) => facts.get(x)?.shape?.[0] === symbol) : node.input?.[0];
    const shape = data ? facts.get(data)?.shape : undefined;
    if (!shape || shape[0] !== symbol) return;
    const label = nodeLabel(node, i);
    const add = (input: number, rewrite: BakedConstant['rewrite']) => out.push({ node: label, opType: node.opType ?? '', rewrite, nodeIndex: i, input });
    const valuesAt = (k: number) => (node.input?.[k] ? constantValues(index, node.input[k]!, facts) : undefined);
    switch (node.opType) {
      case 'Reshape': {
        const s = valuesAt(1);
        if (!s || s[0] === 0 || s[0] === -1) return;
        const allowZero = Number(node.attribute?.find((a) => a.name === 'allowzero')?.i ?? 0) === 1;
        if (s[0] === old && !allowZero) add(1, [0, ...s.slice(1)]);
        else if (s.includes(old)) add(1, { refuse: `its target shape [${s.join(', ')}] holds ${old} where the input's first axis is now '${symbol}'` });
        return;
      }
      case 'Expand': {
        const s = valuesAt(1);
        if (!s || s.length < shape.length) return;
        const lead = s.length - shape.length;
        if (s[lead] === old && old !== 1) add(1, s.map((v, k) => (k === lead ? 1 : v)));
        return;
      }
      case 'Slice': {
        const axes = valuesAt(3) ?? (valuesAt(1) ?? []).map((_, k) => k);
        const k = axes.findIndex((a) => a === 0 || a === -shape.length);
        if (k < 0) return;
        const starts = valuesAt(1);
        const ends = valuesAt(2);
        const steps = valuesAt(4);
        if (!starts || !ends) return;
        if (ends[k] === old && starts[k] === 0 && (steps?.[k] ?? 1) === 1) add(2, ends.map((v, j) => (j === k ? INT64_MAX : v)));
        else if (ends[k] === old) add(2, { refuse: `it slices the first axis up to ${old}` });
        return;
      }
      case 'Concat': {
        // A batch-1 tensor joined to batched data along another axis (a class token, a learned query):
        // it must follow the batch, so it is expanded to the batch of the batched input when the model runs.
        const axis = Number(node.attribute?.find((a) => a.name === 'axis')?.i ?? 0);
        if (axis === 0 || axis === -shape.length) return;
        const batched = (node.input ?? []).find((x) => facts.get(x)?.shape?.[0] === symbol);
        if (!batched) return;
        (node.input ?? []).forEach((x, k) => {
          const lead = facts.get(x)?.shape?.[0];
          if (lead === symbol) return;
          // Unknown leads are expanded too: broadcasting is a no-op on a batched value and fails loudly on
          // anything else, and the engine's batch check runs the result before the edit is kept.
          if ((lead === 1 || lead === undefined || lead === null) && old === 1) add(k, { broadcastFrom: batched });
          else if (lead === old) add(k, { refuse: `its input '${x}' keeps the first axis at ${old} while '${batched}' has '${symbol}'` });
        });
        return;
      }
      case 'Resize': {
        const sizes = valuesAt(3);
        if (sizes && sizes[0] === old) add(3, { refuse: `its output sizes [${sizes.join(', ')}] fix the first axis at ${old}` });
        return;
      }
      default:
        return;
    }
  });
  return out;
}

/**
 * A Reshape whose data carries the symbol ([197, batch, 768] in an attention block, [batch, 8, 8, 7, 7, 96]
 * before Swin's windows) but whose constant target drops it ([197, 12, 64], [64, 49, 96]): the
 * batch must go into one target dim, which then becomes -1. Each dim that can hold it is a candidate;
 * which one keeps samples apart is decided against the rest of the graph (batchAxisViolation).
 */
function reshapeTakingBatch(index: GraphIndex, facts: Facts, node: NodeProto, symbol: string, old: number): BakedConstant['rewrite'] | undefined {
  const x = facts.get(node.input?.[0] ?? '')?.shape;
  const y = facts.get(node.output?.[0] ?? '')?.shape;
  if (!x || !x.some((d) => dimUses(d, symbol)) || y?.some((d) => dimUses(d, symbol))) return undefined;
  const s = node.input?.[1] ? constantValues(index, node.input[1], facts) : undefined;
  if (!s || s.includes(-1) || s.includes(0)) return undefined;
  // The batch as the whole first axis, kept there: bakedConstants copies it with 0.
  if (x[0] === symbol && s[0] === old) return undefined;
  const refuse = { refuse: `its target shape [${s.join(', ')}] has no dim that can take '${symbol}'` };
  // Where the batch sits in the data's memory order: after P elements' worth of outer dims. A target
  // dim can take it only at that boundary: as its outer factor (the dims before it multiply to P) or
  // as its inner factor (the dims up to it multiply to P). 'batch*12' may hold the batch outside or
  // inside the 12, so both boundaries are tried.
  const axes = x.flatMap((d, k) => (dimUses(d, symbol) ? [k] : []));
  const m = parseMonomial(x[axes[0]!]!);
  const outer = x.slice(0, axes[0]);
  if (axes.length !== 1 || !m || m.symbols.length !== 1 || m.symbols[0] !== symbol || !outer.every((d) => typeof d === 'number')) return refuse;
  const pre = (outer as number[]).reduce((a, b) => a * b, 1);
  const boundaries = m.coefficient === 1 ? [pre] : [pre, pre * m.coefficient];
  const prefix = (j: number) => s.slice(0, j).reduce((a, b) => a * b, 1);
  const takes = (j: number) => s[j]! > 0 && s[j]! % old === 0;
  const outerFactor = s.flatMap((_, j) => (boundaries.includes(prefix(j)) && takes(j) ? [j] : []));
  const innerFactor = s.flatMap((_, j) => (boundaries.includes(prefix(j + 1)) && takes(j) ? [j] : []));
  // A dim that is exactly the old batch size is the batch's own slot; then outer, then inner factors.
  const order = [...new Set([...outerFactor.filter((j) => s[j] === old), ...outerFactor, ...innerFactor])];
  const candidates = order.map((j) => s.map((w, k) => (k === j ? -1 : w)));
  return candidates.length > 0 ? { candidates } : refuse;
}

function withDim(v: ValueInfoProto, axis: number, value: number | string): ValueInfoProto {
  const t = v.type!.tensorType!;
  const dim = [...(t.shape?.dim ?? [])];
  dim[axis] = typeof value === 'number' ? { dimValue: value } : { dimParam: value };
  return { ...v, type: { ...v.type, tensorType: { ...t, shape: { ...t.shape, dim } } } };
}

/** value_info and output shapes re-inferred after the change, so none still claims the old size. */
function refreshShapes(model: ModelProto): ModelProto {
  // Inferred without the declared shapes, which still hold the old size and would win the merge.
  const facts = inferShapes({ ...model, graph: { ...model.graph!, valueInfo: [], output: (model.graph!.output ?? []).map(withoutShape) } }).facts;
  const refresh = (v: ValueInfoProto): ValueInfoProto => {
    const f = v.name ? facts.get(v.name) : undefined;
    const t = v.type?.tensorType;
    if (!t?.shape || !f?.shape) return v;
    const dim = t.shape.dim?.map((d, k) => {
      const inferred = f.shape![k];
      return typeof inferred === 'string' && d.dimParam !== inferred ? { dimParam: inferred } : d;
    });
    return { ...v, type: { ...v.type, tensorType: { ...t, shape: { ...t.shape, ...(dim ? { dim } : {}) } } } };
  };
  const g = model.graph!;
  return { ...model, graph: { ...g, valueInfo: (g.valueInfo ?? []).map(refresh), output: (g.output ?? []).map(refresh) } };
}

function applyRewrites(model: ModelProto, baked: BakedConstant[]): ModelProto {
  const g = model.graph!;
  const names = new NameAllocator(g);
  const added: TensorProto[] = [];
  const nodes: NodeProto[] = [...(g.node ?? [])];
  const before = new Map<number, NodeProto[]>();
  for (const b of baked) {
    if ('broadcastFrom' in b.rewrite) {
      const node = nodes[b.nodeIndex]!;
      const t = node.input![b.input]!;
      const v = (base: string) => names.fresh(`${t}_${base}`);
      const [batchShape, tShape, batchDim, restDims, shape, expanded] = [v('batch_shape'), v('shape'), v('batch_dim'), v('rest_dims'), v('broadcast_shape'), v('batched')];
      const [zero, one, end] = [v('zero'), v('one'), v('end')];
      added.push(tensorFromValues(zero, 7, [1], [0]), tensorFromValues(one, 7, [1], [1]), tensorFromValues(end, 7, [1], [INT64_MAX]));
      const make = (opType: string, input: string[], output: string, attribute: NodeProto['attribute'] = []): NodeProto => ({ name: names.fresh(`${output}/${opType}`), opType, input, output: [output], ...(attribute.length ? { attribute } : {}) });
      before.set(b.nodeIndex, [
        ...(before.get(b.nodeIndex) ?? []),
        make('Shape', [b.rewrite.broadcastFrom], batchShape),
        make('Slice', [batchShape, zero, one], batchDim),
        make('Shape', [t], tShape),
        make('Slice', [tShape, one, end], restDims),
        make('Concat', [batchDim, restDims], shape, [{ name: 'axis', type: 2, i: 0 }]),
        make('Expand', [t, shape], expanded),
      ]);
      nodes[b.nodeIndex] = { ...node, input: node.input!.map((x, k) => (k === b.input ? expanded : x)) };
      continue;
    }
    if (!Array.isArray(b.rewrite)) continue;
    const node = nodes[b.nodeIndex]!;
    const old = node.input![b.input]!;
    const name = names.fresh(`${old}_dynamic`);
    added.push(tensorFromValues(name, 7, [b.rewrite.length], b.rewrite));
    nodes[b.nodeIndex] = { ...node, input: node.input!.map((x, k) => (k === b.input ? name : x)) };
  }
  // New nodes go right before the node that reads them; everything they read comes earlier already.
  const ordered = nodes.flatMap((n, i) => [...(before.get(i) ?? []), n]);
  const graph: GraphProto = { ...g, node: ordered, initializer: [...(g.initializer ?? []), ...added] };
  return { ...model, graph };
}

function target(model: ModelProto, p: Params): { v: ValueInfoProto; kind: 'input' | 'output' } | undefined {
  const g = model.graph;
  const input = g?.input?.find((v) => v.name === p.tensor && !(g.initializer ?? []).some((t) => t.name === v.name));
  if (input) return { v: input, kind: 'input' };
  const output = g?.output?.find((v) => v.name === p.tensor);
  return output ? { v: output, kind: 'output' } : undefined;
}

/**
 * Sets one dimension of a graph input or output to a number or a symbol. Making an input's first axis
 * symbolic also rewrites the constants that baked its old size (see bakedConstants), and refuses, naming
 * the nodes, when one cannot be rewritten safely. The engine then checks numerically that each sample of
 * a batch comes out as it does alone before keeping the edit.
 */
export const setDim: EditCommand<Params> = {
  id: 'setDim',
  params: z.object({ tensor: z.string().min(1).max(4096), axis: z.number().int().min(0).max(63), value: z.union([z.number().int().min(1), z.string().regex(/^[A-Za-z_][\w]*$/, 'a dimension symbol is a name such as batch')]) }).strict(),
  label: (p) => `Set ${p.tensor}[${p.axis}] to ${p.value}`,
  check(model, p) {
    const t = target(model, p);
    if (!t) return `The model has no input or output '${p.tensor}'.`;
    const rank = t.v.type?.tensorType?.shape?.dim?.length;
    if (rank === undefined) return `'${p.tensor}' has no declared shape to edit.`;
    if (p.axis >= rank) return `'${p.tensor}' has ${rank} dimensions; axis ${p.axis} does not exist.`;
    if (t.kind === 'input' && typeof p.value === 'string' && p.axis === 0) {
      const refused = rewriteUntilStable(model, model, p).refused;
      if (refused.length > 0) {
        return `Making '${p.tensor}' dynamic would leave constants that fix its old size: ${refused.map((b) => `${b.opType} '${b.node}' (${(b.rewrite as { refuse: string }).refuse})`).join('; ')}. Edit those nodes first.`;
      }
    }
    return true;
  },
  apply(model, p) {
    const t = target(model, p)!;
    const g = model.graph!;
    const changed = withDim(t.v, p.axis, p.value);
    let next: ModelProto = {
      ...model,
      graph: { ...g, ...(t.kind === 'input' ? { input: (g.input ?? []).map((v) => (v === t.v ? changed : v)) } : { output: (g.output ?? []).map((v) => (v === t.v ? changed : v)) }) },
    };
    if (t.kind === 'input' && typeof p.value === 'string' && p.axis === 0) next = rewriteUntilStable(model, next, p).model;
    return t.kind === 'input' ? refreshShapes(next) : next;
  },
};

/**
 * The rewrites planned for a model and parameters, kept for the model object: an edit is checked and
 * then applied to the same model, and planning a ViT takes seconds.
 */
const planned = new WeakMap<ModelProto, Map<string, Plan>>();

/** Rewrites in rounds (node indices refer to the model as the earlier rounds left it), and what none could rewrite. */
interface Plan {
  rounds: BakedConstant[][];
  refused: BakedConstant[];
}

/**
 * Rewrites baked constants round by round: the rewrite of one (a Reshape target) lets the symbol reach
 * the next (a class token's Concat) that shape inference could not see before. Stops when a round finds
 * nothing new to rewrite; `refused` is what no round could rewrite. `edited` has the same nodes as
 * `original`, so the rounds planned on one apply to the other.
 */
function rewriteUntilStable(original: ModelProto, edited: ModelProto, p: Params): { model: ModelProto; refused: BakedConstant[] } {
  const key = JSON.stringify(p);
  let cache = planned.get(original);
  if (!cache) planned.set(original, (cache = new Map()));
  const plan = cache.get(key) ?? planRounds(original, p);
  cache.set(key, plan);
  const replaced = new Set<string>();
  const model = plan.rounds.reduce((m, round) => {
    for (const b of round) if (Array.isArray(b.rewrite)) replaced.add(m.graph!.node![b.nodeIndex]!.input![b.input]!);
    return applyRewrites(m, round);
  }, edited);
  return { model: dropUnread(model, replaced), refused: plan.refused };
}

/** The constants that rewrites replaced, removed where nothing reads them any more (initializers and Constant nodes). */
function dropUnread(model: ModelProto, replaced: ReadonlySet<string>): ModelProto {
  const g = model.graph!;
  const read = new Set<string>([...(g.node ?? []).flatMap((n) => [...(n.input ?? []), ...implicitInputs(n)]), ...(g.output ?? []).map((o) => o.name ?? '')]);
  const unread = (name: string | undefined) => !!name && replaced.has(name) && !read.has(name);
  return {
    ...model,
    graph: {
      ...g,
      node: (g.node ?? []).filter((n) => !(n.opType === 'Constant' && unread(n.output?.[0]))),
      initializer: (g.initializer ?? []).filter((t) => !unread(t.name)),
      input: (g.input ?? []).filter((v) => !unread(v.name)),
    },
  };
}

function planRounds(original: ModelProto, p: Params): Plan {
  const rounds: BakedConstant[][] = [];
  let source = original;
  let facts: Facts | undefined;
  // One Reshape with a choice is decided per round (its choice changes what the next one sees), so the
  // bound is the node count, not a small number of rounds.
  for (let round = 0; round <= (original.graph?.node?.length ?? 0); round++) {
    const found = findBaked(source, p, facts);
    const refused = found.filter((b) => 'refuse' in b.rewrite);
    if (refused.length > 0) return { rounds, refused };
    const plain = found.filter((b) => !('candidates' in b.rewrite));
    if (plain.length > 0) {
      // Plain rewrites may insert nodes, which moves the indices of the others: they go first, alone.
      rounds.push(plain);
      source = applyRewrites(source, plain);
      facts = undefined;
      continue;
    }
    if (found.length === 0) return { rounds, refused };
    // Reshapes with a choice found together (an attention block's queries, keys and values) are decided
    // one after another, each seeing the choices before it.
    for (const pending of found) {
      const decided = decide(source, p, pending);
      if ('refuse' in decided.choice.rewrite) return { rounds, refused: [decided.choice] };
      rounds.push([decided.choice]);
      source = applyRewrites(source, [decided.choice]);
      facts = decided.facts;
    }
  }
  return { rounds, refused: [] };
}

type Facts = ReturnType<typeof inferShapes>['facts'];

/**
 * The first candidate target of a Reshape after which no operator mixes samples, with the facts of the
 * model it makes (the next round starts from them); refused when none is.
 */
function decide(source: ModelProto, p: Params, b: BakedConstant): { choice: BakedConstant; facts?: Facts } {
  const candidates = (b.rewrite as { candidates: number[][] }).candidates;
  let first: string | undefined;
  for (const c of candidates) {
    const trial = { ...b, rewrite: c };
    const symbolic = symbolicInput(applyRewrites(source, [trial]), p);
    const facts = inferShapes(symbolic).facts;
    const why = batchAxisViolation(symbolic, facts, String(p.value), oldBatch(source, p));
    if (!why) return { choice: trial, facts };
    first ??= why;
  }
  return { choice: { ...b, rewrite: { refuse: `no target shape keeps samples apart (with '-1' in any dim, ${first})` } } };
}

/**
 * The model with the edited input's first axis set to the symbol, for inference: without value_info
 * and output shapes, whose old sizes would win over what inference derives from the symbol.
 */
function symbolicInput(model: ModelProto, p: Params): ModelProto {
  const t = target(model, p)!;
  const g = model.graph!;
  return { ...model, graph: { ...g, valueInfo: [], output: (g.output ?? []).map(withoutShape), input: (g.input ?? []).map((v) => (v === t.v ? withDim(v, 0, p.value) : v)) } };
}

function withoutShape(v: ValueInfoProto): ValueInfoProto {
  return v.type?.tensorType ? { ...v, type: { ...v.type, tensorType: { elemType: v.type.tensorType.elemType ?? 0 } } } : v;
}

function oldBatch(model: ModelProto, p: Params): number {
  const d = target(model, p)?.v.type?.tensorType?.shape?.dim?.[0];
  return d?.dimValue !== undefined ? Number(d.dimValue) : 1;
}

/** The baked constants found when the input's first axis becomes the symbol. */
function findBaked(model: ModelProto, p: Params, facts?: Facts): BakedConstant[] {
  const t = target(model, p)!;
  const oldDim = t.v.type?.tensorType?.shape?.dim?.[0];
  const old = oldDim?.dimValue !== undefined ? Number(oldDim.dimValue) : undefined;
  if (old === undefined) return [];
  return bakedConstants(symbolicInput(model, p), String(p.value), old, facts);
}
