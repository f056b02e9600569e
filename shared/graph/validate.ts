import type { FunctionProto, GraphProto, ModelProto, NodeProto } from '../onnx/types.js';
import { buildGraphIndex, subgraphsOf, topologicalOrder } from './graph-index.js';
import { normalizeDomain, type OpRegistry } from './op-registry.js';

export type ProblemCode =
  | 'no-graph'
  | 'no-ir-version'
  | 'missing-opset-import'
  | 'unknown-op'
  | 'op-too-new'
  | 'unchecked-op'
  | 'dangling-input'
  | 'duplicate-output'
  | 'duplicate-input'
  | 'missing-graph-output'
  | 'cycle'
  | 'empty-op-type';

export interface Problem {
  severity: 'error' | 'warning';
  code: ProblemCode;
  message: string;
  /** Where: 'main', 'main/node If_0/then_branch', 'function com.x:Foo'. */
  graphPath: string;
  nodeName?: string;
}

interface Scope {
  /** Opset version imported per (normalized) domain. */
  opsets: Map<string, number>;
  /** Local functions callable as ops, keyed 'domain:name'. */
  functions: Set<string>;
  registry: OpRegistry;
  problems: Problem[];
}

function nodeLabel(node: NodeProto, index: number): string {
  return node.name ? `node '${node.name}' (${node.opType ?? '?'})` : `node #${index} (${node.opType ?? '?'})`;
}

function opsetMap(imports: ModelProto['opsetImport']): Map<string, number> {
  const map = new Map<string, number>();
  for (const o of imports ?? []) map.set(normalizeDomain(o.domain), Number(o.version ?? 0));
  return map;
}

/**
 * Checks a model's structure and names every problem found, without stopping at the first:
 * missing graph or opsets, unknown ops, dangling inputs, duplicate outputs and cycles, in the main
 * graph, every subgraph and every local function.
 */
export function validateModel(model: ModelProto, registry: OpRegistry): Problem[] {
  const problems: Problem[] = [];
  if (model.irVersion === undefined) {
    problems.push({ severity: 'error', code: 'no-ir-version', message: 'the model has no ir_version', graphPath: 'model' });
  }
  const opsets = opsetMap(model.opsetImport);
  if (!model.opsetImport || model.opsetImport.length === 0) {
    problems.push({ severity: 'error', code: 'missing-opset-import', message: 'the model imports no opset', graphPath: 'model' });
  }
  const functions = new Set((model.functions ?? []).map((f) => `${normalizeDomain(f.domain)}:${f.name ?? ''}`));
  const scope: Scope = { opsets, functions, registry, problems };
  if (!model.graph) {
    problems.push({ severity: 'error', code: 'no-graph', message: 'the model has no graph', graphPath: 'model' });
  } else {
    validateGraph(model.graph, new Set(), scope, 'main');
  }
  for (const fn of model.functions ?? []) validateFunction(fn, scope);
  for (const [i, t] of (model.trainingInfo ?? []).entries()) {
    const outer = new Set<string>();
    for (const init of model.graph?.initializer ?? []) if (init.name) outer.add(init.name);
    if (t.initialization) validateGraph(t.initialization, outer, scope, `training_info[${i}]/initialization`);
    if (t.algorithm) validateGraph(t.algorithm, outer, scope, `training_info[${i}]/algorithm`);
  }
  return problems;
}

function validateFunction(fn: FunctionProto, model: Scope): void {
  const opsets = fn.opsetImport && fn.opsetImport.length > 0 ? opsetMap(fn.opsetImport) : model.opsets;
  const graph: GraphProto = {
    node: fn.node ?? [],
    input: (fn.input ?? []).map((name) => ({ name })),
    output: (fn.output ?? []).map((name) => ({ name })),
  };
  validateGraph(graph, new Set(), { ...model, opsets }, `function ${fn.domain ?? ''}:${fn.name ?? ''}`);
}

