import { inferShapes } from '../analysis/shape-inference.js';
import type { ValueFacts } from '../analysis/inference-types.js';
import { normalizeDomain, type OpRegistry, type OpVersionSchema } from '../graph/op-registry.js';
import { dataTypeInfo } from '../onnx/data-types.js';
import { shapeOf } from '../model/tensor-info.js';
import type { AttributeProto, GraphProto, ModelProto, NodeProto, TensorProto } from '../onnx/types.js';
import { nodeLabel, type Adapter, type AdapterContext } from './adapter.js';
import { OP_CHANGES } from './op-changes.js';
import { ConvertError } from './convert-error.js';
import { irVersionFor } from './ir-version.js';
import { constantOfNode } from './constant-node.js';

export const MIN_OPSET = 7;
export const MAX_OPSET = 21;

export interface ConvertResult {
  model: ModelProto;
  opsetBefore: number;
  opsetAfter: number;
  /** Nodes of each original op type that had to be rewritten (counted once, however many steps touched them). */
  converted: { opType: string; count: number }[];
}

export interface ConvertOptions {
  /** When given, ops that do not exist at the target opset are refused up front, naming the node. */
  registry?: OpRegistry;
}

/** Adapters by op type for the step that enters (up) or leaves (down) each version; several compose in order. */
function adapterIndex(direction: 'up' | 'down'): Map<number, Map<string, Adapter[]>> {
  const index = new Map<number, Map<string, Adapter[]>>();
  for (const change of OP_CHANGES) {
    const adapter = change[direction];
    if (!adapter) continue;
    const byOp = index.get(change.version) ?? new Map<string, Adapter[]>();
    index.set(change.version, byOp);
    for (const op of change.ops) byOp.set(op, [...(byOp.get(op) ?? []), adapter]);
  }
  return index;
}

const UP = adapterIndex('up');
const DOWN = adapterIndex('down');

export function defaultOpset(model: ModelProto): number | undefined {
  const entry = (model.opsetImport ?? []).find((o) => normalizeDomain(o.domain) === '');
  return entry ? Number(entry.version ?? 0) : undefined;
}

function collectNames(graph: GraphProto | undefined, names: Set<string>): void {
  if (!graph) return;
  for (const v of [...(graph.input ?? []), ...(graph.output ?? []), ...(graph.valueInfo ?? [])]) if (v.name) names.add(v.name);
  for (const t of graph.initializer ?? []) if (t.name) names.add(t.name);
  for (const n of graph.node ?? []) {
    if (n.name) names.add(n.name);
    for (const x of [...(n.input ?? []), ...(n.output ?? [])]) if (x) names.add(x);
    for (const a of n.attribute ?? []) {
      collectNames(a.g, names);
      for (const g of a.graphs ?? []) collectNames(g, names);
    }
  }
}

/** Every name a graph and its subgraphs read, so constants nothing reads any more can be dropped. */
function collectUses(graph: GraphProto | undefined, uses: Set<string>): void {
  if (!graph) return;
  for (const v of graph.output ?? []) if (v.name) uses.add(v.name);
  for (const n of graph.node ?? []) {
    for (const x of n.input ?? []) if (x) uses.add(x);
    for (const a of n.attribute ?? []) {
      collectUses(a.g, uses);
      for (const g of a.graphs ?? []) collectUses(g, uses);
    }
  }
}

interface Scope {
  constants: Map<string, TensorProto>;
  facts: () => Map<string, ValueFacts>;
}

class Step {
  readonly converted = new Map<NodeProto, NodeProto>();
  private readonly adapters: Map<string, Adapter[]>;

  constructor(
    private readonly model: ModelProto,
    readonly from: number,
    readonly to: number,
    private readonly names: Set<string>,
    private readonly origin: WeakMap<NodeProto, NodeProto>,
    private readonly created: Set<string>,
    private readonly mainFacts: () => Map<string, ValueFacts>,
  ) {
    const up = to > from;
    this.adapters = (up ? UP.get(to) : DOWN.get(from)) ?? new Map<string, Adapter[]>();
  }

  fresh(base: string): string {
    const clean = base.replace(/[^\w./-]+/g, '_') || 'converted';
    let name = clean;
    for (let k = 1; this.names.has(name); k++) name = `${clean}_${k}`;
    this.names.add(name);
    return name;
  }

