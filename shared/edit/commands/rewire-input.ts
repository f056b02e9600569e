import { z } from 'zod';
import { topologicalOrder, buildGraphIndex } from '../../graph/graph-index.js';
import type { EditCommand, OnGraph } from '../command.js';
import { updateGraph } from '../graph-update.js';
import { definedNames, graphAt } from '../graph-edit-helpers.js';

type Params = OnGraph & { nodeIndex: number; inputIndex: number; tensor: string };

/** Makes one input of a node read another tensor ('' to leave an optional input out). */
export const rewireInput: EditCommand<Params> = {
  id: 'rewireInput',
  params: z.object({ graphPath: z.string().min(1), nodeIndex: z.number().int().min(0), inputIndex: z.number().int().min(0).max(10_000), tensor: z.string().max(4096) }).strict(),
  label: (p) => `Connect input ${p.inputIndex} to ${p.tensor || 'nothing'}`,
  check(model, p) {
    const g = graphAt(model, p.graphPath);
    const node = g?.node?.[p.nodeIndex];
    if (!g || !node) return `The graph has no node #${p.nodeIndex}.`;
    if (p.inputIndex > (node.input ?? []).length) return `Input ${p.inputIndex} would leave a gap after the node's ${(node.input ?? []).length} inputs.`;
    if (p.tensor && !definedNames(g).has(p.tensor)) return `The graph has no tensor '${p.tensor}'.`;
    if ((node.output ?? []).includes(p.tensor)) return 'A node cannot read its own output.';
    const after = graphAt(rewireInput.apply(model, p), p.graphPath)!;
    if (topologicalOrder(buildGraphIndex(after)).unordered.length > 0) return `Reading '${p.tensor}' there would make a cycle.`;
    return true;
  },
  apply: (model, p) =>
    updateGraph(model, p.graphPath, (g) => {
      const nodes = [...(g.node ?? [])];
      const node = nodes[p.nodeIndex]!;
      const input = [...(node.input ?? [])];
      input[p.inputIndex] = p.tensor;
      nodes[p.nodeIndex] = { ...node, input };
      return { ...g, node: nodes };
    }),
};
