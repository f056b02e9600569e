import type { GraphView } from '../../../shared/api/dto.js';
import { formatShape } from '../../../shared/model/format.js';
import { GROUP_SIZE, ioNodeSize, MAX_ATTRIBUTE_ROWS, opNodeSize, type NodeRows } from './node-size.js';
import { ROOT, type ScopeTree } from './scope-tree.js';

export type ItemKind = 'op' | 'group' | 'frame' | 'input' | 'output' | 'initializer';

export interface VisibleItem {
  id: string;
  kind: ItemKind;
  /** The expanded group whose layout places this item (ROOT for the top level). */
  container: string;
  width: number;
  height: number;
  nodeIndex?: number;
  groupId?: string;
  valueName?: string;
  rows?: NodeRows;
}

export interface VisibleEdge {
  id: string;
  source: string;
  target: string;
  value: string;
  label: string;
  /** How many values this edge stands for (edges into a collapsed group are merged). */
  count: number;
}

/** One layout job: the direct children of an expanded group and the edges between them. */
export interface ContainerJob {
  id: string;
  children: string[];
  edges: [string, string][];
}

export interface VisibleGraph {
  items: Map<string, VisibleItem>;
  edges: VisibleEdge[];
  /** Deepest first: a frame's size is known before its parent is laid out. */
  containers: ContainerJob[];
  /** Weight-only nodes drawn as rows of their consumers, not as nodes (see weightNodes). */
  folded: ReadonlySet<number>;
}

export interface ViewOptions {
  showInitializers: boolean;
  showAttributes: boolean;
  /** Node names drawn inside the nodes (off by default, as in Netron). */
  showNames?: boolean;
}

export const opId = (index: number) => `n:${index}`;
export const groupItemId = (groupId: string) => `g:${groupId}`;
export const inputId = (name: string) => `i:${name}`;
export const outputId = (name: string) => `o:${name}`;
export const initializerId = (name: string) => `w:${name}`;

/** '[1×?×224×224]' when the file records a shape ('?' for unknown dims); '' when it records none. */
function shapeLabel(view: GraphView, value: string): string {
  const info = view.values[value];
  return info && info.shape ? formatShape(info.shape, '×') : '';
}

/**
 * Nodes that only produce a weight, drawn as rows of their consumers like initializers: Constant
 * nodes (exporters write Clip bounds and Reshape shapes this way) and Identity nodes that pass a
 * weight on (torch writes shared or renamed weights as Identity of an initializer), chains included.
 * By node index, with the initializer or Constant output behind each. A node whose output is a graph
 * output stays a node, so the output keeps its edge.
 */
export function weightNodes(view: GraphView): Map<number, string> {
  const weightOf = new Map(view.initializers.map((i) => [i.name, i.name]));
  const outputs = new Set(view.outputs.map((v) => v.name));
  const found = new Map<number, string>();
  // Nodes are in topological order, so one pass follows a chain from its initializer down.
  view.nodes.forEach((n, i) => {
    const out = n.outputs[0];
    if (!out || n.outputs.length !== 1 || outputs.has(out) || n.domain !== '') return;
    const source = n.opType === 'Constant' && n.inputs.length === 0 ? out : n.opType === 'Identity' && n.inputs.length === 1 ? weightOf.get(n.inputs[0]!) : undefined;
    if (source === undefined) return;
    weightOf.set(out, source);
    found.set(i, source);
  });
  return found;
}

/** The dims of a Constant node's tensor, from its attribute text ('float32[]' is a scalar), or '?'. */
function constantDims(node: GraphView['nodes'][number]): string {
  const dims = /\[([^\]]*)\]$/.exec(node.attributes.find((a) => a.name === 'value')?.value ?? '');
  return dims ? dims[1] || 'scalar' : '?';
}

/**
 * The weights drawn as rows of their consumers, by value name, with the dims to show: initializers,
 * and unless weights are shown as nodes, the outputs of weight-only nodes (see weightNodes).
 */
