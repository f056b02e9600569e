/// <reference lib="webworker" />
// Lays out open groups with dagre, off the UI thread. Each group is laid out on its own and cached
// by what it contains, so opening one group re-lays out only that group and the groups around it.
import dagre from '@dagrejs/dagre';
import type { LayoutRequest, LayoutResult } from './layout-protocol.js';
import { layoutContainers, type CachedLayout } from './layout-containers.js';

const cache = new Map<string, CachedLayout>();

self.onmessage = (event: MessageEvent<LayoutRequest>) => {
  const result: LayoutResult = layoutContainers(event.data, cache, dagre);
  (self as unknown as Worker).postMessage(result);
};
