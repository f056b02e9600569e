import type { TraceEvent } from './trace-event.js';

export type { TraceEvent };

export interface ProfiledNode {
  /** The graph node's name, or the runtime's kernel name when it fused several nodes. */
  name: string;
  opType: string;
  ms: number;
  /** Share of the summed kernel time, in percent. */
  pct: number;
  /** The graph nodes a fused kernel covers (present when it covers more than one, or renamed one). */
  fusedFrom?: string[];
  provider: string;
  /** Output shapes as the runtime saw them, e.g. '[1×64×112×112]'. */
  shape: string;
  /** Indices of the graph nodes this kernel computes (for the heat map and jumping to them). */
  nodeIndices: number[];
}

export interface ThroughputPoint {
  batch: number;
  latencyMs: number;
  /** Samples per second. */
  perSecond: number;
}

export interface ProfileResult {
  backend: string;
  optimization: 'disabled' | 'basic' | 'extended' | 'all';
  runs: number;
  latencyMs: { mean: number; p50: number; p90: number; p99: number; min: number; max: number };
  samplesMs: number[];
  nodes: ProfiledNode[];
  /** Share of the profiled run time attributed to graph nodes (0..1). */
  coverage: number;
  /** Sum of per-node times, for comparison with the mean latency. */
  nodesTotalMs: number;
  peakRssBytes: number;
  /** The dims each graph input was fed with in the latency and per-layer runs, by input name. */
  shapesRun: Record<string, number[]>;
  /** Dims neither the model nor the user fixed and the value assumed, by symbol ('sequence') or 'input[axis]'. */
  assumedDims?: Record<string, number>;
  /** Latency and samples per second against batch size, for models whose batch axis is dynamic. */
  throughput?: ThroughputPoint[];
  /** Why the throughput sweep stopped early or did not run (one sentence); the points before it are kept. */
  throughputError?: string;
  /** One profiled run in Chrome trace format (opens in Perfetto and chrome://tracing). */
  trace: TraceEvent[];
}
