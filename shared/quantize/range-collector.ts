/**
 * Streaming statistics of one activation tensor over a calibration run: exact min/max and a signed
 * histogram whose range doubles when new data falls outside it. Doubling merges bins pairwise, which
 * is exact, so memory stays fixed (BINS counts) however many images are calibrated, and every method
 * (MinMax, Percentile, Entropy) can be computed from one pass.
 */

export const HISTOGRAM_BINS = 4096;
/** Values sampled per tensor per batch for the histogram; min/max always see every value. */
export const HISTOGRAM_SAMPLES = 1 << 17;

export class RangeCollector {
  min = Number.POSITIVE_INFINITY;
  max = Number.NEGATIVE_INFINITY;
  /** Values seen (not just sampled). */
  count = 0;
  /** Half-width of the histogram range [-range, range); 0 until a nonzero value arrives. */
  range = 0;
  readonly counts: Float64Array | undefined;
  private zerosBeforeRange = 0;

  constructor(withHistogram: boolean) {
    this.counts = withHistogram ? new Float64Array(HISTOGRAM_BINS) : undefined;
  }

  add(values: ArrayLike<number>): void {
    const n = values.length;
    if (n === 0) return;
    let min = this.min;
    let max = this.max;
    for (let i = 0; i < n; i++) {
      const v = values[i]!;
      if (v < min) min = v;
      if (v > max) max = v;
    }
    this.min = min;
    this.max = max;
    this.count += n;
    if (this.counts) this.addToHistogram(values, Math.max(Math.abs(min), Math.abs(max)));
  }

  private addToHistogram(values: ArrayLike<number>, absMax: number): void {
    const counts = this.counts!;
    const n = values.length;
    const step = Math.max(1, Math.ceil(n / HISTOGRAM_SAMPLES));
    if (!(absMax > 0) || !Number.isFinite(absMax)) {
      // All zeros so far (or non-finite values, which min/max already expose): no range to bin into yet.
      if (this.range === 0) this.zerosBeforeRange += Math.ceil(n / step);
      else counts[HISTOGRAM_BINS / 2] = counts[HISTOGRAM_BINS / 2]! + Math.ceil(n / step);
      return;
    }
    if (this.range === 0) {
      this.range = absMax;
      counts[HISTOGRAM_BINS / 2] = this.zerosBeforeRange;
    }
    while (this.range < absMax) this.doubleRange();
    const perUnit = HISTOGRAM_BINS / (2 * this.range);
    const offset = this.range;
    const last = HISTOGRAM_BINS - 1;
    for (let i = 0; i < n; i += step) {
      const b = Math.floor((values[i]! + offset) * perUnit);
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
