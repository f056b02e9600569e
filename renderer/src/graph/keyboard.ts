import type { GraphView } from '../../../shared/api/dto.js';
import type { Selection } from './graph-store.js';

/**
 * Arrow keys walk the graph from the selected node: up to the producer of its first input, down to
 * the first consumer of its first output, left/right through the nodes in file order. Nodes drawn as
 * weight rows of their consumers (`folded`) are stepped over: they are not on the canvas.
 */
export function nextNode(view: GraphView, selection: Selection | null, key: string, folded: ReadonlySet<number> = new Set()): number | undefined {
  const shown = view.nodes.filter((n) => !folded.has(n.index));
  if (shown.length === 0) return undefined;
  if (selection?.kind !== 'node') return key.startsWith('Arrow') ? shown[0]!.index : undefined;
  const node = view.nodes[selection.index]!;
  switch (key) {
    case 'ArrowUp':
      return shown.find((n) => node.inputs.some((i) => i && n.outputs.includes(i)))?.index;
    case 'ArrowDown':
      return shown.find((n) => node.outputs.some((o) => o && n.inputs.includes(o)))?.index;
    case 'ArrowLeft':
      return ([...shown].reverse().find((n) => n.index < selection.index) ?? shown[0]!).index;
    case 'ArrowRight':
      return (shown.find((n) => n.index > selection.index) ?? shown.at(-1)!).index;
    default:
      return undefined;
  }
}
