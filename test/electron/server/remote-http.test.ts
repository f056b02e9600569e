import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngineClient, type EngineClient } from '../../../shared/api/client.js';
import type { Reply } from '../../../shared/api/errors.js';
import type { EngineEvent, MethodName } from '../../../shared/api/methods.js';
import { startServer, type RunningServer } from '../../../electron/server/server.js';
import { httpTransport } from '../../helpers/http-transport.js';
import { float32Npy } from '../../helpers/npy.js';
import { hiddenPaths, pathCases, type PathCase } from '../../helpers/path-bearing-args.js';
import { DIGITS, fixture, repoRoot, SHAPES, tempDir } from '../../helpers/paths.js';
import { rawRequest } from '../../helpers/raw-http.js';

describe('browser mode: no file path crosses HTTP', () => {
  let server: RunningServer;
  let auth: Record<string, string>;
  let client: EngineClient;
  let closeTransport: () => void;
  /** Every reply body and every event the page received. */
  const seen: string[] = [];
  beforeAll(async () => {
    server = await startServer({ port: 0, modelPath: DIGITS });
    auth = { 'x-onnx-studio-token': server.token, host: `127.0.0.1:${server.port}` };
    const transport = await httpTransport(`http://127.0.0.1:${server.port}`, server.token);
    closeTransport = transport.close;
    transport.subscribe((e: EngineEvent) => seen.push(JSON.stringify(e)));
    client = createEngineClient({
      request: async (method, args) => {
        const reply = await transport.request(method, args);
        seen.push(JSON.stringify(reply));
        return reply;
      },
      subscribe: (l) => transport.subscribe(l),
    });
  });
  afterAll(async () => {
    closeTransport();
    await server.close();
  });

  const call = async (method: string, args: unknown) => {
    const r = await rawRequest(server.port, { method: 'POST', path: `/api/${method}`, headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify(args) });
    seen.push(r.body);
    return { status: r.status, reply: JSON.parse(r.body) as Reply<unknown> };
  };
  const upload = async (file: string, name = path.basename(file)) => {
    const r = await rawRequest(server.port, { method: 'POST', path: `/api/upload?name=${encodeURIComponent(name)}`, headers: auth, body: readFileSync(file) });
    seen.push(r.body);
    return (JSON.parse(r.body) as { value: { blobId: string } }).value.blobId;
  };
  const launchDoc = async () => (await client.listModels({}))[0]!;

  it('refuses path-bearing arguments to every method of the contract', async () => {
    const doc = await launchDoc();
    for (const [method, { base, paths }] of Object.entries(pathCases(doc.docId)) as [MethodName, PathCase][]) {
      for (const args of [...paths, ...hiddenPaths(base)]) {
        const { status, reply } = await call(method, args);
        expect(status, `${method} ${JSON.stringify(args)}`).toBe(403);
        expect(reply).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
      }
    }
    expect((await client.getModel({ docId: doc.docId })).version).toBe(0);
  });

  it('refuses the recipe bypass: a step that loads a .npy from disk is neither stored nor replayed (regression)', async () => {
    const doc = await launchDoc();
    const before = await client.getTensorStats({ docId: doc.docId, graphPath: 'main', name: 'fc.bias' });
    const dir = tempDir();
    const npy = path.join(dir, 'secret.npy');
    writeFileSync(npy, float32Npy([10], [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]));
    const steps = [{ id: 'edit-1', kind: 'edit', model: 'input', commands: [{ command: 'replaceInitializer', params: { graphPath: 'main', name: 'fc.bias', dataType: 1, dims: [], file: { kind: 'path', path: npy } } }] }];
    const stored = await call('updateRecipeSteps', { docId: doc.docId, steps });
    expect(stored.reply).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    const run = await call('startRunRecipe', { docId: doc.docId });
    if (run.reply.ok) await client.waitForJob((run.reply.value as { jobId: string }).jobId);
    for (const m of await client.listModels({})) {
      expect((await client.getTensorStats({ docId: m.docId, graphPath: 'main', name: 'fc.bias' })).first).toEqual(before.first);
    }
  });

  it('sends no reply or event that names a path of the server (model folder, temp folders, home, app)', async () => {
    const doc = await launchDoc();
    await client.applyEdit({ docId: doc.docId, command: 'setDim', params: { tensor: 'image', axis: 0, value: 'batch' } });
    const blobId = await upload(SHAPES);
    const shapes = await client.openModel({ source: { kind: 'blob', blobId } });
    const calibDir = path.join(fixture('digits'), 'calib');
    const files = await Promise.all(readdirSync(calibDir).slice(0, 8).map(async (f) => ({ blobId: await upload(path.join(calibDir, f)), path: `calib/${f}` })));
    const calib = await client.openDataset({ source: { kind: 'blobs', name: 'calib', files } });
    const q = await client.waitForJob((await client.startQuantize({ docId: doc.docId, mode: 'int8-static', datasetId: calib.datasetId, limit: 8 })).jobId);
    expect(q.status, q.error?.message).toBe('succeeded');
    const saved = await client.waitForJob((await client.startSaveModel({ docId: doc.docId, target: { kind: 'download' } })).jobId);
    expect(saved.status).toBe('succeeded');
    await client.getRecipe({ docId: doc.docId });
    await client.listModels({});
    await client.getGraphView({ docId: shapes.docId, graphPath: 'main' });
    await client.getThumbnail({ datasetId: calib.datasetId, file: files[0]!.path });
    // Failures too: their messages are where a path would most easily slip out.
    await client.startSaveModel({ docId: doc.docId, target: { kind: 'path', path: path.join(os.tmpdir(), 'x.onnx') } }).catch(() => {});
    await client.getTensorStats({ docId: doc.docId, graphPath: 'main', name: 'no such tensor' }).catch(() => {});
    await client.openModel({ source: { kind: 'blob', blobId: '00000000-0000-4000-8000-000000000000' } }).catch(() => {});
    const all = seen.join('\n').replace(/data:image\/png;base64,[A-Za-z0-9+/=]+/g, '');
    expect(all).toContain('digits-cnn.onnx');
    for (const secret of [path.dirname(DIGITS), repoRoot, os.tmpdir(), os.homedir(), process.cwd()]) {
      expect(all.includes(secret), `a reply names '${secret}'`).toBe(false);
    }
  });
});
