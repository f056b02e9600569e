import { checkParams, inputPort, isNodeKind, NODE_KINDS, outputPort, type PortSpec } from './node-kinds.js';
import type { Pipeline, PipelineEdge, PipelineNode } from './pipeline.js';

export type ProblemCode = 'duplicate-id' | 'unknown-node' | 'unknown-port' | 'wrong-port-type' | 'second-edge' | 'duplicate-edge' | 'cycle' | 'missing-input' | 'bad-params' | 'bad-output';

/** One thing wrong with a pipeline, as a sentence for the UI, with where it belongs. */
export interface PipelineProblem {
  code: ProblemCode;
  message: string;
  nodeId?: string;
  /** The input port concerned (missing input, second edge). */
  port?: string;
  /** Index in pipeline.edges of the edge concerned. */
  edge?: number;
  /** Bad params: the field path ('thresholds.maxTop1DropPoints'), for showing the message on the field. */
  field?: string;
}

/** The name a node goes by in sentences: its label, else its kind's. */
export function nodeTitle(node: Pick<PipelineNode, 'kind' | 'label'>): string {
  return node.label?.trim() || NODE_KINDS[node.kind].label;
}

function describeEnd(node: PipelineNode, port: PortSpec): string {
  return `the ${port.label} input of ${nodeTitle(node)}`;
}

/** Whether `to` can be reached from `from` along the edges (so an edge to -> from would close a cycle). */
function reaches(edges: readonly PipelineEdge[], from: string, to: string): boolean {
  const next = new Map<string, string[]>();
  for (const e of edges) next.set(e.from.node, [...(next.get(e.from.node) ?? []), e.to.node]);
  const seen = new Set<string>();
  const stack = [from];
  while (stack.length > 0) {
    const n = stack.pop()!;
    if (n === to) return true;
    if (seen.has(n)) continue;
    seen.add(n);
    stack.push(...(next.get(n) ?? []));
  }
  return false;
}

/**
 * Whether a new edge may join the pipeline: true, or the sentence to show where the user dropped it
 * (wrong port type, a second edge into a single input, a cycle, a port that does not exist).
 */
export function canConnect(pipeline: Pipeline, edge: PipelineEdge): true | string {
  const from = pipeline.nodes.find((n) => n.id === edge.from.node);
  const to = pipeline.nodes.find((n) => n.id === edge.to.node);
  if (!from || !to) return `There is no node '${!from ? edge.from.node : edge.to.node}' in this pipeline.`;
  const out = outputPort(from.kind, edge.from.port);
  if (!out) return `${nodeTitle(from)} has no output '${edge.from.port}'.`;
  const into = inputPort(to.kind, edge.to.port);
  if (!into) return `${nodeTitle(to)} has no input '${edge.to.port}'.`;
  if (out.type !== into.type) return `A ${out.type} output cannot feed ${describeEnd(to, into)}: it takes a ${into.type}.`;
  if (from.id === to.id) return `${nodeTitle(to)} cannot take its own output: that would make a cycle.`;
  const existing = pipeline.edges.filter((e) => e.to.node === to.id && e.to.port === into.name);
  if (existing.some((e) => e.from.node === from.id && e.from.port === out.name)) return `${nodeTitle(from)} is already connected to ${describeEnd(to, into)}.`;
  if (!into.multi && existing.length > 0) return `${describeEnd(to, into).replace(/^the/, 'The')} takes one input and already has one: remove that edge first.`;
  if (reaches(pipeline.edges, to.id, from.id)) return `Connecting ${nodeTitle(from)} to ${nodeTitle(to)} would make a cycle: ${nodeTitle(to)} already feeds ${nodeTitle(from)}.`;
  return true;
}

