import type { z } from 'zod';
import type { GraphPath } from '../graph/graph-path.js';
import type { ModelProto } from '../onnx/types.js';

/**
 * One kind of edit. Pure: `apply` returns a new model sharing everything it does not change, so the
 * model before stays intact and undo restores it exactly. `check` says why the edit cannot apply
 * (one sentence) or returns true.
 */
export interface EditCommand<P> {
  id: string;
  params: z.ZodType<P>;
  label(params: P): string;
  check(model: ModelProto, params: P): true | string;
  apply(model: ModelProto, params: P): ModelProto;
}

/** Every command addresses a graph: the main graph or a subgraph. */
export interface OnGraph {
  graphPath: GraphPath;
}