function validateGraph(graph: GraphProto, outer: ReadonlySet<string>, scope: Scope, path: string): void {
  const { problems } = scope;
  const error = (code: ProblemCode, message: string, nodeName?: string) =>
    problems.push({ severity: 'error', code, message, graphPath: path, ...(nodeName ? { nodeName } : {}) });
  const index = buildGraphIndex(graph);

  const defined = new Set<string>();
  const seenInputs = new Set<string>();
  for (const v of graph.input ?? []) {
    if (!v.name) continue;
    if (seenInputs.has(v.name)) error('duplicate-input', `graph input '${v.name}' is declared twice`);
    seenInputs.add(v.name);
    defined.add(v.name);
  }
  for (const t of graph.initializer ?? []) if (t.name) defined.add(t.name);
  for (const s of graph.sparseInitializer ?? []) if (s.values?.name) defined.add(s.values.name);

  for (const [name, producers] of index.producers) {
    if (producers.length > 1) {
      const labels = producers.map((i) => nodeLabel(index.nodes[i]!, i)).join(', ');
      error('duplicate-output', `value '${name}' is produced by ${producers.length} nodes: ${labels}`);
    } else if (defined.has(name)) {
      const i = producers[0]!;
      error('duplicate-output', `${nodeLabel(index.nodes[i]!, i)} outputs '${name}', which is already a graph input or initializer`, index.nodes[i]!.name);
    }
  }
  for (const name of index.producers.keys()) defined.add(name);

  index.nodes.forEach((node, i) => {
    const label = nodeLabel(node, i);
    for (const input of node.input ?? []) {
      if (input && !defined.has(input) && !outer.has(input)) {
        error('dangling-input', `${label} reads '${input}', which no node, graph input or initializer provides`, node.name);
      }
    }
    checkOp(node, label, scope, path);
    const subgraphs = subgraphsOf(node);
    const visible = subgraphs.length > 0 ? new Set([...outer, ...defined]) : outer;
    for (const sub of subgraphs) {
      const where = sub.position === undefined ? sub.attribute : `${sub.attribute}[${sub.position}]`;
      validateGraph(sub.graph, visible, scope, `${path}/${node.name || `#${i}`}/${where}`);
    }
  });

  for (const out of graph.output ?? []) {
    if (out.name && !defined.has(out.name) && !outer.has(out.name)) {
      error('missing-graph-output', `graph output '${out.name}' is not produced by any node, input or initializer`);
    }
  }

  const { unordered } = topologicalOrder(index);
  if (unordered.length > 0) {
    const names = unordered.slice(0, 10).map((i) => nodeLabel(index.nodes[i]!, i));
    const more = unordered.length > 10 ? ` and ${unordered.length - 10} more` : '';
    error('cycle', `the graph has a cycle: ${names.join(', ')}${more} can never run`);
  }
}

function checkOp(node: NodeProto, label: string, scope: Scope, path: string): void {
  const push = (severity: Problem['severity'], code: ProblemCode, message: string) =>
    scope.problems.push({ severity, code, message, graphPath: path, ...(node.name ? { nodeName: node.name } : {}) });
  if (!node.opType) {
    push('error', 'empty-op-type', `${label} has no op_type`);
    return;
  }
  const domain = normalizeDomain(node.domain);
  if (scope.functions.has(`${domain}:${node.opType}`)) return;
  const opset = scope.opsets.get(domain);
  if (opset === undefined) {
    push('error', 'missing-opset-import', `${label} uses domain '${domain || 'ai.onnx'}', which the model does not import`);
    return;
  }
  const found = scope.registry.lookup(domain, node.opType, opset);
  if (found.kind === 'found') return;
  if (found.kind === 'too-new') {
    push('error', 'op-too-new', `${label}: ${node.opType} exists from opset ${found.firstVersion}, but the model imports opset ${opset}`);
  } else if (!found.domainKnown || found.newerThanKnown) {
    const why = found.domainKnown ? `opset ${opset} is newer than the operator metadata knows` : `domain '${domain}' is not in the operator metadata`;
    push('warning', 'unchecked-op', `${label} could not be checked: ${why}`);
  } else {
    push('error', 'unknown-op', `${label}: ${node.opType} is not an operator of ${domain || 'ai.onnx'} opset ${opset}`);
  }
}
