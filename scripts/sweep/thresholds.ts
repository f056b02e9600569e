// The agreement a variant needs with the FP32 model to count as correct, per mode (published in corpus.md).

export interface Threshold {
  /** Mean over samples of the worst output's cosine similarity. */
  cosine: number;
  /** SQNR over every float output value, dB. */
  sqnrDb: number;
}

export const THRESHOLDS: Record<'fp16' | 'int8-dynamic' | 'int8-static', Threshold> = {
  fp16: { cosine: 0.999, sqnrDb: 25 },
  'int8-dynamic': { cosine: 0.98, sqnrDb: 12 },
  'int8-static': { cosine: 0.95, sqnrDb: 8 },
};

/** Detection outputs may differ in count between variants; at least this share of samples must line up. */
export const MIN_COMPARABLE = 0.9;

/**
 * A dynamic-batch edit must not change what the model computes: its batch-2 output may differ from two
 * batch-1 runs of the FP32 model by at most this much, relative to the largest output magnitude.
 */
export const BATCH_MAX_RELATIVE_ERROR = 1e-3;