/** Node ids so that every node comes after the nodes feeding it; undefined when the edges hold a cycle. */
export function topologicalOrder(pipeline: Pipeline): string[] | undefined {
  const indegree = new Map(pipeline.nodes.map((n) => [n.id, 0]));
  const next = new Map<string, string[]>();
  for (const e of pipeline.edges) {
    if (!indegree.has(e.from.node) || !indegree.has(e.to.node)) continue;
    indegree.set(e.to.node, indegree.get(e.to.node)! + 1);
    next.set(e.from.node, [...(next.get(e.from.node) ?? []), e.to.node]);
  }
  // Ready nodes are taken in file order, so the order (and the run) is the same every time.
  const ready = pipeline.nodes.filter((n) => indegree.get(n.id) === 0).map((n) => n.id);
  const order: string[] = [];
  while (ready.length > 0) {
    const id = ready.shift()!;
    order.push(id);
    for (const m of next.get(id) ?? []) {
      indegree.set(m, indegree.get(m)! - 1);
      if (indegree.get(m) === 0) ready.push(m);
    }
  }
  return order.length === pipeline.nodes.length ? order : undefined;
}

/** Every problem of a pipeline, each as a sentence placed on its node, port or edge. An empty list: it can run. */
export function validatePipeline(pipeline: Pipeline): PipelineProblem[] {
  const problems: PipelineProblem[] = [];
  const byId = new Map<string, PipelineNode>();
  for (const node of pipeline.nodes) {
    if (byId.has(node.id)) problems.push({ code: 'duplicate-id', nodeId: node.id, message: `Two nodes have the id '${node.id}'; give one another id.` });
    byId.set(node.id, node);
    if (!isNodeKind(node.kind)) continue;
    const checked = checkParams(node.kind, node.params);
    if (!checked.ok) problems.push({ code: 'bad-params', nodeId: node.id, field: checked.field, message: `${nodeTitle(node)}: ${checked.field ? `'${checked.field}' ` : ''}${checked.message.replace(/\.$/, '')}.` });
  }
  // Edges are checked one by one against the ones before them, as if the user drew them in file order.
  const accepted: PipelineEdge[] = [];
  pipeline.edges.forEach((edge, index) => {
    const from = byId.get(edge.from.node);
    const to = byId.get(edge.to.node);
    let verdict: true | string;
    let code: ProblemCode;
    if (!from || !to) {
      verdict = `An edge joins '${!from ? edge.from.node : edge.to.node}', which is not a node of this pipeline.`;
      code = 'unknown-node';
    } else {
      verdict = canConnect({ ...pipeline, edges: accepted }, edge);
      const into = inputPort(to.kind, edge.to.port);
      const out = outputPort(from.kind, edge.from.port);
      code = !into || !out ? 'unknown-port' : into.type !== out.type ? 'wrong-port-type' : /already connected/.test(String(verdict)) ? 'duplicate-edge' : /cycle/.test(String(verdict)) ? 'cycle' : 'second-edge';
    }
    if (verdict === true) accepted.push(edge);
    else problems.push({ code, edge: index, nodeId: edge.to.node, port: edge.to.port, message: verdict });
  });
  for (const node of pipeline.nodes) {
    if (!isNodeKind(node.kind)) continue;
    for (const port of NODE_KINDS[node.kind].inputs as readonly PortSpec[]) {
      if (port.required && !accepted.some((e) => e.to.node === node.id && e.to.port === port.name)) {
        problems.push({ code: 'missing-input', nodeId: node.id, port: port.name, message: `${nodeTitle(node)} needs ${port.multi ? '' : 'a '}${port.label}: connect one to its '${port.name}' input.` });
      }
    }
  }
  if (pipeline.output !== undefined) {
    const out = byId.get(pipeline.output);
    if (!out || !outputPort(out.kind, 'model')) problems.push({ code: 'bad-output', ...(out ? { nodeId: out.id } : {}), message: `The pipeline's output '${pipeline.output}' is not a node that makes a model; choose a transform or a model file.` });
  }
  return problems;
}
