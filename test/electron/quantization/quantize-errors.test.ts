import { copyFileSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createEngineClient } from '../../../shared/api/client.js';
import type { QuantizeResult } from '../../../shared/api/dto.js';
import { encodeModel } from '../../../shared/onnx/encode.js';
import { Engine } from '../../../electron/engine/engine.js';
import { inProcessTransport } from '../../../electron/engine/in-process-transport.js';
import { model, node, tensorValue } from '../../helpers/model-builder.js';
import { DIGITS, fixture, SHAPES, tempDir } from '../../helpers/paths.js';

const client = () => createEngineClient(inProcessTransport(new Engine({ mode: 'cli' })));

describe('quantization: bad input gets a clear message, and nothing half-written', () => {
  it('an empty folder and a folder of non-images are refused with what was expected', async () => {
    const engine = client();
    const empty = tempDir();
    await expect(engine.openDataset({ source: { kind: 'path', path: empty } })).rejects.toThrow(/is empty: expected \.png\/\.jpg\/\.jpeg\/\.bmp\/\.webp\/\.npy\/\.pb files/);
    const text = tempDir();
    writeFileSync(path.join(text, 'notes.txt'), 'hello');
    writeFileSync(path.join(text, 'labels.csv'), 'a,b');
    await expect(engine.openDataset({ source: { kind: 'path', path: text } })).rejects.toThrow(/has no images or tensors: its 2 files are none of/);
    await expect(engine.openDataset({ source: { kind: 'path', path: path.join(text, 'missing') } })).rejects.toThrow(/does not exist/);
  });

  it('a model with no quantizable op is refused before any data is read', async () => {
    const engine = client();
    const dir = tempDir();
    const file = path.join(dir, 'relu.onnx');
    writeFileSync(file, encodeModel(model({ node: [node('Relu', ['x'], ['y'])], input: [tensorValue('x', [1, 4])], output: [tensorValue('y', [1, 4])] })));
    const info = await engine.openModel({ source: { kind: 'path', path: file } });
    const data = await engine.openDataset({ source: { kind: 'path', path: path.join(fixture('digits'), 'calib') } });
    await expect(engine.startQuantize({ docId: info.docId, mode: 'int8-static', datasetId: data.datasetId })).rejects.toThrow(/no operators INT8 quantization applies to/);
    const dynamic = await engine.waitForJob((await engine.startQuantize({ docId: info.docId, mode: 'int8-dynamic' })).jobId);
    expect(dynamic.error?.message).toMatch(/nothing to quantize/);
  });

  it('unreadable and wrongly sized files are skipped and counted; none usable is an error naming the first problem', async () => {
    const engine = client();
    const dir = tempDir();
    const calib = path.join(fixture('digits'), 'calib');
    for (const f of readdirSync(calib).slice(0, 5)) copyFileSync(path.join(calib, f), path.join(dir, f));
    writeFileSync(path.join(dir, 'broken.png'), 'not a png at all');
    mkdirSync(path.join(dir, 'nested'));
    writeFileSync(path.join(dir, 'nested', 'cut.jpg'), Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 16]));
    const info = await engine.openModel({ source: { kind: 'path', path: DIGITS } });
    const data = await engine.openDataset({ source: { kind: 'path', path: dir } });
    expect(data).toMatchObject({ fileCount: 7, imageCount: 7, ignoredCount: 0 });
    const job = await engine.waitForJob((await engine.startQuantize({ docId: info.docId, mode: 'int8-static', datasetId: data.datasetId })).jobId);
    const r = job.result as QuantizeResult;
    expect(r.calibrationSamples).toBe(5);
    expect(r.skippedSamples).toBe(2);
    expect(r.skippedExamples.join('\n')).toMatch(/broken\.png/);

    const bad = tempDir();
    writeFileSync(path.join(bad, 'a.png'), 'garbage');
    writeFileSync(path.join(bad, 'b.npy'), 'garbage');
    const badData = await engine.openDataset({ source: { kind: 'path', path: bad } });
    const failed = await engine.waitForJob((await engine.startQuantize({ docId: info.docId, mode: 'int8-static', datasetId: badData.datasetId })).jobId);
    expect(failed.status).toBe('failed');
    expect(failed.error?.message).toMatch(/None of the 2 files .* could be used; the first problem: a\.png/);
  });

  it('preprocessing that does not fit the input is refused at once', async () => {
    const engine = client();
    const info = await engine.openModel({ source: { kind: 'path', path: SHAPES } });
    const data = await engine.openDataset({ source: { kind: 'path', path: path.join(fixture('shapes'), 'calib') } });
    const spec = { input: 'input', size: [32, 32] as [number, number], color: 'rgb' as const, layout: 'NCHW' as const, scale: 1 / 255, mean: [0], std: [1] };
    await expect(engine.startQuantize({ docId: info.docId, mode: 'int8-static', datasetId: data.datasetId, spec })).rejects.toThrow(/makes \[1, 3, 32, 32\] tensors, but input 'input' takes \[1, 3, 64, 64\]/);
    await expect(engine.startQuantize({ docId: info.docId, mode: 'int8-static', datasetId: data.datasetId, spec: { ...spec, size: [64, 64], input: 'nope' } })).rejects.toThrow(/feeds input 'nope'/);
    await expect(engine.startQuantize({ docId: info.docId, mode: 'int8-static', datasetId: data.datasetId, backend: 'tpu' })).rejects.toThrow(/no backend preset 'tpu'; choose one of: ort-cpu/);
  });

  it('cancelling mid-calibration leaves no output file', async () => {
    const engine = client();
    const info = await engine.openModel({ source: { kind: 'path', path: SHAPES } });
    const data = await engine.openDataset({ source: { kind: 'path', path: path.join(fixture('shapes'), 'eval') } });
    const dir = tempDir();
    const out = path.join(dir, 'out.onnx');
    const { jobId } = await engine.startQuantize({ docId: info.docId, mode: 'int8-static', datasetId: data.datasetId, output: { path: out } });
    let cancelled = false;
    const job = await engine.waitForJob(jobId, (p) => {
      if (!cancelled && p.phase === 'calibrating' && p.done >= 20) {
        cancelled = true;
        void engine.cancelJob({ jobId });
      }
    });
    expect(cancelled).toBe(true);
    expect(job.status).toBe('cancelled');
    expect(readdirSync(dir)).toEqual([]);
  });

  it('a second quantization with another method reuses the calibration statistics', async () => {
    const engine = client();
    const info = await engine.openModel({ source: { kind: 'path', path: DIGITS } });
    const data = await engine.openDataset({ source: { kind: 'path', path: path.join(fixture('digits'), 'calib') } });
    const first = await engine.waitForJob((await engine.startQuantize({ docId: info.docId, mode: 'int8-static', datasetId: data.datasetId, method: 'minmax' })).jobId);
    const second = await engine.waitForJob((await engine.startQuantize({ docId: info.docId, mode: 'int8-static', datasetId: data.datasetId, method: 'percentile' })).jobId);
    expect((first.result as QuantizeResult).calibrationReused).toBe(false);
    expect((second.result as QuantizeResult).calibrationReused).toBe(true);
    // The result opens as a new document next to the original.
    const models = await engine.listModels({});
    expect(models.map((m) => m.fileName)).toEqual(['digits-cnn.onnx', 'digits-cnn.int8.onnx', 'digits-cnn.int8.onnx']);
    expect(models[1]!.dirty).toBe(true);
  });
});
