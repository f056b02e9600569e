import { z } from 'zod';
import type { EditCommand, OnGraph } from '../command.js';
import { ATTRIBUTE_VALUE, toAttributeProto, type AttributeValue } from '../attribute-value.js';
import { updateGraph } from '../graph-update.js';
import { nodeAt } from '../graph-edit-helpers.js';

type Params = OnGraph & { nodeIndex: number; name: string; value: AttributeValue | null };

/** Sets, replaces or (value null) removes one attribute of a node. */
export const setAttribute: EditCommand<Params> = {
  id: 'setAttribute',
  params: z.object({ graphPath: z.string().min(1), nodeIndex: z.number().int().min(0), name: z.string().min(1).max(200), value: ATTRIBUTE_VALUE.nullable() }).strict(),
  label: (p) => (p.value === null ? `Remove attribute ${p.name}` : `Set ${p.name}`),
  check(model, p) {
    const node = nodeAt(model, p.graphPath, p.nodeIndex);
    if (!node) return `The graph has no node #${p.nodeIndex}.`;
    if (p.value === null && !node.attribute?.some((a) => a.name === p.name)) return `The node has no attribute '${p.name}' to remove.`;
    if (p.value?.type === 'TENSOR') {
      const count = p.value.value.dims.reduce((a, b) => a * b, 1);
      if (count !== p.value.value.values.length) return `Shape [${p.value.value.dims.join(', ')}] holds ${count} values, but ${p.value.value.values.length} were given.`;
    }
    return true;
  },
  apply: (model, p) =>
    updateGraph(model, p.graphPath, (g) => {
      const nodes = [...(g.node ?? [])];
      const node = nodes[p.nodeIndex]!;
      const others = (node.attribute ?? []).filter((a) => a.name !== p.name);
      const at = (node.attribute ?? []).findIndex((a) => a.name === p.name);
      const attribute = p.value === null ? others : at < 0 ? [...others, toAttributeProto(p.name, p.value)] : (node.attribute ?? []).map((a) => (a.name === p.name ? toAttributeProto(p.name, p.value!) : a));
      nodes[p.nodeIndex] = { ...node, attribute };
      return { ...g, node: nodes };
    }),
};
