/** What a comparison reports: one entry per model, the reference first. */
export interface OutputError {
  name: string;
  cosine: number;
  /** null when the outputs are identical (infinite SQNR). */
  sqnrDb: number | null;
  maxAbsErr: number;
}

export type Precision = 'fp32' | 'fp16' | 'int8' | 'mixed';

export interface ModelMetrics {
  label: string;
  docId?: string;
  path?: string;
  precision: Precision;
  sizeBytes: number;
  latencyMsP50: number;
  top1?: number;
  top5?: number;
  /** Share of samples whose top-1 class equals the reference's. */
  agreementTop1: number;
  /** Over all outputs' values: cosine similarity, SQNR and largest absolute difference against the reference. */
  cosine: number;
  sqnrDb: number | null;
  maxAbsErr: number;
  outputs: OutputError[];
}

/** A sample where some variant's top-1 class differs from the reference's. */
export interface Disagreement {
  sample: string;
  label?: string;
  reference: string;
  /** Each disagreeing model's top-1 class, by label. */
  variants: Record<string, string>;
}

export interface CompareResult {
  reference: string;
  dataset: string;
  datasetId?: string;
  backend: string;
  samples: number;
  skipped: number;
  classes: string[];
  models: ModelMetrics[];
  disagreements: Disagreement[];
  /** Disagreements beyond those listed. */
  moreDisagreements: number;
}

/** Error of one tensor of a variant against the same tensor of the reference. */
export interface LayerError {
  tensor: string;
  /** The reference node that produces the tensor (for the heat map and exclusion); absent for graph inputs. */
  nodeIndex?: number;
  nodeName?: string;
  opType?: string;
  sqnrDb: number | null;
  cosine: number;
  /**
   * The error this tensor's own quantization adds: the variant's tensor against its dequantized copy
   * (QDQ variants only). Unlike `sqnrDb`, it does not carry the error of the layers before.
   */
  localSqnrDb?: number | null;
}

export interface LayerErrorResult {
  samples: number;
  layers: LayerError[];
}

/** One step of accuracy-aware quantization. */
export interface AccuracyStep {
  excluded: string[];
  top1: number;
  dropPoints: number;
}
