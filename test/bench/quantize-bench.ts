import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as ort from 'onnxruntime-node';
import { createEngineClient } from '../../shared/api/client.js';
import type { QuantizeResult } from '../../shared/api/dto.js';
import { decodeModel } from '../../shared/onnx/decode.js';
import { parsePreprocessSpec, proposePreprocess, type PreprocessSpec } from '../../shared/preprocess/preprocess-spec.js';
import { Dataset, walkFolder } from '../../electron/engine/datasets/dataset.js';
import { Engine } from '../../electron/engine/engine.js';
import { classificationAccuracy } from '../../electron/engine/evaluation/classify.js';
import { inProcessTransport } from '../../electron/engine/in-process-transport.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const ctx = { signal: new AbortController().signal, progress() {}, checkCancelled() {} };
/** Real images for models without their own data: the digits eval set (grey, resized to the input). */
export const STAND_IN_IMAGES = path.join(root, 'test', 'fixtures', 'digits', 'eval');

async function quantizeFile(file: string, mode: 'fp16' | 'int8-static', out: string, calib?: string, spec?: PreprocessSpec, limit?: number): Promise<QuantizeResult> {
  const client = createEngineClient(inProcessTransport(new Engine({ mode: 'cli' })));
  const info = await client.openModel({ source: { kind: 'path', path: file } });
  const dataset = calib ? await client.openDataset({ source: { kind: 'path', path: calib } }) : undefined;
  const { jobId } = await client.startQuantize({
    docId: info.docId,
    mode,
    ...(dataset ? { datasetId: dataset.datasetId } : {}),
    ...(spec ? { spec } : {}),
    ...(limit ? { limit } : {}),
    output: { path: out, overwrite: true },
  });
  const job = await client.waitForJob(jobId);
  if (job.status !== 'succeeded') throw new Error(job.error?.message ?? 'quantization failed');
  return job.result as QuantizeResult;
}

/** Mean latency of a plain onnxruntime-node loop, models interleaved run by run so drift hits all alike. */
async function interleavedLatency(files: string[], runs: number): Promise<number[]> {
  const sessions = await Promise.all(files.map((f) => ort.InferenceSession.create(f, { graphOptimizationLevel: 'all', logSeverityLevel: 4 })));
  const model = decodeModel(readFileSync(files[0]!));
  const v = model.graph!.input![0]!;
  const dims = (v.type?.tensorType?.shape?.dim ?? []).map((d) => (d.dimValue !== undefined ? Number(d.dimValue) : 1));
  const feeds = { [v.name!]: new ort.Tensor('float32', Float32Array.from({ length: dims.reduce((a, b) => a * b, 1) }, () => Math.random()), dims) };
  for (const s of sessions) for (let i = 0; i < 3; i++) await s.run(feeds);
  const totals = files.map(() => 0);
  for (let r = 0; r < runs; r++) {
    for (const [i, s] of sessions.entries()) {
      const t = performance.now();
      await s.run(feeds);
      totals[i] = totals[i]! + performance.now() - t;
    }
  }
  await Promise.all(sessions.map((s) => s.release()));
  return totals.map((t) => t / runs);
}

/** Fixtures: size, accuracy and latency of FP16 and INT8 static against FP32. Extra models: size and speed. */
export async function quantizationRows(work: string, extra: string[]): Promise<string[][]> {
  const rows: string[][] = [];
  const cases = [
    ...['digits', 'shapes'].map((name) => ({
      name,
      file: path.join(root, 'test', 'fixtures', name === 'digits' ? 'digits-cnn.onnx' : 'shapes-mobilenet.onnx'),
      calib: path.join(root, 'test', 'fixtures', name, 'calib'),
      evalDir: path.join(root, 'test', 'fixtures', name, 'eval') as string | undefined,
      spec: parsePreprocessSpec(JSON.parse(readFileSync(path.join(root, 'test', 'fixtures', name, 'preprocess.json'), 'utf8'))),
      limit: undefined as number | undefined,
    })),
    ...extra.map((file) => ({ name: path.basename(file, '.onnx'), file, calib: STAND_IN_IMAGES, evalDir: undefined, spec: proposePreprocess(decodeModel(readFileSync(file)).graph!.input![0]!)!, limit: 100 })),
  ];
  for (const c of cases) {
    const fp16 = await quantizeFile(c.file, 'fp16', path.join(work, `${c.name}.fp16.onnx`));
    const int8 = await quantizeFile(c.file, 'int8-static', path.join(work, `${c.name}.int8.onnx`), c.calib, c.spec, c.limit);
    const files = [c.file, fp16.output!, int8.output!];
    const [fp32Ms, fp16Ms, int8Ms] = await interleavedLatency(files, c.evalDir ? 200 : 30);
    let accuracy = ['', '', ''];
    if (c.evalDir) {
      const data = new Dataset(c.evalDir, await walkFolder(c.evalDir));
      accuracy = await Promise.all(files.map(async (f) => (await classificationAccuracy(f, decodeModel(readFileSync(f)), data, c.spec, ctx)).top1.toFixed(4)));
    }
    rows.push([
      c.name,
      `${(int8.sizeBefore / 2 ** 20).toFixed(2)} MiB`,
      `${Math.round((100 * fp16.sizeAfter) / fp16.sizeBefore)}%`,
      `${Math.round((100 * int8.sizeAfter) / int8.sizeBefore)}% (${((100 * int8.sizeAfter) / int8.sizeBefore).toFixed(1)}%)`,
      accuracy.join(' / '),
      `${fp32Ms!.toFixed(2)} / ${fp16Ms!.toFixed(2)} / ${int8Ms!.toFixed(2)}`,
      `${(fp32Ms! / int8Ms!).toFixed(2)}x`,
      `${int8.calibrationSamples} in ${int8.seconds.toFixed(1)} s`,
    ]);
  }
  return rows;
}

function child(model: string, limit: number, mode: 'memory' | 'timing'): Record<string, number> {
  const script = path.join(root, 'dist', 'test', 'bench', 'calibration-child.js');
  const r = spawnSync(process.execPath, [script, model, STAND_IN_IMAGES, String(limit), mode], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`calibration child failed: ${r.stderr.slice(-500)}`);
  return JSON.parse(r.stdout.trim().split('\n').at(-1)!) as Record<string, number>;
}

/** Calibration on 50 and on 400 images, each in fresh processes: peak memory, and time against plain inference. */
export function calibrationScalingRows(model: string): string[][] {
  return [50, 400].map((limit) => {
    const memory = child(model, limit, 'memory');
    const timing = child(model, limit, 'timing');
    return [
      path.basename(model),
      String(memory.samples),
      String(memory.tensors),
      memory.peakRssMiB!.toFixed(0),
      (timing.calibrationMs! / 1000).toFixed(1),
      (timing.inferenceMs! / 1000).toFixed(1),
      (timing.calibrationMs! / timing.inferenceMs!).toFixed(2),
    ];
  });
}

/** A comparison of a model and two variants over the stand-in images, in a fresh process: peak memory. */
export function compareMemoryRow(model: string, variants: string[]): string[] {
  const script = path.join(root, 'dist', 'test', 'bench', 'compare-child.js');
  const r = spawnSync(process.execPath, [script, STAND_IN_IMAGES, model, ...variants], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`compare child failed: ${r.stderr.slice(-500)}`);
  const j = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as { samples: number; models: number; peakRssMiB: number; seconds: number };
  return [path.basename(model), String(j.models), String(j.samples), j.peakRssMiB.toFixed(0), j.seconds.toFixed(1)];
}
