import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { createEngineClient } from '../../../shared/api/client.js';
import type { QuantizeResult } from '../../../shared/api/dto.js';
import type { LayerError } from '../../../shared/metrics/compare-types.js';
import { decodeModel } from '../../../shared/onnx/decode.js';
import { encodeModel } from '../../../shared/onnx/encode.js';
import { parsePreprocessSpec } from '../../../shared/preprocess/preprocess-spec.js';
import { exclusionOrder } from '../../../shared/quantize/exclusion-order.js';
import { Dataset, loadSample, modelInputs, walkFolder } from '../../../electron/engine/datasets/dataset.js';
import { Engine } from '../../../electron/engine/engine.js';
import { layerErrors } from '../../../electron/engine/evaluation/layer-errors.js';
import { builtCli, DIGITS, fixture, tempDir } from '../../helpers/paths.js';
import { runPython } from '../../helpers/python.js';
import { inProcessTransport } from '../../../electron/engine/in-process-transport.js';

const ctx = { signal: new AbortController().signal, progress() {}, checkCancelled() {} };
const digits = fixture('digits');
const specFile = path.join(digits, 'preprocess.json');
const spec = parsePreprocessSpec(JSON.parse(readFileSync(specFile, 'utf8')));
/** As many samples as the search compares layers on. */
const LAYER_SAMPLES = 16;

/**
 * numpy's local SQNR of every QuantizeLinear input: the tensor against its own quantize-dequantize with
 * the scale and zero point the model stores, over the dumped values. None when the round trip is exact.
 */
const NUMPY_LOCAL_SQNR = `
import sys, json, numpy as np, onnx
from onnx import numpy_helper
model = onnx.load(sys.argv[1])
inits = {t.name: numpy_helper.to_array(t) for t in model.graph.initializer}
dumps = json.loads(open(sys.argv[2]).read())
out = {}
for n in model.graph.node:
    if n.op_type != 'QuantizeLinear' or n.input[0] not in dumps:
        continue
    x = np.fromfile(dumps[n.input[0]], dtype=np.float32)
    scale = np.float32(inits[n.input[1]])
    zp = inits[n.input[2]]
    lo, hi = (0, 255) if zp.dtype == np.uint8 else (-128, 127)
    q = np.clip(np.rint(x / scale) + np.int32(zp), lo, hi)
    dq = ((q - np.int32(zp)) * scale).astype(np.float32)
    noise = float(np.sum((x.astype(np.float64) - dq) ** 2))
    out[n.input[0]] = None if noise == 0 else 10 * np.log10(float(np.sum(x.astype(np.float64) ** 2)) / noise)
print(json.dumps(out))
`;

async function quantizedDigits(dir: string): Promise<string> {
  const engine = createEngineClient(inProcessTransport(new Engine({ mode: 'cli' })));
  const doc = await engine.openModel({ source: { kind: 'path', path: DIGITS } });
  const calib = await engine.openDataset({ source: { kind: 'path', path: path.join(digits, 'calib') } });
  const out = path.join(dir, 'digits.int8.onnx');
  const job = await engine.waitForJob((await engine.startQuantize({ docId: doc.docId, mode: 'int8-static', datasetId: calib.datasetId, spec, output: { path: out } })).jobId);
  expect(job.status, job.error?.message).toBe('succeeded');
  return (job.result as QuantizeResult).output!;
}

/** Runs the INT8 model in ONNX Runtime with every QuantizeLinear input exposed; writes each as raw float32. */
async function dumpQuantizerInputs(file: string, dataset: Dataset, dir: string): Promise<Record<string, string>> {
  const m = decodeModel(readFileSync(file));
  const names = [...new Set(m.graph!.node!.filter((n) => n.opType === 'QuantizeLinear').map((n) => n.input![0]!))];
  const exposed = { ...m, graph: { ...m.graph!, output: [...m.graph!.output!, ...names.filter((n) => !m.graph!.input!.some((i) => i.name === n)).map((name) => ({ name }))] } };
  const session = await ort.InferenceSession.create(encodeModel(exposed));
  const inputs = modelInputs(m);
  const chunks = new Map<string, Float32Array[]>(names.map((n) => [n, []]));
  try {
    for (const sample of dataset.samples(inputs).slice(0, LAYER_SAMPLES)) {
      const feeds = await loadSample(sample, inputs, spec);
      const fetched = names.filter((n) => !(n in feeds));
      const r = await session.run(feeds, fetched);
      for (const n of names) chunks.get(n)!.push(Float32Array.from((n in feeds ? feeds[n]! : r[n]!).data as Float32Array));
    }
  } finally {
    await session.release();
  }
  const files: Record<string, string> = {};
  names.forEach((n, i) => {
    files[n] = path.join(dir, `t${i}.f32`);
    writeFileSync(files[n], Buffer.concat(chunks.get(n)!.map((c) => Buffer.from(c.buffer))));
  });
  return files;
}

