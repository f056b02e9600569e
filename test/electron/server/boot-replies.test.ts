import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeModel } from '../../../shared/onnx/encode.js';
import { startServer, type RunningServer } from '../../../electron/server/server.js';
import { graphHeavyModel } from '../../bench/synthetic-models.js';
import { DIGITS } from '../../helpers/paths.js';

interface Raw {
  status: number;
  body: Buffer;
  headers: Record<string, unknown>;
}

function raw(port: number, opts: { method?: string; path: string; headers?: Record<string, string>; body?: string }): Promise<Raw> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method: opts.method ?? 'GET', path: opts.path, headers: opts.headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks), headers: res.headers }));
    });
    req.on('error', reject);
    req.end(opts.body);
  });
}

const text = (r: Raw) => (r.headers['content-encoding'] === 'gzip' ? gunzipSync(r.body) : r.body).toString('utf8');

/** The replies a served page embeds for its boot, or undefined when it embeds none. */
function embedded(html: string): { method: string; args: unknown; reply: { ok: boolean; value?: unknown } }[] | undefined {
  const found = /<script type="application\/json" id="boot-data">([^<]*)<\/script>/.exec(html);
  return found ? JSON.parse(found[1]!) : undefined;
}

describe('browser-mode page with the boot replies embedded', () => {
  let server: RunningServer;
  let auth: Record<string, string>;
  beforeAll(async () => {
    server = await startServer({ port: 0, modelPath: DIGITS });
    auth = { 'x-onnx-studio-token': server.token, host: `127.0.0.1:${server.port}` };
  });
  afterAll(() => server.close());

  const call = async (method: string, args: unknown, headers: Record<string, string> = {}) =>
    JSON.parse(text(await raw(server.port, { method: 'POST', path: `/api/${method}`, headers: { ...auth, ...headers, 'content-type': 'application/json' }, body: JSON.stringify(args) })));

  it('holds the replies the page asks for first, the same as the API gives, without a path', async () => {
    const page = await raw(server.port, { path: `/?token=${server.token}`, headers: { host: auth.host! } });
    expect(page.status).toBe(200);
    expect(String(page.headers['cache-control'])).toBe('no-store');
    const html = page.body.toString('utf8');
    const replies = embedded(html)!;
    expect(replies.map((r) => r.method).sort()).toEqual(['getAppInfo', 'getGraphView', 'listModels', 'listSamples']);
    const models = await call('listModels', {});
    expect(replies.find((r) => r.method === 'listModels')!.reply).toEqual(models);
    const view = replies.find((r) => r.method === 'getGraphView')!;
    expect(view.args).toEqual({ docId: models.value[0].docId, graphPath: 'main' });
    expect(view.reply).toEqual(await call('getGraphView', view.args));
    expect(html).not.toContain(path.dirname(DIGITS));
    // The graph is embedded, so the page's first script has no graph to ask for.
    expect(html).not.toContain('onnx-studio-first-view');
    // The page's scripts come before the data, so they load while the engine prepares it.
    expect(html.indexOf('<script type="module"')).toBeLessThan(html.indexOf('id="boot-data"'));
  });

  it('serves the page of a renderer built without the marker as it is', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'onnx-studio-old-renderer-'));
    writeFileSync(path.join(dir, 'index.html'), '<!doctype html><html><body><div id="root"></div></body></html>');
    const old = await startServer({ port: 0, modelPath: DIGITS, rendererDir: dir });
    try {
      const page = await raw(old.port, { path: `/?token=${old.token}`, headers: { host: `127.0.0.1:${old.port}` } });
      expect(page.body.toString('utf8')).toBe('<!doctype html><html><body><div id="root"></div></body></html>');
    } finally {
      await old.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('browser-mode page of a large model', () => {
  let server: RunningServer;
  let auth: Record<string, string>;
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'onnx-studio-large-'));
    const file = path.join(dir, 'large.onnx');
    // 12 nodes a block: 6,000 nodes, past what the page embeds.
    writeFileSync(file, encodeModel(graphHeavyModel(500)));
    server = await startServer({ port: 0, modelPath: file });
    auth = { 'x-onnx-studio-token': server.token, host: `127.0.0.1:${server.port}` };
  });
  afterAll(async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const post = (method: string, args: unknown, headers: Record<string, string> = {}) =>
    raw(server.port, { method: 'POST', path: `/api/${method}`, headers: { ...auth, ...headers, 'content-type': 'application/json' }, body: JSON.stringify(args) });

  it('leaves the graph out of the page and sends it gzipped when asked, the same after a reload, new after an edit', async () => {
    const page = await raw(server.port, { path: `/?token=${server.token}`, headers: { host: auth.host! } });
    const html = page.body.toString('utf8');
    const replies = embedded(html)!;
    expect(replies.map((r) => r.method)).not.toContain('getGraphView');
    const docId = (replies.find((r) => r.method === 'listModels')!.reply.value as { docId: string }[])[0]!.docId;
    // The head names the document before any script, for the page's first script to ask for its graph.
    const named = html.indexOf(`<meta name="onnx-studio-first-view" content="${docId}" />`);
    expect(named).toBeGreaterThan(0);
    expect(named).toBeLessThan(html.indexOf('<script'));
    const args = { docId, graphPath: 'main' };

    const zipped = await post('getGraphView', args, { 'accept-encoding': 'gzip, deflate' });
    expect(zipped.headers['content-encoding']).toBe('gzip');
    const first = JSON.parse(text(zipped));
    expect(first.value.nodes).toHaveLength(6000);
    const plain = await post('getGraphView', args);
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(JSON.parse(text(plain))).toEqual(first);

    await raw(server.port, { path: `/?token=${server.token}`, headers: { host: auth.host! } });
    expect(JSON.parse(text(await post('getGraphView', args, { 'accept-encoding': 'gzip' })))).toEqual(first);

    const renamed = JSON.parse(text(await post('applyEdit', { docId, command: 'renameNode', params: { graphPath: 'main', nodeIndex: 0, name: 'renamed-first' } })));
    expect(renamed.ok).toBe(true);
    const after = JSON.parse(text(await post('getGraphView', args, { 'accept-encoding': 'gzip' })));
    expect(after.value.nodes[0].name).toBe('renamed-first');
  });
});
