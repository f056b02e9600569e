import type { GraphView } from '../../../shared/api/dto.js';
import { formatShape } from '../../../shared/model/format.js';

export type SearchHit = { kind: 'node'; index: number; label: string; detail: string } | { kind: 'value'; name: string; label: string; detail: string };

const LIMIT = 50;

/** '1x3x224x224', '1×3×224×224' and '[1,3,224,224]' all match the same shape. */
function normalizeShape(text: string): string {
  return text.toLowerCase().replace(/[[\]\s]/g, '').replace(/[x×,]/g, 'x');
}

/** Nodes by name or op type, tensors by name or shape; exact op-type matches first. */
export function searchGraph(view: GraphView, query: string): SearchHit[] {
  const q = query.trim().toLowerCase();
  if (!q) return [];
  const hits: SearchHit[] = [];
  const exact: SearchHit[] = [];
  for (const n of view.nodes) {
    if (hits.length + exact.length >= LIMIT) break;
    const byType = n.opType.toLowerCase() === q;
    if (byType || n.name.toLowerCase().includes(q) || n.opType.toLowerCase().includes(q)) {
      (byType ? exact : hits).push({ kind: 'node', index: n.index, label: n.name || `#${n.index}`, detail: n.opType });
    }
  }
  const shapeQuery = normalizeShape(q);
  for (const [name, info] of Object.entries(view.values)) {
    if (hits.length + exact.length >= LIMIT) break;
    const shape = formatShape(info.shape, '×');
    if (name.toLowerCase().includes(q) || (/\d/.test(q) && normalizeShape(shape).includes(shapeQuery))) {
      hits.push({ kind: 'value', name, label: name, detail: `${info.type}${shape}` });
    }
  }
  return [...exact, ...hits];
}
