/** Scale and zero point of linear quantization: real = (q - zeroPoint) * scale. */

export type QuantType = 'int8' | 'uint8';

export interface QuantSpec {
  type: QuantType;
  symmetric: boolean;
  /** 7-bit range: avoids saturation in 8-bit dot products on CPUs without VNNI. */
  reduceRange: boolean;
}

export interface QuantParams {
  scale: number;
  zeroPoint: number;
}

/** ONNX element type ids of the quantized types. */
export const QUANT_ELEM_TYPE: Record<QuantType, number> = { uint8: 2, int8: 3 };

export function quantBounds(spec: QuantSpec): { qmin: number; qmax: number } {
  if (spec.type === 'int8') {
    // Symmetric ranges leave the most negative value unused so that +x and -x quantize to mirrored values.
    if (spec.reduceRange) return { qmin: spec.symmetric ? -63 : -64, qmax: 63 };
    return { qmin: spec.symmetric ? -127 : -128, qmax: 127 };
  }
  return spec.reduceRange ? { qmin: 0, qmax: 127 } : { qmin: 0, qmax: 255 };
}

/**
 * Params that map [min, max] onto the type's range. The range always includes 0, so that zero (padding,
 * ReLU's floor) is exact; a symmetric range is centred on 0.
 */
export function quantParams(min: number, max: number, spec: QuantSpec): QuantParams {
  let lo = Math.min(min, 0);
  let hi = Math.max(max, 0);
  const { qmin, qmax } = quantBounds(spec);
  if (spec.symmetric) {
    const abs = Math.max(Math.abs(lo), Math.abs(hi));
    lo = -abs;
    hi = abs;
  }
  let scale = Math.fround((hi - lo) / (qmax - qmin));
  // An all-zero tensor: any positive scale represents it; 1 keeps the arithmetic finite.
  if (!(scale > 1e-30) || !Number.isFinite(scale)) scale = 1;
  let zeroPoint: number;
  if (spec.symmetric) zeroPoint = spec.type === 'int8' ? 0 : Math.round((qmin + qmax + 1) / 2);
  else zeroPoint = Math.min(qmax, Math.max(qmin, roundHalfEven(qmin - lo / scale)));
  return { scale, zeroPoint };
}

/** ONNX QuantizeLinear rounds half to even. */
export function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

export function quantizeValue(x: number, p: QuantParams, qmin: number, qmax: number): number {
  const q = roundHalfEven(x / p.scale) + p.zeroPoint;
  return q < qmin ? qmin : q > qmax ? qmax : q;
}
