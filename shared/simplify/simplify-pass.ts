import type { Dim } from '../model/tensor-info.js';
import type { ModelProto } from '../onnx/types.js';

/** What every pass may know beyond the model: the dims the user fixed for graph inputs. */
export interface PassContext {
  /** Dims for graph inputs, by name; inputs not named keep the dims the model declares. */
  readonly inputShapes: Readonly<Record<string, Dim[]>>;
}

/** A pass's outcome: the new model (the input is never mutated) and how many things it changed. */
export interface PassResult {
  model: ModelProto;
  changed: number;
}

/** One rewrite of the simplifier. Passes run in a loop until none of them changes anything. */
export interface SimplifyPass {
  /** The name `--skip` takes and the report lists. */
  readonly name: string;
  run(model: ModelProto, ctx: PassContext): PassResult | Promise<PassResult>;
}

export const NO_CHANGE = (model: ModelProto): PassResult => ({ model, changed: 0 });
