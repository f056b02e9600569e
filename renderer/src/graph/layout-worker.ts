/// <reference lib="webworker" />
// Lays out open groups with dagre, off the UI thread. Each group is laid out on its own and cached
// by what it contains, so opening one group re-lays out only that group and the groups around it.
import dagre from '@dagrejs/dagre';
import type { LayoutResult, WorkerMessage, WorkerRequest } from './layout-protocol.js';
import { layoutContainers, type CachedLayout } from './layout-containers.js';

const cache = new Map<string, CachedLayout>();

// Warms the layout code paths (dagre on a branching graph, then the stretch path) so that the first
// expand does not pay for cold JIT compilation. Run when asked, after the first screen is painted:
// at start-up it would compete with the page for the CPU while the first screen is being drawn.
function warmUp(): void {
  const ids = Array.from({ length: 60 }, (_, i) => `w${i}`);
  const edges = ids.slice(1).flatMap((id, i) => [[ids[i]!, id], ...(i > 1 ? [[ids[i - 2]!, id]] : [])] as [string, string][]);
  const sizes = Object.fromEntries(ids.map((id) => [id, { width: 100, height: 30 }]));
  const warmCache = new Map<string, CachedLayout>();
  const request = { id: 0, direction: 'TB' as const, sizes, containers: [{ id: '', children: ids, edges }] };
  for (let round = 0; round < 3; round++) {
    layoutContainers(request, new Map(), dagre);
    layoutContainers({ ...request, sizes: { ...sizes, w7: { width: 300, height: 200 + round } } }, warmCache, dagre);
  }
}
(self as unknown as Worker).postMessage({ kind: 'ready' } satisfies WorkerMessage);

self.onmessage = (event: MessageEvent<WorkerRequest>) => {
  if ('kind' in event.data) return warmUp();
  const result: LayoutResult = layoutContainers(event.data, cache, dagre);
  (self as unknown as Worker).postMessage(result);
};
