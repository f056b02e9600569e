import type { ContainerJob } from './visible-graph.js';

export type Direction = 'TB' | 'LR';

export interface LayoutRequest {
  id: number;
  direction: Direction;
  /** Sizes of everything but open groups, whose sizes come from their own layouts. */
  sizes: Record<string, { width: number; height: number }>;
  containers: ContainerJob[];
}

export interface LayoutResult {
  kind: 'result';
  id: number;
  /** Top-left of each item, relative to the content area of its container. */
  positions: Record<string, { x: number; y: number }>;
  /** Outer size of each open group by item id ('g:<group>'), padding and title bar included. */
  frames: Record<string, { width: number; height: number }>;
  /** Containers laid out afresh (not from the cache) and the time spent. */
  computed: number;
  ms: number;
  /** Set when the UI thread made it (a small graph while the worker was still starting). */
  onMainThread?: boolean;
}

/** What the worker is sent: layouts, and once, after the first screen, a request to warm its code up. */
export type WorkerRequest = LayoutRequest | { kind: 'warm-up' };

/** What the worker posts: 'ready' once its script has loaded, then one result per layout request. */
export type WorkerMessage = LayoutResult | { kind: 'ready' };
