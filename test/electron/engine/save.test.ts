import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createEngineClient } from '../../../shared/api/client.js';
import type { SaveResult } from '../../../shared/api/dto.js';
import { decodeModel } from '../../../shared/onnx/decode.js';
import { encodeModel } from '../../../shared/onnx/encode.js';
import { readExternalTensor } from '../../../electron/engine/external-data-io.js';
import { Engine } from '../../../electron/engine/engine.js';
import { inProcessTransport } from '../../../electron/engine/in-process-transport.js';
import { saveModel } from '../../../electron/engine/model-writer.js';
import { floatTensor, model, node, tensorValue } from '../../helpers/model-builder.js';
import { DIGITS, tempDir } from '../../helpers/paths.js';
import { runPython } from '../../helpers/python.js';

const client = () => createEngineClient(inProcessTransport(new Engine({ mode: 'cli' })));

describe('saving models', () => {
  it('refuses to overwrite unless asked, and never overwrites the opened file silently', async () => {
    const dir = tempDir();
    const original = path.join(dir, 'm.onnx');
    writeFileSync(original, readFileSync(DIGITS));
    const engine = client();
    const info = await engine.openModel({ source: { kind: 'path', path: original } });
    await expect(engine.startSaveModel({ docId: info.docId, target: { kind: 'path', path: original } })).rejects.toMatchObject({ code: 'ALREADY_EXISTS' });
    const other = path.join(dir, 'other.onnx');
    writeFileSync(other, 'keep me');
    const { jobId } = await engine.startSaveModel({ docId: info.docId, target: { kind: 'path', path: other } });
    const job = await engine.waitForJob(jobId);
    expect(job.status).toBe('failed');
    expect(job.error?.code).toBe('ALREADY_EXISTS');
    expect(readFileSync(other, 'utf8')).toBe('keep me');
    const forced = await engine.startSaveModel({ docId: info.docId, target: { kind: 'path', path: other, overwrite: true } });
    expect((await engine.waitForJob(forced.jobId)).status).toBe('succeeded');
    expect(Buffer.compare(readFileSync(other), readFileSync(DIGITS))).toBe(0);
  });

  it('leaves the previous file intact and no temporary file when a save is cancelled midway', async () => {
    const dir = tempDir();
    const target = path.join(dir, 'big.onnx');
    writeFileSync(target, 'previous contents');
    // 96 MB of weights in 16 tensors: the save writes in 8 MB batches, so a cancel lands midway.
    const weights = Array.from({ length: 16 }, (_, i) => ({ name: `w${i}`, dims: [1536 * 1024], dataType: 1, rawData: new Uint8Array(6 * 1024 * 1024).fill(i) }));
    const big = model({ node: [node('Identity', ['x'], ['y'])], input: [tensorValue('x', [1])], output: [tensorValue('y', [1])], initializer: weights });
    const controller = new AbortController();
    let calls = 0;
    const save = saveModel(big, target, {
      overwrite: true,
      signal: controller.signal,
      onProgress: () => {
        if (++calls === 2) controller.abort();
      },
    });
    await expect(save).rejects.toMatchObject({ code: 'CANCELLED' });
    expect(calls).toBeGreaterThanOrEqual(2);
    expect(readFileSync(target, 'utf8')).toBe('previous contents');
    expect(readdirSync(dir)).toEqual(['big.onnx']);
  });

  it('writes external data beside the new file, readable by python onnx, and refuses paths outside the folder', async () => {
    const dir = tempDir();
    const src = path.join(dir, 'src');
    const dst = path.join(dir, 'dst');
    for (const d of [src, dst]) (await import('node:fs')).mkdirSync(d);
    // Python writes the reference model with external data, so the layout is onnx's own.
    runPython(
      `import onnx, numpy as np, sys
from onnx import helper, numpy_helper
w = numpy_helper.from_array(np.arange(4096, dtype=np.float32).reshape(64, 64), 'w')
g = helper.make_graph([helper.make_node('MatMul', ['x', 'w'], ['y'])], 'g',
    [helper.make_tensor_value_info('x', 1, [1, 64])], [helper.make_tensor_value_info('y', 1, [1, 64])], [w])
m = helper.make_model(g, opset_imports=[helper.make_opsetid('', 13)])
onnx.save_model(m, sys.argv[1], save_as_external_data=True, all_tensors_to_one_file=True, location='weights.bin', size_threshold=0)`,
      [path.join(src, 'model.onnx')],
    );
    const engine = client();
    const info = await engine.openModel({ source: { kind: 'path', path: path.join(src, 'model.onnx') } });
    expect(info.problems).toEqual([]);
    expect(info.summary.externalDataBytes).toBe(4096 * 4);
    // Lazy read of one external tensor: exactly the bytes python wrote.
    const weights = decodeModel(readFileSync(path.join(src, 'model.onnx'))).graph!.initializer![0]!;
    const lazy = await readExternalTensor(src, weights);
    expect(Array.from(new Float32Array(lazy.buffer, 0, 4096))).toEqual(Array.from({ length: 4096 }, (_, i) => i));
    const out = path.join(dst, 'copy.onnx');
    const { jobId } = await engine.startSaveModel({ docId: info.docId, target: { kind: 'path', path: out } });
    const job = await engine.waitForJob(jobId);
    expect(job.status).toBe('succeeded');
    expect((job.result as SaveResult).externalDataFile).toBe('copy.onnx.data');
    const same = runPython(
      `import onnx, sys
a = onnx.load(sys.argv[1]); b = onnx.load(sys.argv[2])
print(a.graph.initializer[0].raw_data == b.graph.initializer[0].raw_data and a.graph.node == b.graph.node)`,
      [path.join(src, 'model.onnx'), out],
    );
    expect(same.trim()).toBe('True');

    // A hostile location is reported and never read.
    const evil = model({ node: [], input: [], output: [], initializer: [{ ...floatTensor('e', [4], [0, 0, 0, 0]), rawData: undefined, dataLocation: 1, externalData: [{ key: 'location', value: '../../etc/passwd' }] }] });
    writeFileSync(path.join(dst, 'evil.onnx'), encodeModel(evil));
    const evilInfo = await engine.openModel({ source: { kind: 'path', path: path.join(dst, 'evil.onnx') } });
    expect(evilInfo.problems.map((p) => p.message).join()).toMatch(/points outside the model's folder/);
    const evilSave = await engine.startSaveModel({ docId: evilInfo.docId, target: { kind: 'path', path: path.join(dst, 'evil2.onnx') } });
    const evilJob = await engine.waitForJob(evilSave.jobId);
    expect(evilJob.status).toBe('failed');
    expect(readdirSync(dst).sort()).toEqual(['copy.onnx', 'copy.onnx.data', 'evil.onnx']);
  });

  it('rejects a save into a folder that does not exist with a clear message', async () => {
    const engine = client();
    const info = await engine.openModel({ source: { kind: 'sample', name: 'digits' } });
    const { jobId } = await engine.startSaveModel({ docId: info.docId, target: { kind: 'path', path: '/nonexistent-dir/x.onnx' } });
    const job = await engine.waitForJob(jobId);
    expect(job.error?.message).toBe("Cannot save to '/nonexistent-dir/x.onnx': the folder '/nonexistent-dir' does not exist.");
  });
});
