/// <reference lib="webworker" />
// Lays out open groups with dagre, off the UI thread. Each group is laid out on its own and cached
// by what it contains, so opening one group re-lays out only that group and the groups around it.
import dagre from '@dagrejs/dagre';
import type { LayoutRequest, LayoutResult, WorkerMessage } from './layout-protocol.js';
import { layoutContainers, type CachedLayout } from './layout-containers.js';

const cache = new Map<string, CachedLayout>();

// Warm the layout code paths once at start-up (dagre on a branching graph, then the stretch path),
// so the user's first layout and first expand do not pay for cold JIT compilation.
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
warmUp();
(self as unknown as Worker).postMessage({ kind: 'ready' } satisfies WorkerMessage);

self.onmessage = (event: MessageEvent<LayoutRequest>) => {
  const result: LayoutResult = layoutContainers(event.data, cache, dagre);
  (self as unknown as Worker).postMessage(result);
};
