import { randomBytes, randomUUID } from 'node:crypto';
import { createWriteStream, createReadStream, promises as fs } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { WebSocketServer } from 'ws';
import { EngineError, isErrorCode, type ErrorCode, type Reply } from '../../shared/api/errors.js';
import { isMethodName, type MethodName } from '../../shared/api/methods.js';
import { appRoot } from '../engine/app-paths.js';
import { startWorkerEngine } from '../engine/worker-engine.js';
import { AccessPolicy } from './access.js';
import { UploadQuota } from './upload-quota.js';
import { serveStatic } from './static-files.js';

export interface ServerOptions {
  port?: number;
  /** Opened at start; the only path a browser client may refer to. */
  modelPath?: string;
  /** Built renderer folder; defaults to dist/renderer of the app. */
  rendererDir?: string;
  /** Largest single upload, in bytes (default 2 GiB). */
  maxUploadBytes?: number;
  /** Most bytes the uploads kept at once may take (default 8 GiB); closing a model gives its upload's share back. */
  maxTotalUploadBytes?: number;
  /** Jobs the engine runs at once; the others wait, reported with phase 'queued'. */
  maxRunningJobs?: number;
}

export interface RunningServer {
  url: string;
  token: string;
  port: number;
  close(): Promise<void>;
}

const MAX_JSON_BYTES = 1024 * 1024;
const DEFAULT_MAX_UPLOAD_BYTES = 2 ** 31;
const DEFAULT_MAX_TOTAL_UPLOAD_BYTES = 8 * 2 ** 30;
const ID = /^[a-f0-9-]{36}$/;

const SECURITY_HEADERS = {
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
  'Content-Security-Policy':
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; connect-src 'self'; worker-src 'self' blob:; object-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
};

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { ...SECURITY_HEADERS, 'Content-Type': 'application/json', 'Cache-Control': 'no-store' });
  res.end(text);
}

function sendError(res: ServerResponse, status: number, code: ErrorCode, message: string): void {
  sendJson(res, status, { ok: false, error: { code, message } } satisfies Reply<never>);
}

/**
 * Reads the arguments of an API call. A body over the limit is read to its end and dropped rather than
 * cut off, so the client gets the reply and its connection stays usable.
 */
async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  await new Promise<void>((resolve, reject) => {
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_JSON_BYTES) chunks.push(chunk);
      else chunks.length = 0;
    });
    req.once('end', resolve);
    req.once('error', reject);
  });
  if (size > MAX_JSON_BYTES) throw new RangeError('too large');
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') return {};
  const args: unknown = JSON.parse(text);
  if (typeof args !== 'object' || args === null || Array.isArray(args)) throw new TypeError('not an object');
  return args;
}

/** Keeps a browser-supplied file name harmless: its last component, in a conservative character set. */
function safeFileName(name: string | null): string {
  const base = path.basename(name ?? '').replace(/[^\w.\- ]/g, '_').slice(0, 120);
  return base && !base.startsWith('.') ? base : 'model.onnx';
}

function describeBytes(n: number): string {
  if (n >= 2 ** 30) return `${+(n / 2 ** 30).toFixed(1)} GiB`;
  if (n >= 2 ** 20) return `${+(n / 2 ** 20).toFixed(1)} MiB`;
  return `${n} bytes`;
}

/**
 * Browser mode: serves the built UI and the engine API on 127.0.0.1 with a per-launch token. The
 * engine runs in a worker thread so this event loop stays free while it works.
 */
