import { z } from 'zod';
import type { EditCommand, OnGraph } from '../command.js';
import { ATTRIBUTE_VALUE, toAttributeProto, type AttributeValue } from '../attribute-value.js';
import { updateGraph } from '../graph-update.js';
import { definedNames, graphAt } from '../graph-edit-helpers.js';

type Params = OnGraph & {
  opType: string;
  domain?: string;
  name: string;
  inputs: string[];
  outputs: string[];
  attributes: { name: string; value: AttributeValue }[];
};

/**
 * Inserts a node reading existing tensors ('' for an omitted optional input) and producing new ones.
 * It goes right after the last producer of its inputs, so the graph stays in execution order.
 */
export const insertNode: EditCommand<Params> = {
  id: 'insertNode',
  params: z
    .object({
      graphPath: z.string().min(1),
      opType: z.string().min(1).max(200),
      domain: z.string().max(200).optional(),
      name: z.string().min(1).max(4096),
      inputs: z.array(z.string().max(4096)).max(1000),
      outputs: z.array(z.string().min(1).max(4096)).min(1).max(1000),
      attributes: z.array(z.object({ name: z.string().min(1).max(200), value: ATTRIBUTE_VALUE })).max(200),
    })
    .strict(),
  label: (p) => `Insert ${p.opType}`,
  check(model, p) {
    const g = graphAt(model, p.graphPath);
    if (!g) return `The model has no graph '${p.graphPath}'.`;
    const names = definedNames(g);
    const missing = p.inputs.find((x) => x && !names.has(x));
    if (missing !== undefined) return `The graph has no tensor '${missing}' to read.`;
    const taken = p.outputs.find((o) => names.has(o));
    if (taken !== undefined) return `A tensor named '${taken}' already exists; give the new output another name.`;
    if (new Set(p.outputs).size !== p.outputs.length) return 'The new outputs need distinct names.';
    if ((g.node ?? []).some((n) => n.name === p.name)) return `Another node is already named '${p.name}'.`;
    return true;
  },
  apply: (model, p) =>
    updateGraph(model, p.graphPath, (g) => {
      const nodes = [...(g.node ?? [])];
      let at = 0;
      nodes.forEach((n, i) => {
        if ((n.output ?? []).some((o) => p.inputs.includes(o))) at = i + 1;
      });
      nodes.splice(at, 0, {
        name: p.name,
        opType: p.opType,
        ...(p.domain ? { domain: p.domain } : {}),
        input: p.inputs,
        output: p.outputs,
        ...(p.attributes.length > 0 ? { attribute: p.attributes.map((a) => toAttributeProto(a.name, a.value)) } : {}),
      });
      return { ...g, node: nodes };
    }),
};
