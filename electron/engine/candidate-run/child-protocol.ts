import * as ort from 'onnxruntime-node';

/** A tensor as it crosses the process boundary: plain data, so structured clone keeps the typed array. */
export interface WireTensor {
  type: ort.Tensor.Type;
  dims: readonly number[];
  data: ort.Tensor.DataType;
}

export type WireFeeds = Record<string, WireTensor>;

export interface ChildRequest {
  /** Model files, loaded one after the other in this order; `saveOptimizedTo` writes ONNX Runtime's optimized graph there. */
  models: { file: string; saveOptimizedTo?: string; graphOptimizationLevel?: ChildRequest['graphOptimizationLevel'] }[];
  /** Per case, the feeds of each model (same order as `models`); a case stops at its first failing run. */
  cases: WireFeeds[][];
  graphOptimizationLevel?: 'disabled' | 'basic' | 'extended' | 'all';
}

export type WireRun = { outputs: WireFeeds } | { error: string };

export interface ChildReply {
  /** Per model, why ONNX Runtime could not load it (null when it loaded). Nothing runs unless all load. */
  loadErrors: (string | null)[];
  /** Per model, its output names in graph order. */
  outputNames: string[][];
  /** Per case, the runs that happened, in model order. */
  cases: WireRun[][];
}

/**
 * What the child announces, synchronously on stderr, before each step: after a crash it is the last
 * complete line there, and names the model ONNX Runtime was loading or running.
 */
export const PHASE_MARK = '@@onnx-studio-phase ';

export interface Phase {
  model: number;
  action: 'loading' | 'running';
}

export function toWire(t: ort.Tensor): WireTensor {
  return { type: t.type, dims: [...t.dims], data: t.data };
}

export function fromWire(w: WireTensor): ort.Tensor {
  return new ort.Tensor(w.type, w.data as never, w.dims);
}

export function feedsToWire(feeds: Record<string, ort.Tensor>): WireFeeds {
  return Object.fromEntries(Object.entries(feeds).map(([name, t]) => [name, toWire(t)]));
}

export function feedsFromWire(feeds: WireFeeds): Record<string, ort.Tensor> {
  return Object.fromEntries(Object.entries(feeds).map(([name, t]) => [name, fromWire(t)]));
}
