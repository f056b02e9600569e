/**
 * Streaming statistics of one activation tensor over a calibration run: exact min/max and a signed
 * histogram whose range doubles when new data falls outside it. Doubling merges bins pairwise, which
 * is exact, so memory stays fixed (BINS counts) however many images are calibrated, and every method
 * (MinMax, Percentile, Entropy) can be computed from one pass.
 */

export const HISTOGRAM_BINS = 4096;
/** Values sampled per tensor per batch for the histogram; min/max always see every value. */
export const HISTOGRAM_SAMPLES = 1 << 14;

export class RangeCollector {
  min = Number.POSITIVE_INFINITY;
  max = Number.NEGATIVE_INFINITY;
  /** Values seen (not just sampled). */
  count = 0;
  /** Half-width of the histogram range [-range, range); 0 until a nonzero value arrives. */
  range = 0;
  readonly counts: Float64Array | undefined;
  /**
   * Sampled values that are exactly zero (ReLU's floor, padding), kept out of the histogram: every
   * quantizer represents zero exactly, and a spike of them would otherwise dominate the Entropy method.
   */
  zeros = 0;

  constructor(withHistogram: boolean) {
    this.counts = withHistogram ? new Float64Array(HISTOGRAM_BINS) : undefined;
  }

  /** Folds in one batch of a tensor's values. */
  add(values: ArrayLike<number>): void {
    let min = Number.POSITIVE_INFINITY;
    let max = Number.NEGATIVE_INFINITY;
    for (let i = 0; i < values.length; i++) {
      const v = values[i]!;
      if (v < min) min = v;
      if (v > max) max = v;
    }
    this.addSampled(values, min, max, values.length);
  }

  /**
   * Folds in a batch known by its exact min/max and element count plus a uniform sample of its values
   * (what the runtime computes when reductions run inside the model).
   */
  addSampled(sample: ArrayLike<number>, min: number, max: number, count: number): void {
    if (count === 0) return;
    if (min < this.min) this.min = min;
    if (max > this.max) this.max = max;
    this.count += count;
    if (this.counts && sample.length > 0) this.addToHistogram(sample, Math.max(Math.abs(this.min), Math.abs(this.max)));
  }

  private addToHistogram(values: ArrayLike<number>, absMax: number): void {
    const counts = this.counts!;
    const n = values.length;
    const step = Math.max(1, Math.ceil(n / HISTOGRAM_SAMPLES));
    if (!(absMax > 0) || !Number.isFinite(absMax)) {
      // All zeros so far (or non-finite values, which min/max already expose): no range to bin into yet.
      this.zeros += Math.ceil(n / step);
      return;
    }
    if (this.range === 0) this.range = absMax;
    while (this.range < absMax) this.doubleRange();
    const perUnit = HISTOGRAM_BINS / (2 * this.range);
    const offset = this.range;
    const last = HISTOGRAM_BINS - 1;
    for (let i = 0; i < n; i += step) {
      const v = values[i]!;
      if (v === 0) {
        this.zeros++;
        continue;
      }
      const b = Math.floor((v + offset) * perUnit);
      const bin = b < 0 ? 0 : b > last ? last : b;
      counts[bin] = counts[bin]! + 1;
    }
  }

  /** Old bin i covers the same values as fine bin BINS/2 + i on the doubled grid; pairs of those merge. */
  private doubleRange(): void {
    const counts = this.counts!;
    const merged = new Float64Array(HISTOGRAM_BINS);
    for (let i = 0; i < HISTOGRAM_BINS; i++) {
      const j = HISTOGRAM_BINS / 4 + (i >> 1);
      merged[j] = merged[j]! + counts[i]!;
    }
    counts.set(merged);
    this.range *= 2;
  }
}
