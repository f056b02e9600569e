import type { PassReport } from './run-passes.js';

/** What a simplify run did and how closely the result matches the original in ONNX Runtime. */
export interface SimplifyReport {
  nodesBefore: number;
  nodesAfter: number;
  initializersBefore: number;
  initializersAfter: number;
  bytesBefore: number;
  bytesAfter: number;
  maxAbsDiff: number;
  /** maxAbsDiff relative to the largest output magnitude; above 1e-4 the result is refused unless forced. */
  relativeDiff: number;
  /** The dims the check ran at, by input name. */
  inputDims: Record<string, number[]>;
  passes: PassReport[];
  rounds: number;
  /** The whole run, and of it the ONNX Runtime check (loading both models dominates on big graphs). */
  seconds: number;
  checkSeconds: number;
}
