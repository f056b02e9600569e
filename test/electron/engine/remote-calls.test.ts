import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createEngineClient } from '../../../shared/api/client.js';
import type { Reply } from '../../../shared/api/errors.js';
import { METHOD_ARGS, type MethodName } from '../../../shared/api/methods.js';
import { hiddenPaths, pathCases, type PathCase } from '../../helpers/path-bearing-args.js';
import { Engine } from '../../../electron/engine/engine.js';
import { inProcessTransport } from '../../../electron/engine/in-process-transport.js';
import { float32Npy } from '../../helpers/npy.js';
import { DIGITS, fixture, tempDir } from '../../helpers/paths.js';

function engines() {
  const engine = new Engine({ mode: 'browser' });
  const local = createEngineClient(inProcessTransport(engine));
  const remote = inProcessTransport(engine, { remote: true });
  return { engine, local, remote };
}

describe('the remote rule, enforced in the engine', () => {
  it('refuses a file path in the arguments of every method of the contract, nested included', async () => {
    const { local, remote } = engines();
    const doc = await local.openModel({ source: { kind: 'path', path: DIGITS } });
    const table = pathCases(doc.docId);
    expect(Object.keys(table).sort()).toEqual(Object.keys(METHOD_ARGS).sort());
    let checked = 0;
    for (const [method, { base, paths }] of Object.entries(table) as [MethodName, PathCase][]) {
      for (const args of [...paths, ...hiddenPaths(base)]) {
        const reply = await remote.request(method, args);
        expect(reply.ok, `${method} ${JSON.stringify(args)}`).toBe(false);
        if (!reply.ok) {
          expect(reply.error.code, `${method} ${JSON.stringify(args)}: ${reply.error.message}`).toBe('FORBIDDEN');
          expect(reply.error.message).toMatch(/^In browser mode the server takes no file paths \(found one at '[^']+'\); .+\.$/);
        }
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(4 * Object.keys(METHOD_ARGS).length);
    // Nothing was done: the document is as it was opened.
    expect((await local.getModel({ docId: doc.docId })).version).toBe(0);
  });

  it('lets the local caller (desktop, CLI) use the same path arguments', async () => {
    const { local } = engines();
    const doc = await local.openModel({ source: { kind: 'path', path: DIGITS } });
    const dir = tempDir();
    const npy = path.join(dir, 'bias.npy');
    writeFileSync(npy, float32Npy([10], [9, 8, 7, 6, 5, 4, 3, 2, 1, 0]));
    await local.applyEdit({ docId: doc.docId, command: 'replaceInitializer', params: { graphPath: 'main', name: 'fc.bias', dataType: 1, dims: [], file: { kind: 'path', path: npy } } });
    expect((await local.getTensorStats({ docId: doc.docId, graphPath: 'main', name: 'fc.bias' })).first).toEqual([9, 8, 7, 6, 5, 4, 3, 2, 1, 0]);
  });

  it('refuses a path a recipe replay would use when a remote caller starts the replay (regression: .npy loaded from anywhere)', async () => {
    const { local, remote } = engines();
    const doc = await local.openModel({ source: { kind: 'path', path: DIGITS } });
    const before = await local.getTensorStats({ docId: doc.docId, graphPath: 'main', name: 'fc.bias' });
    const dir = tempDir();
    const npy = path.join(dir, 'secret.npy');
    writeFileSync(npy, float32Npy([10], [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]));
    const step = { id: 'edit-1', kind: 'edit', model: 'input', commands: [{ command: 'replaceInitializer', params: { graphPath: 'main', name: 'fc.bias', dataType: 1, dims: [], file: { kind: 'path', path: npy } } }] };
    // The page cannot store the step...
    const stored = await remote.request('updateRecipeSteps', { docId: doc.docId, steps: [step] });
    expect(stored).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    // ...and when the step is already in the recipe (recorded on the desktop side), replaying it for the page still reads no file.
    await local.updateRecipeSteps({ docId: doc.docId, steps: [step] });
    const started = (await remote.request('startRunRecipe', { docId: doc.docId })) as Reply<{ jobId: string }>;
    expect(started.ok).toBe(true);
    const job = await local.waitForJob(started.ok ? started.value.jobId : '');
    expect(job.status).toBe('failed');
    expect(job.error?.code).toBe('FORBIDDEN');
    expect(job.error?.message).toMatch(/^In browser mode the server (takes|reads and writes) no file paths/);
    expect(job.error?.message).not.toContain(dir);
    // No document anywhere holds the file's values.
    for (const m of await local.listModels({})) {
      const stats = await local.getTensorStats({ docId: m.docId, graphPath: 'main', name: 'fc.bias' });
      expect(stats.first).toEqual(before.first);
    }
  });

  it('a remote job that waited in the queue still runs as its remote caller', async () => {
    const engine = new Engine({ mode: 'browser', maxRunningJobs: 1 });
    const local = createEngineClient(inProcessTransport(engine));
    const remote = inProcessTransport(engine, { remote: true });
    const doc = await local.openModel({ source: { kind: 'path', path: DIGITS } });
    const before = await local.getTensorStats({ docId: doc.docId, graphPath: 'main', name: 'fc.bias' });
    const npy = path.join(tempDir(), 'secret.npy');
    writeFileSync(npy, float32Npy([10], [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]));
    await local.updateRecipeSteps({ docId: doc.docId, steps: [{ id: 'edit-1', kind: 'edit', model: 'input', commands: [{ command: 'replaceInitializer', params: { graphPath: 'main', name: 'fc.bias', dataType: 1, dims: [], file: { kind: 'path', path: npy } } }] }] });
    // A local job holds the only slot, so the remote replay waits; it starts when the local job ends, from the local job's code.
    const busy = await local.startProfile({ docId: doc.docId, runs: 5, warmup: 0 });
    const started = (await remote.request('startRunRecipe', { docId: doc.docId })) as Reply<{ jobId: string }>;
    const jobId = started.ok ? started.value.jobId : '';
    expect((await local.getJob({ jobId })).progress.phase).toBe('queued');
    expect((await local.waitForJob(busy.jobId)).status).toBe('succeeded');
    const job = await local.waitForJob(jobId);
    expect(job.error?.code).toBe('FORBIDDEN');
    for (const m of await local.listModels({})) expect((await local.getTensorStats({ docId: m.docId, graphPath: 'main', name: 'fc.bias' })).first).toEqual(before.first);
  });

  it('strips the machine paths from replies to remote calls, recipes included', async () => {
    const { local, remote } = engines();
    const doc = await local.openModel({ source: { kind: 'path', path: DIGITS } });
    await local.applyEdit({ docId: doc.docId, command: 'setDim', params: { tensor: 'image', axis: 0, value: 'batch' } });
    await local.openDataset({ source: { kind: 'path', path: path.join(fixture('digits'), 'calib') } });
    const localRecipe = await local.getRecipe({ docId: doc.docId });
    expect(localRecipe.recipe.input.path).toBe(DIGITS);
    const replies = [
      await remote.request('getRecipe', { docId: doc.docId }),
      await remote.request('listModels', {}),
      await remote.request('getModel', { docId: doc.docId }),
      await remote.request('getAppInfo', {}),
    ];
    const text = JSON.stringify(replies);
    expect(replies.every((r) => r.ok)).toBe(true);
    expect(text).toContain('digits-cnn.onnx');
    expect(text).not.toContain(path.dirname(DIGITS));
    expect(text).not.toContain('"path"');
  });
});
