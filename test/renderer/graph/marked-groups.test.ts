import { describe, expect, it } from 'vitest';
import { markedGroups } from '../../../renderer/src/graph/marked-groups.js';
import { buildScopeTree, ROOT } from '../../../renderer/src/graph/scope-tree.js';
import { nodeChanges } from '../../../shared/simplify/node-changes.js';
import { removeIdentity } from '../../../shared/simplify/remove-identity.js';
import { viewOf } from '../../helpers/graph-view.js';
import { scopedModel } from '../../helpers/scoped-model.js';

describe('marked groups', () => {
  it('counts the nodes a simplify pass changed inside each closed name scope, nested scopes included', async () => {
    const before = scopedModel(60);
    // The real pass: each layer's weight Identity goes, so its MatMul reads the weight directly.
    const { model: after } = await removeIdentity.run(before, { inputShapes: {} });
    const changes = nodeChanges(before.graph!, after.graph!);
    expect(changes.removed).toHaveLength(60);
    const marks = new Map(changes.changed.map((n) => [n, 'changed' as const]));
    const view = viewOf(after);
    const tree = buildScopeTree(view);
    const counts = markedGroups(tree, view, marks);
    // The oracle: the marked node names under each scope prefix.
    const under = (scope: string) => changes.changed.filter((n) => n.startsWith(`/${scope}/`)).length;
    for (const id of ['layers.0', 'layers.3', 'layers.3/attn', 'layers.59']) expect(counts.get(id) ?? 0).toBe(under(id));
    expect(counts.get('layers.3')).toBeGreaterThan(0);
    expect(counts.get('layers.3/norm')).toBeUndefined();
    expect(counts.get(ROOT)).toBe(changes.changed.length);
    // Asked again for the same marks and tree (every group node asks), the same counts come back.
    expect(markedGroups(tree, view, marks)).toBe(counts);
  });
});
