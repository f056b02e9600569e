import { HISTOGRAM_BINS, type RangeCollector } from './range-collector.js';

/**
 * Entropy (KL-divergence) calibration with ONNX Runtime's semantics, so that a model calibrated here and
 * one calibrated by `quantize_static(calibrate_method=Entropy)` on the same tensors get the same ranges:
 * - one signed histogram per tensor over [-absMax, absMax] (absMax the largest magnitude seen), exact
 *   zeros included: ReLU's floor is part of the distribution the quantized tensor must reproduce;
 * - candidate windows grow symmetrically around the bin holding zero, from `quantizedBins` bins wide to the
 *   whole histogram; the values outside a window are folded into its two end bins (clipping);
 * - each window is merged into `quantizedBins` levels and spread back over its non-empty bins, both
 *   distributions are smoothed, and the window with the smallest KL divergence wins (the first on ties);
 * - the window's edges become the range, cut to the observed min/max, so a one-sided tensor (ReLU, ReLU6)
 *   keeps its floor of 0 and never gets a range past its saturation value.
 * ONNX Runtime fixes both counts at 128 in quantize_static, which leaves a single candidate (the whole
 * histogram): its Entropy then keeps the observed range. More bins let the search clip outliers.
 */

export interface EntropyBins {
  /** Bins of the signed histogram over [-absMax, absMax]. */
  bins: number;
  /** Levels each candidate window is merged into. */
  quantizedBins: number;
}

/** ONNX Runtime's quantize_static defaults (it does not pass other values to the calibrator). */
export const ORT_ENTROPY_BINS: EntropyBins = { bins: 128, quantizedBins: 128 };

/** Smoothing mass moved onto empty bins so the divergence stays finite (ORT and MXNet use the same). */
const SMOOTHING_EPS = 1e-4;

/**
 * Re-bins a collector's statistics onto `bins` equal bins over [-absMax, absMax]. The collector's fine
 * bins are split across coarse edges by overlap; zeros land in the bin starting at 0, as numpy puts them.
 */
export function signedHistogram(stats: RangeCollector, bins: number): { counts: Float64Array; absMax: number } {
  const absMax = Math.max(Math.abs(stats.min), Math.abs(stats.max));
  const counts = new Float64Array(bins);
  counts[Math.min(bins - 1, Math.floor(bins / 2))] = stats.zeros;
  const fine = stats.counts;
  if (!fine || !(absMax > 0) || stats.range === 0) return { counts, absMax };
  const fineWidth = (2 * stats.range) / HISTOGRAM_BINS;
  const width = (2 * absMax) / bins;
  for (let j = 0; j < HISTOGRAM_BINS; j++) {
    const c = fine[j]!;
    if (c === 0) continue;
    // Fine bin j covers [lo, hi) in coarse-bin units measured from -absMax.
    const lo = (-stats.range + j * fineWidth + absMax) / width;
    const hi = lo + fineWidth / width;
    const clampedLo = Math.max(0, Math.min(bins, lo));
    const clampedHi = Math.max(0, Math.min(bins, hi));
    if (clampedHi <= clampedLo) {
      // Only sampled values inside [min, max] are binned, so this is rounding at the outer edges.
      counts[lo < 0 ? 0 : bins - 1] = counts[lo < 0 ? 0 : bins - 1]! + c;
      continue;
    }
    const perUnit = c / (hi - lo);
    // Mass outside [-absMax, absMax] (the fine bin sticks out by rounding) goes to the outer coarse bins.
    if (lo < clampedLo) counts[0] = counts[0]! + (clampedLo - lo) * perUnit;
    if (hi > clampedHi) counts[bins - 1] = counts[bins - 1]! + (hi - clampedHi) * perUnit;
    for (let k = Math.floor(clampedLo); k < clampedHi && k < bins; k++) {
      const overlap = Math.min(k + 1, clampedHi) - Math.max(k, clampedLo);
      if (overlap > 0) counts[k] = counts[k]! + overlap * perUnit;
    }
  }
  return { counts, absMax };
}

