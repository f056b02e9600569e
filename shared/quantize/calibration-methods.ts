import { HISTOGRAM_BINS, type RangeCollector } from './range-collector.js';

export type CalibrationMethod = 'minmax' | 'percentile' | 'entropy';

export interface Range {
  min: number;
  max: number;
}

export interface MethodOptions {
  /** Share of values kept inside the range by the Percentile method (ORT's default 99.999). */
  percentile: number;
  /**
   * Quantized levels the Entropy method compares against: 128 for the magnitudes of a symmetric int8
   * range; a one-sided tensor in an asymmetric uint8 range gets all 255.
   */
  entropyLevels: number;
}

export const DEFAULT_METHOD_OPTIONS: MethodOptions = { percentile: 99.999, entropyLevels: 128 };

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
  const threshold = entropyThreshold(absHistogram(stats.counts), stats.range / (HISTOGRAM_BINS / 2), options.entropyLevels);
  return { min: Math.max(observed.min, -threshold), max: Math.min(observed.max, threshold) };
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

/** Folds the signed histogram onto magnitudes: bin j covers [j, j+1) x width. */
export function absHistogram(counts: Float64Array): Float64Array {
  const half = counts.length / 2;
  const out = new Float64Array(half);
  for (let j = 0; j < half; j++) out[j] = counts[half + j]! + counts[half - 1 - j]!;
  return out;
}

/**
 * The clipping threshold that minimises the KL divergence between the magnitude distribution and its
 * quantized version (the method TensorRT popularised): clipping outliers buys resolution for the bulk.
 */
export function entropyThreshold(hist: Float64Array, binWidth: number, levels: number): number {
  const n = hist.length;
  let last = n;
  while (last > 0 && hist[last - 1] === 0) last--;
  if (last <= levels) return last * binWidth;
  let best = last;
  let bestDivergence = Number.POSITIVE_INFINITY;
  const step = Math.max(1, Math.floor((last - levels) / 512));
  const p = new Float64Array(last);
  const q = new Float64Array(last);
  for (let i = levels; i <= last; i += step) {
    // Reference: the first i bins, with everything beyond folded into the last one.
    let outliers = 0;
    for (let k = i; k < last; k++) outliers += hist[k]!;
    for (let k = 0; k < i; k++) p[k] = hist[k]!;
    p[i - 1] = p[i - 1]! + outliers;
    // Candidate: the same i bins squeezed into `levels` buckets, spread back over the non-empty bins.
    const perLevel = i / levels;
    for (let l = 0; l < levels; l++) {
      const start = Math.floor(l * perLevel);
      const end = l === levels - 1 ? i : Math.floor((l + 1) * perLevel);
      let sum = 0;
      let nonEmpty = 0;
      for (let k = start; k < end; k++) {
        sum += hist[k]!;
        if (hist[k]! > 0) nonEmpty++;
      }
      for (let k = start; k < end; k++) q[k] = hist[k]! > 0 ? sum / nonEmpty : 0;
    }
    const divergence = klDivergence(p, q, i);
    if (divergence < bestDivergence) {
      bestDivergence = divergence;
      best = i;
    }
  }
  return (best + 0.5) * binWidth;
}

function klDivergence(p: Float64Array, q: Float64Array, n: number): number {
  let sp = 0;
  let sq = 0;
  for (let k = 0; k < n; k++) {
    sp += p[k]!;
    sq += q[k]!;
  }
  if (sp === 0 || sq === 0) return Number.POSITIVE_INFINITY;
  let d = 0;
  for (let k = 0; k < n; k++) {
    const pk = p[k]! / sp;
    if (pk === 0) continue;
    // A bin the candidate leaves empty is charged as nearly impossible rather than infinite.
    const qk = Math.max(q[k]! / sq, 1e-12);
    d += pk * Math.log(pk / qk);
  }
  return d;
}
