import { describe, expect, it } from 'vitest';
import { calibratedRange, DEFAULT_METHOD_OPTIONS } from '../../../shared/quantize/calibration-methods.js';
import { fromFloat16Bits, toFloat16Bits, toFloat16Bytes } from '../../../shared/quantize/float16.js';
import { quantParams } from '../../../shared/quantize/quant-params.js';
import { HISTOGRAM_BINS, RangeCollector } from '../../../shared/quantize/range-collector.js';
import { quantizeWeight } from '../../../shared/quantize/weight-quant.js';
import { runPython } from '../../helpers/python.js';

/** A seeded stream of normal values (Box-Muller over mulberry32). */
function normals(n: number, seed: number, sigma = 1): Float32Array {
  let s = seed >>> 0;
  const u = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = Math.imul(s ^ (s >>> 15), s | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (((t ^ (t >>> 14)) >>> 0) + 1) / 4294967297;
  };
  return Float32Array.from({ length: n }, () => sigma * Math.sqrt(-2 * Math.log(u())) * Math.cos(2 * Math.PI * u()));
}

describe('float16', () => {
  it('rounds exactly as numpy does, across normals, subnormals, ties and overflow', () => {
    const values = [0, 1, -2.5, 65504, 65519.99, 65520, 1e-8, 6e-8, 5.960464477539063e-8, 2.98e-8, 1 + 2 ** -11, 1 + 3 * 2 ** -11, 0.1, 1e5, -1e5, ...normals(2000, 7, 100)];
    const f32 = Float32Array.from(values);
    const expected = JSON.parse(runPython('import sys, json, numpy as np\nv = np.array(json.loads(sys.stdin.read()), dtype=np.float32)\nprint(json.dumps(v.astype(np.float16).view(np.uint16).tolist()))', [], JSON.stringify(Array.from(f32)))) as number[];
    expect(Array.from(f32, toFloat16Bits)).toEqual(expected);
    expect(fromFloat16Bits(0x3c00)).toBe(1);
    expect(fromFloat16Bits(0x7bff)).toBe(65504);
  });

  it('clamps values beyond the float16 range instead of making infinities, and counts them', () => {
    const { bytes, clamped } = toFloat16Bytes(Float32Array.of(1e6, -1e6, 3));
    const bits = new Uint16Array(bytes.buffer);
    expect(clamped).toBe(2);
    expect([fromFloat16Bits(bits[0]!), fromFloat16Bits(bits[1]!), fromFloat16Bits(bits[2]!)]).toEqual([65504, -65504, 3]);
  });
});

describe('quantization parameters', () => {
  it('keeps zero exact and maps the range onto the type', () => {
    const u8 = quantParams(-1, 3, { type: 'uint8', symmetric: false, reduceRange: false });
    expect(u8.scale).toBeCloseTo(4 / 255, 7);
    expect(u8.zeroPoint).toBe(64);
    const s8 = quantParams(-1, 3, { type: 'int8', symmetric: true, reduceRange: false });
    expect(s8).toEqual({ scale: Math.fround(6 / 254), zeroPoint: 0 });
    // A ReLU output: everything is non-negative, so the uint8 zero point is 0.
    expect(quantParams(0.5, 6, { type: 'uint8', symmetric: false, reduceRange: false }).zeroPoint).toBe(0);
    expect(quantParams(0, 0, { type: 'uint8', symmetric: false, reduceRange: false }).scale).toBe(1);
  });

  it('quantizes weights per channel with each channel using its own range, 7 bits under reduce-range', () => {
    const w = Float32Array.of(1, -1, 0.5, 100, -50, 25); // two channels of three
    const q = quantizeWeight(w, [2, 3], { type: 'int8', symmetric: true, reduceRange: true }, 0);
    expect(Array.from(q.scales)).toEqual([Math.fround(2 / 126), Math.fround(200 / 126)]);
    // 0.5 and -50 land a hair under the tie at their float32 scales.
    expect(Array.from(q.data)).toEqual([63, -63, 31, 63, -31, 16]);
  });
});

describe('streaming calibration statistics', () => {
  it('gives the same histogram whether data arrives at once or in growing batches (range doubling is exact)', () => {
    const batches = [normals(5000, 1, 0.5), normals(5000, 2, 2), normals(5000, 3, 8)];
    const streamed = new RangeCollector(true);
    for (const b of batches) streamed.add(b);
    const all = Float32Array.from(batches.flatMap((b) => Array.from(b)));
    const once = new RangeCollector(true);
    // Start from the same initial range so both grids coincide, then add everything.
    once.add(batches[0]!);
    once.add(Float32Array.from(all.subarray(5000)));
    expect(streamed.range).toBe(once.range);
    expect(Array.from(streamed.counts!)).toEqual(Array.from(once.counts!));
    expect(streamed.min).toBe(Math.min(...all));
    expect(streamed.max).toBe(Math.max(...all));
    expect(streamed.counts!.reduce((a, b) => a + b, 0) + streamed.zeros).toBe(15000);
  });

  it('keeps memory fixed however many batches arrive', () => {
    const c = new RangeCollector(true);
    for (let i = 0; i < 200; i++) c.add(normals(1000, i, 1 + i / 10));
    expect(c.counts!.length).toBe(HISTOGRAM_BINS);
    expect(c.count).toBe(200_000);
  });

  it('Percentile trims the tails of a normal distribution where the normal quantile says', () => {
    const c = new RangeCollector(true);
    c.add(normals(100_000, 11));
    const r = calibratedRange(c, 'percentile', { ...DEFAULT_METHOD_OPTIONS, percentile: 99 });
    // 1% in each tail of N(0,1) lies beyond ±2.326.
    expect(r.max).toBeGreaterThan(2.2);
    expect(r.max).toBeLessThan(2.45);
    expect(r.min).toBeLessThan(-2.2);
    expect(calibratedRange(c, 'minmax')).toEqual({ min: c.min, max: c.max });
  });
});
