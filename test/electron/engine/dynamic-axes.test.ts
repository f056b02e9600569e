import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { createEngineClient } from '../../../shared/api/client.js';
import { smallTensorValues } from '../../../shared/model/tensor-values.js';
import { encodeModel } from '../../../shared/onnx/encode.js';
import { decodeModel } from '../../../shared/onnx/decode.js';
import type { ModelProto } from '../../../shared/onnx/types.js';
import { Engine } from '../../../electron/engine/engine.js';
import { inProcessTransport } from '../../../electron/engine/in-process-transport.js';
import { floatTensor, model, node, tensorValue } from '../../helpers/model-builder.js';
import { attentionBlockModel } from '../../helpers/attention-model.js';
import { DIGITS, SHAPES, tempDir } from '../../helpers/paths.js';

const client = () => createEngineClient(inProcessTransport(new Engine({ mode: 'cli' })));

/** Runs a model at a batch (4 unless told) and each sample alone; the largest difference between the two. */
async function batchVersusAlone(file: string, input: string, sample: number[], rows = 4): Promise<number> {
  const s = await ort.InferenceSession.create(file);
  const size = sample.reduce((a, b) => a * b, 1);
  const data = Float32Array.from({ length: rows * size }, (_, i) => Math.sin(i * 12.9898) * 0.5 + 0.5);
  const batch = (await s.run({ [input]: new ort.Tensor('float32', data, [rows, ...sample]) }))[s.outputNames[0]!] as ort.Tensor;
  let worst = 0;
  for (let k = 0; k < rows; k++) {
    const alone = (await s.run({ [input]: new ort.Tensor('float32', data.slice(k * size, (k + 1) * size), [1, ...sample]) }))[s.outputNames[0]!] as ort.Tensor;
    const per = alone.data.length;
    for (let i = 0; i < per; i++) worst = Math.max(worst, Math.abs((alone.data as Float32Array)[i]! - (batch.data as Float32Array)[k * per + i]!));
  }
  return worst;
}

async function makeDynamic(file: string, input: string) {
  const engine = client();
  const info = await engine.openModel({ source: { kind: 'path', path: file } });
  const edited = await engine.applyEdit({ docId: info.docId, command: 'setDim', params: { tensor: input, axis: 0, value: 'batch' } });
  const out = path.join(tempDir(), 'dynamic.onnx');
  const job = await engine.waitForJob((await engine.startSaveModel({ docId: info.docId, target: { kind: 'path', path: out } })).jobId);
  expect(job.status).toBe('succeeded');
  return { out, notes: edited.notes, engine, info };
}

/** x [1, 4, 2] -> Reshape to [1, 8] (the exporter baked the batch) -> MatMul [8, 3] -> y [1, 3]. */
function bakedReshape(target: number[]): ModelProto {
  return model({
    node: [node('Reshape', ['x', 'shape'], ['flat'], 'flatten'), node('MatMul', ['flat', 'w'], ['y'], 'project')],
    input: [tensorValue('x', [1, 4, 2])],
    output: [tensorValue('y', [1, 3])],
    initializer: [
      { name: 'shape', dims: [target.length], dataType: 7, rawData: new Uint8Array(BigInt64Array.from(target.map(BigInt)).buffer) },
      floatTensor('w', [8, 3], Array.from({ length: 24 }, (_, i) => (i % 7) - 3)),
    ],
  });
}

