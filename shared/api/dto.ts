import type { NodeChanges } from '../simplify/node-changes.js';
import type { OpVersionSchema } from '../graph/op-registry.js';
import type { QuantizeSummary } from '../quantize/quant-options.js';
import type { BackendPreset } from '../quantize/presets.js';
import type { AccuracyStep } from '../metrics/compare-types.js';
import type { Recipe } from '../recipe/recipe.js';
import type { Problem } from '../graph/validate.js';
import type { ModelSummary } from '../model/summary.js';

export type { Problem, ModelSummary };
export type { GraphView, NodeView, AttributeView, ValueView, InitializerView, ValueAnnotation } from '../graph/graph-view.js';
export type { TensorStats } from '../model/tensor-stats.js';
export type { InferredShapes } from '../graph/inferred-shapes.js';

/** An operator's documentation, as the Properties panel shows it. */
export interface NodeSchemaInfo {
  opType: string;
  domain: string;
  category: string;
  /** The opset version the node binds to, and the schema of that version; absent for unknown ops. */
  sinceVersion?: number;
  doc?: string;
  schema?: OpVersionSchema;
}

/** Where a model comes from. Browser mode refuses `path` sources other than the model it was launched with. */
export type ModelSource =
  | { kind: 'path'; path: string }
  | { kind: 'blob'; blobId: string }
  | { kind: 'sample'; name: string };

export interface ModelInfo {
  docId: string;
  fileName: string;
  /** Absolute path on disk; absent in browser mode, where paths stay on the server. */
  path?: string;
  sizeBytes: number;
  summary: ModelSummary;
  problems: Problem[];
  /** Bumped by every edit; derived data is keyed by it. */
  version: number;
  dirty: boolean;
  /** What Undo and Redo would do, when there is something to undo or redo. */
  undoLabel?: string;
  redoLabel?: string;
}

export interface SampleInfo {
  name: string;
  title: string;
  description: string;
  sizeBytes: number;
}

export interface AppInfo {
  name: string;
  version: string;
  /** Version of the ONNX operator schemas the op metadata was generated from. */
  opSchemaVersion: string;
  mode: 'desktop' | 'browser' | 'cli';
}

export type SaveTarget = { kind: 'path'; path: string; overwrite?: boolean; overwriteChanged?: boolean } | { kind: 'download' };

export interface SaveResult {
  bytesWritten: number;
  fileName: string;
  /** Where it was written (desktop/CLI). */
  path?: string;
  /** Browser mode: fetch the file from /api/download/<downloadId>. */
  downloadId?: string;
  externalDataFile?: string;
}

export type JobStatus = 'running' | 'succeeded' | 'failed' | 'cancelled';

export interface JobProgress {
  jobId: string;
  kind: string;
  phase: string;
  done: number;
  total: number;
  /** Seconds left, estimated from the rate so far; absent until it can be estimated. */
  etaSeconds?: number;
}

export interface JobInfo {
  jobId: string;
  kind: string;
  status: JobStatus;
  progress: JobProgress;
  result?: unknown;
  error?: { code: string; message: string };
}

export interface JobStarted {
  jobId: string;
}

/** An execution provider and whether it works on this machine. */
export interface BackendInfo {
  id: string;
  name: string;
  available: boolean;
  /** Why it cannot be used here, in one sentence (absent when available). */
  reason?: string;
}

/** What the Quantize panel offers: backend presets and the default rules, with their reasons. */
export interface QuantizeCatalog {
  presets: BackendPreset[];
  defaultPreset: string;
  leftInFloat: Record<string, string>;
  fp16KeptInFloat: Record<string, string>;
}

/** A folder of calibration or evaluation data the engine has listed. */
export interface DatasetInfo {
  datasetId: string;
  name: string;
  /** Files the engine can use (images, .npy, .pb). */
  fileCount: number;
  imageCount: number;
  /** Files of other kinds, which are ignored. */
  ignoredCount: number;
  /** Class folders, when every file sits in one. */
  classes: string[];
}

/** One image as the model will see it after preprocessing. */
export interface PreprocessPreview {
  file: string;
  /** A PNG of the tensor, mapped back to 0..255, as a data: URL. */
  imageUrl: string;
  shape: number[];
  min: number;
  max: number;
  mean: number;
}

/** The result of a quantize job. */
export interface QuantizeResult extends QuantizeSummary {
  /** The new model, opened as a document next to the original. */
  docId: string;
  fileName: string;
  /** Where it was written, when an output path was given. */
  output?: string;
  sizeBefore: number;
  sizeAfter: number;
  calibrationSamples: number;
  skippedSamples: number;
  skippedExamples: string[];
  calibrationReused: boolean;
  /** How closely the result follows the original on seeded inputs (absent with an accuracy target). */
  agreement?: { cosine: number; sqnrDb: number; samples: number; on: 'calibration' | 'seeded' };
  seconds: number;
  /** Accuracy-aware quantization: whether the drop was met, and each step's exclusions and top-1. */
  /** chosenStep: the index in steps of the model written (the last when met, else the smallest drop). */
  accuracy?: { met: boolean; referenceTop1: number; maxDropPoints: number; steps: AccuracyStep[]; chosenStep: number };
}

/** A recipe with the outcome of each step in this session, as the pipeline view shows it. */
export interface RecipeView {
  recipe: Recipe;
  results: Record<string, { status: 'done' | 'failed' | 'skipped'; summary: string; docId?: string }>;
}

/** What converting a document's opset did, and how closely ONNX Runtime says the result matches. */
export interface ConvertOpsetResult {
  model: ModelInfo;
  opsetBefore: number;
  opsetAfter: number;
  /** Nodes rewritten, by original op type. */
  converted: { opType: string; count: number }[];
  /** Largest output difference on seeded random inputs (null when the check could not run, only with force). */
  maxAbsDiff: number | null;
  maxRelDiff: number | null;
  notes: string[];
  /** The nodes the conversion rewrote, for marking them on the graph. */
  changes: NodeChanges;
}
