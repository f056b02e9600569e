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

/** Successor lists of the edges, built once per check. */
function successors(edges: readonly PipelineEdge[]): Map<string, string[]> {
  const next = new Map<string, string[]>();
  for (const e of edges) {
    const list = next.get(e.from.node);
    if (list) list.push(e.to.node);
    else next.set(e.from.node, [e.to.node]);
  }
  return next;
}

/** Whether `to` can be reached from `from` along the edges (so an edge to -> from would close a cycle). */
function reaches(next: ReadonlyMap<string, string[]>, from: string, to: string): boolean {
  const seen = new Set<string>();
  const stack = [from];
  while (stack.length > 0) {
    const n = stack.pop()!;
    if (n === to) return true;
    if (seen.has(n)) continue;
    seen.add(n);
    for (const m of next.get(n) ?? []) stack.push(m);
  }
  return false;
}

type EdgeVerdict = { ok: true } | { ok: false; code: ProblemCode; message: string };

/**
 * The checks of one edge that need no graph walk: the nodes and ports exist, the types match, it is
 * not a loop onto itself, not a repeat, and a single input is still free. `existing` says which
 * edges are already into the same input port.
 */
function localVerdict(from: PipelineNode | undefined, to: PipelineNode | undefined, edge: PipelineEdge, existing: { count: number; has(fromNode: string, fromPort: string): boolean }): EdgeVerdict {
  if (!from || !to) return { ok: false, code: 'unknown-node', message: `An edge joins '${!from ? edge.from.node : edge.to.node}', which is not a node of this pipeline.` };
  const out = outputPort(from.kind, edge.from.port);
  if (!out) return { ok: false, code: 'unknown-port', message: `${nodeTitle(from)} has no output '${edge.from.port}'.` };
  const into = inputPort(to.kind, edge.to.port);
  if (!into) return { ok: false, code: 'unknown-port', message: `${nodeTitle(to)} has no input '${edge.to.port}'.` };
  if (out.type !== into.type) return { ok: false, code: 'wrong-port-type', message: `A ${out.type} output cannot feed ${describeEnd(to, into)}: it takes a ${into.type}.` };
  if (from.id === to.id) return { ok: false, code: 'cycle', message: `${nodeTitle(to)} cannot take its own output: that would make a cycle.` };
  if (existing.has(from.id, out.name)) return { ok: false, code: 'duplicate-edge', message: `${nodeTitle(from)} is already connected to ${describeEnd(to, into)}.` };
  if (!into.multi && existing.count > 0) return { ok: false, code: 'second-edge', message: `${describeEnd(to, into).replace(/^the/, 'The')} takes one input and already has one: remove that edge first.` };
  return { ok: true };
}

function cycleMessage(from: PipelineNode, to: PipelineNode): string {
  return `Connecting ${nodeTitle(from)} to ${nodeTitle(to)} would make a cycle: ${nodeTitle(to)} already feeds ${nodeTitle(from)}.`;
}

/**
 * Whether a new edge may join the pipeline: true, or the sentence to show where the user dropped it
 * (wrong port type, a second edge into a single input, a cycle, a port that does not exist).
 */
export function canConnect(pipeline: Pipeline, edge: PipelineEdge): true | string {
  const from = pipeline.nodes.find((n) => n.id === edge.from.node);
  const to = pipeline.nodes.find((n) => n.id === edge.to.node);
  if (!from || !to) return `There is no node '${!from ? edge.from.node : edge.to.node}' in this pipeline.`;
  const existing = pipeline.edges.filter((e) => e.to.node === to.id && e.to.port === edge.to.port);
  const verdict = localVerdict(from, to, edge, { count: existing.length, has: (n, p) => existing.some((e) => e.from.node === n && e.from.port === p) });
  if (!verdict.ok) return verdict.message;
  if (reaches(successors(pipeline.edges), to.id, from.id)) return cycleMessage(from, to);
  return true;
}

/** Node ids so that every node comes after the nodes feeding it; undefined when the edges hold a cycle. */
export function topologicalOrder(pipeline: Pipeline): string[] | undefined {
  const indegree = new Map(pipeline.nodes.map((n) => [n.id, 0]));
  const next = new Map<string, string[]>();
  for (const e of pipeline.edges) {
    if (!indegree.has(e.from.node) || !indegree.has(e.to.node)) continue;
    indegree.set(e.to.node, indegree.get(e.to.node)! + 1);
    const list = next.get(e.from.node);
    if (list) list.push(e.to.node);
    else next.set(e.from.node, [e.to.node]);
  }
  // Ready nodes are taken in file order, so the order (and the run) is the same every time.
  const ready = pipeline.nodes.filter((n) => indegree.get(n.id) === 0).map((n) => n.id);
  const order: string[] = [];
  for (let at = 0; at < ready.length; at++) {
    const id = ready[at]!;
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
  const intoPort = new Map<string, number>();
  const joined = new Set<string>();
  const acceptedIndex = new Map<PipelineEdge, number>();
  pipeline.edges.forEach((edge, index) => {
    const portKey = `${edge.to.node}\u0000${edge.to.port}`;
    const verdict = localVerdict(byId.get(edge.from.node), byId.get(edge.to.node), edge, { count: intoPort.get(portKey) ?? 0, has: (n, p) => joined.has(`${n}\u0000${p}\u0000${portKey}`) });
    if (!verdict.ok) {
      problems.push({ code: verdict.code, edge: index, nodeId: edge.to.node, port: edge.to.port, message: verdict.message });
      return;
    }
    intoPort.set(portKey, (intoPort.get(portKey) ?? 0) + 1);
    joined.add(`${edge.from.node}\u0000${edge.from.port}\u0000${portKey}`);
    accepted.push(edge);
    acceptedIndex.set(edge, index);
  });
  // Cycles: only edges between nodes a topological sort cannot place can close one, so only those are walked.
  const placed = new Set(topologicalOrder({ ...pipeline, edges: accepted }) ?? []);
  if (placed.size < pipeline.nodes.length) {
    // A cycle runs through unplaced nodes only, so the walk needs no edge that touches a placed one.
    const next = new Map<string, string[]>();
    for (const edge of [...accepted]) {
      if (placed.has(edge.from.node) || placed.has(edge.to.node)) continue;
      if (reaches(next, edge.to.node, edge.from.node)) {
        problems.push({ code: 'cycle', edge: acceptedIndex.get(edge)!, nodeId: edge.to.node, port: edge.to.port, message: cycleMessage(byId.get(edge.from.node)!, byId.get(edge.to.node)!) });
        accepted.splice(accepted.indexOf(edge), 1);
      } else {
        const list = next.get(edge.from.node);
        if (list) list.push(edge.to.node);
        else next.set(edge.from.node, [edge.to.node]);
      }
    }
  }
  const connected = new Set(accepted.map((e) => `${e.to.node}\u0000${e.to.port}`));
  for (const node of pipeline.nodes) {
    if (!isNodeKind(node.kind)) continue;
    for (const port of NODE_KINDS[node.kind].inputs as readonly PortSpec[]) {
      if (port.required && !connected.has(`${node.id}\u0000${port.name}`)) {
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
