/// <reference lib="webworker" />
// Lays out open groups with dagre, off the UI thread. Each group is laid out on its own and cached
// by what it contains, so opening one group re-lays out only that group and the groups around it.
import dagre from '@dagrejs/dagre';
import type { LayoutRequest, LayoutResult } from './layout-protocol.js';
import { layoutContainers, type CachedLayout } from './layout-containers.js';

const cache = new Map<string, CachedLayout>();

// Warm dagre's code paths once at start-up, so the user's first layout does not pay for a cold JIT.
layoutContainers(
  {
    id: 0,
    direction: 'TB',
    sizes: Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`w${i}`, { width: 100, height: 30 }])),
    containers: [{ id: '', children: Array.from({ length: 40 }, (_, i) => `w${i}`), edges: Array.from({ length: 39 }, (_, i) => [`w${i}`, `w${i + 1}`] as [string, string]) }],
  },
  new Map(),
  dagre,
);

self.onmessage = (event: MessageEvent<LayoutRequest>) => {
  const result: LayoutResult = layoutContainers(event.data, cache, dagre);
  (self as unknown as Worker).postMessage(result);
};
