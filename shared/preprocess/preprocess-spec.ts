import { z } from 'zod';
import type { ValueInfoProto } from '../onnx/types.js';

/**
 * How an image becomes an input tensor (DESIGN.md): resized to `size`, colour channels in `color`
 * order, then tensor = (pixel * scale - mean) / std per channel, laid out as NCHW or NHWC.
 */
export const PREPROCESS_SPEC = z
  .object({
    input: z.string().min(1).max(1000),
    size: z.tuple([z.number().int().min(1).max(8192), z.number().int().min(1).max(8192)]),
    color: z.enum(['rgb', 'bgr', 'gray']),
    layout: z.enum(['NCHW', 'NHWC']),
    scale: z.number().finite(),
    mean: z.array(z.number().finite()).min(1).max(4),
    std: z.array(z.number().finite().refine((v) => v !== 0, 'std values must not be 0')).min(1).max(4),
    resize: z.enum(['bilinear', 'nearest']).optional(),
  })
  .strict();

export type PreprocessSpec = z.infer<typeof PREPROCESS_SPEC>;

/** Checks a spec from outside (a file, a form); the message names the first problem. */
export function parsePreprocessSpec(value: unknown): PreprocessSpec {
  const r = PREPROCESS_SPEC.safeParse(value);
  if (!r.success) {
    const issue = r.error.issues[0]!;
    const where = issue.path.length > 0 ? `'${issue.path.join('.')}'` : 'the preprocessing spec';
    throw new Error(`${where}: ${issue.message}`);
  }
  const spec = r.data;
  const channels = spec.color === 'gray' ? 1 : 3;
  for (const key of ['mean', 'std'] as const) {
    if (spec[key].length !== 1 && spec[key].length !== channels) {
      throw new Error(`'${key}' has ${spec[key].length} values; give 1 or ${channels} for ${spec.color} images`);
    }
  }
  return spec;
}

export function channelsOf(spec: PreprocessSpec): number {
  return spec.color === 'gray' ? 1 : 3;
}

/** The dims an image input expects, from its declared shape: [channels, height, width] and the layout. */
function imageDims(input: ValueInfoProto): { layout: 'NCHW' | 'NHWC'; c: number; h: number; w: number } | undefined {
  const dims = (input.type?.tensorType?.shape?.dim ?? []).map((d) => (d.dimValue !== undefined ? Number(d.dimValue) : undefined));
  if (dims.length !== 4) return undefined;
  const [, a, b, c] = dims;
  if (a === 1 || a === 3) return { layout: 'NCHW', c: a, h: b ?? 224, w: c ?? 224 };
  if (c === 1 || c === 3) return { layout: 'NHWC', c, h: a ?? 224, w: b ?? 224 };
  return undefined;
}

/**
 * A starting spec for an image input: size and layout from its shape, ImageNet mean/std for colour
 * inputs (what most exported vision models expect) and plain [0, 1] scaling for grayscale ones.
 */
export function proposePreprocess(input: ValueInfoProto): PreprocessSpec | undefined {
  const d = imageDims(input);
  if (!d || !input.name) return undefined;
  const color = d.c === 1 ? 'gray' : 'rgb';
  return {
    input: input.name,
    size: [d.h, d.w],
    color,
    layout: d.layout,
    scale: 1 / 255,
    mean: color === 'gray' ? [0] : [0.485, 0.456, 0.406],
    std: color === 'gray' ? [1] : [0.229, 0.224, 0.225],
    resize: 'bilinear',
  };
}
