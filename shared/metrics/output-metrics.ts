/**
 * How far a variant's outputs are from the reference's, accumulated sample by sample so memory does not
 * grow with the dataset: cosine similarity, SQNR (signal-to-quantization-noise ratio, dB) and the largest
 * absolute difference, over all values of one output.
 */
export class OutputErrorAccumulator {
  private dot = 0;
  private refSq = 0;
  private varSq = 0;
  private noiseSq = 0;
  maxAbsErr = 0;
  values = 0;

  add(reference: ArrayLike<number>, variant: ArrayLike<number>): void {
    const n = Math.min(reference.length, variant.length);
    let dot = 0;
    let refSq = 0;
    let varSq = 0;
    let noiseSq = 0;
    let maxAbs = this.maxAbsErr;
    for (let i = 0; i < n; i++) {
      const r = reference[i]!;
      const v = variant[i]!;
      const d = r - v;
      dot += r * v;
      refSq += r * r;
      varSq += v * v;
      noiseSq += d * d;
      const a = d < 0 ? -d : d;
      if (a > maxAbs) maxAbs = a;
    }
    this.dot += dot;
    this.refSq += refSq;
    this.varSq += varSq;
    this.noiseSq += noiseSq;
    this.maxAbsErr = maxAbs;
    this.values += n;
  }

  /** 1 for identical directions; defined as 1 when both are all zeros. */
  get cosine(): number {
    if (this.refSq === 0 && this.varSq === 0) return 1;
    if (this.refSq === 0 || this.varSq === 0) return 0;
    return this.dot / Math.sqrt(this.refSq * this.varSq);
  }

  /** 10 log10(signal power / noise power); Infinity when the outputs are identical. */
  get sqnrDb(): number {
    if (this.noiseSq === 0) return Number.POSITIVE_INFINITY;
    if (this.refSq === 0) return Number.NEGATIVE_INFINITY;
    return 10 * Math.log10(this.refSq / this.noiseSq);
  }
}

/** Index of the largest value (the predicted class). */
export function argmax(values: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i]! > values[best]!) best = i;
  return best;
}

/**
 * The label's place when the scores are sorted best first, ties ordered by index as argmax orders them
 * (the first index of the maximum wins): 0 is a top-1 hit, below 5 a top-5 hit. A tie with an earlier
 * class is a miss, so a model that outputs constant scores scores no better than chance. NaN scores
 * rank last. Undefined when the label is not a valid class index of these scores.
 */
export function rankOf(values: ArrayLike<number>, label: number): number | undefined {
  if (!Number.isInteger(label) || label < 0 || label >= values.length) return undefined;
  const target = values[label]!;
  if (Number.isNaN(target)) return values.length - 1;
  let ahead = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (v > target || (v === target && i < label)) ahead++;
  }
  return ahead;
}
