import { z } from 'zod';
import { byteSizeOf } from '../../onnx/data-types.js';
import type { EditCommand, OnGraph } from '../command.js';
import { tensorFromValues } from '../attribute-value.js';
import { updateGraph } from '../graph-update.js';
import { graphAt } from '../graph-edit-helpers.js';

type Params = OnGraph & { name: string; dataType: number; dims: number[]; values?: number[]; raw?: Uint8Array };

/** Replaces an initializer's contents: edited values (float32/int32/int64) or raw bytes (from a .npy file). */
export const replaceInitializer: EditCommand<Params> = {
  id: 'replaceInitializer',
  params: z
    .object({
      graphPath: z.string().min(1),
      name: z.string().min(1).max(4096),
      dataType: z.number().int().min(1).max(30),
      dims: z.array(z.number().int().min(0)).max(16),
      values: z.array(z.number().finite()).max(10_000_000).optional(),
      raw: z.instanceof(Uint8Array).optional(),
    })
    .strict(),
  label: (p) => `Replace ${p.name}`,
  check(model, p) {
    const t = graphAt(model, p.graphPath)?.initializer?.find((x) => x.name === p.name);
    if (!t) return `The graph has no initializer '${p.name}'.`;
    if ((p.values === undefined) === (p.raw === undefined)) return 'Give either values or raw bytes.';
    const count = p.dims.reduce((a, b) => a * b, 1);
    if (p.values && ![1, 6, 7].includes(p.dataType)) return 'Edited values can be float32, int32 or int64.';
    if (p.values && p.values.length !== count) return `Shape [${p.dims.join(', ')}] holds ${count} values, but ${p.values.length} were given.`;
    const bytes = byteSizeOf(p.dataType, count);
    if (p.raw && (bytes === undefined || p.raw.byteLength !== bytes)) return `Shape [${p.dims.join(', ')}] needs ${bytes ?? '?'} bytes of this type, but ${p.raw.byteLength} were given.`;
    return true;
  },
  apply: (model, p) =>
    updateGraph(model, p.graphPath, (g) => ({
      ...g,
      initializer: (g.initializer ?? []).map((t) => {
        if (t.name !== p.name) return t;
        if (p.values) return tensorFromValues(p.name, p.dataType as 1 | 6 | 7, p.dims, p.values);
        return { name: p.name, dataType: p.dataType, dims: p.dims, rawData: p.raw! };
      }),
    })),
};
