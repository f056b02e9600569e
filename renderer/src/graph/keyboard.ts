import type { GraphView } from '../../../shared/api/dto.js';
import type { Selection } from './graph-store.js';

/**
 * Arrow keys walk the graph from the selected node: up to the producer of its first input, down to
 * the first consumer of its first output, left/right through the nodes in file order.
 */
export function nextNode(view: GraphView, selection: Selection | null, key: string): number | undefined {
  if (view.nodes.length === 0) return undefined;
  if (selection?.kind !== 'node') return key.startsWith('Arrow') ? 0 : undefined;
  const node = view.nodes[selection.index]!;
  switch (key) {
    case 'ArrowUp':
      return view.nodes.find((n) => node.inputs.some((i) => i && n.outputs.includes(i)))?.index;
    case 'ArrowDown':
      return view.nodes.find((n) => node.outputs.some((o) => o && n.inputs.includes(o)))?.index;
    case 'ArrowLeft':
      return Math.max(0, selection.index - 1);
    case 'ArrowRight':
      return Math.min(view.nodes.length - 1, selection.index + 1);
    default:
      return undefined;
  }
}
