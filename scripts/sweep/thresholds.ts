// The agreement a variant needs with the FP32 model to count as correct, per mode (published in corpus.md).

import { AGREEMENT_THRESHOLDS, type AgreementThreshold } from '../../shared/quantize/agreement-thresholds.js';

/** The engine refuses below these same numbers, so a variant the sweep calls wrong was never written silently. */
export type Threshold = AgreementThreshold;
export const THRESHOLDS = AGREEMENT_THRESHOLDS;

/** Detection outputs may differ in count between variants; at least this share of samples must line up. */
export const MIN_COMPARABLE = 0.9;

/**
 * A dynamic-batch edit must not change what the model computes: its batch-2 output may differ from two
 * batch-1 runs of the FP32 model by at most this much, relative to the largest output magnitude.
 */
export const BATCH_MAX_RELATIVE_ERROR = 1e-3;
