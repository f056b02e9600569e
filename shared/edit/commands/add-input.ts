import { z } from 'zod';
import type { EditCommand } from '../command.js';
import { definedNames } from '../graph-edit-helpers.js';

type Params = { name: string; elemType: number; dims: (number | string)[] };

/** Adds a graph input (a new tensor nodes can then read). */
export const addInput: EditCommand<Params> = {
  id: 'addInput',
  params: z.object({ name: z.string().min(1).max(4096), elemType: z.number().int().min(1).max(30), dims: z.array(z.union([z.number().int().min(0), z.string().min(1).max(64)])).max(64) }).strict(),
  label: (p) => `Add input ${p.name}`,
  check(model, p) {
    if (!model.graph) return 'The model has no graph.';
    if (definedNames(model.graph).has(p.name)) return `A tensor named '${p.name}' already exists.`;
    return true;
  },
  apply: (model, p) => ({
    ...model,
    graph: {
      ...model.graph!,
      input: [...(model.graph!.input ?? []), { name: p.name, type: { tensorType: { elemType: p.elemType, shape: { dim: p.dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) } } } }],
    },
  }),
};
