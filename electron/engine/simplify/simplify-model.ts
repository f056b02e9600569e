import { stat } from 'node:fs/promises';
import { EngineError } from '../../../shared/api/errors.js';
import type { Dim } from '../../../shared/model/tensor-info.js';
import { encodeModel } from '../../../shared/onnx/encode.js';
import { isExternal } from '../../../shared/onnx/external-data.js';
import type { ModelProto } from '../../../shared/onnx/types.js';
import { allTensors } from '../../../shared/onnx/walk-tensors.js';
import { declareInitializerInputs } from '../../../shared/simplify/declare-initializer-inputs.js';
import { sortNodes } from '../../../shared/simplify/sort-nodes.js';
import { fixInputDims } from '../../../shared/simplify/fix-input-dims.js';
import { runToFixedPoint } from '../../../shared/simplify/run-passes.js';
import type { SimplifyReport } from '../../../shared/simplify/simplify-report.js';
import type { SimplifyPass } from '../../../shared/simplify/simplify-pass.js';
import { FINAL_PASSES, GRAPH_PASSES, PASS_NAMES } from '../../../shared/simplify/simplify-passes.js';
import { checkInputsProblem } from '../check-inputs.js';
import { runModelsInChild } from '../candidate-run/run-in-child.js';
import { checkTransform, RELATIVE_TOLERANCE, startOriginalRuns } from '../transform-check.js';
import { constantFolding } from './constant-folding.js';

export interface SimplifyOptions {
  /** Fixed dims for graph inputs; the result declares them. */
  inputShapes?: Record<string, number[]>;
  /** Dims the check runs inputs at where `inputShapes` leaves them symbolic; the result keeps them symbolic. */
  checkShapes?: Record<string, number[]>;
  /** Values the check feeds to the named inputs instead of random ones (silero-vad's sample rate). */
  inputValues?: Record<string, number>;
  /** Pass names to leave out. */
  skip?: string[];
  /** Keep a result that computes differently from the original (reported, not refused). */
  force?: boolean;
  /** What ONNX Runtime loads as the original for the check: a file path or the model's bytes. */
  original?: string | Uint8Array;
  /** Throws to stop the run (a cancelled job); called before each pass and before the check. */
  checkCancelled?: () => void;
}


/**
 * When the simplified model does not load, it may be the dims the user fixed and not a pass: some exports
 * (silero-vad v5) declare value shapes that contradict fixed input dims, and ONNX Runtime refuses the
 * model itself at those dims. Loading the original with only the dims fixed tells which; the sentence
 * then says so, and how to go on.
 */
async function blameFixedDims(e: unknown, fixed: ModelProto, inputShapes: Record<string, Dim[]>): Promise<unknown> {
  if (!(e instanceof EngineError) || e.details?.cannotLoad !== 'transformed' || Object.keys(inputShapes).length === 0) return e;
  const runs = await runModelsInChild([{ source: { bytes: encodeModel(fixed) }, label: 'model with fixed dims' }], []);
  const problem = runs.crash ?? runs.loadErrors[0];
  if (!problem) return e;
  const dims = Object.entries(inputShapes).map(([name, d]) => `${name}=${d.join('x')}`).join(', ');
  return new EngineError('BAD_ARGUMENT', `ONNX Runtime cannot load this model with its inputs declared at ${dims} (${problem}), so simplify cannot fix them; simplify with --check-shape instead of --shape, which runs the check at those dims and leaves the model's own.`);
}

/**
 * Simplifies a model: graph passes and constant folding in ONNX Runtime to a fixed point, then shapes
 * into value_info; then checks the result against the original in ONNX Runtime and refuses one that
 * computes something different (unless forced).
 */
export async function simplifyModel(model: ModelProto, options: SimplifyOptions = {}): Promise<{ model: ModelProto; report: SimplifyReport }> {
  const started = performance.now();
  const skip = new Set(options.skip ?? []);
  for (const name of skip) {
    if (!PASS_NAMES.includes(name)) throw new EngineError('BAD_ARGUMENT', `There is no simplify pass '${name}'; the passes are: ${PASS_NAMES.join(', ')}.`);
  }
  if ([...allTensors(model)].some(isExternal)) {
    throw new EngineError('BAD_ARGUMENT', 'This model keeps its weights in external data files, which simplify cannot fold yet; save it with its weights inside the .onnx file first.');
  }
  const inputShapes: Record<string, Dim[]> = { ...(options.inputShapes ?? {}) };
  const fixed = fixInputDims(model, inputShapes);
  if (typeof fixed === 'string') throw new EngineError('BAD_ARGUMENT', fixed);
  // The original loads and runs in ONNX Runtime (another process, another core) while the passes run.
  const original = options.original ?? encodeModel(model);
  const problem = checkInputsProblem(model, { shapes: { ...(options.checkShapes ?? {}), ...inputShapes }, values: options.inputValues ?? {} });
  if (problem) throw new EngineError('BAD_ARGUMENT', problem);
  const checkShapes: Record<string, Dim[]> = { ...(options.checkShapes ?? {}), ...inputShapes };
  const originalRuns = startOriginalRuns(original, model, checkShapes, 1, options.inputValues ?? {});
  const stopIfCancelled = options.checkCancelled;
  const cancellable = (pass: SimplifyPass): SimplifyPass =>
    stopIfCancelled
      ? {
          name: pass.name,
          run: (m, ctx) => {
            stopIfCancelled();
            return pass.run(m, ctx);
          },
        }
      : pass;
  const passes = [...GRAPH_PASSES, constantFolding].filter((p) => !skip.has(p.name)).map(cancellable);
  const finals = FINAL_PASSES.filter((p) => !skip.has(p.name)).map(cancellable);
  const outcome = await runToFixedPoint(fixed, passes, finals, { inputShapes });
  outcome.model = sortNodes(declareInitializerInputs(outcome.model));
  const simplifiedBytes = encodeModel(outcome.model);
  options.checkCancelled?.();
  const checkStarted = performance.now();
  let check;
  try {
    check = await checkTransform(original, model, simplifiedBytes, checkShapes, 1, originalRuns);
  } catch (e) {
    throw await blameFixedDims(e, fixed, inputShapes);
  }
  const checkSeconds = Math.round((performance.now() - checkStarted) / 10) / 100;
  if (!check.passed && !options.force) {
    const worst = check.outputs.reduce((a, b) => (b.relativeDiff > a.relativeDiff ? b : a));
    throw new EngineError(
      'RUNTIME_ERROR',
      `The simplified model computes output '${worst.name}' differently from the original (largest difference ${worst.maxAbsDiff.toPrecision(3)}, ${worst.relativeDiff.toPrecision(3)} relative, above ${RELATIVE_TOLERANCE}), so it was not written; leave passes out with --skip to find the one at fault, or pass --force to keep it anyway.`,
    );
  }
  const graph = model.graph ?? {};
  const after = outcome.model.graph ?? {};
  return {
    model: outcome.model,
    report: {
      nodesBefore: (graph.node ?? []).length,
      nodesAfter: (after.node ?? []).length,
      initializersBefore: (graph.initializer ?? []).length,
      initializersAfter: (after.initializer ?? []).length,
      bytesBefore: typeof original === 'string' ? (await stat(original)).size : original.byteLength,
      bytesAfter: simplifiedBytes.byteLength,
      maxAbsDiff: check.maxAbsDiff,
      relativeDiff: check.relativeDiff,
      inputDims: check.inputDims,
      passes: outcome.passes,
      rounds: outcome.rounds,
      seconds: Math.round((performance.now() - started) / 10) / 100,
      checkSeconds,
    },
  };
}
