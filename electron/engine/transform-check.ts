import * as ort from 'onnxruntime-node';
import { EngineError } from '../../shared/api/errors.js';
import type { Dim } from '../../shared/model/tensor-info.js';
import { seededRandom } from '../../shared/model/seeded-random.js';
import { checkDims, checkFeed } from './check-inputs.js';
import { encodeModel } from '../../shared/onnx/encode.js';
import type { ModelProto } from '../../shared/onnx/types.js';
import { modelInputs } from './datasets/dataset.js';
import { floatValues } from './evaluation/compare-run.js';
import { runModelsInChild, type ModelRuns } from './candidate-run/run-in-child.js';

/** Above this largest difference relative to an output's largest magnitude, a transformed model is refused. */
export const RELATIVE_TOLERANCE = 1e-4;

export interface OutputDifference {
  name: string;
  maxAbsDiff: number;
  /** maxAbsDiff over the largest magnitude of the original's output (0 when both are all zeros). */
  relativeDiff: number;
}

export interface TransformCheck {
  maxAbsDiff: number;
  relativeDiff: number;
  outputs: OutputDifference[];
  /** The dims the models ran at, by input name. */
  inputDims: Record<string, number[]>;
  passed: boolean;
}

type Outputs = Record<string, ort.Tensor>;

/** Every output's largest difference between two runs on the same feeds. */
function compareRuns(outputNames: readonly string[], ra: Outputs, rb: Outputs): OutputDifference[] {
  const outputs: OutputDifference[] = [];
  for (const name of outputNames) {
    const ta = ra[name]!;
    const tb = rb[name];
    if (!tb) throw new EngineError('INTERNAL', `The simplified model lost the output '${name}'.`);
    const x = floatValues(ta);
    const y = floatValues(tb);
    if (x.length !== y.length || ta.dims.join() !== tb.dims.join()) {
      outputs.push({ name, maxAbsDiff: Infinity, relativeDiff: Infinity });
      continue;
    }
    let maxAbs = 0;
    let scale = 0;
    for (let i = 0; i < x.length; i++) {
      const d = Math.abs(x[i]! - y[i]!);
      // NaN where the original has NaN is the same result; anywhere else it is a difference.
      if (Number.isNaN(d)) {
        if (!(Number.isNaN(x[i]!) && Number.isNaN(y[i]!))) maxAbs = Infinity;
      } else if (d > maxAbs) maxAbs = d;
      if (Math.abs(x[i]!) > scale) scale = Math.abs(x[i]!);
    }
    outputs.push({ name, maxAbsDiff: maxAbs, relativeDiff: maxAbs === 0 ? 0 : maxAbs / (scale || Number.MIN_VALUE) });
  }
  return outputs;
}

function worstOf(lists: OutputDifference[][]): OutputDifference[] {
  const byName = new Map<string, OutputDifference>();
  for (const o of lists.flat()) {
    const seen = byName.get(o.name);
    if (!seen || o.relativeDiff > seen.relativeDiff || Number.isNaN(o.relativeDiff)) byName.set(o.name, o);
  }
  return [...byName.values()];
}

/** The original model's runs, started before the transformed model exists (see startOriginalRuns). */
export interface OriginalRuns {
  original: ModelProto | Uint8Array | string;
  inputDims: Record<string, number[]>;
  cases: Outputs[];
  /** Only for big graphs; small ones run beside the transformed model in one child, as a second process costs more than it saves. */
  runs?: Promise<ModelRuns>;
}

/** From this many nodes on, loading the original takes long enough to be worth a process of its own. */
const OWN_PROCESS_NODES = 2000;

const LABELS = ['original model', 'simplified model'] as const;
const source = (m: ModelProto | Uint8Array | string) => (typeof m === 'string' ? { path: m } : { bytes: m instanceof Uint8Array ? m : encodeModel(m) });
// Optimizations off: the check compares the graphs as written, and ONNX Runtime's optimizers take
// minutes on some 25,000-node graphs where loading as written takes seconds.
const AS_WRITTEN = { graphOptimizationLevel: 'disabled' } as const;
/**
 * The transformed model also loads with ONNX Runtime's basic optimizations (constant folding among
 * them), as a user's session would: a stored shape that misleads them (retinanet's data-sized boxes)
 * must fail the check, not the user's run. Big graphs load as written, for the time it costs.
 */
const transformedModel = (m: ModelProto | Uint8Array, big: boolean) => ({
  source: source(m),
  label: LABELS[1],
  ...(big ? {} : { graphOptimizationLevel: 'basic' as const }),
});

/**
 * Starts running the original model on the check's seeded inputs (at the given dims; other dynamic dims
 * at 1, and again at 2) in a child process of its own. Loading a 25,000-node graph takes seconds, so a
 * transform starts this first and runs its passes meanwhile, on the other core.
 */
