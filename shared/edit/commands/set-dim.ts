import { z } from 'zod';
import { inferShapes } from '../../analysis/shape-inference.js';
import { buildGraphIndex, type GraphIndex } from '../../graph/graph-index.js';
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
  rewrite: number[] | { broadcastFrom: string } | { refuse: string };
  nodeIndex: number;
  input: number;
}

function constantValues(index: GraphIndex, name: string): number[] | undefined {
  const t = index.initializers.get(name);
  if (t) return smallTensorValues(t, 64);
  const producer = index.producers.get(name)?.[0];
  const node = producer !== undefined ? index.nodes[producer] : undefined;
  const value = node?.opType === 'Constant' ? node.attribute?.find((a) => a.name === 'value')?.t : undefined;
  return value ? smallTensorValues(value, 64) : undefined;
}

/**
 * Constants that bake `old` (the fixed size of axis 0 before it became `symbol`) into nodes whose data
 * now carries the symbol on axis 0: Reshape targets (rewritten to 0, "copy this dim"), Expand shapes
 * (rewritten to 1, "keep this dim"), Slice ends that took the whole axis (rewritten to the maximum); other
 * uses (Resize sizes, a Reshape moving the batch elsewhere) are refused with the node named.
 */
function bakedConstants(model: ModelProto, symbol: string, old: number): BakedConstant[] {
  const graph = model.graph!;
  const index = buildGraphIndex(graph);
  const facts = inferShapes(model).facts;
  const out: BakedConstant[] = [];
  index.nodes.forEach((node, i) => {
    const data = node.opType === 'Concat' ? node.input?.find((x) => facts.get(x)?.shape?.[0] === symbol) : node.input?.[0];
    const shape = data ? facts.get(data)?.shape : undefined;
    if (!shape || shape[0] !== symbol) return;
    const label = nodeLabel(node, i);
    const add = (input: number, rewrite: BakedConstant['rewrite']) => out.push({ node: label, opType: node.opType ?? '', rewrite, nodeIndex: i, input });
    const valuesAt = (k: number) => (node.input?.[k] ? constantValues(index, node.input[k]!) : undefined);
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

function withDim(v: ValueInfoProto, axis: number, value: number | string): ValueInfoProto {
  const t = v.type!.tensorType!;
  const dim = [...(t.shape?.dim ?? [])];
  dim[axis] = typeof value === 'number' ? { dimValue: value } : { dimParam: value };
  return { ...v, type: { ...v.type, tensorType: { ...t, shape: { ...t.shape, dim } } } };
}

/** value_info and output shapes re-inferred after the change, so none still claims the old size. */
function refreshShapes(model: ModelProto): ModelProto {
  // Inferred without the declared shapes, which still hold the old size and would win the merge.
  const bare = (v: ValueInfoProto): ValueInfoProto => (v.type?.tensorType ? { ...v, type: { ...v.type, tensorType: { elemType: v.type.tensorType.elemType ?? 0 } } } : v);
  const facts = inferShapes({ ...model, graph: { ...model.graph!, valueInfo: [], output: (model.graph!.output ?? []).map(bare) } }).facts;
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
 * Rewrites baked constants round by round: the rewrite of one (a Reshape target) lets the symbol reach
 * the next (a class token's Concat) that shape inference could not see before. Stops when a round finds
 * nothing new to rewrite; `refused` is what no round could rewrite.
 */
function rewriteUntilStable(original: ModelProto, edited: ModelProto, p: Params): { model: ModelProto; refused: BakedConstant[] } {
  let model = edited;
  let source = original;
  for (let round = 0; round < 8; round++) {
    const found = plan(source, p);
    const doable = found.filter((b) => !('refuse' in b.rewrite));
    const refused = found.filter((b) => 'refuse' in b.rewrite);
    if (doable.length === 0 || refused.length > 0) return { model, refused };
    model = applyRewrites(model, doable);
    source = applyRewrites(source, doable);
  }
  return { model, refused: [] };
}

/** The baked constants found when the input's first axis becomes the symbol. */
function plan(model: ModelProto, p: Params): BakedConstant[] {
  const t = target(model, p)!;
  const oldDim = t.v.type?.tensorType?.shape?.dim?.[0];
  const old = oldDim?.dimValue !== undefined ? Number(oldDim.dimValue) : undefined;
  if (old === undefined) return [];
  const g = model.graph!;
  const symbolic: ModelProto = { ...model, graph: { ...g, input: (g.input ?? []).map((v) => (v === t.v ? withDim(v, 0, p.value) : v)) } };
  return bakedConstants(symbolic, String(p.value), old);
}
