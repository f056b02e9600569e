import { entropyRange, ORT_ENTROPY_BINS, type EntropyBins } from './entropy-calibration.js';
import { HISTOGRAM_BINS, type RangeCollector } from './range-collector.js';

export type CalibrationMethod = 'minmax' | 'percentile' | 'entropy';

export interface Range {
  min: number;
  max: number;
}

export interface MethodOptions {
  /** Share of values kept inside the range by the Percentile method (ORT's default 99.999). */
  percentile: number;
  /** Histogram and quantized bins of the Entropy method (ONNX Runtime's 128 and 128 by default). */
  entropy: EntropyBins;
}

export const DEFAULT_METHOD_OPTIONS: MethodOptions = { percentile: 99.999, entropy: ORT_ENTROPY_BINS };

/** The tensor's range under a calibration method, always within the observed min/max. */
export function calibratedRange(stats: RangeCollector, method: CalibrationMethod, options: MethodOptions = DEFAULT_METHOD_OPTIONS): Range {
  if (stats.count === 0) return { min: 0, max: 0 };
  const observed = { min: stats.min, max: stats.max };
  if (method === 'minmax' || !stats.counts || stats.range === 0) return observed;
  if (method === 'percentile') {
    const lo = quantile(stats, (100 - options.percentile) / 100);
    const hi = quantile(stats, options.percentile / 100);
    return { min: Math.max(observed.min, Math.min(lo, 0)), max: Math.min(observed.max, Math.max(hi, 0)) };
  }
  return entropyRange(stats, options.entropy);
}

/** The value below which a share p of the histogram lies (upper bin edge). */
function quantile(stats: RangeCollector, p: number): number {
  const counts = stats.counts!;
  let total = stats.zeros;
  for (const c of counts) total += c;
  const target = p * total;
  const width = (2 * stats.range) / HISTOGRAM_BINS;
  let seen = 0;
  for (let i = 0; i < HISTOGRAM_BINS; i++) {
    // Exact zeros sit at the bottom edge of the first non-negative bin.
    if (i === HISTOGRAM_BINS / 2) seen += stats.zeros;
    seen += counts[i]!;
    if (seen >= target) return -stats.range + (i + 1) * width;
  }
  return stats.range;
}