function foldedWeights(view: GraphView, hidden: Set<number>): Weights {
  const dimsOf = (value: string) => shapeLabel(view, value).slice(1, -1);
  // An initializer's dims are worked out when first read: in a large graph most sit in closed groups
  // and are never drawn (a 25,200-node export has 14,700 of them).
  const labels = new Map<string, string | undefined>(view.initializers.map((i) => [i.name, undefined]));
  const folded = {
    has: (name: string) => labels.has(name),
    get(name: string): string | undefined {
      const known = labels.get(name);
      if (known !== undefined || !labels.has(name)) return known;
      const made = dimsOf(name) || '?';
      labels.set(name, made);
      return made;
    },
    set: (name: string, label: string) => void labels.set(name, label),
  };
  for (const [index, source] of weightNodes(view)) {
    const node = view.nodes[index]!;
    hidden.add(index);
    folded.set(node.outputs[0]!, dimsOf(node.outputs[0]!) || (node.opType === 'Constant' ? constantDims(node) : (folded.get(source) ?? '?')));
  }
  return folded;
}

/** Weights folded into their consumers, by value name, with the dims each row shows. */
interface Weights {
  has(name: string): boolean;
  get(name: string): string | undefined;
}

function rowsFor(view: GraphView, nodeIndex: number, folded: Weights, options: ViewOptions): NodeRows {
  const node = view.nodes[nodeIndex]!;
  const weights: string[] = [];
  node.inputs.forEach((input, k) => {
    const dims = folded.get(input);
    if (dims !== undefined) weights.push(`${node.inputLabels[k] || input} ⟨${dims}⟩`);
  });
  const attributes = options.showAttributes
    ? node.attributes.slice(0, MAX_ATTRIBUTE_ROWS).map((a) => `${a.name} = ${a.value.length > 28 ? `${a.value.slice(0, 27)}…` : a.value}`)
    : [];
  return { weights, attributes, ...(options.showNames && node.name ? { name: node.name } : {}) };
}

/**
 * What the canvas shows for one expansion state: nodes of open groups, closed groups as single boxes,
 * graph inputs/outputs, initializers (folded into their consumers unless shown as nodes), and the
 * edges between visible things, merged where several values cross into a closed group.
 */
export function computeVisibleGraph(view: GraphView, tree: ScopeTree, expanded: ReadonlySet<string>, options: ViewOptions): VisibleGraph {
  const items = new Map<string, VisibleItem>();
  const initializerNames = new Set(view.initializers.map((i) => i.name));
  const hidden = new Set<number>();
  const folded: Weights = options.showInitializers ? new Map<string, string>() : foldedWeights(view, hidden);

  // The topmost closed group above each group, or null when the group and all its ancestors are open.
  const closedTop = new Map<string, string | null>();
  const topOf = (g: string): string | null => {
    const cached = closedTop.get(g);
    if (cached !== undefined) return cached;
    const group = tree.groups.get(g)!;
    const above = group.parent === null ? null : topOf(group.parent);
    const result = above ?? (expanded.has(g) ? null : g);
    closedTop.set(g, result);
    return result;
  };
  const ownerOf = (nodeIndex: number) => {
    const closed = topOf(tree.groupOfNode[nodeIndex]!);
    return closed === null ? opId(nodeIndex) : groupItemId(closed);
  };

  for (const group of tree.groups.values()) {
    if (group.id === ROOT || topOf(group.parent!) !== null) continue;
    const id = groupItemId(group.id);
    if (expanded.has(group.id)) items.set(id, { id, kind: 'frame', container: group.parent!, width: 0, height: 0, groupId: group.id });
    else items.set(id, { id, kind: 'group', container: group.parent!, ...GROUP_SIZE, groupId: group.id });
  }
  view.nodes.forEach((node, i) => {
    if (hidden.has(i) || topOf(tree.groupOfNode[i]!) !== null) return;
    const rows = rowsFor(view, i, folded, options);
    items.set(opId(i), { id: opId(i), kind: 'op', container: tree.groupOfNode[i]!, ...opNodeSize(node, rows), nodeIndex: i, rows });
  });
  for (const v of view.inputs) items.set(inputId(v.name), { id: inputId(v.name), kind: 'input', container: ROOT, ...ioNodeSize(v.name, v.type), valueName: v.name });
  for (const v of view.outputs) items.set(outputId(v.name), { id: outputId(v.name), kind: 'output', container: ROOT, ...ioNodeSize(v.name, v.type), valueName: v.name });

  const producer = new Map<string, number>();
  view.nodes.forEach((n, i) => n.outputs.forEach((o) => o && producer.set(o, i)));
  const inputNames = new Set(view.inputs.map((v) => v.name));

  const edges = new Map<string, VisibleEdge>();
  const connect = (source: string, target: string, value: string) => {
    if (source === target) return;
    const key = `${source}->${target}`;
    const existing = edges.get(key);
    if (existing) existing.count++;
    // With names shown, an edge is labelled with its value's name, as Netron does.
    else edges.set(key, { id: key, source, target, value, label: options.showNames ? value : shapeLabel(view, value), count: 1 });
  };
  const sourceOf = (value: string, consumerOwner: string): string | undefined => {
    const p = producer.get(value);
    if (p !== undefined) return ownerOf(p);
    if (inputNames.has(value)) return inputId(value);
    if (options.showInitializers && initializerNames.has(value)) {
      const id = initializerId(value);
      if (!items.has(id)) {
        const init = view.initializers.find((i) => i.name === value)!;
        const container = items.get(consumerOwner)!.container;
        items.set(id, { id, kind: 'initializer', container, ...ioNodeSize(value, `${init.type}${formatShape(init.shape, '×')}`), valueName: value });
      }
      return id;
    }
    return undefined; // outer-scope value or folded weight
  };
  view.nodes.forEach((node, i) => {
    if (hidden.has(i)) return;
    const target = ownerOf(i);
    for (const input of node.inputs) {
      if (!input || folded.has(input)) continue;
      const source = sourceOf(input, target);
      if (source) connect(source, target, input);
    }
  });
  for (const v of view.outputs) {
    const p = producer.get(v.name);
    const source = p !== undefined ? ownerOf(p) : inputNames.has(v.name) ? inputId(v.name) : undefined;
    if (source) connect(source, outputId(v.name), v.name);
  }

  return { items, edges: [...edges.values()], containers: containerJobs(items, edges.values(), tree), folded: hidden };
}

