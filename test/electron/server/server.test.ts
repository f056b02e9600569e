import { readFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startServer, type RunningServer } from '../../../electron/server/server.js';
import { DIGITS, SHAPES } from '../../helpers/paths.js';

/** A raw request, so tests can send headers fetch would refuse to forge (Host, Origin). */
function raw(port: number, opts: { method?: string; path: string; headers?: Record<string, string>; body?: Buffer | string }) {
  return new Promise<{ status: number; body: string; headers: Record<string, unknown> }>((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method: opts.method ?? 'GET', path: opts.path, headers: opts.headers }, (res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
    });
    req.on('error', reject);
    req.end(opts.body);
  });
}

describe('browser-mode server', () => {
  let server: RunningServer;
  let auth: Record<string, string>;
  beforeAll(async () => {
    server = await startServer({ port: 0, modelPath: DIGITS });
    auth = { 'x-onnx-studio-token': server.token, host: `127.0.0.1:${server.port}` };
  });
  afterAll(() => server.close());

  const call = (method: string, args: unknown, headers = auth) =>
    raw(server.port, { method: 'POST', path: `/api/${method}`, headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify(args) });

  it('binds 127.0.0.1 and prints a URL carrying the token', () => {
    expect(server.url).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:${server.port}/\\?token=[0-9a-f]{48}$`));
  });

  it('requires the token on every API request and on the page', async () => {
    expect((await call('listModels', {}, { host: auth.host! })).status).toBe(401);
    expect((await call('listModels', {}, { ...auth, 'x-onnx-studio-token': 'wrong' })).status).toBe(401);
    expect((await raw(server.port, { path: '/', headers: { host: auth.host! } })).status).toBe(401);
    const page = await raw(server.port, { path: `/?token=${server.token}`, headers: { host: auth.host! } });
    expect(page.status).toBe(200);
    expect(String(page.headers['set-cookie'])).toContain('HttpOnly; SameSite=Strict');
    expect(String(page.headers['content-security-policy'])).toContain("default-src 'self'");
    const cookie = String(page.headers['set-cookie']).split(';')[0]!;
    expect((await call('listModels', {}, { host: auth.host!, cookie })).status).toBe(200);
  });

  it('refuses other Host names (DNS rebinding) and other Origins (cross-site requests)', async () => {
    expect((await call('listModels', {}, { ...auth, host: 'evil.example:80' })).status).toBe(403);
    expect((await call('listModels', {}, { ...auth, origin: 'http://evil.example' })).status).toBe(403);
    expect((await call('listModels', {}, { ...auth, origin: `http://127.0.0.1:${server.port}` })).status).toBe(200);
  });

  it('opens the launch model and serves no other path', async () => {
    const models = JSON.parse((await call('listModels', {})).body);
    expect(models.value).toHaveLength(1);
    expect(models.value[0].fileName).toBe('digits-cnn.onnx');
    expect(models.value[0].path).toBeUndefined();
    const other = await call('openModel', { source: { kind: 'path', path: SHAPES } });
    expect(other.status).toBe(403);
    expect(JSON.parse(other.body).error.message).toMatch(/upload the file/);
    const traversal = await raw(server.port, { path: '/../../etc/passwd', headers: auth });
    expect(traversal.status).toBe(404);
    const saveToPath = await call('startSaveModel', { docId: models.value[0].docId, target: { kind: 'path', path: '/tmp/x.onnx' } });
    expect(saveToPath.status).toBe(403);
  });

  it('uploads a model once and opens it by blob id', async () => {
    const bytes = readFileSync(SHAPES);
    const up = await raw(server.port, { method: 'POST', path: '/api/upload?name=../../shapes.onnx', headers: auth, body: bytes });
    const { blobId, fileName, sizeBytes } = JSON.parse(up.body).value;
    expect(fileName).toBe('shapes.onnx');
    expect(sizeBytes).toBe(bytes.length);
    const opened = JSON.parse((await call('openModel', { source: { kind: 'blob', blobId } })).body);
    expect(opened.value.summary.graph.nodeCount).toBe(55);
    const bogus = JSON.parse((await call('openModel', { source: { kind: 'blob', blobId: '../../../etc' } })).body);
    expect(bogus.error.code).toBe('NOT_FOUND');
  });

  it('rejects malformed requests with a clear error', async () => {
    const bad = await raw(server.port, { method: 'POST', path: '/api/listModels', headers: { ...auth, 'content-type': 'application/json' }, body: '{not json' });
    expect(bad.status).toBe(400);
    expect(JSON.parse(bad.body).error.message).toBe('The request body is not valid JSON.');
    const unknown = await call('deleteEverything', {});
    expect(JSON.parse(unknown.body).error.code).toBe('UNKNOWN_METHOD');
    const huge = await call('listModels', { pad: 'x'.repeat(2 * 1024 * 1024) });
    expect(huge.status).toBe(413);
  });

  it('refuses a body that is not an object of arguments, and an oversized body leaves the connection usable', async () => {
    for (const body of ['null', '[]', '42', '"text"']) {
      const r = await raw(server.port, { method: 'POST', path: '/api/getAppInfo', headers: { ...auth, 'content-type': 'application/json' }, body });
      expect(r.status, body).toBe(400);
      expect(JSON.parse(r.body).error.message).toBe('The request body must be a JSON object holding the arguments.');
    }
    // One kept-alive connection: the refused 2 MB body is read to its end, so the next call on it works.
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const sockets = new Set<unknown>();
    const post = (body: string) =>
      new Promise<{ status: number; body: string }>((resolve, reject) => {
        const req = request({ host: '127.0.0.1', port: server.port, method: 'POST', path: '/api/listModels', agent, headers: { ...auth, 'content-type': 'application/json' } }, (res) => {
          sockets.add(res.socket);
          let text = '';
          res.on('data', (c) => (text += c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
        });
        req.on('error', reject);
        req.end(body);
      });
    expect((await post(JSON.stringify({ pad: 'x'.repeat(2 * 1024 * 1024) }))).status).toBe(413);
    expect((await post('{}')).status).toBe(200);
    expect(sockets.size).toBe(1);
    agent.destroy();
  });

  it('clips the text of a request that an error message repeats', async () => {
    const r = await call('getAppInfo', { ['k'.repeat(5000)]: 1 });
    const message = JSON.parse(r.body).error.message as string;
    expect(message.length).toBeLessThan(400);
    expect(message).toMatch(/^getAppInfo: the arguments is invalid \(Unrecognized key: "k+…\)\.$/);
  });

  it('accepts the event WebSocket only with the token and our origin', async () => {
    const connect = (headers: Record<string, string>) =>
      new Promise<string>((resolve) => {
        const ws = new WebSocket(`ws://127.0.0.1:${server.port}/api/events`, { headers });
        ws.on('open', () => {
          ws.close();
          resolve('open');
        });
        ws.on('error', () => resolve('refused'));
      });
    expect(await connect({})).toBe('refused');
    expect(await connect({ 'x-onnx-studio-token': server.token, origin: 'http://evil.example' })).toBe('refused');
    expect(await connect({ 'x-onnx-studio-token': server.token })).toBe('open');
  });
});
