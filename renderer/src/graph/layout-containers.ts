import type dagreModule from '@dagrejs/dagre';
import { FRAME_HEADER, FRAME_PADDING } from './node-size.js';
import type { LayoutRequest, LayoutResult } from './layout-protocol.js';
import { ROOT } from './scope-tree.js';
import { stretchLayout, type Box } from './stretch-layout.js';
import { groupItemId } from './visible-graph.js';

type Dagre = typeof dagreModule;

export interface CachedLayout {
  /** Direction, children and edges: when these change, dagre runs again. */
  structure: string;
  boxes: Record<string, Box>;
}

function runDagre(dagre: Dagre, direction: string, children: string[], edges: [string, string][], sizeOf: (id: string) => { width: number; height: number }): Record<string, Box> {
  const g = new dagre.graphlib.Graph();
  g.setGraph({ rankdir: direction, nodesep: 24, ranksep: 40, edgesep: 12, marginx: 0, marginy: 0 });
  g.setDefaultEdgeLabel(() => ({}));
  for (const c of children) g.setNode(c, { ...sizeOf(c) });
  for (const [a, b] of edges) g.setEdge(a, b);
  dagre.layout(g);
  const boxes: Record<string, Box> = {};
  for (const c of children) {
    const n = g.node(c) as { x: number; y: number; width: number; height: number };
    boxes[c] = { x: n.x - n.width / 2, y: n.y - n.height / 2, width: n.width, height: n.height };
  }
  return boxes;
}

/**
 * Lays out each container (deepest first) and returns positions relative to the container and the
 * outer sizes of open groups. Per container, from the cheapest: unchanged (cache), only child sizes
 * changed (stretch the cached layout), or structure changed (dagre).
 */
export function layoutContainers(request: LayoutRequest, cache: Map<string, CachedLayout>, dagre: Dagre): LayoutResult {
  const started = performance.now();
  const positions: LayoutResult['positions'] = {};
  const frames: LayoutResult['frames'] = {};
  let computed = 0;
  const sizeOf = (id: string) => request.sizes[id] ?? frames[id] ?? { width: 100, height: 30 };
  for (const job of request.containers) {
    // Sorted: the same children and edges can arrive in another order after a group opens.
    const structure = `${request.direction}|${[...job.children].sort().join(',')}|${job.edges.map((e) => e.join('>')).sort().join(',')}`;
    const cached = cache.get(job.id);
    let boxes: Record<string, Box>;
    if (cached && cached.structure === structure) {
      const sizes = Object.fromEntries(job.children.map((c) => [c, sizeOf(c)]));
      const changed = job.children.some((c) => sizes[c]!.width !== cached.boxes[c]!.width || sizes[c]!.height !== cached.boxes[c]!.height);
      boxes = changed ? stretchLayout(cached.boxes, sizes, request.direction) : cached.boxes;
    } else {
      computed++;
      boxes = runDagre(dagre, request.direction, job.children, job.edges, sizeOf);
    }
    cache.set(job.id, { structure, boxes });
    let width = 0;
    let height = 0;
    for (const c of job.children) {
      const b = boxes[c]!;
      positions[c] = { x: b.x, y: b.y };
      width = Math.max(width, b.x + b.width);
      height = Math.max(height, b.y + b.height);
    }
    if (job.id !== ROOT) frames[groupItemId(job.id)] = { width: width + 2 * FRAME_PADDING, height: height + 2 * FRAME_PADDING + FRAME_HEADER };
  }
  return { kind: 'result', id: request.id, positions, frames, computed, ms: performance.now() - started };
}

