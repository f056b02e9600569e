import { randomBytes, randomUUID } from 'node:crypto';
import { createWriteStream, createReadStream, promises as fs } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { WebSocketServer } from 'ws';
import type { ModelInfo } from '../../shared/api/dto.js';
import { EngineError, isErrorCode, type ErrorCode, type Reply } from '../../shared/api/errors.js';
import { isMethodName, type MethodName } from '../../shared/api/methods.js';
import { MAIN } from '../../shared/graph/graph-path.js';
import { appRoot } from '../engine/app-paths.js';
import { startWorkerEngine } from '../engine/worker-engine.js';
import { AccessPolicy } from './access.js';
import { UploadQuota } from './upload-quota.js';
import { acceptsGzip, gzipText, serveStatic } from './static-files.js';

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
/** API replies from this many characters on go gzipped: a graph view of 25,000 nodes is 9.6 MB of JSON and 0.5 MB gzipped. */
const GZIP_REPLY_BYTES = 64 * 1024;
/** Where the built page (renderer/index.html) takes the embedded boot replies. */
const BOOT_MARKER = '<!--boot-data-->';
/** How long the page waits for them before it is sent without (the page then asks for them itself). */
const BOOT_DEADLINE_MS = 3000;
/** Where the built page's head takes the name of a first document whose graph is not embedded. */
const FIRST_VIEW_MARKER = '<!--first-view-->';

/** `work`, or undefined once the boot deadline has passed (a failure is undefined too). */
function withDeadline<T>(work: Promise<T>): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), BOOT_DEADLINE_MS)));
  return Promise.race([work, late]).catch(() => undefined).finally(() => clearTimeout(timer));
}
/**
 * A first graph up to this many nodes is embedded in the page; a bigger one (megabytes of JSON) is
 * fetched by the page, which meanwhile runs its script: see firstView.
 */
const EMBEDDED_VIEW_NODES = 5000;

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