/**
 * The node that shows `nodeIndex` on the canvas: itself, or for a weight folded into its consumers,
 * the first consumer drawn as a node (following Identity chains down).
 */
export function shownNodeOf(view: GraphView, folded: ReadonlySet<number>, nodeIndex: number): number {
  let current = nodeIndex;
  for (let steps = 0; folded.has(current) && steps < view.nodes.length; steps++) {
    const out = view.nodes[current]!.outputs[0];
    const consumer = view.nodes.find((n) => n.inputs.includes(out ?? ''));
    if (!consumer) return nodeIndex;
    current = consumer.index;
  }
  return current;
}

/** Splits the visible graph into one layout job per open group; cross-group edges become edges between the groups' boxes. */
function containerJobs(items: Map<string, VisibleItem>, edges: Iterable<VisibleEdge>, tree: ScopeTree): ContainerJob[] {
  const jobs = new Map<string, ContainerJob>([[ROOT, { id: ROOT, children: [], edges: [] }]]);
  for (const item of items.values()) if (item.kind === 'frame') jobs.set(item.groupId!, { id: item.groupId!, children: [], edges: [] });
  for (const item of items.values()) jobs.get(item.container)!.children.push(item.id);
  /** Container chain of an item, innermost first: [its container, that container's container, ..., ROOT]. */
  const chain = (id: string): string[] => {
    const out: string[] = [];
    for (let c: string | null = items.get(id)!.container; c !== null; c = tree.groups.get(c)?.parent ?? null) out.push(c);
    return out;
  };
  const seen = new Set<string>();
  for (const e of edges) {
    const a = chain(e.source);
    const b = chain(e.target);
    const common = a.find((c) => b.includes(c))!;
    const lift = (id: string, path: string[]) => {
      const idx = path.indexOf(common);
      return idx === 0 ? id : groupItemId(path[idx - 1]!);
    };
    const from = lift(e.source, a);
    const to = lift(e.target, b);
    const key = `${common}|${from}|${to}`;
    if (from !== to && !seen.has(key)) {
      seen.add(key);
      jobs.get(common)!.edges.push([from, to]);
    }
  }
  const depth = (id: string) => (id === ROOT ? 0 : tree.groups.get(id)!.depth);
  return [...jobs.values()].sort((x, y) => depth(y.id) - depth(x.id));
}
