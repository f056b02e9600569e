import type { Edge, Node } from '@xyflow/react';
import type { GraphView, InferredShapes } from '../../../shared/api/dto.js';
import { formatShape } from '../../../shared/model/format.js';
import type { Direction, LayoutResult } from './layout-protocol.js';
import { FRAME_HEADER, FRAME_PADDING } from './node-size.js';
import { ROOT, type ScopeTree } from './scope-tree.js';
import { groupItemId, type VisibleGraph, type VisibleItem } from './visible-graph.js';

interface ItemDescription {
  title: string;
  detail: string;
  category: string;
  /** Graph node name for data-node-name (value name for inputs/outputs/initializers). */
  nodeName: string;
  opType: string;
  opCount?: number;
}

export type ItemData = ItemDescription & { item: VisibleItem; direction: Direction } & Record<string, unknown>;

export type FlowNode = Node<ItemData>;

function describe(item: VisibleItem, view: GraphView, tree: ScopeTree): ItemDescription {
  switch (item.kind) {
    case 'op': {
      const n = view.nodes[item.nodeIndex!]!;
      return { title: n.opType, detail: n.name, category: n.category, nodeName: n.name || `#${n.index}`, opType: n.opType };
    }
    case 'group':
    case 'frame': {
      const g = tree.groups.get(item.groupId!)!;
      return { title: g.label, detail: `${g.opCount} ops`, category: 'Group', nodeName: g.id, opType: 'Group', opCount: g.opCount };
    }
    default: {
      const name = item.valueName!;
      const info = view.values[name];
      const kind = item.kind === 'input' ? 'Input' : item.kind === 'output' ? 'Output' : 'Initializer';
      return { title: name, detail: info ? `${info.type}${formatShape(info.shape, '×')}` : '', category: kind, nodeName: name, opType: kind };
    }
  }
}

function sameRows(a: VisibleItem['rows'], b: VisibleItem['rows']): boolean {
  if (a === b) return true;
  if (!a || !b) return false;
  return a.name === b.name && a.weights.join('\n') === b.weights.join('\n') && a.attributes.join('\n') === b.attributes.join('\n');
}

/**
 * React Flow nodes and edges for a laid-out visible graph; children are positioned inside their
 * group's frame. Data objects of items that did not change are taken from `previous`, so the
 * memoised node components skip re-rendering after an expand.
 */
export function toFlowElements(
  visible: VisibleGraph,
  layout: LayoutResult,
  view: GraphView,
  tree: ScopeTree,
  direction: Direction,
  previous?: Map<string, ItemData>,
  /**
   * Edge labels: undefined draws none; `names` the value names (Netron's "Show Names"); else the file's
   * shapes, then the engine's inferred ones. The shape stays on each edge's data either way.
   */
  shapes?: { inferred: InferredShapes['values'] | undefined; names?: boolean },
): { nodes: FlowNode[]; edges: Edge[]; data: Map<string, ItemData> } {
  const dataById = new Map<string, ItemData>();
  const dataFor = (item: VisibleItem): ItemData => {
    const old = previous?.get(item.id);
    if (old && old.direction === direction && old.item.kind === item.kind && sameRows(old.item.rows, item.rows) && old.item.width === item.width && old.item.height === item.height) {
      return old;
    }
    return { item, direction, ...describe(item, view, tree) };
  };
  const items = [...visible.items.values()];
  const depth = (item: VisibleItem) => (item.container === ROOT ? 0 : tree.groups.get(item.container)!.depth);
  items.sort((a, b) => depth(a) - depth(b)); // parents before children, as React Flow requires
  const nodes: FlowNode[] = items.map((item) => {
    const p = layout.positions[item.id] ?? { x: 0, y: 0 };
    const inFrame = item.container !== ROOT;
    const size = item.kind === 'frame' ? (layout.frames[item.id] ?? { width: 200, height: 80 }) : { width: item.width, height: item.height };
    return {
      id: item.id,
      type: item.kind === 'op' ? 'op' : item.kind === 'group' ? 'scope' : item.kind === 'frame' ? 'frame' : 'value',
      position: inFrame ? { x: p.x + FRAME_PADDING, y: p.y + FRAME_PADDING + FRAME_HEADER } : p,
      ...(inFrame ? { parentId: groupItemId(item.container) } : {}),
      width: size.width,
      height: size.height,
      style: { width: size.width, height: size.height },
      draggable: false,
      connectable: false,
      ...(item.kind === 'frame' ? { zIndex: -1, selectable: false } : {}),
      data: (() => {
        const d = dataFor(item);
        dataById.set(item.id, d);
        return d;
      })(),
    };
  });
  const shapeText = (value: string): string => {
    if (!shapes) return '';
    const shape = view.values[value]?.shape ?? shapes.inferred?.[value]?.shape;
    return shape ? formatShape(shape, '×') : '';
  };
  const edges: Edge[] = visible.edges.map((e) => {
    const shape = shapeText(e.value);
    const text = shapes?.names ? e.value : shape;
    return {
      id: e.id,
      source: e.source,
      target: e.target,
      label: text && e.count > 1 ? `${text} (+${e.count - 1})` : text,
      type: 'shape',
      focusable: false,
      data: { value: e.value, shape },
    };
  });
  return { nodes, edges, data: dataById };
}
