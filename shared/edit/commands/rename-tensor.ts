import { z } from 'zod';
import { subgraphsOf } from '../../graph/graph-index.js';
import type { AttributeProto, GraphProto } from '../../onnx/types.js';
import type { EditCommand, OnGraph } from '../command.js';
import { updateGraph } from '../graph-update.js';
import { definedNames, graphAt } from '../graph-edit-helpers.js';

type Params = OnGraph & { from: string; to: string };

/** Renames a value everywhere it is used: producers, readers, graph IO, initializers, value infos, and subgraphs that read it. */
function renameIn(graph: GraphProto, from: string, to: string, outer: boolean): GraphProto {
  const r = (n: string | undefined) => (n === from ? to : n);
  // A subgraph that defines the name itself shadows the outer one: leave it alone below.
  if (!outer && definedNames(graph).has(from)) return graph;
  return {
    ...graph,
    node: (graph.node ?? []).map((node) => ({
      ...node,
      input: (node.input ?? []).map((x) => r(x)!),
      output: outer ? (node.output ?? []).map((x) => r(x)!) : (node.output ?? []),
      ...(subgraphsOf(node).length > 0
        ? { attribute: (node.attribute ?? []).map((a): AttributeProto => (a.g ? { ...a, g: renameIn(a.g, from, to, false) } : a.graphs ? { ...a, graphs: a.graphs.map((s) => renameIn(s, from, to, false)) } : a)) }
        : {}),
    })),
    ...(outer
      ? {
          input: (graph.input ?? []).map((v) => (v.name === from ? { ...v, name: to } : v)),
          output: (graph.output ?? []).map((v) => (v.name === from ? { ...v, name: to } : v)),
          valueInfo: (graph.valueInfo ?? []).map((v) => (v.name === from ? { ...v, name: to } : v)),
          initializer: (graph.initializer ?? []).map((t) => (t.name === from ? { ...t, name: to } : t)),
        }
      : {}),
  };
}

export const renameTensor: EditCommand<Params> = {
  id: 'renameTensor',
  params: z.object({ graphPath: z.string().min(1), from: z.string().min(1).max(4096), to: z.string().min(1).max(4096) }).strict(),
  label: (p) => `Rename ${p.from} to ${p.to}`,
  check(model, p) {
    const g = graphAt(model, p.graphPath);
    if (!g) return `The model has no graph '${p.graphPath}'.`;
    const names = definedNames(g);
    if (!names.has(p.from) && !(g.node ?? []).some((n) => n.input?.includes(p.from))) return `The graph has no tensor '${p.from}'.`;
    if (names.has(p.to) || (g.node ?? []).some((n) => n.input?.includes(p.to))) return `A tensor named '${p.to}' already exists; choose another name.`;
    return true;
  },
  apply: (model, p) => updateGraph(model, p.graphPath, (g) => renameIn(g, p.from, p.to, true)),
};
