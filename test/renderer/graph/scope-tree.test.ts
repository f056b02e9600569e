import { describe, expect, it } from 'vitest';
import { ancestorsOf, buildScopeTree, FLAT_LIMIT, initialExpansion, ROOT } from '../../../renderer/src/graph/scope-tree.js';
import { viewOf, viewOfFile } from '../../helpers/graph-view.js';
import { DIGITS } from '../../helpers/paths.js';
import { scopedModel } from '../../helpers/scoped-model.js';

describe('scope tree', () => {
  it('draws small graphs flat', () => {
    const tree = buildScopeTree(viewOfFile(DIGITS));
    expect(tree.groups.size).toBe(1);
    expect(tree.root.nodes).toHaveLength(11);
  });

  it('groups a large export by name scope and adopts unscoped weight nodes into their consumer scope', () => {
    const view = viewOf(scopedModel(60)); // 420 nodes
    expect(view.nodes.length).toBeGreaterThan(FLAT_LIMIT);
    const tree = buildScopeTree(view);
    expect(tree.root.groups).toHaveLength(60);
    expect(tree.root.nodes).toEqual([]);
    const layer3 = tree.groups.get('layers.3')!;
    expect(layer3.opCount).toBe(7);
    expect(layer3.groups.sort()).toEqual(['layers.3/attn', 'layers.3/norm']);
    // The Identity node of layer 3 feeds /layers.3/attn/MatMul only, so it lives in layers.3/attn.
    const identity = view.nodes.find((n) => n.opType === 'Identity' && n.inputs[0] === 'w3')!;
    expect(tree.groupOfNode[identity.index]).toBe('layers.3/attn');
    expect(ancestorsOf(tree, identity.index)).toEqual(['layers.3/attn', 'layers.3', ROOT]);
  });

  it('opens groups breadth first within a budget', () => {
    const tree = buildScopeTree(viewOf(scopedModel(60)));
    const expanded = initialExpansion(tree, 300);
    expect(expanded.has(ROOT)).toBe(true);
    expect(expanded.size).toBeGreaterThan(1);
    const tight = initialExpansion(tree, 60);
    expect([...tight]).toEqual([ROOT]);
  });

  it('splits a flat graph without scopes into runs of consecutive nodes', () => {
    const model = scopedModel(60);
    for (const n of model.graph!.node!) n.name = '';
    const tree = buildScopeTree(viewOf(model));
    expect(tree.root.nodes).toEqual([]);
    expect(tree.root.groups.length).toBe(9);
    expect(tree.groups.get('#1')!.label).toBe('part 1 (50 items)');
    expect(tree.groups.get('#1')!.nodes).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(tree.groups.get('#9')!.nodes.at(-1)).toBe(419);
    for (const g of tree.root.groups) expect(tree.groups.get(g)!.nodes.length).toBeLessThanOrEqual(50);
  });

  it('splits a scope with hundreds of child scopes into runs, keeping each scope whole', () => {
    const tree = buildScopeTree(viewOf(scopedModel(200)));
    expect(tree.root.groups).toEqual(['#1', '#2', '#3', '#4']);
    expect(tree.groups.get('#1')!.label).toBe('layers.0 … layers.49');
    expect(tree.groups.get('layers.100')!.parent).toBe('#3');
    expect(tree.groups.get('layers.100')!.opCount).toBe(7);
    const identity = tree.groupOfNode.findIndex((g) => g === 'layers.150/attn');
    expect(ancestorsOf(tree, identity)).toEqual(['layers.150/attn', 'layers.150', '#4', ROOT]);
  });
});
