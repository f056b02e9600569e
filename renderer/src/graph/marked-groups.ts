import type { GraphView } from '../../../shared/api/dto.js';
import type { ScopeTree } from './scope-tree.js';

export type NodeMarks = ReadonlyMap<string, 'added' | 'changed'>;

/** One count per (marks, tree): every closed group asks, and a big graph has hundreds of them. */
const cache = new WeakMap<NodeMarks, { tree: ScopeTree; counts: Map<string, number> }>();

/**
 * How many marked nodes (after a Simplify or Convert) each name-scope group holds, counting nested
 * groups, so a closed group shows that something inside it changed.
 */
export function markedGroups(tree: ScopeTree, view: GraphView, marks: NodeMarks): ReadonlyMap<string, number> {
  const hit = cache.get(marks);
  if (hit?.tree === tree) return hit.counts;
  const counts = new Map<string, number>();
  view.nodes.forEach((node, i) => {
    if (!marks.has(node.name || `#${i}`)) return;
    for (let g = tree.groups.get(tree.groupOfNode[i] ?? ''); g; g = g.parent === null ? undefined : tree.groups.get(g.parent)) counts.set(g.id, (counts.get(g.id) ?? 0) + 1);
  });
  cache.set(marks, { tree, counts });
  return counts;
}