describe('accuracy-aware quantization', () => {
  it('leaves in float the tensors with the worst local error first, as numpy measures it, never an exact pass-through', async () => {
    const dir = tempDir();
    const file = await quantizedDigits(dir);
    const evalSet = new Dataset(path.join(digits, 'eval'), await walkFolder(path.join(digits, 'eval')));
    const { layers } = await layerErrors(decodeModel(readFileSync(DIGITS)), decodeModel(readFileSync(file)), evalSet, spec, ctx, LAYER_SAMPLES);
    const manifest = path.join(dir, 'dumps.json');
    writeFileSync(manifest, JSON.stringify(await dumpQuantizerInputs(file, evalSet, dir)));
    const local = JSON.parse(runPython(NUMPY_LOCAL_SQNR, [file, manifest])) as Record<string, number | null>;
    const expectedOrder = Object.entries(local)
      .filter((e): e is [string, number] => e[1] !== null)
      .sort((a, b) => a[1] - b[1])
      .map(([t]) => t);
    const exact = Object.entries(local).filter(([, v]) => v === null).map(([t]) => t);
    // Flatten and MaxPool outputs keep their input's scale: their Q/DQ is exact and never blamed.
    expect(exact).toEqual(expect.arrayContaining(['/Flatten_output_0', '/MaxPool_output_0', '/MaxPool_1_output_0']));
    const ours = exclusionOrder(layers).map((l) => l.tensor);
    for (const t of exact) expect(ours).not.toContain(t);
    expect(ours.slice(0, 3)).toEqual(expectedOrder.slice(0, 3));
    expect(new Set(ours)).toEqual(new Set(expectedOrder));
    for (const l of layers) if (typeof l.localSqnrDb === 'number') expect(l.localSqnrDb).toBeCloseTo(local[l.tensor]!, 1);
  });

  it('orders ties deterministically and puts no infinite or unmeasured local error in the list', () => {
    const layer = (tensor: string, localSqnrDb: number | null | undefined, sqnrDb: number | null): LayerError => ({ tensor, sqnrDb, cosine: 1, ...(localSqnrDb !== undefined ? { localSqnrDb } : {}) });
    const layers = [layer('c', 20, 15), layer('flat', null, 3), layer('b', 20, 15), layer('a', 20, 18), layer('in', undefined, 2), layer('worst', 9, null)];
    expect(exclusionOrder(layers).map((l) => l.tensor)).toEqual(['worst', 'b', 'c', 'a']);
    expect(exclusionOrder([...layers].reverse()).map((l) => l.tensor)).toEqual(['worst', 'b', 'c', 'a']);
  });

  it('an unreachable target is reported as not met: the best model is written, the JSON printed, exit 3', () => {
    // Only /c1/Conv left to quantize costs 0.2 points; excluding it too would leave nothing quantized.
    const dir = tempDir();
    const out = path.join(dir, 'best.onnx');
    const exclude = ['/c2/Conv', '/c3/Conv', '/fc/Gemm', '/GlobalAveragePool'].flatMap((n) => ['--exclude', n]);
    const r = spawnSync(
      process.execPath,
      [builtCli(), 'quantize', DIGITS, '-o', out, '--mode', 'int8-static', '--calib', path.join(digits, 'calib'), '--preprocess', specFile, '--max-drop', '0', '--eval', path.join(digits, 'eval'), ...exclude, '--json'],
      { encoding: 'utf8', timeout: 300_000 },
    );
    expect(r.status, r.stderr).toBe(3);
    expect(r.stderr.trim()).toMatch(/^onnx-studio: the accuracy target was not met: the best model written loses 0\.\d\d points of top-1, more than --max-drop 0\.$/);
    const j = JSON.parse(r.stdout);
    expect(j.accuracy.met).toBe(false);
    expect(j.quantizedNodes).toBeGreaterThan(0);
    expect(j.accuracy.steps[j.accuracy.chosenStep].dropPoints).toBeGreaterThan(0);
    expect(existsSync(out)).toBe(true);
    expect(decodeModel(readFileSync(out)).graph!.node!.some((n) => n.opType === 'QuantizeLinear')).toBe(true);
  });

  it('a target the search reaches is met after leaving the worst local layer in float (formerly every node ended excluded)', async () => {
    const engine = createEngineClient(inProcessTransport(new Engine({ mode: 'cli' })));
    const doc = await engine.openModel({ source: { kind: 'path', path: DIGITS } });
    const calib = await engine.openDataset({ source: { kind: 'path', path: path.join(digits, 'calib') } });
    const evalSet = await engine.openDataset({ source: { kind: 'path', path: path.join(digits, 'eval') } });
    const job = await engine.waitForJob(
      (await engine.startQuantize({ docId: doc.docId, mode: 'int8-static', datasetId: calib.datasetId, spec, accuracy: { evalDatasetId: evalSet.datasetId, maxDropPoints: 0.1 } })).jobId,
    );
    expect(job.status, job.error?.message).toBe('succeeded');
    const a = (job.result as QuantizeResult).accuracy!;
    expect(a.met).toBe(true);
    expect(a.chosenStep).toBe(a.steps.length - 1);
    expect(a.steps.at(-1)!.dropPoints).toBeLessThanOrEqual(0.1);
    // Most of the network stays quantized.
    expect((job.result as QuantizeResult).quantizedNodes).toBeGreaterThanOrEqual(4);
  });
});
