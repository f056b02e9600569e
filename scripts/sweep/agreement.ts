// How closely a variant's outputs follow the FP32 model's: cosine, SQNR and top-1 agreement.
import type { OutputValues } from './ort-runner.js';

export interface Agreement {
  samples: number;
  /** Samples whose outputs had the same shapes in both models (detections can differ in count). */
  comparable: number;
  /** Mean over comparable samples of the worst output's cosine similarity. */
  cosine: number;
  /** Signal-to-quantisation-noise ratio over all comparable float outputs, in dB. */
  sqnrDb: number;
  /** Share of samples whose first output's arg-max over the last axis agrees (classification). */
  top1: number | null;
}

function cosine(a: Float64Array, b: Float64Array): number {
  let ab = 0;
  let aa = 0;
  let bb = 0;
  for (let i = 0; i < a.length; i++) {
    ab += a[i]! * b[i]!;
    aa += a[i]! * a[i]!;
    bb += b[i]! * b[i]!;
  }
  if (aa === 0 && bb === 0) return 1;
  if (aa === 0 || bb === 0) return 0;
  return ab / Math.sqrt(aa * bb);
}

function argmaxRows(v: OutputValues): number[] {
  const width = v.dims[v.dims.length - 1] ?? v.values.length;
  const rows: number[] = [];
  for (let r = 0; r + width <= v.values.length && width > 0; r += width) {
    let best = r;
    for (let i = r; i < r + width; i++) if (v.values[i]! > v.values[best]!) best = i;
    rows.push(best - r);
  }
  return rows;
}

const sameDims = (a: number[], b: number[]) => a.length === b.length && a.every((d, i) => d === b[i]);

export class AgreementMeter {
  private samples = 0;
  private comparable = 0;
  private cosineSum = 0;
  private signal = 0;
  private noise = 0;
  private topHits = 0;
  private topCount = 0;

  constructor(private readonly classification: boolean) {}

  add(reference: OutputValues[], variant: OutputValues[]): void {
    this.samples++;
    if (reference.length !== variant.length || reference.some((r, i) => !sameDims(r.dims, variant[i]!.dims))) return;
    this.comparable++;
    let worst = 1;
    reference.forEach((r, i) => {
      const v = variant[i]!;
      if (r.values.length === 0) return;
      if (r.integer) {
        let same = 0;
        for (let k = 0; k < r.values.length; k++) if (r.values[k] === v.values[k]) same++;
        worst = Math.min(worst, same / r.values.length);
        return;
      }
      worst = Math.min(worst, cosine(r.values, v.values));
      for (let k = 0; k < r.values.length; k++) {
        this.signal += r.values[k]! * r.values[k]!;
        this.noise += (r.values[k]! - v.values[k]!) ** 2;
      }
    });
    this.cosineSum += Number.isFinite(worst) ? worst : 0;
    if (this.classification && reference[0] && reference[0].values.length > 0) {
      const a = argmaxRows(reference[0]);
      const b = argmaxRows(variant[0]!);
      a.forEach((x, i) => {
        this.topCount++;
        if (x === b[i]) this.topHits++;
      });
    }
  }

  result(): Agreement {
    const sqnr = this.noise === 0 ? Infinity : 10 * Math.log10(this.signal / this.noise);
    return {
      samples: this.samples,
      comparable: this.comparable,
      cosine: this.comparable ? this.cosineSum / this.comparable : 0,
      sqnrDb: Number.isNaN(sqnr) ? -Infinity : sqnr,
      top1: this.topCount ? this.topHits / this.topCount : null,
    };
  }
}
