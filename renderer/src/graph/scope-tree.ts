import type { GraphView } from '../../../shared/api/dto.js';

/** A name scope ('/encoder/layers.3/attention/...') holding nodes and smaller scopes. */
export interface ScopeGroup {
  id: string;
  label: string;
  parent: string | null;
  groups: string[];
  nodes: number[];
  /** Nodes anywhere below this group. */
  opCount: number;
  depth: number;
}

export interface ScopeTree {
  root: ScopeGroup;
  groups: Map<string, ScopeGroup>;
  /** The group each node sits in directly. */
  groupOfNode: string[];
}

export const ROOT = '';

function scopeOf(name: string): string[] {
  if (!name.includes('/')) return [];
  const parts = name.split('/').filter(Boolean);
  return parts.slice(0, -1);
}

function commonPrefix(a: string[], b: string[]): string[] {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return a.slice(0, i);
}

/**
 * Groups nodes by the name scopes exporters write (torch: '/layers.3/self_attn/MatMul'). Unscoped
 * nodes that feed one scope only (torch's weight Identity nodes, Constants) are adopted into the
 * deepest scope all their consumers share, so they do not crowd the top level. Groups with a single
 * node are dissolved, and chains of single-child groups are merged ('encoder/layers').
 */
/** Graphs up to this size are drawn flat, as Netron does; grouping pays off only beyond it. */
export const FLAT_LIMIT = 250;

export function buildScopeTree(view: GraphView): ScopeTree {
  if (view.nodes.length <= FLAT_LIMIT) {
    const root: ScopeGroup = { id: ROOT, label: view.name || 'graph', parent: null, groups: [], nodes: view.nodes.map((n) => n.index), opCount: view.nodes.length, depth: 0 };
    return { root, groups: new Map([[ROOT, root]]), groupOfNode: view.nodes.map(() => ROOT) };
  }
  const consumers = new Map<string, number[]>();
  view.nodes.forEach((n) => {
    for (const input of n.inputs) if (input) (consumers.get(input) ?? consumers.set(input, []).get(input)!).push(n.index);
  });
  // Nodes of one scope share its parts (and below, its group): a 25,200-node export has 2,100 scopes.
  const partsOf = new Map<string, string[]>();
  const scopes = view.nodes.map((n) => {
    const cut = n.name.lastIndexOf('/');
    if (cut < 0 || cut === n.name.length - 1) return scopeOf(n.name);
    const prefix = n.name.slice(0, cut);
    return partsOf.get(prefix) ?? partsOf.set(prefix, prefix.split('/').filter(Boolean)).get(prefix)!;
  });
  const adopted = new Set<number>();
  view.nodes.forEach((n, i) => {
    if (scopes[i]!.length > 0) return;
    let shared: string[] | undefined;
    for (const out of n.outputs) {
      for (const c of consumers.get(out) ?? []) {
        const scope = scopes[c]!;
        shared = shared === undefined ? scope : commonPrefix(shared, scope);
      }
    }
    if (shared && shared.length > 0) {
      scopes[i] = shared;
      adopted.add(i);
    }
  });

  const root: ScopeGroup = { id: ROOT, label: view.name || 'graph', parent: null, groups: [], nodes: [], opCount: 0, depth: 0 };
  const groups = new Map<string, ScopeGroup>([[ROOT, root]]);
  const ensure = (parts: string[]): ScopeGroup => {
    const id = parts.join('/');
    const existing = groups.get(id);
    if (existing) return existing;
    const parent = ensure(parts.slice(0, -1));
    const group: ScopeGroup = { id, label: parts.at(-1)!, parent: parent.id, groups: [], nodes: [], opCount: 0, depth: parts.length };
    groups.set(id, group);
    parent.groups.push(id);
    return group;
  };
  const groupOfNode: string[] = [];
  const groupOfParts = new Map<string[], ScopeGroup>();
  view.nodes.forEach((_, i) => {
    const parts = scopes[i]!;
    const g = groupOfParts.get(parts) ?? groupOfParts.set(parts, ensure(parts)).get(parts)!;
    g.nodes.push(i);
    groupOfNode[i] = g.id;
  });
  simplify(root, groups, groupOfNode);
  const first = new Map<string, number>();
  firstNodes(groups, root, first, adopted);
  for (const g of [...groups.values()]) chunkLargeGroup(g, groups, groupOfNode, first);
  countOps(root, groups);
  return { root, groups, groupOfNode };
}

