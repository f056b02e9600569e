import { z } from 'zod';
import { inferShapes } from '../../analysis/shape-inference.js';
import type { EditCommand } from '../command.js';
import { definedNames } from '../graph-edit-helpers.js';

type Params = { name: string };

/** Makes a tensor of the main graph a graph output, with its inferred type and shape. */
export const exposeOutput: EditCommand<Params> = {
  id: 'exposeOutput',
  params: z.object({ name: z.string().min(1).max(4096) }).strict(),
  label: (p) => `Expose ${p.name} as an output`,
  check(model, p) {
    const g = model.graph;
    if (!g || !definedNames(g).has(p.name)) return `The graph has no tensor '${p.name}'.`;
    if ((g.output ?? []).some((o) => o.name === p.name)) return `'${p.name}' is already an output.`;
    return true;
  },
  apply(model, p) {
    const facts = inferShapes(model).facts.get(p.name);
    const dims = facts?.shape?.map((d) => (typeof d === 'number' ? { dimValue: d } : typeof d === 'string' ? { dimParam: d } : {}));
    const output = { name: p.name, type: { tensorType: { elemType: facts?.elemType ?? 1, ...(dims ? { shape: { dim: dims } } : {}) } } };
    return { ...model, graph: { ...model.graph!, output: [...(model.graph!.output ?? []), output] } };
  },
};