/** The Entropy range of a tensor: the best window's edges, within the observed min/max. */
export function entropyRange(stats: RangeCollector, settings: EntropyBins = ORT_ENTROPY_BINS): { min: number; max: number } {
  const { counts, absMax } = signedHistogram(stats, settings.bins);
  if (!(absMax > 0)) return { min: stats.min, max: stats.max };
  const [lo, hi] = entropyWindow(counts, settings.quantizedBins);
  const width = (2 * absMax) / settings.bins;
  return { min: Math.max(stats.min, -absMax + lo * width), max: Math.min(stats.max, -absMax + hi * width) };
}

/**
 * The window [start, end) of bins whose quantization to `quantizedBins` levels loses the least
 * information (smallest KL divergence), searched symmetrically around the zero bin.
 */
export function entropyWindow(hist: Float64Array, quantizedBins: number): [number, number] {
  const n = hist.length;
  const zero = Math.floor(n / 2);
  const halfLevels = Math.floor(quantizedBins / 2);
  if (halfLevels > zero) return [0, n];
  let best: [number, number] = [0, n];
  let bestDivergence = Number.POSITIVE_INFINITY;
  for (let half = halfLevels; half <= zero; half++) {
    const start = zero - half;
    const end = Math.min(zero + half + 1, n);
    const d = windowDivergence(hist, start, end, quantizedBins);
    if (d < bestDivergence) {
      bestDivergence = d;
      best = [start, end];
    }
  }
  return best;
}

/** KL(p || q): p is the window with the clipped values folded in, q its `levels`-level quantization. */
function windowDivergence(hist: Float64Array, start: number, end: number, levels: number): number {
  const size = end - start;
  const p = hist.slice(start, end);
  for (let k = 0; k < start; k++) p[0] = p[0]! + hist[k]!;
  for (let k = end; k < hist.length; k++) p[size - 1] = p[size - 1]! + hist[k]!;
  const q = new Float64Array(size);
  const perLevel = Math.floor(size / levels);
  for (let l = 0; l < levels; l++) {
    // The last level also takes the bins left over when the window does not divide evenly.
    const from = l * perLevel;
    const to = l === levels - 1 ? size : from + perLevel;
    let sum = 0;
    let nonEmpty = 0;
    for (let k = from; k < to; k++) {
      sum += hist[start + k]!;
      if (p[k]! !== 0) nonEmpty++;
    }
    if (nonEmpty === 0) continue;
    for (let k = from; k < to; k++) if (p[k]! !== 0) q[k] = sum / nonEmpty;
  }
  const ps = smoothed(p);
  const qs = smoothed(q);
  if (!ps || !qs) return Number.POSITIVE_INFINITY;
  return klDivergence(ps, qs);
}

/** Moves a little mass onto empty bins; undefined when the distribution is empty or too sparse to smooth. */
function smoothed(counts: Float64Array): Float64Array | undefined {
  let zeros = 0;
  for (const c of counts) if (c === 0) zeros++;
  const nonZeros = counts.length - zeros;
  if (nonZeros === 0) return undefined;
  const taken = (SMOOTHING_EPS * zeros) / nonZeros;
  const out = new Float64Array(counts.length);
  for (let k = 0; k < counts.length; k++) {
    out[k] = counts[k] === 0 ? SMOOTHING_EPS : counts[k]! - taken;
    if (!(out[k]! > 0)) return undefined;
  }
  return out;
}

function klDivergence(p: Float64Array, q: Float64Array): number {
  let sp = 0;
  let sq = 0;
  for (let k = 0; k < p.length; k++) {
    sp += p[k]!;
    sq += q[k]!;
  }
  let d = 0;
  for (let k = 0; k < p.length; k++) {
    const pk = p[k]! / sp;
    d += pk * Math.log(pk / (q[k]! / sq));
  }
  return d;
}