function simplify(group: ScopeGroup, groups: Map<string, ScopeGroup>, groupOfNode: string[]): void {
  for (const childId of [...group.groups]) simplify(groups.get(childId)!, groups, groupOfNode);
  if (group.parent === null) return;
  const parent = groups.get(group.parent)!;
  const dissolve = group.groups.length === 0 && group.nodes.length <= 1;
  const mergeUp = group.nodes.length === 0 && group.groups.length === 1;
  if (dissolve) {
    parent.groups.splice(parent.groups.indexOf(group.id), 1);
    for (const n of group.nodes) {
      parent.nodes.push(n);
      groupOfNode[n] = parent.id;
    }
    groups.delete(group.id);
  } else if (mergeUp) {
    // Keep the child (its id is the full scope), relabelled with this group's name in front.
    const child = groups.get(group.groups[0]!)!;
    child.label = `${group.label}/${child.label}`;
    child.parent = parent.id;
    parent.groups.splice(parent.groups.indexOf(group.id), 1, child.id);
    groups.delete(group.id);
  }
}

const CHUNK_ABOVE = 100;
const CHUNK_SIZE = 50;

/**
 * The lowest index of a node named in each group: the group's place in graph order. Adopted nodes do
 * not count: torch writes all weight Identity nodes first, in no particular order.
 */
function firstNodes(tree: Map<string, ScopeGroup>, group: ScopeGroup, out: Map<string, number>, adopted: ReadonlySet<number>): number {
  const own = group.nodes.filter((n) => !adopted.has(n));
  let first = Math.min(Number.MAX_SAFE_INTEGER, ...(own.length > 0 ? own : group.nodes));
  for (const id of group.groups) first = Math.min(first, firstNodes(tree, tree.get(id)!, out, adopted));
  out.set(group.id, first);
  return first;
}

/**
 * A scope with hundreds of children (an export without names, 300 transformer layers) would be one
 * layout job too big to lay out interactively. Split its children, in graph order, into runs.
 */
function chunkLargeGroup(group: ScopeGroup, groups: Map<string, ScopeGroup>, groupOfNode: string[], first: Map<string, number>): void {
  type Child = { group?: string; node?: number; order: number };
  const children: Child[] = [...group.groups.map((id) => ({ group: id, order: first.get(id)! })), ...group.nodes.map((n) => ({ node: n, order: n }))];
  if (children.length <= CHUNK_ABOVE) return;
  children.sort((a, b) => a.order - b.order);
  group.groups = [];
  group.nodes = [];
  for (let start = 0, k = 1; start < children.length; start += CHUNK_SIZE, k++) {
    const slice = children.slice(start, start + CHUNK_SIZE);
    const id = `${group.id}${group.id ? '/' : ''}#${k}`;
    const chunk: ScopeGroup = { id, label: '', parent: group.id, groups: [], nodes: [], opCount: 0, depth: 0 };
    for (const c of slice) {
      if (c.group !== undefined) {
        chunk.groups.push(c.group);
        groups.get(c.group)!.parent = id;
      } else {
        chunk.nodes.push(c.node!);
        groupOfNode[c.node!] = id;
      }
    }
    const onlyGroups = chunk.nodes.length === 0;
    chunk.label = onlyGroups
      ? `${groups.get(chunk.groups[0]!)!.label} … ${groups.get(chunk.groups.at(-1)!)!.label}`
      : `part ${k} (${slice.length} items)`;
    groups.set(id, chunk);
    group.groups.push(id);
  }
}

function countOps(group: ScopeGroup, groups: Map<string, ScopeGroup>, depth = 0): number {
  group.depth = depth;
  let n = group.nodes.length;
  for (const id of group.groups) n += countOps(groups.get(id)!, groups, depth + 1);
  group.opCount = n;
  return n;
}

/** The groups to open on first view: breadth first while the screen stays readable. */
export function initialExpansion(tree: ScopeTree, budget = 150): Set<string> {
  const expanded = new Set<string>([ROOT]);
  let visible = tree.root.nodes.length + tree.root.groups.length;
  const queue = [...tree.root.groups];
  while (queue.length > 0) {
    const g = tree.groups.get(queue.shift()!)!;
    const grows = g.nodes.length + g.groups.length - 1;
    if (visible + grows > budget) continue;
    expanded.add(g.id);
    visible += grows;
    queue.push(...g.groups);
  }
  return expanded;
}

/** The groups that must be open for a node to be visible. */
export function ancestorsOf(tree: ScopeTree, nodeIndex: number): string[] {
  const out: string[] = [];
  for (let g: string | null = tree.groupOfNode[nodeIndex]!; g !== null; g = tree.groups.get(g)!.parent) out.push(g);
  return out;
}
