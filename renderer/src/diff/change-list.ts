import type { DiffView } from '../../../shared/diff/diff-view.js';
import type { DiffNodeMark, DiffStatus } from '../../../shared/diff/merged-graph.js';
import type { QuantizedNode } from '../../../shared/diff/model-diff.js';

/** One row of the Changes list: a node of the merged graph and what happened to it. */
export interface ChangeEntry {
  readonly nodeIndex: number;
  readonly status: DiffStatus;
  readonly opType: string;
  /** The name to show: B's, or A's for a removed node. */
  readonly name: string;
  readonly note: string;
}

/** "quantized: weight int8, activation uint8" (with the bias type when biases were quantized too). */
export function quantizedNote(q: QuantizedNode): string {
  const parts = [
    q.weight ? `weight ${q.weightType ?? 'quantized'}` : '',
    q.biasType ? `bias ${q.biasType}` : '',
    q.activation ? `activation ${q.activationType ?? 'quantized'}` : '',
  ].filter(Boolean);
  return `quantized: ${parts.join(', ')}`;
}

/** A line saying what changed, for the list; the side panel shows the details. */
export function changeNote(mark: DiffNodeMark): string {
  switch (mark.status) {
    case 'added':
      return 'only in B';
    case 'removed':
      return 'only in A';
    case 'quantized':
      return mark.quantized ? quantizedNote(mark.quantized) : 'quantized';
    case 'same':
      return '';
    case 'changed': {
      const c = mark.change;
      if (!c) return 'changed';
      const parts = [
        c.a !== c.b ? `renamed from ${c.a || '(no name)'}` : '',
        c.attributes?.length ? `${c.attributes.length} attribute${c.attributes.length === 1 ? '' : 's'}` : '',
        c.inputs?.length ? `${c.inputs.length} input${c.inputs.length === 1 ? '' : 's'} rewired` : '',
        c.initializers?.length ? `${c.initializers.length} weight${c.initializers.length === 1 ? '' : 's'} differ` : '',
      ].filter(Boolean);
      return parts.join(', ');
    }
  }
}

/** Every node of the merged graph with its mark, in graph order; `changesOnly` leaves out the same ones. */
export function changeEntries(diff: DiffView, changesOnly: boolean): ChangeEntry[] {
  const entries: ChangeEntry[] = [];
  diff.marks.forEach((mark, nodeIndex) => {
    if (changesOnly && mark.status === 'same') return;
    const node = diff.view.nodes[nodeIndex];
    entries.push({ nodeIndex, status: mark.status, opType: mark.opType, name: node?.name || `#${nodeIndex}`, note: changeNote(mark) });
  });
  return entries;
}

/** The entry after (step 1) or before (step -1) the one showing `current`, wrapping around. */
export function stepEntry(entries: readonly ChangeEntry[], current: number | undefined, step: 1 | -1): ChangeEntry | undefined {
  if (entries.length === 0) return undefined;
  const at = entries.findIndex((e) => e.nodeIndex === current);
  if (at < 0) return step === 1 ? entries[0] : entries[entries.length - 1];
  return entries[(at + step + entries.length) % entries.length];
}
