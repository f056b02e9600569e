import { z } from 'zod';
import { PREPROCESS_SPEC } from '../preprocess/preprocess-spec.js';

const dims = z.array(z.number().int().min(1).max(2 ** 31 - 1)).min(1).max(16);

/** Arguments of the engine's startExport (the CLI builds the same request from its flags). */
export const START_EXPORT_ARGS = z
  .object({
    docId: z.string().min(1).max(200),
    target: z.enum(['tensorrt', 'triton', 'ort']),
    precision: z.enum(['fp32', 'fp16', 'int8']).optional(),
    datasetId: z.string().min(1).max(200).optional(),
    spec: PREPROCESS_SPEC.optional(),
    shapes: z.record(z.string().min(1).max(1000), z.object({ min: dims, opt: dims, max: dims }).strict()).optional(),
    bakePreprocess: PREPROCESS_SPEC.optional(),
    topK: z.number().int().min(1).max(100_000).optional(),
    instance: z.enum(['cpu', 'gpu']).optional(),
    accelerator: z.literal('tensorrt').optional(),
    optimization: z.enum(['basic', 'extended', 'all']).optional(),
    keepFloat: z.array(z.string().min(1).max(10_000)).max(10_000).optional(),
    name: z.string().regex(/^[\w.-]{1,100}$/, 'a bundle name uses letters, digits, _, - or .').optional(),
    /** Where the bundle goes: a folder (desktop, CLI) or a .zip download (browser mode). */
    destination: z.discriminatedUnion('kind', [
      z.object({ kind: z.literal('path'), path: z.string().min(1).max(4096), overwrite: z.boolean().optional() }).strict(),
      z.object({ kind: z.literal('download') }).strict(),
    ]),
  })
  .strict();
