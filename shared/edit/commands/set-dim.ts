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
  /** The input's new values, or why it cannot be rewritten. */
  rewrite: number[] | { refuse: string };
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
    const data = node.input?.[0];
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
  for (const b of baked) {
    if (!Array.isArray(b.rewrite)) continue;
    const node = nodes[b.nodeIndex]!;
    const old = node.input![b.input]!;
    const name = names.fresh(`${old}_dynamic`);
    added.push(tensorFromValues(name, 7, [b.rewrite.length], b.rewrite));
    nodes[b.nodeIndex] = { ...node, input: node.input!.map((x, k) => (k === b.input ? name : x)) };
  }
  const graph: GraphProto = { ...g, node: nodes, initializer: [...(g.initializer ?? []), ...added] };
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
      const refused = plan(model, p).filter((b) => !Array.isArray(b.rewrite));
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
    if (t.kind === 'input' && typeof p.value === 'string' && p.axis === 0) next = applyRewrites(next, plan(model, p));
    return t.kind === 'input' ? refreshShapes(next) : next;
  },
};

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