describe('dynamic batch axis', () => {
  it.each([
    ['digits', DIGITS, 'image', [1, 28, 28]],
    ['shapes', SHAPES, 'input', [3, 64, 64]],
  ] as const)('on the %s fixture: batch 4 gives each sample what it gives alone', async (_, file, input, sample) => {
    const { out, notes } = await makeDynamic(file, input);
    expect(notes.join(' ')).toMatch(/batches of 4 and 2/);
    const m = decodeModel(readFileSync(out));
    expect(m.graph!.input![0]!.type!.tensorType!.shape!.dim![0]).toEqual({ dimParam: 'batch' });
    expect(m.graph!.output![0]!.type!.tensorType!.shape!.dim![0]).toEqual({ dimParam: 'batch' });
    expect(await batchVersusAlone(out, input, [...sample])).toBeLessThanOrEqual(1e-5);
  });

  it('rewrites a Reshape target that baked the batch into 0 (copy the input dim), and the batch then works', async () => {
    const file = path.join(tempDir(), 'baked.onnx');
    writeFileSync(file, encodeModel(bakedReshape([1, 8])));
    const { out, notes } = await makeDynamic(file, 'x');
    expect(notes[0]).toMatch(/Rewrote constants that fixed the old size: shape_dynamic/);
    const m = decodeModel(readFileSync(out));
    const shape = m.graph!.initializer!.find((t) => t.name === 'shape_dynamic')!;
    expect(Array.from(new BigInt64Array(Uint8Array.prototype.slice.call(shape.rawData!).buffer), Number)).toEqual([0, 8]);
    expect(await batchVersusAlone(out, 'x', [4, 2])).toBeLessThanOrEqual(1e-5);
  });

  it('refuses, naming the node, when the batch is folded into a constant it cannot rewrite', async () => {
    const engine = client();
    const dir = tempDir();
    const moved = path.join(dir, 'moved.onnx');
    // [1, 4, 2] -> [2, 1, 4]: [-1, 1, 4] would keep samples apart but give outputs of 2·batch rows; refused.
    writeFileSync(moved, encodeModel(model({
      node: [node('Reshape', ['x', 'shape'], ['r'], 'fold'), node('Relu', ['r'], ['y'], 'act')],
      input: [tensorValue('x', [1, 4, 2])],
      output: [tensorValue('y', [2, 1, 4])],
      initializer: [{ name: 'shape', dims: [3], dataType: 7, rawData: new Uint8Array(BigInt64Array.from([2n, 1n, 4n]).buffer) }],
    })));
    const info = await engine.openModel({ source: { kind: 'path', path: moved } });
    await expect(engine.applyEdit({ docId: info.docId, command: 'setDim', params: { tensor: 'x', axis: 0, value: 'batch' } })).rejects.toThrow(/Reshape 'fold' \(no target shape keeps samples apart .*output 'y' would have the shape \[batch\*2, 1, 4\]/);
    // [1, 4, 2] -> [4, 2]: the batch would end up inside the output's first axis; refused before running it.
    const dropped = path.join(dir, 'dropped.onnx');
    writeFileSync(dropped, encodeModel(model({
      node: [node('Reshape', ['x', 'shape'], ['y'], 'squeeze')],
      input: [tensorValue('x', [1, 4, 2])],
      output: [tensorValue('y', [4, 2])],
      initializer: [{ name: 'shape', dims: [2], dataType: 7, rawData: new Uint8Array(BigInt64Array.from([4n, 2n]).buffer) }],
    })));
    const info2 = await engine.openModel({ source: { kind: 'path', path: dropped } });
    await expect(engine.applyEdit({ docId: info2.docId, command: 'setDim', params: { tensor: 'x', axis: 0, value: 'batch' } })).rejects.toThrow(/Reshape 'squeeze' \(no target shape keeps samples apart .*output 'y' would have the shape \[batch\*4, 2\]/);
    // Refused edits leave the document as it was.
    expect((await engine.getModel({ docId: info2.docId })).version).toBe(0);
    // x [1, 4] -> Gather(axis 0, [0]): nothing is baked in a shape, but only the first sample comes out;
    // the numerical check at batches of 4 and 2 refuses it.
    const first = path.join(dir, 'first.onnx');
    writeFileSync(first, encodeModel(model({
      node: [node('Gather', ['x', 'zero'], ['y'], 'pick_first', { attribute: [{ name: 'axis', type: 2, i: 0 }] })],
      input: [tensorValue('x', [1, 4])],
      output: [tensorValue('y', [1, 4])],
      initializer: [{ name: 'zero', dims: [1], dataType: 7, rawData: new Uint8Array(BigInt64Array.from([0n]).buffer) }],
    })));
    const info3 = await engine.openModel({ source: { kind: 'path', path: first } });
    await expect(engine.applyEdit({ docId: info3.docId, command: 'setDim', params: { tensor: 'x', axis: 0, value: 'batch' } })).rejects.toThrow(/was refused because output 'y' has 1 values per sample in a batch of 4 but 4 alone.*Nothing was changed/);
  });

  it('makes a class-token model dynamic: the batch-1 token is expanded to the batch, found after the Reshape that hid the batch', async () => {
    // x [1, 8, 2, 2] -> Reshape [1, 8, 4] (baked batch) -> Transpose [1, 4, 8] -> Concat(class token [1, 1, 8], axis 1)
    // -> [1, 5, 8], as ViT exports do; the token only meets the batch once the Reshape is rewritten.
    const file = path.join(tempDir(), 'class-token.onnx');
    const token = floatTensor('class_token', [1, 1, 8], Array.from({ length: 8 }, (_, i) => i / 8));
    writeFileSync(file, encodeModel(model({
      node: [
        node('Reshape', ['x', 'flat'], ['patches'], 'flatten_patches'),
        node('Transpose', ['patches'], ['tokens'], 'to_tokens', { attribute: [{ name: 'perm', type: 7, ints: [0, 2, 1] }] }),
        node('Expand', ['class_token', 'ones'], ['cls'], 'expand_token'),
        node('Concat', ['cls', 'tokens'], ['seq'], 'prepend_token', { attribute: [{ name: 'axis', type: 2, i: 1 }] }),
        node('Relu', ['seq'], ['y'], 'act'),
      ],
      input: [tensorValue('x', [1, 8, 2, 2])],
      output: [tensorValue('y', [1, 5, 8])],
      initializer: [
        token,
        { name: 'flat', dims: [3], dataType: 7, rawData: new Uint8Array(BigInt64Array.from([1n, 8n, 4n]).buffer) },
        { name: 'ones', dims: [3], dataType: 7, rawData: new Uint8Array(BigInt64Array.from([1n, 1n, 1n]).buffer) },
      ],
    })));
    const { out } = await makeDynamic(file, 'x');
    expect(await batchVersusAlone(out, 'x', [8, 2, 2])).toBeLessThan(1e-6);
    const saved = decodeModel(readFileSync(out));
    expect(saved.graph!.node!.filter((n) => n.opType === 'Expand')).toHaveLength(2);
  });

  it('makes a ViT attention block dynamic: each constant [seq, heads, dim] takes the batch in the dim that keeps samples apart', async () => {
    // The three Reshapes could each take the batch in any dim; only [5, -1, 4], [-1, 8] and [5, -1, 8]
    // keep attention within a sample. The old code refused the first of them.
    const file = path.join(tempDir(), 'attention.onnx');
    writeFileSync(file, encodeModel(attentionBlockModel()));
    const { out } = await makeDynamic(file, 'x');
    for (const rows of [2, 4]) expect(await batchVersusAlone(out, 'x', [4, 8], rows)).toBeLessThan(1e-5);
    const saved = decodeModel(readFileSync(out));
    const targets = Object.fromEntries(saved.graph!.node!.filter((n) => n.opType === 'Reshape').map((n) => {
      const t = saved.graph!.initializer!.find((i) => i.name === n.input![1])!;
      return [n.name, smallTensorValues(t, 8)];
    }));
    expect(targets).toEqual({ '/attn/Reshape': [5, -1, 4], '/attn/Reshape_1': [5, -1, 4], '/attn/Reshape_2': [5, -1, 4], '/attn/Reshape_3': [-1, 8], '/attn/Reshape_4': [5, -1, 8] });
  });
});
