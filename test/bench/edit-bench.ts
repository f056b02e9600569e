import { closeSync, fsyncSync, openSync, readFileSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { createEngineClient } from '../../shared/api/client.js';
import { decodeModel } from '../../shared/onnx/decode.js';
import { encodeModel } from '../../shared/onnx/encode.js';
import { Engine } from '../../electron/engine/engine.js';
import { inProcessTransport } from '../../electron/engine/in-process-transport.js';
import { weightHeavyModel } from './synthetic-models.js';

const client = () => createEngineClient(inProcessTransport(new Engine({ mode: 'cli' })));

/** Makes the first input's batch dynamic, saves, and compares batch 4 with each sample alone (largest difference). */
export async function dynamicBatchRows(work: string, files: string[]): Promise<string[][]> {
  const rows: string[][] = [];
  for (const file of files) {
    const engine = client();
    const info = await engine.openModel({ source: { kind: 'path', path: file } });
    const input = info.summary.graph.inputs[0]!;
    const t = performance.now();
    const edited = await engine.applyEdit({ docId: info.docId, command: 'setDim', params: { tensor: input.name, axis: 0, value: 'batch' } });
    const editMs = performance.now() - t;
    const out = path.join(work, `dynamic-${path.basename(file)}`);
    await engine.waitForJob((await engine.startSaveModel({ docId: info.docId, target: { kind: 'path', path: out, overwrite: true } })).jobId);
    const sample = (input.shape ?? []).slice(1).map((d) => (typeof d === 'number' ? d : 1));
    const size = sample.reduce((a, b) => a * b, 1);
    const s = await ort.InferenceSession.create(out);
    const data = Float32Array.from({ length: 4 * size }, (_, i) => Math.sin(i * 12.9898) * 0.5 + 0.5);
    const batch = (await s.run({ [input.name]: new ort.Tensor('float32', data, [4, ...sample]) }))[s.outputNames[0]!] as ort.Tensor;
    let worst = 0;
    for (let k = 0; k < 4; k++) {
      const alone = (await s.run({ [input.name]: new ort.Tensor('float32', data.slice(k * size, (k + 1) * size), [1, ...sample]) }))[s.outputNames[0]!] as ort.Tensor;
      const per = alone.data.length;
      for (let i = 0; i < per; i++) worst = Math.max(worst, Math.abs((alone.data as Float32Array)[i]! - (batch.data as Float32Array)[k * per + i]!));
    }
    await s.release();
    rmSync(out, { force: true });
    rows.push([path.basename(file), `[${[...batch.dims].join(', ')}]`, worst.toExponential(2), editMs.toFixed(0), edited.notes.join(' ')]);
  }
  return rows;
}

/** A 1 GiB model: open, one edit, atomic save; against writing (and syncing) the same bytes. */
export async function editedSaveRow(work: string): Promise<string[]> {
  const file = path.join(work, 'one-gib.onnx');
  writeFileSync(file, encodeModel(weightHeavyModel(128, 8)));
  const bytes = readFileSync(file);
  const plain = path.join(work, 'plain-write.onnx');
  // Timed before and after the save, so the page cache's state weighs on both sides alike.
  const write = () => {
    const t0 = performance.now();
    const fd = openSync(plain, 'w');
    writeSync(fd, bytes);
    fsyncSync(fd);
    closeSync(fd);
    rmSync(plain, { force: true });
    return performance.now() - t0;
  };
  const firstWriteMs = write();
  const engine = client();
  const info = await engine.openModel({ source: { kind: 'path', path: file } });
  await engine.applyEdit({ docId: info.docId, command: 'renameNode', params: { graphPath: 'main', nodeIndex: 0, name: 'edited' } });
  const out = path.join(work, 'edited.onnx');
  const t = performance.now();
  const job = await engine.waitForJob((await engine.startSaveModel({ docId: info.docId, target: { kind: 'path', path: out } })).jobId);
  const saveMs = performance.now() - t;
  if (job.status !== 'succeeded') throw new Error(job.error?.message);
  const writeMs = (firstWriteMs + write()) / 2;
  const size = statSync(out).size;
  const renamed = decodeModel(readFileSync(out)).graph!.node![0]!.name;
  rmSync(out, { force: true });
  rmSync(file, { force: true });
  return [`${(size / 2 ** 30).toFixed(2)} GiB`, writeMs.toFixed(0), saveMs.toFixed(0), (saveMs / writeMs).toFixed(2), renamed === 'edited' ? 'yes' : 'NO'];
}
