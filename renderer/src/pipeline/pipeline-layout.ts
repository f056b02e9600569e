import dagre from '@dagrejs/dagre';
import type { Pipeline } from '../../../shared/pipeline/pipeline.js';

export const NODE_WIDTH = 210;
const NODE_HEIGHT = 120;

/** Left-to-right positions for every node, inputs before the nodes that read them. */
export function autoLayout(graph: Pipeline): Record<string, { x: number; y: number }> {
  const g = new dagre.graphlib.Graph();
  g.setGraph({ rankdir: 'LR', nodesep: 30, ranksep: 70, marginx: 0, marginy: 0 });
  g.setDefaultEdgeLabel(() => ({}));
  for (const n of graph.nodes) g.setNode(n.id, { width: NODE_WIDTH, height: NODE_HEIGHT });
  for (const e of graph.edges) g.setEdge(e.from.node, e.to.node);
  dagre.layout(g);
  const out: Record<string, { x: number; y: number }> = {};
  for (const n of graph.nodes) {
    const p = g.node(n.id) as { x: number; y: number };
    out[n.id] = { x: Math.round(p.x - NODE_WIDTH / 2), y: Math.round(p.y - NODE_HEIGHT / 2) };
  }
  return out;
}
