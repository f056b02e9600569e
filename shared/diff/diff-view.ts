import type { GraphView } from '../graph/graph-view.js';
import type { DiffNodeMark } from './merged-graph.js';
import type { ModelDiff } from './model-diff.js';

/** What the Diff view draws: the merged graph's mirror, a mark per node of it, and the diff itself. */
export interface DiffView {
  readonly view: GraphView;
  /** By node index of `view.nodes`. */
  readonly marks: DiffNodeMark[];
  readonly diff: ModelDiff;
}