  rewriteGraph(graph: GraphProto, outer: Scope | undefined): GraphProto {
    const constants = new Map<string, TensorProto>(outer?.constants ?? []);
    for (const t of graph.initializer ?? []) if (t.name) constants.set(t.name, t);
    for (const n of graph.node ?? []) {
      const value = constantOfNode(n);
      if (value && n.output?.[0]) constants.set(n.output[0], value);
    }
    let facts: Map<string, ValueFacts> | undefined;
    const scope: Scope = {
      constants,
      facts: () => {
        if (!facts) {
          const outerFacts = outer?.facts() ?? new Map<string, ValueFacts>();
          facts = graph === this.model.graph ? new Map(this.mainFacts()) : inferShapes(this.model, {}, graph, outerFacts).facts;
          for (const v of [...(graph.input ?? []), ...(graph.output ?? []), ...(graph.valueInfo ?? [])]) {
            const elemType = v.type?.tensorType?.elemType;
            if (v.name && !facts.has(v.name) && elemType !== undefined) facts.set(v.name, { elemType, shape: shapeOf(v.type) });
          }
        }
        return facts;
      },
    };
    const out: NodeProto[] = [];
    let changed = false;
    for (const original of graph.node ?? []) {
      let node = this.rewriteSubgraphs(original, scope);
      const adapters = normalizeDomain(node.domain) === '' ? this.adapters.get(node.opType ?? '') : undefined;
      if (adapters) {
        const pending: NodeProto[] = [];
        const ctx = this.context(scope, pending);
        let result: NodeProto[] = [node];
        for (const adapter of adapters) {
          const last = result.at(-1)!;
          result = [...result.slice(0, -1), ...adapter(last, ctx)];
        }
        if (result.length !== 1 || result[0] !== node || pending.length > 0) {
          const root = this.origin.get(original) ?? original;
          for (const n of [...pending, ...result]) this.origin.set(n, root);
          this.converted.set(root, root);
          out.push(...pending, ...result);
          changed = true;
          continue;
        }
        node = result[0]!;
      }
      if (node !== original) {
        this.origin.set(node, this.origin.get(original) ?? original);
        changed = true;
      }
      out.push(node);
    }
    return changed ? { ...graph, node: out } : graph;
  }

  private rewriteSubgraphs(node: NodeProto, scope: Scope): NodeProto {
    let changed = false;
    const attribute = (node.attribute ?? []).map((a): AttributeProto => {
      if (a.g) {
        const g = this.rewriteGraph(a.g, scope);
        if (g === a.g) return a;
        changed = true;
        return { ...a, g };
      }
      if (a.graphs && a.graphs.length > 0) {
        const graphs = a.graphs.map((g) => this.rewriteGraph(g, scope));
        if (graphs.every((g, i) => g === a.graphs![i])) return a;
        changed = true;
        return { ...a, graphs };
      }
      return a;
    });
    return changed ? { ...node, attribute } : node;
  }

  private context(scope: Scope, pending: NodeProto[]): AdapterContext {
    return {
      from: this.from,
      to: this.to,
      constant: (name) => scope.constants.get(name),
      shape: (name) => {
        const f = scope.facts().get(name);
        return f ? f.shape : undefined;
      },
      elemType: (name) => scope.facts().get(name)?.elemType,
      addConstant: (base, tensor) => {
        const name = this.fresh(base);
        this.created.add(name);
        pending.push({ name: this.fresh(`${name}_constant`), opType: 'Constant', input: [], output: [name], attribute: [{ name: 'value', type: 4, t: { ...tensor, name } }] });
        scope.constants.set(name, tensor);
        return name;
      },
      fresh: (base) => this.fresh(base),
      refuse: (node, why) => {
        throw new ConvertError(`Cannot convert from opset ${this.from} to ${this.to}: ${nodeLabel(node)} ${why}.`);
      },
    };
  }
}

