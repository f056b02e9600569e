import { promises as fs } from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { buildGraphIndex } from '../../../shared/graph/graph-index.js';
import type { AccuracyStep } from '../../../shared/metrics/compare-types.js';
import { encodeModel } from '../../../shared/onnx/encode.js';
import type { ModelProto } from '../../../shared/onnx/types.js';
import type { PreprocessSpec } from '../../../shared/preprocess/preprocess-spec.js';
import { nodeLabel } from '../../../shared/quantize/graph-names.js';
import type { Dataset } from '../datasets/dataset.js';
import { classificationAccuracy } from '../evaluation/classify.js';
import { layerErrors } from '../evaluation/layer-errors.js';
import type { JobContext } from '../jobs.js';
import { exclusionOrder } from '../../../shared/quantize/exclusion-order.js';
import { hasQuantizableNodes, quantize, quantRules, type CalibrationCache, type QuantizeOutcome, type QuantizeRequest } from './quantize-run.js';

/** Samples the per-layer comparison looks at between steps: enough to rank layers, cheap enough to repeat. */
const LAYER_SAMPLES = 16;

export interface AccuracyAwareOutcome {
  outcome: QuantizeOutcome;
  met: boolean;
  referenceTop1: number;
  steps: AccuracyStep[];
  /** Index in `steps` of the model returned: the last when met, else the one with the smallest drop. */
  chosenStep: number;
}

/**
 * The nodes to leave in float so that a tensor stays in float: the op producing it (a Relu/Clip folded
 * into its producer counts as that producer) and every op reading it, since each of them puts a Q/DQ pair on it.
 */
function nodesKeepingFloat(model: ModelProto, tensor: string): string[] {
  const index = buildGraphIndex(model.graph!);
  const names: string[] = [];
  let producer = index.producers.get(tensor)?.[0];
  if (producer !== undefined && quantRules().ops[index.nodes[producer]!.opType ?? '']?.kind === 'activation') {
    producer = index.producers.get(index.nodes[producer]!.input?.[0] ?? '')?.[0] ?? producer;
  }
  if (producer !== undefined) names.push(nodeLabel(index.nodes[producer]!, producer));
  for (const c of index.consumers.get(tensor) ?? []) names.push(nodeLabel(index.nodes[c]!, c));
  return names;
}

/** Nodes this search left in float say so, rather than "excluded by you". */
function explained(outcome: QuantizeOutcome, userExcluded: readonly string[]): QuantizeOutcome {
  const mine = new Set(userExcluded);
  const excludedNodes = outcome.summary.excludedNodes.map((x) =>
    x.reason === 'excluded by you' && !mine.has(x.name) ? { ...x, reason: 'left in float to meet the accuracy target (its quantization added the most error)' } : x,
  );
  return { ...outcome, summary: { ...outcome.summary, excludedNodes } };
}

/**
 * Accuracy-aware INT8: quantize, measure top-1 on the evaluation folder, and while the drop against FP32
 * exceeds the limit, leave the tensor with the worst local SQNR in float and quantize again (calibration
 * statistics are reused). Stops when the drop is met, or when no exclusion is left to try (nothing to
 * blame, or one more would leave nothing quantized): then the target is not met and the step with the
 * smallest drop is the model returned, so the user gets the best partial quantization found.
 */
export async function quantizeToAccuracy(
  model: ModelProto,
  modelFile: string,
  request: QuantizeRequest,
  evalData: Dataset,
  spec: PreprocessSpec | undefined,
  maxDropPoints: number,
  scratch: string,
  ctx: JobContext,
  cache: { map: CalibrationCache; key: string },
): Promise<AccuracyAwareOutcome> {
  const referenceTop1 = (await classificationAccuracy(modelFile, model, evalData, spec, ctx)).top1;
  const excluded = [...request.int8.excludeNodes];
  const steps: AccuracyStep[] = [];
  let best: { outcome: QuantizeOutcome; step: number } | undefined;
  const finish = (met: boolean): AccuracyAwareOutcome => ({ outcome: explained(best!.outcome, request.int8.excludeNodes), met, referenceTop1, steps, chosenStep: best!.step });
  for (;;) {
    // Each step plans again: its exclusions differ from the request's.
    const { plan: _first, ...rest } = request;
    const outcome = await quantize(model, { ...rest, int8: { ...request.int8, excludeNodes: [...excluded] } }, ctx, cache);
    const file = path.join(scratch, `${randomUUID()}-step.onnx`);
    await fs.writeFile(file, encodeModel(outcome.model));
    try {
      const top1 = (await classificationAccuracy(file, outcome.model, evalData, spec, ctx)).top1;
      const dropPoints = (referenceTop1 - top1) * 100;
      steps.push({ excluded: [...excluded], top1, dropPoints });
      // The first step with the smallest drop: fewer layers in float for the same accuracy.
      if (!best || dropPoints < steps[best.step]!.dropPoints) best = { outcome, step: steps.length - 1 };
      if (dropPoints <= maxDropPoints) return finish(true);
      const quantized = new Set(outcome.summary.quantizedNodeNames);
      const { layers } = await layerErrors(model, outcome.model, evalData, spec, ctx, LAYER_SAMPLES);
      const next = exclusionOrder(layers)
        .map((l) => nodesKeepingFloat(model, l.tensor).filter((name) => quantized.has(name) && !excluded.includes(name)))
        .find((names) => names.length > 0);
      // Excluding the last quantized operators would leave a float model, which is no quantization.
      if (!next || !hasQuantizableNodes(model, { ...request.int8, excludeNodes: [...excluded, ...next] })) return finish(false);
      excluded.push(...next);
    } finally {
      await fs.rm(file, { force: true });
    }
  }
}
