import { buildGraphIndex, topologicalOrder } from '../graph/graph-index.js';
import { normalizeDomain } from '../graph/op-registry.js';
import { shapeOf } from '../model/tensor-info.js';
import type { AttributeProto, GraphProto, ModelProto } from '../onnx/types.js';
import type { Dim } from './dims.js';
import type { InferContext, InferFn, ValueFacts } from './inference-types.js';
import { ELEMENTWISE_OPS } from './ops/elementwise.js';
import { INDEXING_OPS } from './ops/indexing.js';
import { NN_OPS } from './ops/nn.js';
import { REDUCE_OPS } from './ops/reduce.js';
import { SHAPE_OPS } from './ops/shape-ops.js';
import { tensorFacts } from './tensor-facts.js';

const RULES: Record<string, InferFn> = { ...ELEMENTWISE_OPS, ...NN_OPS, ...REDUCE_OPS, ...SHAPE_OPS, ...INDEXING_OPS };

/** Op types (default domain) the inference has rules for. */
export const INFERRED_OPS: ReadonlySet<string> = new Set(Object.keys(RULES));

export interface InferenceResult {
  /** Facts about every value: inputs, initializers and everything nodes produce. */
  facts: Map<string, ValueFacts>;
  /** Ops without an inference rule, with how many nodes use them; their outputs come from the file's value_info or stay unknown. */
  unsupported: Record<string, number>;
  /** Nodes whose rule failed on their inputs (e.g. shapes that do not match), named with the reason. */
  failed: { node: string; message: string }[];
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
export function inferShapes(model: ModelProto, options: InferenceOptions = {}, graph: GraphProto | undefined = model.graph): InferenceResult {
  const facts = new Map<string, ValueFacts>();
  const unsupported: Record<string, number> = {};
  const failed: InferenceResult['failed'] = [];
  if (!graph) return { facts, unsupported, failed };
  const opsets = new Map((model.opsetImport ?? []).map((o) => [normalizeDomain(o.domain), Number(o.version ?? 0)]));
  for (const t of graph.initializer ?? []) if (t.name) facts.set(t.name, tensorFacts(t));
  for (const v of graph.input ?? []) {
    if (!v.name || facts.has(v.name)) continue;
    const override = options.inputShapes?.[v.name];
    facts.set(v.name, { elemType: v.type?.tensorType?.elemType ?? 0, shape: override ?? shapeOf(v.type) });
  }
  const declared = declaredFacts(graph);
  const index = buildGraphIndex(graph);
  const { order, unordered } = topologicalOrder(index);
  for (const i of [...order, ...unordered]) {
    const node = index.nodes[i]!;
    const domain = normalizeDomain(node.domain);
    const rule = domain === '' ? RULES[node.opType ?? ''] : undefined;
    let outputs: (ValueFacts | undefined)[] = [];
    if (!rule) {
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
  return { facts, unsupported, failed };
}