/** Drops Constant nodes and initializers the conversion left unread (those read before it, or that it made itself). */
function dropOrphans(graph: GraphProto, readBefore: ReadonlySet<string>, created: ReadonlySet<string>): GraphProto {
  const uses = new Set<string>();
  collectUses(graph, uses);
  const dead = (name: string | undefined) => !!name && (readBefore.has(name) || created.has(name)) && !uses.has(name);
  const inputs = new Set((graph.input ?? []).map((v) => v.name));
  const node = (graph.node ?? [])
    .filter((n) => !(n.opType === 'Constant' && normalizeDomain(n.domain) === '' && (n.output ?? []).every(dead)))
    .map((n) => dropOrphansInSubgraphs(n, readBefore, created));
  const initializer = (graph.initializer ?? []).filter((t) => inputs.has(t.name) || !dead(t.name));
  const valueInfo = (graph.valueInfo ?? []).filter((v) => !dead(v.name));
  if (node.length === (graph.node ?? []).length && node.every((n, i) => n === graph.node![i]) && initializer.length === (graph.initializer ?? []).length && valueInfo.length === (graph.valueInfo ?? []).length) return graph;
  return { ...graph, node, initializer, ...(graph.valueInfo ? { valueInfo } : {}) };
}

function dropOrphansInSubgraphs(node: NodeProto, readBefore: ReadonlySet<string>, created: ReadonlySet<string>): NodeProto {
  if (!(node.attribute ?? []).some((a) => a.g || a.graphs?.length)) return node;
  return {
    ...node,
    attribute: node.attribute!.map((a) => (a.g ? { ...a, g: dropOrphans(a.g, readBefore, created) } : a.graphs?.length ? { ...a, graphs: a.graphs.map((g) => dropOrphans(g, readBefore, created)) } : a)),
  };
}

/** Ops in any graph of the model that the target opset does not define. */
function refuseMissingOps(graph: GraphProto | undefined, target: number, registry: OpRegistry): void {
  for (const node of graph?.node ?? []) {
    if (normalizeDomain(node.domain) === '') {
      const found = registry.lookup('', node.opType ?? '', target);
      if (found.kind === 'too-new') {
        throw new ConvertError(`Cannot convert to opset ${target}: ${nodeLabel(node)} uses an operator that only exists from opset ${found.firstVersion}; keep opset ${found.firstVersion} or newer, or replace the node.`);
      }
    }
    for (const a of node.attribute ?? []) {
      refuseMissingOps(a.g, target, registry);
      for (const g of a.graphs ?? []) refuseMissingOps(g, target, registry);
    }
  }
}

/** ONNX's names for element types in type constraints ('tensor(float)'). */
function onnxTypeName(elemType: number): string | undefined {
  const name = dataTypeInfo(elemType)?.name;
  return name === 'float32' ? 'float' : name === 'float64' ? 'double' : name;
}

/** Element types known before conversion (conversion keeps every existing value's type). */
function knownTypes(facts: ReadonlyMap<string, ValueFacts>): Map<string, number> {
  const types = new Map<string, number>();
  for (const [name, f] of facts) types.set(name, f.elemType);
  return types;
}

/** Older opsets accept fewer element types (Clip took only floats before 12): refuse an input type the target lacks. */
function refuseUnsupportedTypes(node: NodeProto, schema: OpVersionSchema, target: number, types: ReadonlyMap<string, number>): void {
  (node.input ?? []).forEach((name, i) => {
    const elemType = name ? types.get(name) : undefined;
    const last = schema.inputs.at(-1);
    const param = schema.inputs[i] ?? (last?.option === 'variadic' ? last : undefined);
    if (elemType === undefined || !param) return;
    const constraint = schema.typeConstraints.find((c) => c.name === param.typeStr);
    const typeName = onnxTypeName(elemType);
    if (!constraint || !typeName || constraint.allowed.some((a) => a.includes(`(${typeName})`))) return;
    if (!constraint.allowed.every((a) => a.startsWith('tensor('))) return;
    throw new ConvertError(`Cannot convert to opset ${target}: ${nodeLabel(node)} takes '${name}' as ${typeName}, which ${node.opType ?? ''} at opset ${target} does not accept (it takes ${constraint.allowed.join(', ')}).`);
  });
}

/**
 * After conversion every node must fit its schema at the target: an attribute the schema does not define
 * or more inputs than it takes means an adapter is missing, and the result would not load.
 */
