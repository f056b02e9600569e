import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createEngineClient, type EngineClient } from '../../../shared/api/client.js';
import type { CompareResult } from '../../../shared/metrics/compare-types.js';
import { decodeModel } from '../../../shared/onnx/decode.js';
import { encodeModel } from '../../../shared/onnx/encode.js';
import type { ModelProto } from '../../../shared/onnx/types.js';
import { Dataset, walkFolder } from '../../../electron/engine/datasets/dataset.js';
import { Engine } from '../../../electron/engine/engine.js';
import { classificationAccuracy } from '../../../electron/engine/evaluation/classify.js';
import { inProcessTransport } from '../../../electron/engine/in-process-transport.js';
import { floatTensor, model, node, tensorValue } from '../../helpers/model-builder.js';
import { tempDir } from '../../helpers/paths.js';

const ctx = { signal: new AbortController().signal, progress() {}, checkCancelled() {} };

/** A float32 .npy file of the given shape. */
function npy(values: number[], shape: number[]): Buffer {
  let header = `{'descr': '<f4', 'fortran_order': False, 'shape': (${shape.join(', ')},), }`;
  header += ' '.repeat(63 - ((10 + header.length) % 64)) + '\n';
  const head = Buffer.from([0x93, ...Buffer.from('NUMPY'), 1, 0, header.length & 0xff, header.length >> 8]);
  return Buffer.concat([head, Buffer.from(header, 'latin1'), Buffer.from(new Float32Array(values).buffer)]);
}

function save(m: ModelProto, dir: string, name: string): string {
  const file = path.join(dir, name);
  writeFileSync(file, encodeModel(m));
  return file;
}

async function compare(engine: EngineClient, file: string, dataDir: string): Promise<CompareResult> {
  const a = await engine.openModel({ source: { kind: 'path', path: file } });
  const b = await engine.openModel({ source: { kind: 'path', path: file } });
  const data = await engine.openDataset({ source: { kind: 'path', path: dataDir } });
  const job = await engine.waitForJob((await engine.startCompare({ referenceDocId: a.docId, variantDocIds: [b.docId], datasetId: data.datasetId, latencyRuns: 1 })).jobId);
  expect(job.status, job.error?.message).toBe('succeeded');
  return job.result as CompareResult;
}

describe('accuracy counts labelled samples only, and ties as argmax breaks them', () => {
  it('sample folders of a two-input model carry no label: no accuracy in compare, an accuracy target is refused', async () => {
    // a + b -> Conv-free but quantizable (Add): three sample folders, each holding a.npy and b.npy.
    const dir = tempDir();
    const file = save(
      model({ node: [node('Add', ['a', 'b'], ['y'])], input: [tensorValue('a', [1, 3]), tensorValue('b', [1, 3])], output: [tensorValue('y', [1, 3])] }),
      dir,
      'two-inputs.onnx',
    );
    const data = path.join(dir, 'samples');
    for (const [k, s] of ['s0', 's1', 's2'].entries()) {
      mkdirSync(path.join(data, s), { recursive: true });
      writeFileSync(path.join(data, s, 'a.npy'), npy([k, 1, 2], [1, 3]));
      writeFileSync(path.join(data, s, 'b.npy'), npy([0, k, 1], [1, 3]));
    }
    const engine = createEngineClient(inProcessTransport(new Engine({ mode: 'cli' })));
    const r = await compare(engine, file, data);
    expect(r.samples).toBe(3);
    for (const m of r.models) {
      expect(m.top1).toBeUndefined();
      expect(m.top5).toBeUndefined();
      expect(m.agreementTop1).toBe(1);
    }
    const doc = await engine.openModel({ source: { kind: 'path', path: file } });
    const ds = await engine.openDataset({ source: { kind: 'path', path: data } });
    await expect(
      engine.startQuantize({ docId: doc.docId, mode: 'int8-static', datasetId: ds.datasetId, accuracy: { evalDatasetId: ds.datasetId, maxDropPoints: 1 } }),
    ).rejects.toThrow(/has 3 samples without a class \('s0'\); an accuracy target needs every sample inside a sub-folder named after its class/);
    const dataset = new Dataset(data, await walkFolder(data));
    await expect(classificationAccuracy(file, decodeModel(readFileSync(file)), dataset, undefined, ctx)).rejects.toThrow(/None of the 3 samples .* is labelled/);
  });

  it('a model scoring every class the same gets only class 0 right, as argmax says (formerly 100%)', async () => {
    // y = x * 0 + 1: three equal scores whatever the input.
    const dir = tempDir();
    const file = save(
      model({
        node: [node('Mul', ['x', 'zero'], ['z']), node('Add', ['z', 'one'], ['y'])],
        input: [tensorValue('x', [1, 3])],
        output: [tensorValue('y', [1, 3])],
        initializer: [floatTensor('zero', [1], [0]), floatTensor('one', [1], [1])],
      }),
      dir,
      'constant.onnx',
    );
    const data = path.join(dir, 'eval');
    for (const c of ['a', 'b', 'c']) {
      mkdirSync(path.join(data, c), { recursive: true });
      for (let i = 0; i < 2; i++) writeFileSync(path.join(data, c, `${i}.npy`), npy([i, 2, 3], [1, 3]));
    }
    const engine = createEngineClient(inProcessTransport(new Engine({ mode: 'cli' })));
    const r = await compare(engine, file, data);
    expect(r.models[0]!.top1).toBeCloseTo(1 / 3, 10);
    expect(r.models[0]!.top5).toBe(1);
    const score = await classificationAccuracy(file, decodeModel(readFileSync(file)), new Dataset(data, await walkFolder(data)), undefined, ctx);
    expect(score).toEqual({ samples: 6, top1: 2 / 6, top5: 1 });
  });

  it('more class folders than the model has scores: compare reports no accuracy rather than counting hits', async () => {
    // One score per sample (a regression-style output) against three folders.
    const dir = tempDir();
    const file = save(
      model({ node: [node('ReduceSum', ['x'], ['y'], 'sum', { attribute: [{ name: 'keepdims', type: 2, i: 1 }] })], input: [tensorValue('x', [1, 3])], output: [tensorValue('y', [1, 1])] }),
      dir,
      'sum.onnx',
    );
    const data = path.join(dir, 'eval');
    for (const c of ['a', 'b', 'c']) {
      mkdirSync(path.join(data, c), { recursive: true });
      writeFileSync(path.join(data, c, 'x.npy'), npy([1, 2, 3], [1, 3]));
    }
    const engine = createEngineClient(inProcessTransport(new Engine({ mode: 'cli' })));
    const r = await compare(engine, file, data);
    expect(r.models[0]!.top1).toBeUndefined();
    await expect(classificationAccuracy(file, decodeModel(readFileSync(file)), new Dataset(data, await walkFolder(data)), undefined, ctx)).rejects.toThrow(/has 3 classes but the model scores 1/);
  });
});
