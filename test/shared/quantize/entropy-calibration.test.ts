import { describe, expect, it } from 'vitest';
import { calibratedRange, DEFAULT_METHOD_OPTIONS } from '../../../shared/quantize/calibration-methods.js';
import { entropyRange, entropyWindow, signedHistogram } from '../../../shared/quantize/entropy-calibration.js';
import { RangeCollector } from '../../../shared/quantize/range-collector.js';
import { runPython } from '../../helpers/python.js';

/** Seeded uniform values in (0, 1) (mulberry32). */
function uniforms(n: number, seed: number): Float64Array {
  let s = seed >>> 0;
  return Float64Array.from({ length: n }, () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = Math.imul(s ^ (s >>> 15), s | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (((t ^ (t >>> 14)) >>> 0) + 1) / 4294967297;
  });
}

function normals(n: number, seed: number): Float32Array {
  const u = uniforms(2 * n, seed);
  return Float32Array.from({ length: n }, (_, i) => Math.sqrt(-2 * Math.log(u[2 * i]!)) * Math.cos(2 * Math.PI * u[2 * i + 1]!));
}

/** What a ReLU6 after a convolution looks like: a spike at 0, a bulk, and a spike at the saturation value 6. */
function relu6(n: number, seed: number): Float32Array {
  return normals(n, seed).map((v) => Math.min(6, Math.max(0, 2.5 * v + 1.5)));
}

function collected(values: Float32Array): RangeCollector {
  const c = new RangeCollector(true);
  c.add(values);
  return c;
}

/**
 * numpy's own reading of the method, written from the definition (not from our code): the histogram
 * windows symmetric about the zero bin, clipped mass folded into the end bins, each window merged into
 * `levels` levels spread back over its non-empty bins, both smoothed, the least KL divergence winning.
 */
const NUMPY_ENTROPY = `
import sys, json, numpy as np
req = json.loads(sys.stdin.read())
out = []
for case in req:
    hist = np.array(case['hist'], dtype=np.float64)
    levels = case['levels']
    n = hist.size
    zero = n // 2
    best, best_d = None, np.inf
    for half in range(levels // 2, zero + 1):
        lo, hi = zero - half, min(zero + half + 1, n)
        p = hist[lo:hi].copy()
        p[0] += hist[:lo].sum()
        p[-1] += hist[hi:].sum()
        size = hi - lo
        per = size // levels
        q = np.zeros(size)
        for l in range(levels):
            a = l * per
            b = size if l == levels - 1 else a + per
            mask = p[a:b] != 0
            if mask.sum() > 0:
                q[a:b][mask] = hist[lo + a:lo + b].sum() / mask.sum()
        def smooth(x):
            z = (x == 0)
            if z.all():
                return None
            y = x - 1e-4 * z.sum() / (~z).sum()
            y[z] = 1e-4
            return None if (y <= 0).any() else y
        ps, qs = smooth(p), smooth(q)
        if ps is None or qs is None:
            continue
        ps, qs = ps / ps.sum(), qs / qs.sum()
        d = float(np.sum(ps * np.log(ps / qs)))
        if d < best_d:
            best, best_d = [lo, hi], d
    out.append(best)
print(json.dumps(out))
`;

describe('Entropy calibration (ONNX Runtime semantics)', () => {
  it('re-bins the streamed histogram onto the signed [-absMax, absMax] grid numpy.histogram makes', () => {
    const values = relu6(16_000, 3).map((v, i) => (i % 3 === 0 ? -0.4 * v : v));
    const c = collected(values);
    const ours = signedHistogram(c, 128);
    const expected = JSON.parse(
      runPython('import sys, json, numpy as np\nv = np.array(json.loads(sys.stdin.read()), dtype=np.float32)\nt = np.abs(v).max()\nprint(json.dumps(np.histogram(v, 128, range=(-t, t))[0].tolist()))', [], JSON.stringify(Array.from(values))),
    ) as number[];
    expect(ours.absMax).toBeCloseTo(6, 5);
    expect(ours.counts.reduce((a, b) => a + b, 0)).toBeCloseTo(values.length, 6);
    // The streamed histogram is finer (4096 bins) but not aligned with this grid: a bin may differ by
    // the share of a fine bin at each of its edges.
    ours.counts.forEach((v, k) => expect(Math.abs(v - expected[k]!), `bin ${k}`).toBeLessThanOrEqual(0.05 * expected[k]! + 30));
    // Zeros (ReLU's floor) are in the distribution, in the bin starting at 0.
    expect(expected[64]).toBeGreaterThan(4000);
    expect(ours.counts[64]).toBeCloseTo(expected[64]!, -2);
  });

  it('finds the window numpy finds on 1024-bin histograms of long-tailed, saturating and one-sided tensors', () => {
    const tailed = normals(100_000, 5);
    for (let i = 0; i < 20; i++) tailed[i] = 8 + i; // far outliers
    const laplace = Float32Array.from(uniforms(100_000, 9), (u) => (u < 0.5 ? Math.log(2 * u) : -Math.log(2 - 2 * u)));
    const cases = [tailed, relu6(100_000, 7), laplace].map((v) => ({ hist: Array.from(signedHistogram(collected(v), 1024).counts), levels: 128 }));
    const expected = JSON.parse(runPython(NUMPY_ENTROPY, [], JSON.stringify(cases))) as [number, number][];
    const ours = cases.map((c) => entropyWindow(Float64Array.from(c.hist), c.levels));
    expect(ours).toEqual(expected);
    // The outliers are clipped: the window is well inside the 1024 bins.
    expect(ours[0]![1] - ours[0]![0]).toBeLessThan(512);
  });

  it('with ONNX Runtime defaults (128 bins, 128 levels) keeps the observed range, so ReLU6 keeps [0, 6]', () => {
    // The regression: the former method folded magnitudes, dropped zeros and clipped a ReLU6 far below
    // 6, which cost the shapes fixture 55 points of top-1.
    const c = collected(relu6(50_000, 11));
    expect(calibratedRange(c, 'entropy')).toEqual({ min: 0, max: 6 });
    expect(DEFAULT_METHOD_OPTIONS.entropy).toEqual({ bins: 128, quantizedBins: 128 });
  });

  it('with more bins clips a far outlier but keeps the bulk, cut to the observed min/max', () => {
    const data = normals(200_000, 5);
    data[0] = 40;
    const r = entropyRange(collected(data), { bins: 2048, quantizedBins: 128 });
    expect(r.max).toBeLessThan(20);
    expect(r.max).toBeGreaterThan(2.5);
    expect(r.min).toBeLessThan(-2.5);
    const oneSided = entropyRange(collected(relu6(50_000, 2)), { bins: 2048, quantizedBins: 128 });
    expect(oneSided.min).toBe(0);
    expect(oneSided.max).toBeLessThanOrEqual(6);
  });
});
