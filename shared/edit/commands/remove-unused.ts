import { z } from 'zod';
import { implicitInputs } from '../../graph/graph-index.js';
import type { GraphProto } from '../../onnx/types.js';
import type { EditCommand, OnGraph } from '../command.js';
import { updateGraph } from '../graph-update.js';
import { graphAt } from '../graph-edit-helpers.js';

type Params = OnGraph;

/** What survives: nodes whose outputs reach a graph output, and the initializers they read. */
function prune(g: GraphProto): GraphProto {
  const nodes = g.node ?? [];
  const needed = new Set((g.output ?? []).map((o) => o.name ?? ''));
  const keep = new Set<number>();
  for (let i = nodes.length - 1; i >= 0; i--) {
    // Reverse file order is reverse execution order for a sorted graph; loop until stable for the rest.
    const n = nodes[i]!;
    if ((n.output ?? []).some((o) => needed.has(o))) {
      keep.add(i);
      for (const x of [...(n.input ?? []), ...implicitInputs(n)]) needed.add(x);
    }
  }
  let grew = true;
  while (grew) {
    grew = false;
    nodes.forEach((n, i) => {
      if (!keep.has(i) && (n.output ?? []).some((o) => needed.has(o))) {
        keep.add(i);
        for (const x of [...(n.input ?? []), ...implicitInputs(n)]) needed.add(x);
        grew = true;
      }
    });
  }
  return {
    ...g,
    node: nodes.filter((_, i) => keep.has(i)),
    initializer: (g.initializer ?? []).filter((t) => needed.has(t.name ?? '')),
    valueInfo: (g.valueInfo ?? []).filter((v) => needed.has(v.name ?? '')),
  };
}

/** Removes nodes that no graph output depends on, and initializers nothing reads. */
export const removeUnused: EditCommand<Params> = {
  id: 'removeUnused',
  params: z.object({ graphPath: z.string().min(1) }).strict(),
  label: () => 'Remove unused nodes and initializers',
  check(model, p) {
    const g = graphAt(model, p.graphPath);
    if (!g) return `The model has no graph '${p.graphPath}'.`;
    const after = prune(g);
    if ((after.node ?? []).length === (g.node ?? []).length && (after.initializer ?? []).length === (g.initializer ?? []).length) return 'Nothing is unused.';
    return true;
  },
  apply: (model, p) => updateGraph(model, p.graphPath, prune),
};
