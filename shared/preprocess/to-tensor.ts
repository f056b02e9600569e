import { channelsOf, type PreprocessSpec } from './preprocess-spec.js';

/**
 * Turns decoded pixels (height x width, interleaved channels in the spec's colour order, already resized
 * to spec.size) into the float tensor of one sample, in the spec's layout.
 */
export function pixelsToTensor(pixels: Uint8Array, spec: PreprocessSpec): Float32Array {
  const [h, w] = spec.size;
  const c = channelsOf(spec);
  if (pixels.length !== h * w * c) throw new Error(`expected ${h}x${w}x${c} pixels, got ${pixels.length} values`);
  const out = new Float32Array(h * w * c);
  const mean = Array.from({ length: c }, (_, k) => spec.mean[spec.mean.length === 1 ? 0 : k]!);
  const invStd = Array.from({ length: c }, (_, k) => 1 / spec.std[spec.std.length === 1 ? 0 : k]!);
  const plane = h * w;
  for (let p = 0; p < plane; p++) {
    for (let k = 0; k < c; k++) {
      const v = (pixels[p * c + k]! * spec.scale - mean[k]!) * invStd[k]!;
      out[spec.layout === 'NCHW' ? k * plane + p : p * c + k] = v;
    }
  }
  return out;
}
