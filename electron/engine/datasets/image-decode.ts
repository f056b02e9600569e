import { decode as decodeBmp } from 'bmp-ts';
import sharp from 'sharp';
import { channelsOf, type PreprocessSpec } from '../../../shared/preprocess/preprocess-spec.js';

export const IMAGE_EXTENSIONS = ['.png', '.jpg', '.jpeg', '.bmp', '.webp'];

/** libvips (through sharp) reads everything but BMP, which bmp-ts turns into raw RGBA first. */
function open(bytes: Buffer, ext: string): sharp.Sharp {
  if (ext !== '.bmp') return sharp(bytes, { failOn: 'error' });
  const bmp = decodeBmp(bytes, { toRGBA: true });
  return sharp(bmp.data, { raw: { width: bmp.width, height: bmp.height, channels: 4 } });
}

/**
 * Decodes an image and resizes it to the spec's size (stretching, as model inputs are fixed-size),
 * returning interleaved 8-bit pixels in the spec's colour order.
 */
export async function decodeImage(bytes: Buffer, ext: string, spec: PreprocessSpec): Promise<Uint8Array> {
  const [h, w] = spec.size;
  let pipeline = open(bytes, ext).removeAlpha();
  pipeline = spec.color === 'gray' ? pipeline.toColourspace('b-w') : pipeline.toColourspace('srgb');
  pipeline = pipeline.resize(w, h, { fit: 'fill', kernel: spec.resize === 'nearest' ? 'nearest' : 'linear' });
  const { data, info } = await pipeline.raw().toBuffer({ resolveWithObject: true });
  const c = channelsOf(spec);
  if (info.channels !== c || info.width !== w || info.height !== h) {
    throw new Error(`decoded to ${info.width}x${info.height}x${info.channels}, not ${w}x${h}x${c}`);
  }
  const pixels = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  if (spec.color === 'bgr') {
    for (let p = 0; p < pixels.length; p += 3) {
      const r = pixels[p]!;
      pixels[p] = pixels[p + 2]!;
      pixels[p + 2] = r;
    }
  }
  return pixels;
}

/** A small PNG of what the model will see: the tensor mapped back to 0..255 per channel. */
export async function tensorPreview(tensor: Float32Array, spec: PreprocessSpec): Promise<Buffer> {
  const [h, w] = spec.size;
  const c = channelsOf(spec);
  const plane = h * w;
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (const v of tensor) {
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const span = max > min ? max - min : 1;
  const pixels = Buffer.alloc(plane * c);
  for (let p = 0; p < plane; p++) {
    for (let k = 0; k < c; k++) {
      const v = tensor[spec.layout === 'NCHW' ? k * plane + p : p * c + k]!;
      // Shown in RGB whatever the model's order, so a BGR model's preview still looks right.
      const target = spec.color === 'bgr' ? 2 - k : k;
      pixels[p * c + target] = Math.round(((v - min) / span) * 255);
    }
  }
  return sharp(pixels, { raw: { width: w, height: h, channels: c as 1 | 3 } }).png().toBuffer();
}
