/**
 * Calibration in a fresh process. `memory`: one calibration, nothing else, and its peak RSS.
 * `timing`: a plain FP32 inference pass over the same images, the calibration, then the plain pass
 * again, so drift on a shared machine weighs on both sides alike. Prints JSON.
 *
 *   node dist/test/bench/calibration-child.js MODEL DATA_DIR LIMIT memory|timing
 */
import { readFileSync } from 'node:fs';
import * as ort from 'onnxruntime-node';
import { decodeModel } from '../../shared/onnx/decode.js';
import { proposePreprocess } from '../../shared/preprocess/preprocess-spec.js';
import { int8Options } from '../../shared/quantize/presets.js';
import { Dataset, walkFolder } from '../../electron/engine/datasets/dataset.js';
import { calibrate, forEachSampleRun } from '../../electron/engine/quantization/calibrate.js';
import { quantPresets, staticPlan } from '../../electron/engine/quantization/quantize-run.js';

const [file, dataDir, limitText, mode] = process.argv.slice(2) as [string, string, string, 'memory' | 'timing'];
const limit = Number(limitText);
const ctx = { signal: new AbortController().signal, progress() {}, checkCancelled() {} };
const model = decodeModel(readFileSync(file));
const spec = proposePreprocess(model.graph!.input![0]!)!;
const data = new Dataset(dataDir, await walkFolder(dataDir));
const plan = staticPlan(model, int8Options(quantPresets().presets[0]!));
async function plainMs(): Promise<number> {
  const t = performance.now();
  const session = await ort.InferenceSession.create(file, { graphOptimizationLevel: 'all', logSeverityLevel: 4 });
  await forEachSampleRun(session, model, data, spec, [...session.outputNames], ctx, 'inference', () => undefined, limit);
  await session.release();
  return performance.now() - t;
}

async function calibrationMs(): Promise<{ ms: number; samples: number }> {
  const t = performance.now();
  const result = await calibrate(model, plan.calibrate, data, spec, ctx, { histogram: true, limit });
  return { ms: performance.now() - t, samples: result.samplesUsed };
}

if (mode === 'memory') {
  const c = await calibrationMs();
  console.log(JSON.stringify({ samples: c.samples, tensors: plan.calibrate.length, peakRssMiB: process.resourceUsage().maxRSS / 1024 }));
} else {
  const before = await plainMs();
  const c = await calibrationMs();
  const after = await plainMs();
  console.log(JSON.stringify({ samples: c.samples, calibrationMs: c.ms, inferenceMs: (before + after) / 2 }));
}
