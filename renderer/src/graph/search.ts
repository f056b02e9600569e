import type { GraphView } from '../../../shared/api/dto.js';
import { formatShape } from '../../../shared/model/format.js';

export type SearchHit =
  | { kind: 'node'; index: number; label: string; detail: string }
  | { kind: 'value'; name: string; label: string; detail: string; weight: boolean };

/** What a search looks at, as Netron's find toggles: nodes, connections (activations) and weights. */
export interface SearchScope {
  nodes: boolean;
  connections: boolean;
  weights: boolean;
}

export const ALL_KINDS: SearchScope = { nodes: true, connections: true, weights: true };

const LIMIT = 50;

/** '1x3x224x224', '1×3×224×224' and '[1,3,224,224]' all match the same shape. */
function normalizeShape(text: string): string {
  return text.toLowerCase().replace(/[[\]\s]/g, '').replace(/[x×,]/g, 'x');
}

/**
 * A query in quotes ('conv1' or "conv1") matches a name exactly, case included; otherwise every
 * space-separated term must occur in the name, ignoring case.
 */
export function parseQuery(query: string): { exact: boolean; terms: string[] } {
  const quoted = /^\s*(?:'(.*)'|"(.*)")\s*$/.exec(query);
  if (quoted) return { exact: true, terms: [quoted[1] ?? quoted[2] ?? ''] };
  return { exact: false, terms: query.trim().toLowerCase().split(/\s+/).filter(Boolean) };
}

/** Nodes by name or op type, tensors by name, element type or shape; exact op-type matches first. */
export function searchGraph(view: GraphView, query: string, scope: SearchScope = ALL_KINDS): SearchHit[] {
  const { exact, terms } = parseQuery(query);
  if (terms.length === 0 || (exact && terms[0] === '')) return [];
  const matches = (text: string) => (exact ? text === terms[0] : terms.every((t) => text.toLowerCase().includes(t)));
  const hits: SearchHit[] = [];
  const byOpType: SearchHit[] = [];
  const full = () => hits.length + byOpType.length >= LIMIT;
  if (scope.nodes) {
    for (const n of view.nodes) {
      if (full()) break;
      const isType = !exact && terms.length === 1 && n.opType.toLowerCase() === terms[0];
      if (isType || matches(n.name) || matches(n.opType)) {
        (isType ? byOpType : hits).push({ kind: 'node', index: n.index, label: n.name || `#${n.index}`, detail: n.opType });
      }
    }
  }
  const weights = new Set(view.initializers.map((i) => i.name));
  // Constant outputs are weights as well: Netron lists them with the initializers.
  for (const n of view.nodes) if (n.opType === 'Constant' && n.outputs[0]) weights.add(n.outputs[0]);
  // A Constant's output is often undeclared: it is still a weight to find, by name, with no type known.
  const values: [string, { type: string; shape: GraphView['values'][string]['shape'] }][] = Object.entries(view.values);
  for (const name of weights) if (!view.values[name]) values.push([name, { type: '', shape: null }]);
  for (const [name, info] of values) {
    if (full()) break;
    const weight = weights.has(name);
    if (weight ? !scope.weights : !scope.connections) continue;
    const shape = formatShape(info.shape, '×');
    // Element type and shape are matched term by term, never in exact mode (a name is exact, a shape is not).
    const byType = !exact && terms.some((t) => (info.type !== '' && t === info.type.toLowerCase()) || (/\d/.test(t) && normalizeShape(shape).includes(normalizeShape(t))));
    if (matches(name) || byType) hits.push({ kind: 'value', name, label: name, detail: `${info.type}${shape}`, weight });
  }
  return [...byOpType, ...hits];
}
