import { describe, expect, it } from 'vitest';
import { buildScopeTree, ROOT } from '../../../renderer/src/graph/scope-tree.js';
import { computeVisibleGraph, groupItemId } from '../../../renderer/src/graph/visible-graph.js';
import { viewOf, viewOfFile } from '../../helpers/graph-view.js';
import { DIGITS } from '../../helpers/paths.js';
import { scopedModel } from '../../helpers/scoped-model.js';

const options = { showInitializers: false, showAttributes: false };

describe('visible graph', () => {
  it('shows every node of a small graph with weights folded in as rows and shapes on edges', () => {
    const view = viewOfFile(DIGITS);
    const visible = computeVisibleGraph(view, buildScopeTree(view), new Set([ROOT]), options);
    const ops = [...visible.items.values()].filter((i) => i.kind === 'op');
    expect(ops).toHaveLength(11);
    const conv = ops.find((i) => view.nodes[i.nodeIndex!]!.opType === 'Conv')!;
    expect(conv.rows!.weights).toEqual(['W ⟨16×1×3×3⟩', 'B ⟨16⟩']);
    expect(visible.edges.find((e) => e.source === 'i:image')!.label).toBe('[1×1×28×28]');
    expect(visible.containers.map((c) => c.id)).toEqual([ROOT]);
  });

  it('shows weights as nodes when asked', () => {
    const view = viewOfFile(DIGITS);
    const visible = computeVisibleGraph(view, buildScopeTree(view), new Set([ROOT]), { ...options, showInitializers: true });
    expect([...visible.items.values()].filter((i) => i.kind === 'initializer')).toHaveLength(view.initializers.length);
  });

  it('draws closed groups as one box and merges the edges into them', () => {
    const view = viewOf(scopedModel(60));
    const tree = buildScopeTree(view);
    const collapsed = computeVisibleGraph(view, tree, new Set([ROOT]), options);
    const kinds = [...collapsed.items.values()].map((i) => i.kind);
    expect(kinds.filter((k) => k === 'group')).toHaveLength(60);
    expect(kinds.filter((k) => k === 'op')).toHaveLength(0);
    // Layer 3 receives x from layer 2 twice (MatMul and the residual Add): one merged edge.
    const into3 = collapsed.edges.filter((e) => e.target === groupItemId('layers.3'));
    expect(into3).toHaveLength(1);
    expect(into3[0]!.count).toBe(2);

    const open = computeVisibleGraph(view, tree, new Set([ROOT, 'layers.3']), options);
    expect(open.items.get(groupItemId('layers.3'))!.kind).toBe('frame');
    expect(open.items.get(groupItemId('layers.3/attn'))!.kind).toBe('group');
    // Layout jobs come deepest first, and the open group's box takes part in the root's layout.
    expect(open.containers.map((c) => c.id)).toEqual(['layers.3', ROOT]);
    const root = open.containers.at(-1)!;
    expect(root.edges).toContainEqual([groupItemId('layers.2'), groupItemId('layers.3')]);
    expect(root.edges).toContainEqual([groupItemId('layers.3'), groupItemId('layers.4')]);
  });
});
