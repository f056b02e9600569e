import { z } from 'zod';
import type { GraphProto } from '../../onnx/types.js';
import type { EditCommand, OnGraph } from '../command.js';
import { updateGraph } from '../graph-update.js';
import { graphAt } from '../graph-edit-helpers.js';

type Params = OnGraph & { nodeIndex: number; mode: 'reconnect' | 'downstream' };

/** The node and everything that depends on it (its outputs' readers, transitively). */
function downstream(graph: GraphProto, start: number): Set<number> {
  const nodes = graph.node ?? [];
  const gone = new Set([start]);
  const dead = new Set(nodes[start]!.output ?? []);
  let grew = true;
  while (grew) {
    grew = false;
    nodes.forEach((n, i) => {
      if (!gone.has(i) && (n.input ?? []).some((x) => dead.has(x))) {
        gone.add(i);
        for (const o of n.output ?? []) dead.add(o);
        grew = true;
      }
    });
  }
  return gone;
}

/**
 * Deletes a node. 'reconnect' (single data input and output only): its readers read its input instead.
 * 'downstream': it and every node depending on it go, with graph outputs they produced.
 */
export const deleteNode: EditCommand<Params> = {
  id: 'deleteNode',
  params: z.object({ graphPath: z.string().min(1), nodeIndex: z.number().int().min(0), mode: z.enum(['reconnect', 'downstream']) }).strict(),
  label: (p) => (p.mode === 'reconnect' ? 'Delete node' : 'Delete node and what depends on it'),
  check(model, p) {
    const g = graphAt(model, p.graphPath);
    const node = g?.node?.[p.nodeIndex];
    if (!g || !node) return `The graph has no node #${p.nodeIndex}.`;
    if (p.mode === 'reconnect') {
      const inputs = (node.input ?? []).filter((x) => x && !(g.initializer ?? []).some((t) => t.name === x));
      const outputs = (node.output ?? []).filter(Boolean);
      if (inputs.length !== 1 || outputs.length !== 1) return `Only a node with one data input and one output can be deleted by reconnecting; this ${node.opType} has ${inputs.length} and ${outputs.length}. Delete it with what depends on it instead.`;
      if ((g.output ?? []).some((o) => o.name === outputs[0]) && (g.input ?? []).some((i) => i.name === inputs[0])) return 'The node connects a graph input straight to a graph output; deleting it would leave the output undefined.';
    }
    return true;
  },
  apply: (model, p) =>
    updateGraph(model, p.graphPath, (g) => {
      const node = g.node![p.nodeIndex]!;
      if (p.mode === 'downstream') {
        const gone = downstream(g, p.nodeIndex);
        const dead = new Set([...gone].flatMap((i) => g.node![i]!.output ?? []));
        return { ...g, node: (g.node ?? []).filter((_, i) => !gone.has(i)), output: (g.output ?? []).filter((o) => !dead.has(o.name ?? '')) };
      }
      const data = (node.input ?? []).find((x) => x && !(g.initializer ?? []).some((t) => t.name === x))!;
      const out = node.output!.find(Boolean)!;
      const isGraphOutput = (g.output ?? []).some((o) => o.name === out);
      // A graph output keeps its name: the input's producer is renamed to it instead of readers being rewired.
      const nodes = (g.node ?? []).filter((_, i) => i !== p.nodeIndex).map((n) => {
        if (isGraphOutput) return n.output?.includes(data) ? { ...n, output: n.output.map((o) => (o === data ? out : o)) } : n.input?.includes(data) ? { ...n, input: n.input.map((x) => (x === data ? out : x)) } : n;
        return n.input?.includes(out) ? { ...n, input: n.input.map((x) => (x === out ? data : x)) } : n;
      });
      return { ...g, node: nodes };
    }),
};