/** A reply of the engine's JSON text; a large one (a graph view) goes gzipped when the client takes it. */
async function sendJsonText(req: IncomingMessage, res: ServerResponse, status: number, text: string, zipped?: Promise<Buffer>): Promise<void> {
  const headers = { ...SECURITY_HEADERS, 'Content-Type': 'application/json', 'Cache-Control': 'no-store' };
  if (text.length >= GZIP_REPLY_BYTES && acceptsGzip(req)) {
    const body = await (zipped ?? gzipText(text));
    res.writeHead(status, { ...headers, 'Content-Encoding': 'gzip', Vary: 'Accept-Encoding', 'Content-Length': body.length });
    res.end(body);
    return;
  }
  res.writeHead(status, headers);
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
  async function callEngine(method: MethodName, args: unknown, req: IncomingMessage, res: ServerResponse): Promise<void> {
    const kept = method === 'getGraphView' ? await keptView(args) : undefined;
    if (kept !== undefined) return sendJsonText(req, res, 200, kept.text, kept.zipped);
    // The engine's JSON text goes out as it is: a graph view of a large model is megabytes of it.
    const text = await engine.client.requestJson(method, args, true);
    const refused = text.startsWith('{"ok":false') && (JSON.parse(text) as { error: { code: string } }).error.code === 'FORBIDDEN';
    await sendJsonText(req, res, refused ? 403 : 200, text);
  }

  /**
   * The main graph view of the first open model, as the engine gave it when a page was served, kept
   * while that model is unchanged (a view is made from the model and its version only): a reload or a
   * second window gets it without the engine building and serializing it again. A small view is
   * embedded in the page. A large one (megabytes of JSON) is not, as the page would wait for it and
   * parse it as HTML: the engine starts on it when the page is served, it is gzipped as soon as it is
   * made, and the page's own request for it, made once the page's script runs, takes it.
   */
  let firstView: { docId: string; version: number; text: Promise<string>; zipped?: Promise<Buffer> } | undefined;

  function firstViewOf(docId: string, version: number): NonNullable<typeof firstView> {
    if (firstView?.docId === docId && firstView.version === version) return firstView;
    const text = engine.client.requestJson('getGraphView', { docId, graphPath: MAIN }, true);
    const made = { docId, version, text };
    firstView = made;
    // A failed reply is sent once, not kept.
    void text.then((t) => {
      if (t.startsWith('{"ok":false') && firstView === made) firstView = undefined;
    });
    return made;
  }

  function zippedOf(view: NonNullable<typeof firstView>): Promise<Buffer> {
    if (!view.zipped) {
      view.zipped = view.text.then((t) => gzipText(t));
      view.zipped.catch(() => undefined);
    }
    return view.zipped;
  }

  /** The kept view if `args` ask for it and its model has not changed since (else undefined: ask the engine). */
  async function keptView(args: unknown): Promise<{ text: string; zipped: Promise<Buffer> } | undefined> {
    const kept = firstView;
    const asked = args as { docId?: unknown; graphPath?: unknown } | null;
    if (!kept || typeof asked !== 'object' || asked === null || asked.docId !== kept.docId || asked.graphPath !== MAIN || Object.keys(asked).length !== 2) return undefined;
    const [text, model] = await Promise.all([kept.text, engine.client.requestJson('getModel', { docId: kept.docId }, true)]);
    const now = JSON.parse(model) as Reply<{ version: number }>;
    if (!now.ok || now.value.version !== kept.version || text.startsWith('{"ok":false')) return undefined;
    return { text, zipped: zippedOf(kept) };
  }

  /**
   * The replies the page's boot asks for first (app info, samples, open models, the first model's main
   * graph), as JSON text for the page to embed. Past the deadline the page makes those calls itself.
   */
  async function bootReplies(): Promise<{ first: Promise<{ docId: string; embedded: boolean } | undefined>; replies: Promise<string | undefined> }> {
    const call = async (method: MethodName, args: Record<string, string>) => `{"method":${JSON.stringify(method)},"args":${JSON.stringify(args)},"reply":${await engine.client.requestJson(method, args, true)}}`;
    const listed = engine.client.requestJson('listModels', {}, true);
    const first = listed.then((t) => {
      const models = JSON.parse(t) as Reply<Pick<ModelInfo, 'docId' | 'version' | 'summary'>[]>;
      const model = models.ok ? models.value[0] : undefined;
      return model && { docId: model.docId, embedded: model.summary.graph.nodeCount <= EMBEDDED_VIEW_NODES, view: firstViewOf(model.docId, model.version) };
    });
    const work = (async () => {
      const parts = await Promise.all([call('getAppInfo', {}), call('listSamples', {}), listed.then((t) => `{"method":"listModels","args":{},"reply":${t}}`)]);
      const model = await first;
      if (model?.embedded) parts.push(`{"method":"getGraphView","args":${JSON.stringify({ docId: model.docId, graphPath: MAIN })},"reply":${await model.view.text}}`);
      else if (model) void zippedOf(model.view);
      return `[${parts.join(',')}]`;
    })();
    return { first: withDeadline(first), replies: withDeadline(work) };
  }

  /**
   * The page, with the boot replies embedded where the built page asks for them (BOOT_MARKER): the
   * page needs no round trip before it can lay out the graph. The part before the marker (which loads
   * the scripts) is sent at once, so the scripts load while the engine prepares the replies; for a
   * large first graph, which is not embedded, the head names its document (FIRST_VIEW_MARKER) so that
   * the page's first script asks for it at once. A build without the markers (an older renderer) is
   * served as a plain file.
   */
  async function servePage(res: ServerResponse): Promise<boolean> {
    const html = await fs.readFile(path.join(rendererDir, 'index.html'), 'utf8').catch(() => undefined);
    const at = html?.indexOf(BOOT_MARKER) ?? -1;
    if (html === undefined || at < 0) return false;
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' });
    const boot = await bootReplies();
    let head = html.slice(0, at);
    const first = head.includes(FIRST_VIEW_MARKER) ? await boot.first : undefined;
    const named = first && !first.embedded ? `<meta name="onnx-studio-first-view" content="${first.docId.replace(/[^\w-]/g, '')}" />` : '';
    head = head.replace(FIRST_VIEW_MARKER, named);
    res.write(head);
    const replies = await boot.replies;
    // '<' is escaped so that no text in the data (a node named '</script>') can end the element.
    const data = replies === undefined ? '' : `<script type="application/json" id="boot-data">${replies.replace(/</g, '\\u003c')}</script>`;
    res.end(data + html.slice(at + BOOT_MARKER.length));
    return true;
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
      return callEngine(name, args, req, res);
    }
    if (req.method !== 'GET') return sendError(res, 405, 'BAD_ARGUMENT', 'Only GET is served outside /api/.');
    const target = isPage ? '/index.html' : url.pathname;
    if (isPage) res.setHeader('Set-Cookie', policy.sessionCookie());
    for (const [k, v] of Object.entries(SECURITY_HEADERS)) res.setHeader(k, v);
    if (isPage && (await servePage(res))) return;
    if (await serveStatic(rendererDir, target, res, req)) return;
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
