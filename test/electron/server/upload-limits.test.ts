import { readFileSync, statSync } from 'node:fs';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngineClient, type EngineClient } from '../../../shared/api/client.js';
import type { Reply } from '../../../shared/api/errors.js';
import { httpTransport } from '../../helpers/http-transport.js';
import { startServer, type RunningServer } from '../../../electron/server/server.js';
import { DIGITS, SHAPES } from '../../helpers/paths.js';
import { rawRequest } from '../../helpers/raw-http.js';

const DIGITS_BYTES = statSync(DIGITS).size;
const SHAPES_BYTES = statSync(SHAPES).size;

describe('browser mode: upload limits', () => {
  let server: RunningServer;
  let auth: Record<string, string>;
  beforeAll(async () => {
    // Room for one SHAPES file, and for two DIGITS files held at once but not three.
    server = await startServer({ port: 0, maxUploadBytes: SHAPES_BYTES, maxTotalUploadBytes: Math.floor(2.5 * DIGITS_BYTES) });
    auth = { 'x-onnx-studio-token': server.token, host: `127.0.0.1:${server.port}` };
    transport = await httpTransport(`http://127.0.0.1:${server.port}`, server.token);
    client = createEngineClient(transport);
  });
  let client: EngineClient;
  let transport: Awaited<ReturnType<typeof httpTransport>>;
  afterAll(async () => {
    transport.close();
    await server.close();
  });

  const upload = async (body: Buffer | Readable, headers: Record<string, string> = {}) => {
    const r = await rawRequest(server.port, { method: 'POST', path: '/api/upload?name=m.onnx', headers: { ...auth, ...headers }, body });
    return { status: r.status, reply: JSON.parse(r.body) as Reply<{ blobId: string; sizeBytes: number }> };
  };
  const call = async <T>(method: string, args: unknown) =>
    JSON.parse((await rawRequest(server.port, { method: 'POST', path: `/api/${method}`, headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify(args) })).body) as Reply<T>;
  const blobId = (r: { reply: Reply<{ blobId: string }> }) => (r.reply.ok ? r.reply.value.blobId : '');
  const openBlob = async (id: string) => {
    const r = await call<{ docId: string }>('openModel', { source: { kind: 'blob', blobId: id } });
    expect(r.ok).toBe(true);
    return r.ok ? r.value.docId : '';
  };

  it('refuses a file over the per-file limit, declared or streamed, with one sentence', async () => {
    const big = Buffer.concat([readFileSync(SHAPES), Buffer.alloc(1)]);
    const declared = await upload(big);
    expect(declared.status).toBe(413);
    expect(declared.reply).toEqual({ ok: false, error: { code: 'BAD_ARGUMENT', message: expect.stringMatching(/^The file is larger than the .+ an upload may have; open models that big with the desktop app or the CLI\.$/) } });
    // Without Content-Length (chunked), the limit is found while the bytes arrive.
    const streamed = await upload(Readable.from([big.subarray(0, 60_000), big.subarray(60_000)]));
    expect(streamed.status).toBe(413);
    expect(!streamed.reply.ok && streamed.reply.error.message).toMatch(/^The file is larger than/);
    const fits = await upload(readFileSync(SHAPES));
    expect(fits.status).toBe(200);
    await call('closeModel', { docId: await openBlob(blobId(fits)) });
  });

  it('serves a download once and then deletes it', async () => {
    const up = await upload(readFileSync(DIGITS));
    const docId = await openBlob(blobId(up));
    const job = await client.waitForJob((await client.startSaveModel({ docId, target: { kind: 'download' } })).jobId);
    const { downloadId } = job.result as { downloadId: string };
    const get = () => rawRequest(server.port, { path: `/api/download/${downloadId}`, headers: auth });
    const first = await get();
    expect(first.status).toBe(200);
    expect(Number(first.headers['content-length'])).toBe(DIGITS_BYTES);
    const second = await get();
    expect(second.status).toBe(404);
    expect(JSON.parse(second.body).error.message).toBe('That download does not exist; save the model again.');
    await call('closeModel', { docId });
  });

  it('bounds the bytes held at once, and gives an upload\'s share back when its model closes', async () => {
    const bytes = readFileSync(DIGITS);
    const first = await upload(bytes);
    const second = await upload(bytes);
    expect([first.status, second.status]).toEqual([200, 200]);
    const third = await upload(bytes);
    expect(third.status).toBe(413);
    expect(!third.reply.ok && third.reply.error.message).toMatch(/^Uploads already take .+ of the .+ this server keeps; close models you no longer need and try again\.$/);
    // A chunked upload is held to the same total.
    expect((await upload(Readable.from([bytes.subarray(0, 50_000), bytes.subarray(50_000)]))).status).toBe(413);
    // Opening keeps the blob (ONNX Runtime loads it from there); a duplicate shares it, so closing one keeps it.
    const doc = await openBlob(blobId(first));
    const copy = await call<{ docId: string }>('duplicateModel', { docId: doc });
    await call('closeModel', { docId: doc });
    expect((await upload(bytes)).status).toBe(413);
    const profiled = await call<{ jobId: string }>('startProfile', { docId: copy.ok ? copy.value.docId : '', runs: 1, warmup: 0 });
    const job = await client.waitForJob(profiled.ok ? profiled.value.jobId : '');
    expect(job.status, job.error?.message).toBe('succeeded');
    // Closing the last document reading the upload releases it.
    await call('closeModel', { docId: copy.ok ? copy.value.docId : '' });
    const again = await upload(bytes);
    expect(again.status).toBe(200);
    expect(await call('openModel', { source: { kind: 'blob', blobId: blobId(first) } })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
  });
});
