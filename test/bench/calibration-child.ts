/**
 * One calibration in a fresh process, so its peak memory is its own: prints JSON with the peak RSS
 * during calibration, calibration time, and the time of a plain FP32 inference pass over the same
 * images (run after, so it does not raise the peak measured before it).
 *
 *   node dist/test/bench/calibration-child.js MODEL DATA_DIR LIMIT
 */
import { readFileSync } from 'node:fs';
import * as ort from 'onnxruntime-node';
import { decodeModel } from '../../shared/onnx/decode.js';
import { proposePreprocess } from '../../shared/preprocess/preprocess-spec.js';
import { int8Options } from '../../shared/quantize/presets.js';
import { Dataset, walkFolder } from '../../electron/engine/datasets/dataset.js';
import { calibrate, forEachSampleRun } from '../../electron/engine/quantization/calibrate.js';
import { quantPresets, staticPlan } from '../../electron/engine/quantization/quantize-run.js';

const [file, dataDir, limitText] = process.argv.slice(2) as [string, string, string];
const limit = Number(limitText);
const ctx = { signal: new AbortController().signal, progress() {}, checkCancelled() {} };
const model = decodeModel(readFileSync(file));
const spec = proposePreprocess(model.graph!.input![0]!)!;
const data = new Dataset(dataDir, await walkFolder(dataDir));
const plan = staticPlan(model, int8Options(quantPresets().presets[0]!));
const before = process.memoryUsage().rss;
let t = performance.now();
const result = await calibrate(model, plan.calibrate, data, spec, ctx, { histogram: true, limit });
const calibrationMs = performance.now() - t;
const peakRssMiB = process.resourceUsage().maxRSS / 1024;
t = performance.now();
const session = await ort.InferenceSession.create(file, { graphOptimizationLevel: 'all', logSeverityLevel: 4 });
await forEachSampleRun(session, model, data, spec, [...session.outputNames], ctx, 'inference', () => undefined, limit);
const inferenceMs = performance.now() - t;
console.log(JSON.stringify({ samples: result.samplesUsed, tensors: plan.calibrate.length, baseRssMiB: before / 2 ** 20, peakRssMiB, calibrationMs, inferenceMs }));
