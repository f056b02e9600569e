import type { FunctionProto, GraphProto, ModelProto } from '../onnx/types.js';
import { subgraphsOf } from './graph-index.js';

/**
 * Addresses of the graphs in a model: 'main', a subgraph reached through node attributes
 * ('main/3/then_branch', 'main/3/body/0/else_branch': node index, attribute, position in a GRAPHS
 * attribute when there is one), or a local function ('function/<domain>/<name>').
 */
export type GraphPath = string;

export const MAIN: GraphPath = 'main';

export function subgraphPath(parent: GraphPath, nodeIndex: number, attribute: string, position?: number): GraphPath {
  const attr = encodeURIComponent(attribute);
  return position === undefined ? `${parent}/${nodeIndex}/${attr}` : `${parent}/${nodeIndex}/${attr}/${position}`;
}

export function functionPath(fn: FunctionProto): GraphPath {
  return `function/${encodeURIComponent(fn.domain ?? '')}/${encodeURIComponent(fn.name ?? '')}`;
}

export interface ResolvedGraph {
  graph: GraphProto;
  /** Set when the path names a local function (its inputs/outputs are plain names). */
  fn?: FunctionProto;
}

/** The graph a path names, or undefined when the model has no such graph. */
export function resolveGraph(model: ModelProto, path: GraphPath): ResolvedGraph | undefined {
  const parts = path.split('/');
  if (parts[0] === 'function') {
    const [domain, name] = [decodeURIComponent(parts[1] ?? ''), decodeURIComponent(parts[2] ?? '')];
    const fn = (model.functions ?? []).find((f) => (f.domain ?? '') === domain && (f.name ?? '') === name);
    if (!fn) return undefined;
    return { fn, graph: { name: fn.name ?? '', node: fn.node ?? [], input: (fn.input ?? []).map((n) => ({ name: n })), output: (fn.output ?? []).map((n) => ({ name: n })), valueInfo: fn.valueInfo ?? [] } };
  }
  if (parts[0] !== MAIN || !model.graph) return undefined;
  let graph: GraphProto = model.graph;
  for (let i = 1; i < parts.length; ) {
    const node = graph.node?.[Number(parts[i])];
    const attribute = decodeURIComponent(parts[i + 1] ?? '');
    if (!node || !/^\d+$/.test(parts[i]!)) return undefined;
    const candidates = subgraphsOf(node).filter((s) => s.attribute === attribute);
    const next = parts[i + 2];
    if (next !== undefined && /^\d+$/.test(next) && candidates.some((c) => c.position !== undefined)) {
      const hit = candidates.find((c) => c.position === Number(next));
      if (!hit) return undefined;
      graph = hit.graph;
      i += 3;
    } else {
      const hit = candidates.find((c) => c.position === undefined);
      if (!hit) return undefined;
      graph = hit.graph;
      i += 2;
    }
  }
  return { graph };
}
