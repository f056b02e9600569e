import type { CompareResult } from '../metrics/compare-types.js';
import type { Pipeline } from './pipeline.js';
import type { PipelineProblem } from './validate-pipeline.js';

/**
 * - pending: never run with its current inputs and parameters, nothing to show;
 * - queued: part of the run under way, waiting for its inputs;
 * - running: its work is under way (see progress);
 * - done: its result matches its current cache key;
 * - failed: the last run of it failed (message says why) or was cancelled;
 * - stale: it has a result, but from other inputs or parameters: a run would redo it.
 */
export type NodeStatus = 'pending' | 'queued' | 'running' | 'done' | 'failed' | 'stale';

/** What a node's run produced, shown on the node. */
export interface NodeResult {
  /** One line for the node's face ("int8-static: 4 nodes, 27,310 bytes"). */
  summary: string;
  /** Model outputs: the engine document holding the model (open it in the viewer with this id). */
  docId?: string;
  /** Data sources: the engine dataset the folder opened as. */
  datasetId?: string;
  /** Model outputs: the size of the model as it would be saved, in bytes. */
  sizeBytes?: number;
  /** Checks: top-1 (and top-5) of the node's model on labelled data, as fractions. */
  accuracy?: { top1: number; top5?: number };
  /** Profile: median latency. */
  latencyMsP50?: number;
  /** Sentences the node wants the user to see (warnings, notes from an edit, broken thresholds). */
  problems?: string[];
  /** Compare: the full comparison table. */
  compare?: CompareResult;
  /** Compare: the thresholds the variants broke; a non-empty list makes `onnx-studio run` exit 3. */
  failures?: string[];
  /** Save / export: the file or folder written (never sent to a remote caller). */
  written?: string;
}

export interface NodeState {
  status: NodeStatus;
  /** Cache key of the node with its current inputs and parameters; '' while the node cannot run (missing input, bad params). */
  key: string;
  progress?: { done: number; total: number; phase?: string };
  /** Failed: the one-sentence reason. */
  message?: string;
  /** The latest result: current when done, outdated when stale. */
  result?: NodeResult;
}

/** A pipeline as the engine holds it: the document, its problems and each node's state. */
export interface PipelineView {
  pipelineId: string;
  pipeline: Pipeline;
  /** Validation problems: the UI shows them where they belong (node, port, edge); any one blocks a run of what depends on it. */
  problems: PipelineProblem[];
  nodes: Record<string, NodeState>;
  /** The job running this pipeline now, if any. */
  runningJobId?: string;
}

/** Engine event 'pipeline.node': one node's state changed. */
export interface PipelineNodeEvent {
  pipelineId: string;
  nodeId: string;
  state: NodeState;
}

/** Result of a startRunPipeline job. */
export interface PipelineRunResult {
  pipelineId: string;
  /** Node ids in the order they ran; nodes taken from the cache are not listed. */
  ran: string[];
  /** Node ids whose cached result was used. */
  cached: string[];
  /** Every broken compare threshold, as sentences. */
  failures: string[];
  nodes: Record<string, NodeState>;
}