function refuseUnfitNodes(graph: GraphProto | undefined, target: number, registry: OpRegistry, types: ReadonlyMap<string, number>): void {
  for (const node of graph?.node ?? []) {
    if (normalizeDomain(node.domain) === '') {
      const found = registry.lookup('', node.opType ?? '', target);
      if (found.kind === 'found') {
        const known = new Set(found.schema.attributes.map((a) => a.name));
        const extra = (node.attribute ?? []).find((a) => !known.has(a.name ?? ''));
        if (extra) throw new ConvertError(`Cannot convert to opset ${target}: ${nodeLabel(node)} has the attribute '${extra.name ?? ''}', which ${node.opType ?? ''} at opset ${target} does not define; remove it first if it is not needed.`);
        const inputs = (node.input ?? []).length;
        if (inputs > found.schema.maxInputs) throw new ConvertError(`Cannot convert to opset ${target}: ${nodeLabel(node)} has ${inputs} inputs, but ${node.opType ?? ''} at opset ${target} takes at most ${found.schema.maxInputs}.`);
        refuseUnsupportedTypes(node, found.schema, target, types);
      }
    }
    for (const a of node.attribute ?? []) {
      refuseUnfitNodes(a.g, target, registry, types);
      for (const g of a.graphs ?? []) refuseUnfitNodes(g, target, registry, types);
    }
  }
}

/**
 * Converts a model's default-domain opset one version at a time, rewriting every node whose operator
 * changed its inputs, attributes or meaning at each step, in the main graph and in every subgraph.
 * Throws ConvertError (one sentence naming the node) when a node has no equivalent at the target.
 * Other domains are left as they are: their versions are independent of the default one.
 */
export function convertOpset(model: ModelProto, target: number, options: ConvertOptions = {}): ConvertResult {
  const before = defaultOpset(model);
  if (before === undefined) throw new ConvertError('The model does not import the default ONNX domain, so it has no opset to convert; nothing was changed.');
  if (!Number.isInteger(target) || target < MIN_OPSET || target > MAX_OPSET) throw new ConvertError(`Opset ${target} is outside what the converter handles; choose an opset from ${MIN_OPSET} to ${MAX_OPSET}.`);
  if (before < MIN_OPSET || before > MAX_OPSET) throw new ConvertError(`The model is at opset ${before}, outside what the converter handles (${MIN_OPSET} to ${MAX_OPSET}); convert it with another tool first.`);
  if (!model.graph) throw new ConvertError('The model has no graph to convert.');
  if (before === target) return { model, opsetBefore: before, opsetAfter: target, converted: [] };
  // The generated op metadata stops at some opset; past it, a lookup would answer with older schemas.
  const registry = options.registry && target <= (options.registry.data.maxOpset[''] ?? 0) ? options.registry : undefined;
  if (registry && target < before) refuseMissingOps(model.graph, target, registry);

  const names = new Set<string>();
  collectNames(model.graph, names);
  const readBefore = new Set<string>();
  collectUses(model.graph, readBefore);
  const origin = new WeakMap<NodeProto, NodeProto>();
  const created = new Set<string>();
  // Shapes and types of existing values do not change with the opset, and inference folds the original
  // best (it is the form the exporter wrote), so the main graph is inferred once, before any step.
  let mainFacts: Map<string, ValueFacts> | undefined;
  const originalFacts = () => (mainFacts ??= inferShapes(model).facts);
  const touched = new Map<NodeProto, true>();
  let current = model;
  const step = target > before ? 1 : -1;
  for (let v = before; v !== target; v += step) {
    const s = new Step(current, v, v + step, names, origin, created, originalFacts);
    const graph = s.rewriteGraph(current.graph!, undefined);
    for (const root of s.converted.keys()) touched.set(root, true);
    current = {
      ...current,
      graph,
      opsetImport: (current.opsetImport ?? []).map((o) => (normalizeDomain(o.domain) === '' ? { ...o, version: v + step } : o)),
    };
  }
  current = { ...current, graph: dropOrphans(current.graph!, readBefore, created), irVersion: irVersionFor(current, target, target > before) };
  if (registry) refuseUnfitNodes(current.graph, target, registry, knownTypes(originalFacts()));
  const counts = new Map<string, number>();
  for (const root of touched.keys()) counts.set(root.opType ?? '', (counts.get(root.opType ?? '') ?? 0) + 1);
  return {
    model: current,
    opsetBefore: before,
    opsetAfter: target,
    converted: [...counts].map(([opType, count]) => ({ opType, count })).sort((a, b) => a.opType.localeCompare(b.opType)),
  };
}
