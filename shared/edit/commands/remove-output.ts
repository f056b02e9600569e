import { z } from 'zod';
import type { EditCommand } from '../command.js';

type Params = { name: string };

/** Stops a tensor being a graph output (the nodes stay; remove unused ones separately). */
export const removeOutput: EditCommand<Params> = {
  id: 'removeOutput',
  params: z.object({ name: z.string().min(1).max(4096) }).strict(),
  label: (p) => `Remove output ${p.name}`,
  check(model, p) {
    const outputs = model.graph?.output ?? [];
    if (!outputs.some((o) => o.name === p.name)) return `'${p.name}' is not an output.`;
    if (outputs.length === 1) return 'A model needs at least one output.';
    return true;
  },
  apply: (model, p) => ({ ...model, graph: { ...model.graph!, output: (model.graph!.output ?? []).filter((o) => o.name !== p.name) } }),
};