export async function startServer(options: ServerOptions = {}): Promise<RunningServer> {
  const rendererDir = options.rendererDir ?? path.join(appRoot(), 'dist', 'renderer');
  const workDir = await fs.mkdtemp(path.join(os.tmpdir(), 'onnx-studio-'));
  const blobDir = path.join(workDir, 'uploads');
  const downloadDir = path.join(workDir, 'downloads');
  await Promise.all([fs.mkdir(blobDir), fs.mkdir(downloadDir)]);
  const engine = await startWorkerEngine({ mode: 'browser', blobDir, downloadDir, ...(options.maxRunningJobs ? { maxRunningJobs: options.maxRunningJobs } : {}) });
  const maxUpload = options.maxUploadBytes ?? DEFAULT_MAX_UPLOAD_BYTES;
  const maxTotal = options.maxTotalUploadBytes ?? DEFAULT_MAX_TOTAL_UPLOAD_BYTES;
  const uploads = new UploadQuota(blobDir, maxTotal);
  const token = randomBytes(24).toString('hex');
  let port = 0;
  const policy = new AccessPolicy(token, () => port);

  if (options.modelPath) {
    const reply = await engine.client.request('openModel', { source: { kind: 'path', path: options.modelPath } });
    if (!reply.ok) {
      await engine.terminate();
      await fs.rm(workDir, { recursive: true, force: true });
      throw new EngineError(isErrorCode(reply.error.code) ? reply.error.code : 'INTERNAL', reply.error.message);
    }
  }

  /**
   * Every call from the page is remote: the engine itself refuses file paths in its arguments and in
   * whatever it starts, and strips its paths from the reply (electron/engine/engine-dispatch.ts).
   */
  async function callEngine(method: MethodName, args: unknown, res: ServerResponse): Promise<void> {
    const reply = await engine.client.request(method, args, true);
    sendJson(res, !reply.ok && reply.error.code === 'FORBIDDEN' ? 403 : 200, reply);
  }

  /**
   * Stores one uploaded file as a blob. Sizes are checked against the per-file and total limits as the
   * bytes arrive (a declared Content-Length is checked first); a refused upload is read to its end and
   * dropped, so the client always gets the one-sentence reply instead of a reset connection.
   */
  async function upload(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const tooBig = `The file is larger than the ${describeBytes(maxUpload)} an upload may have; open models that big with the desktop app or the CLI.`;
    const full = () => `Uploads already take ${describeBytes(uploads.held())} of the ${describeBytes(maxTotal)} this server keeps; close models you no longer need and try again.`;
    const refuse = (message: string) => {
      req.resume();
      sendError(res, 413, 'BAD_ARGUMENT', message);
    };
    await uploads.refresh();
    const declared = Number(req.headers['content-length'] ?? NaN);
    if (Number.isFinite(declared) && declared > maxUpload) return refuse(tooBig);
    if (Number.isFinite(declared) && uploads.held() + declared > maxTotal) return refuse(full());
    const blobId = randomUUID();
    const name = safeFileName(new URL(req.url ?? '/', 'http://localhost').searchParams.get('name'));
    const dir = path.join(blobDir, blobId);
    await fs.mkdir(dir);
    uploads.record(blobId, 0);
    const out = createWriteStream(path.join(dir, name));
    let size = 0;
    const outcome = await new Promise<'stored' | 'too-big' | 'full' | 'failed'>((resolve) => {
      let settled = false;
      const settle = (o: 'stored' | 'too-big' | 'full' | 'failed') => {
        if (settled) return;
        settled = true;
        resolve(o);
      };
      req.on('data', (chunk: Buffer) => {
        if (settled) return; // a refused upload: the rest is read and dropped
        size += chunk.length;
        if (size > maxUpload) return settle('too-big');
        if (!uploads.record(blobId, size)) return settle('full');
        if (!out.write(chunk)) {
          req.pause();
          out.once('drain', () => req.resume());
        }
      });
      req.once('end', () => out.end(() => settle('stored')));
      req.once('aborted', () => settle('failed'));
      req.once('error', () => settle('failed'));
      out.once('error', () => settle('failed'));
    });
    if (outcome !== 'stored') {
      out.destroy();
      uploads.forget(blobId);
      await fs.rm(dir, { recursive: true, force: true });
      if (outcome === 'too-big') return refuse(tooBig);
      if (outcome === 'full') return refuse(full());
      if (!res.headersSent) sendError(res, 400, 'IO_ERROR', 'The upload did not complete; try again.');
      return;
    }
    sendJson(res, 200, { ok: true, value: { blobId, fileName: name, sizeBytes: size } });
  }

  /** Downloads already handed out (their files are deleted once sent). */
  const served = new Set<string>();

  async function download(id: string, res: ServerResponse): Promise<void> {
    const dir = path.join(downloadDir, id);
    const files = ID.test(id) && !served.has(id) ? await fs.readdir(dir).catch(() => []) : [];
    if (files.length !== 1) {
      sendError(res, 404, 'NOT_FOUND', 'That download does not exist; save the model again.');
      return;
    }
    const file = path.join(dir, files[0]!);
    const stat = await fs.stat(file);
    res.writeHead(200, {
      ...SECURITY_HEADERS,
      'Content-Type': 'application/octet-stream',
      'Content-Length': stat.size,
      'Content-Disposition': `attachment; filename="${files[0]!.replace(/"/g, '')}"`,
      'Cache-Control': 'no-store',
    });
    // Served once, then gone: a download is the page's copy of a save, and the server keeps no pile of them.
    served.add(id);
    res.once('close', () => void fs.rm(dir, { recursive: true, force: true }));
    createReadStream(file).pipe(res);
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!policy.hostAllowed(req)) return sendError(res, 403, 'FORBIDDEN', 'Requests must be addressed to 127.0.0.1 or localhost.');
    if (!policy.originAllowed(req)) return sendError(res, 403, 'FORBIDDEN', 'Requests from other sites are refused.');
    const url = new URL(req.url ?? '/', 'http://localhost');
    const isPage = req.method === 'GET' && (url.pathname === '/' || url.pathname === '/index.html');
    if (!policy.hasToken(req)) {
      if (isPage) {
        res.writeHead(401, { ...SECURITY_HEADERS, 'Content-Type': 'text/plain; charset=utf-8' });
        res.end('ONNX Studio: open the full URL that `onnx-studio serve` printed; it carries the access token.\n');
        return;
      }
      return sendError(res, 401, 'UNAUTHORIZED', 'This request lacks the launch token; open the URL that onnx-studio printed.');
    }
    if (url.pathname.startsWith('/api/')) {
      const name = url.pathname.slice('/api/'.length);
      if (req.method === 'POST' && name === 'upload') return upload(req, res);
      if (req.method === 'GET' && name.startsWith('download/')) return download(name.slice('download/'.length), res);
      if (req.method !== 'POST') return sendError(res, 405, 'BAD_ARGUMENT', 'API methods are called with POST.');
      if (!isMethodName(name)) return sendError(res, 404, 'UNKNOWN_METHOD', `The engine has no method '${name.slice(0, 80)}'.`);
      let args: unknown;
      try {
        args = await readJson(req);
      } catch (e) {
        if (e instanceof RangeError) return sendError(res, 413, 'BAD_ARGUMENT', 'The request body is larger than 1 MB.');
        if (e instanceof TypeError) return sendError(res, 400, 'BAD_ARGUMENT', 'The request body must be a JSON object holding the arguments.');
        return sendError(res, 400, 'BAD_ARGUMENT', 'The request body is not valid JSON.');
      }
      return callEngine(name, args, res);
    }
    if (req.method !== 'GET') return sendError(res, 405, 'BAD_ARGUMENT', 'Only GET is served outside /api/.');
    const target = isPage ? '/index.html' : url.pathname;
    if (isPage) res.setHeader('Set-Cookie', policy.sessionCookie());
    for (const [k, v] of Object.entries(SECURITY_HEADERS)) res.setHeader(k, v);
    if (await serveStatic(rendererDir, target, res)) return;
    if (isPage) {
      res.writeHead(500, { 'Content-Type': 'text/plain; charset=utf-8' });
      res.end('ONNX Studio: the user interface is not built; run `npm run build` and start again.\n');
      return;
    }
    sendError(res, 404, 'NOT_FOUND', 'No such file.');
  }

  const server = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) sendError(res, 500, 'INTERNAL', 'Internal error in the server; please report it.');
      else res.end();
    });
  });
  const wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 });
  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname !== '/api/events' || !policy.hostAllowed(req) || !policy.originAllowed(req) || !policy.hasToken(req)) {
      socket.end('HTTP/1.1 403 Forbidden\r\n\r\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      const off = engine.client.subscribe((event) => ws.send(JSON.stringify(event)));
      ws.on('close', off);
      ws.on('message', () => ws.close(1008, 'the event stream is one-way'));
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  port = (server.address() as AddressInfo).port;
  const url = `http://127.0.0.1:${port}/?token=${token}`;
  return {
    url,
    token,
    port,
    close: async () => {
      for (const ws of wss.clients) ws.terminate();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await engine.terminate();
      await fs.rm(workDir, { recursive: true, force: true });
    },
  };
}
