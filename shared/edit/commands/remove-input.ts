import { z } from 'zod';
import type { EditCommand } from '../command.js';

type Params = { name: string };

/** Removes a graph input that no node reads. */
export const removeInput: EditCommand<Params> = {
  id: 'removeInput',
  params: z.object({ name: z.string().min(1).max(4096) }).strict(),
  label: (p) => `Remove input ${p.name}`,
  check(model, p) {
    const g = model.graph;
    if (!g?.input?.some((v) => v.name === p.name)) return `'${p.name}' is not an input.`;
    if ((g.node ?? []).some((n) => n.input?.includes(p.name)) || (g.output ?? []).some((o) => o.name === p.name)) {
      return `Nodes still read '${p.name}'; delete or rewire them first.`;
    }
    return true;
  },
  apply: (model, p) => ({ ...model, graph: { ...model.graph!, input: (model.graph!.input ?? []).filter((v) => v.name !== p.name) } }),
};
