import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createEngineClient } from '../../../shared/api/client.js';
import type { ProfileResult } from '../../../shared/profile/profile-types.js';
import { Engine } from '../../../electron/engine/engine.js';
import { inProcessTransport } from '../../../electron/engine/in-process-transport.js';
import { DIGITS, tempDir } from '../../helpers/paths.js';
import { writeFileSync } from 'node:fs';

const client = () => createEngineClient(inProcessTransport(new Engine({ mode: 'cli' })));

describe('editing through the engine', () => {
  it('versions, validates, undoes and redoes; the graph view re-infers shapes; other features use the edited model', async () => {
    const engine = client();
    const info = await engine.openModel({ source: { kind: 'path', path: DIGITS } });
    expect(info.undoLabel).toBeUndefined();
    const edited = await engine.applyEdit({ docId: info.docId, command: 'insertNode', params: { graphPath: 'main', opType: 'Frobnicate', name: 'mystery', inputs: ['image'], outputs: ['m'], attributes: [] } });
    expect(edited.version).toBe(1);
    expect(edited.dirty).toBe(true);
    expect(edited.undoLabel).toBe('Insert Frobnicate');
    // An op the schemas do not know: the validator names the node after the edit.
    expect(edited.problems.some((p) => p.severity === 'error' && p.nodeName === 'mystery')).toBe(true);
    const undone = await engine.undoEdit({ docId: info.docId });
    expect(undone.problems).toEqual(info.problems);
    expect(undone.redoLabel).toBe('Insert Frobnicate');
    const redone = await engine.redoEdit({ docId: info.docId });
    expect(redone.problems.length).toBe(edited.problems.length);
    await engine.undoEdit({ docId: info.docId });
    await expect(engine.undoEdit({ docId: info.docId })).rejects.toThrow(/nothing to undo/);

    // Shapes of the edited graph are inferred (the file declares none).
    const relu = await engine.applyEdit({ docId: info.docId, command: 'renameNode', params: { graphPath: 'main', nodeIndex: 1, name: 'first_relu' } });
    expect(relu.version).toBeGreaterThan(1);
    const view = await engine.getGraphView({ docId: info.docId, graphPath: 'main' });
    expect(view.values['/Relu_output_0']).toEqual({ type: 'float32', shape: [1, 16, 28, 28] });

    // Profiling runs the edited model, not the file on disk.
    const deleted = await engine.applyEdit({ docId: info.docId, command: 'deleteNode', params: { graphPath: 'main', nodeIndex: 2, mode: 'reconnect' } });
    expect(deleted.summary.graph.nodeCount).toBe(10);
    const job = await engine.waitForJob((await engine.startProfile({ docId: info.docId, runs: 2, warmup: 0 })).jobId);
    expect(job.status, job.error?.message).toBe('succeeded');
    expect((job.result as ProfileResult).nodes.some((n) => n.name === '/MaxPool')).toBe(false);
  });

  it('replaces an initializer from a .npy file and refuses a file of the wrong kind', async () => {
    const engine = client();
    const info = await engine.openModel({ source: { kind: 'path', path: DIGITS } });
    const dir = tempDir();
    const npy = path.join(dir, 'bias.npy');
    const header = "{'descr': '<f4', 'fortran_order': False, 'shape': (10,), }";
    const padded = header.padEnd(118, ' ') + '\n';
    const head = Buffer.concat([Buffer.from([0x93]), Buffer.from('NUMPY'), Buffer.from([1, 0]), Buffer.from([padded.length & 0xff, padded.length >> 8]), Buffer.from(padded)]);
    writeFileSync(npy, Buffer.concat([head, Buffer.from(new Float32Array([9, 8, 7, 6, 5, 4, 3, 2, 1, 0]).buffer)]));
    await engine.applyEdit({ docId: info.docId, command: 'replaceInitializer', params: { graphPath: 'main', name: 'fc.bias', dataType: 1, dims: [], file: { kind: 'path', path: npy } } });
    const stats = await engine.getTensorStats({ docId: info.docId, graphPath: 'main', name: 'fc.bias' });
    expect(stats.first).toEqual([9, 8, 7, 6, 5, 4, 3, 2, 1, 0]);
    writeFileSync(path.join(dir, 'bad.npy'), 'not numpy');
    await expect(engine.applyEdit({ docId: info.docId, command: 'replaceInitializer', params: { graphPath: 'main', name: 'fc.bias', dataType: 1, dims: [], file: { kind: 'path', path: path.join(dir, 'bad.npy') } } })).rejects.toThrow(/Cannot use that file as tensor values/);
  });
});
