import { createReadStream, promises as fs } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml; charset=utf-8',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
};

/** Text files this large go gzipped: the page's script is half a megabyte, and fewer bytes load sooner even on loopback. */
const GZIP_MIN_BYTES = 1024;
const GZIPPED_TYPES = new Set(['.html', '.js', '.css', '.json', '.svg']);

const compress = promisify(gzip);

/** Whether the client takes gzip-encoded replies. */
export function acceptsGzip(req: IncomingMessage): boolean {
  return /\bgzip\b/i.test(String(req.headers['accept-encoding'] ?? ''));
}

/** A text in gzip at a level that costs little time (a graph view of megabytes in tens of milliseconds). */
export function gzipText(text: string | Buffer, level = 3): Promise<Buffer> {
  return compress(text, { level });
}

/** Compressed copies of the built files, made once per file version (the build is fixed while the server runs). */
const gzipped = new Map<string, { mtimeMs: number; size: number; body: Promise<Buffer> }>();

function gzippedFile(file: string, stat: { mtimeMs: number; size: number }): Promise<Buffer> {
  const known = gzipped.get(file);
  if (known && known.mtimeMs === stat.mtimeMs && known.size === stat.size) return known.body;
  const body = fs.readFile(file).then((bytes) => gzipText(bytes, 6));
  gzipped.set(file, { mtimeMs: stat.mtimeMs, size: stat.size, body });
  body.catch(() => gzipped.delete(file));
  return body;
}

/** Serves a file from the built renderer only; anything resolving outside that folder is refused. */
export async function serveStatic(root: string, urlPath: string, res: ServerResponse, req?: IncomingMessage): Promise<boolean> {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return false;
  }
  const file = path.resolve(root, '.' + path.posix.normalize('/' + decoded));
  if (!file.startsWith(root + path.sep)) return false;
  const stat = await fs.stat(file).catch(() => null);
  if (!stat?.isFile()) return false;
  const type = TYPES[path.extname(file)] ?? 'application/octet-stream';
  if (req && acceptsGzip(req) && stat.size >= GZIP_MIN_BYTES && GZIPPED_TYPES.has(path.extname(file))) {
    const body = await gzippedFile(file, stat).catch(() => undefined);
    if (body) {
      res.writeHead(200, { 'Content-Type': type, 'Content-Encoding': 'gzip', Vary: 'Accept-Encoding', 'Content-Length': body.length, 'Cache-Control': 'no-cache' });
      res.end(body);
      return true;
    }
  }
  res.writeHead(200, {
    'Content-Type': type,
    'Content-Length': stat.size,
    'Cache-Control': 'no-cache',
  });
  createReadStream(file).pipe(res);
  return true;
}
