import { quantBounds, quantizeValue, quantParams, type QuantSpec } from './quant-params.js';

export interface QuantizedWeight {
  /** int8 or uint8 values, in the weight's layout. */
  data: Int8Array | Uint8Array;
  /** One scale per channel along `axis`, or one for the whole tensor. */
  scales: Float32Array;
  zeroPoints: number[];
  axis?: number;
}

/** Visits the index ranges of each slice along `axis` of a row-major tensor. */
function forEachChannel(dims: readonly number[], axis: number, visit: (channel: number, index: number) => void): void {
  const channels = dims[axis]!;
  const inner = dims.slice(axis + 1).reduce((a, b) => a * b, 1);
  const outer = dims.slice(0, axis).reduce((a, b) => a * b, 1);
  for (let o = 0; o < outer; o++) {
    for (let c = 0; c < channels; c++) {
      const base = (o * channels + c) * inner;
      for (let k = 0; k < inner; k++) visit(c, base + k);
    }
  }
}

/** Quantizes a constant weight from its own min/max, per channel along `axis` or per tensor. */
export function quantizeWeight(values: Float32Array, dims: readonly number[], spec: QuantSpec, axis?: number): QuantizedWeight {
  const { qmin, qmax } = quantBounds(spec);
  const data = spec.type === 'int8' ? new Int8Array(values.length) : new Uint8Array(values.length);
  if (axis === undefined) {
    let min = 0;
    let max = 0;
    for (const v of values) {
      if (v < min) min = v;
      if (v > max) max = v;
    }
    const p = quantParams(min, max, spec);
    for (let i = 0; i < values.length; i++) data[i] = quantizeValue(values[i]!, p, qmin, qmax);
    return { data, scales: Float32Array.of(p.scale), zeroPoints: [p.zeroPoint] };
  }
  const channels = dims[axis]!;
  const mins = new Float64Array(channels);
  const maxs = new Float64Array(channels);
  forEachChannel(dims, axis, (c, i) => {
    const v = values[i]!;
    if (v < mins[c]!) mins[c] = v;
    if (v > maxs[c]!) maxs[c] = v;
  });
  const params = Array.from({ length: channels }, (_, c) => quantParams(mins[c]!, maxs[c]!, spec));
  forEachChannel(dims, axis, (c, i) => {
    data[i] = quantizeValue(values[i]!, params[c]!, qmin, qmax);
  });
  return { data, scales: Float32Array.from(params, (p) => p.scale), zeroPoints: params.map((p) => p.zeroPoint), axis };
}

/** Biases as int32 with scale = input scale x weight scale (per channel), zero point 0, as QLinear kernels expect. */
export function quantizeBias(values: Float32Array, inputScale: number, weightScales: Float32Array): { data: Int32Array; scales: Float32Array; clamped: number } {
  const scales = new Float32Array(values.length);
  const data = new Int32Array(values.length);
  let clamped = 0;
  for (let i = 0; i < values.length; i++) {
    const s = Math.fround(inputScale * weightScales[weightScales.length === 1 ? 0 : i]!);
    scales[i] = s;
    let q = Math.round(values[i]! / s);
    if (q > 2147483647 || q < -2147483648 || !Number.isFinite(q)) {
      q = Math.max(-2147483648, Math.min(2147483647, Number.isFinite(q) ? q : 0));
      clamped++;
    }
    data[i] = q;
  }
  return { data, scales, clamped };
}
