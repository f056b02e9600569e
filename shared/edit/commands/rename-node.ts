import { z } from 'zod';
import type { EditCommand, OnGraph } from '../command.js';
import { updateGraph } from '../graph-update.js';
import { graphAt } from '../graph-edit-helpers.js';

type Params = OnGraph & { nodeIndex: number; name: string };

/** Renames a node (node names are labels; no value changes). */
export const renameNode: EditCommand<Params> = {
  id: 'renameNode',
  params: z.object({ graphPath: z.string().min(1), nodeIndex: z.number().int().min(0), name: z.string().min(1).max(4096) }).strict(),
  label: (p) => `Rename node to ${p.name}`,
  check(model, p) {
    const g = graphAt(model, p.graphPath);
    if (!g?.node?.[p.nodeIndex]) return `The graph has no node #${p.nodeIndex}.`;
    if (g.node.some((n, i) => i !== p.nodeIndex && n.name === p.name)) return `Another node is already named '${p.name}'; node names must be unique.`;
    return true;
  },
  apply: (model, p) =>
    updateGraph(model, p.graphPath, (g) => ({ ...g, node: (g.node ?? []).map((n, i) => (i === p.nodeIndex ? { ...n, name: p.name } : n)) })),
};