export function startOriginalRuns(original: ModelProto | Uint8Array | string, originalModel: ModelProto, inputShapes: Readonly<Record<string, Dim[]>> = {}, seed = 1, inputValues: Readonly<Record<string, number>> = {}): OriginalRuns {
  const inputs = modelInputs(originalModel);
  const dimsAt = (dynamic: number) => Object.fromEntries(inputs.map((input) => [input.name, checkDims(input, inputShapes, dynamic)])) as Record<string, number[]>;
  const feedsFor = (dims: Record<string, number[]>, draw = seed) => {
    const next = seededRandom(draw);
    return Object.fromEntries(inputs.map((input) => [input.name, checkFeed(input, dims[input.name]!, next, inputValues)]));
  };
  const inputDims = dimsAt(1);
  const hasDynamic = inputs.some((input) => input.dims.some((d, k) => d === undefined && typeof inputShapes[input.name]?.[k] !== 'number'));
  // A second draw at the same dims: a transform that folded a size the data decides (how many boxes a
  // detector keeps) agrees on the input it was folded for and fails on the next one.
  const cases = [feedsFor(inputDims), feedsFor(inputDims, seed + 1)];
  if (hasDynamic) cases.push(feedsFor(dimsAt(2)));
  if ((originalModel.graph?.node?.length ?? 0) < OWN_PROCESS_NODES) return { original, inputDims, cases };
  const runs = runModelsInChild([{ source: source(original), label: LABELS[0] }], cases.map((f) => [f]), AS_WRITTEN);
  // Awaited later by checkTransform; a transform that fails first must not leave it unhandled.
  runs.catch(() => undefined);
  return { original, inputDims, cases, runs };
}

/** The transformed model's runs in a second process, joined with the original's as if one child ran both. */
async function inTwoProcesses(original: Promise<ModelRuns>, transformed: ModelProto | Uint8Array, cases: Outputs[]): Promise<ModelRuns> {
  const [a, b] = await Promise.all([original, runModelsInChild([transformedModel(transformed, true)], cases.map((f) => [f]), AS_WRITTEN)]);
  return {
    loadErrors: [a.loadErrors[0] ?? null, b.loadErrors[0] ?? null],
    outputNames: [a.outputNames[0] ?? [], b.outputNames[0] ?? []],
    cases: cases.map((_, k) => [a.cases[k]?.[0], b.cases[k]?.[0]].filter((r): r is NonNullable<typeof r> => r !== undefined)),
    ...((a.crash ?? b.crash) ? { crash: (a.crash ?? b.crash)! } : {}),
  };
}

/**
 * Runs the original and the transformed model in ONNX Runtime on the same seeded random inputs and
 * measures the largest difference of every output. When the model still has dynamic dims, both also run
 * with those dims at 2, so a transform that baked in a size (a folded Shape) is caught; that second run
 * counts only when the original itself runs at those dims. The transform passes when each output differs
 * by at most 1e-4 of its scale. Each model runs in a child process of its own, at the same time, so a
 * transformed model that crashes ONNX Runtime is refused instead of ending the engine.
 */
export async function checkTransform(original: ModelProto | Uint8Array | string, originalModel: ModelProto, transformed: ModelProto | Uint8Array, inputShapes: Readonly<Record<string, Dim[]>> = {}, seed = 1, started?: OriginalRuns, inputValues: Readonly<Record<string, number>> = {}): Promise<TransformCheck> {
  const prepared = started ?? startOriginalRuns(original, originalModel, inputShapes, seed, inputValues);
  const runs = prepared.runs ? await inTwoProcesses(prepared.runs, transformed, prepared.cases) : await runModelsInChild([{ source: source(prepared.original), label: LABELS[0] }, transformedModel(transformed, (originalModel.graph?.node?.length ?? 0) >= OWN_PROCESS_NODES)], prepared.cases.map((f) => [f, f]), AS_WRITTEN);
  if (runs.crash) throw new EngineError('RUNTIME_ERROR', `${runs.crash}; nothing was written.`);
  for (const [i, problem] of runs.loadErrors.entries()) {
    if (problem !== null) throw new EngineError('RUNTIME_ERROR', `ONNX Runtime cannot load the ${LABELS[i]} (${problem}).`, { cannotLoad: i === 0 ? 'original' : 'transformed', problem });
  }
  const inputDims = prepared.inputDims;
  const compared: OutputDifference[][] = [];
  for (const [k, [ra, rb]] of runs.cases.entries()) {
    // The runs after the first (a second draw; dynamic dims at 2) count only when the original itself runs on them.
    if (k > 0 && (!ra || 'error' in ra)) continue;
    for (const [i, run] of [ra, rb].entries()) {
      if (!run || 'error' in run) throw new EngineError('RUNTIME_ERROR', `ONNX Runtime fails running the ${LABELS[i]} (${run && 'error' in run ? run.error : 'not run'}).`);
    }
    compared.push(compareRuns(runs.outputNames[0]!, (ra as { outputs: Outputs }).outputs, (rb as { outputs: Outputs }).outputs));
  }
  const outputs = worstOf(compared);
  const maxAbsDiff = Math.max(0, ...outputs.map((o) => o.maxAbsDiff));
  const relativeDiff = Math.max(0, ...outputs.map((o) => o.relativeDiff));
  return { maxAbsDiff, relativeDiff, outputs, inputDims, passed: relativeDiff <= RELATIVE_TOLERANCE };
}
