import type { ModelProto } from '../onnx/types.js';
import type { PassContext, SimplifyPass } from './simplify-pass.js';

export interface PassReport {
  name: string;
  /** Things the pass changed, summed over all rounds. */
  changed: number;
}

export interface SimplifyOutcome {
  model: ModelProto;
  passes: PassReport[];
  rounds: number;
}

/** A safety net: each round must change something, and no real model needs anywhere near this many. */
const MAX_ROUNDS = 50;

/**
 * Runs `passes` round after round until a whole round changes nothing (a fixed point: one pass's
 * result often opens work for another, such as a folded Shape making a Reshape constant), then
 * `finalPasses` once.
 */
export async function runToFixedPoint(model: ModelProto, passes: readonly SimplifyPass[], finalPasses: readonly SimplifyPass[], ctx: PassContext): Promise<SimplifyOutcome> {
  const totals = new Map<string, number>([...passes, ...finalPasses].map((p) => [p.name, 0]));
  let current = model;
  let rounds = 0;
  for (let changed = true; changed && rounds < MAX_ROUNDS; rounds++) {
    changed = false;
    for (const pass of passes) {
      const result = await pass.run(current, ctx);
      if (result.changed > 0) {
        changed = true;
        totals.set(pass.name, totals.get(pass.name)! + result.changed);
        current = result.model;
      }
    }
  }
  for (const pass of finalPasses) {
    const result = await pass.run(current, ctx);
    totals.set(pass.name, totals.get(pass.name)! + result.changed);
    current = result.model;
  }
  return { model: current, passes: [...totals].map(([name, changed]) => ({ name, changed })), rounds };
}
