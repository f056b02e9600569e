import { readFileSync, statSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngineClient, type EngineClient } from '../../../shared/api/client.js';
import type { JobProgress, SaveResult } from '../../../shared/api/dto.js';
import { EngineError } from '../../../shared/api/errors.js';
import { Engine } from '../../../electron/engine/engine.js';
import { inProcessTransport } from '../../../electron/engine/in-process-transport.js';
import { startWorkerEngine, type WorkerEngine } from '../../../electron/engine/worker-engine.js';
import { startServer, type RunningServer } from '../../../electron/server/server.js';
import { httpTransport } from '../../helpers/http-transport.js';
import { repoRoot } from '../../helpers/paths.js';
import { runPython } from '../../helpers/python.js';
import path from 'node:path';

const SAMPLE_FILE = path.join(repoRoot, 'resources', 'samples', 'digits-cnn.onnx');

/** Parameter count by python onnx, the independent oracle. */
const pythonParams = Number(
  runPython('import onnx, sys, math\nm = onnx.load(sys.argv[1])\nprint(sum(math.prod(t.dims) for t in m.graph.initializer))', [SAMPLE_FILE]),
);

async function rejection(p: Promise<unknown>): Promise<EngineError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(EngineError);
    return e as EngineError;
  }
  throw new Error('expected the call to fail');
}

interface Harness {
  client: EngineClient;
  /** How this transport saves: to a path (desktop, CLI) or as a download (browser). */
  saveBytes(docId: string, onProgress: (p: JobProgress) => void): Promise<Uint8Array>;
  stop(): Promise<void>;
}

const harnesses: Record<string, () => Promise<Harness>> = {
  'in-process': async () => {
    const client = createEngineClient(inProcessTransport(new Engine({ mode: 'cli' })));
    return { client, saveBytes: (docId, p) => saveToPath(client, docId, p), stop: async () => {} };
  },
  'worker thread': async () => {
    const worker: WorkerEngine = await startWorkerEngine({ mode: 'desktop' });
    const client = createEngineClient(worker.client);
    return { client, saveBytes: (docId, p) => saveToPath(client, docId, p), stop: () => worker.terminate() };
  },
  'HTTP + WebSocket': async () => {
    const server: RunningServer = await startServer({ port: 0 });
    const base = `http://127.0.0.1:${server.port}`;
    const transport = await httpTransport(base, server.token);
    const client = createEngineClient(transport);
    return {
      client,
      saveBytes: async (docId, onProgress) => {
        const { jobId } = await client.startSaveModel({ docId, target: { kind: 'download' } });
        const job = await client.waitForJob(jobId, onProgress);
        const result = job.result as SaveResult;
        expect(result.path).toBeUndefined();
        const res = await fetch(`${base}/api/download/${result.downloadId}`, { headers: { 'x-onnx-studio-token': server.token } });
        return new Uint8Array(await res.arrayBuffer());
      },
      stop: async () => {
        transport.close();
        await server.close();
      },
    };
  },
};

async function saveToPath(client: EngineClient, docId: string, onProgress: (p: JobProgress) => void): Promise<Uint8Array> {
  const { mkdtempSync } = await import('node:fs');
  const os = await import('node:os');
  const out = path.join(mkdtempSync(path.join(os.tmpdir(), 'contract-')), 'saved.onnx');
  const { jobId } = await client.startSaveModel({ docId, target: { kind: 'path', path: out } });
  const job = await client.waitForJob(jobId, onProgress);
  expect(job.status).toBe('succeeded');
  expect((job.result as SaveResult).path).toBe(out);
  return readFileSync(out);
}

describe.each(Object.keys(harnesses))('engine API contract over %s', (name) => {
  let h: Harness;
  beforeAll(async () => {
    h = await harnesses[name]!();
  });
  afterAll(async () => h.stop());

  it('describes the app and its samples', async () => {
    const info = await h.client.getAppInfo({});
    expect(info.name).toBe('ONNX Studio');
    expect(info.opSchemaVersion).toMatch(/^\d+\.\d+/);
    const samples = await h.client.listSamples({});
    expect(samples.find((s) => s.name === 'digits')?.sizeBytes).toBe(statSync(SAMPLE_FILE).size);
  });

  it('opens a sample model with its summary and validation', async () => {
    const info = await h.client.openModel({ source: { kind: 'sample', name: 'digits' } });
    expect(info.summary.graph.nodeCount).toBe(11);
    expect(info.summary.graph.parameterCount).toBe(pythonParams);
    expect(info.summary.graph.inputs).toEqual([{ name: 'image', type: 'float32', shape: [1, 1, 28, 28] }]);
    expect(info.problems).toEqual([]);
    expect((await h.client.listModels({})).map((m) => m.docId)).toContain(info.docId);
    expect((await h.client.getModel({ docId: info.docId })).fileName).toBe('digits-cnn.onnx');
  });

  it('saves as a job with progress events, writing the same bytes', async () => {
    const info = await h.client.openModel({ source: { kind: 'sample', name: 'digits' } });
    const progress: JobProgress[] = [];
    const bytes = await h.saveBytes(info.docId, (p) => progress.push(p));
    expect(Buffer.compare(Buffer.from(bytes), readFileSync(SAMPLE_FILE))).toBe(0);
    expect(progress.length).toBeGreaterThan(0);
    expect(progress.at(-1)!.done).toBe(progress.at(-1)!.total);
  });

  it('answers bad requests with error codes and one-sentence messages', async () => {
    const badArgs = await rejection(h.client.openModel({ source: { kind: 'sample' } } as never));
    expect(badArgs.code).toBe('BAD_ARGUMENT');
    expect(badArgs.message).toContain("argument 'source");
    const unknownSample = await rejection(h.client.openModel({ source: { kind: 'sample', name: 'nope' } }));
    expect(unknownSample.code).toBe('NOT_FOUND');
    const noDoc = await rejection(h.client.getModel({ docId: 'no-such-doc' }));
    expect(noDoc.code).toBe('NOT_FOUND');
    const noJob = await rejection(h.client.cancelJob({ jobId: 'no-such-job' }));
    expect(noJob.code).toBe('NOT_FOUND');
    for (const e of [badArgs, unknownSample, noDoc, noJob]) {
      expect(e.message).not.toMatch(/\n|\bat .*\.(js|ts):\d+/);
    }
    const unknownMethod = await rejection((h.client as unknown as Record<string, (a: unknown) => Promise<unknown>>).getJob!({ jobId: 42 }));
    expect(unknownMethod.code).toBe('BAD_ARGUMENT');
  });

  it('closes models', async () => {
    const info = await h.client.openModel({ source: { kind: 'sample', name: 'digits' } });
    await h.client.closeModel({ docId: info.docId });
    expect((await rejection(h.client.getModel({ docId: info.docId }))).code).toBe('NOT_FOUND');
  });
});
