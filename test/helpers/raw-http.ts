import { request } from 'node:http';
import type { Readable } from 'node:stream';

export interface RawReply {
  status: number;
  body: string;
  headers: Record<string, unknown>;
}

/** A raw request, so tests can send headers fetch would refuse to forge and bodies of any form (a stream is sent chunked). */
export function rawRequest(port: number, opts: { method?: string; path: string; headers?: Record<string, string>; body?: Buffer | string | Readable }): Promise<RawReply> {
  return new Promise<RawReply>((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method: opts.method ?? 'GET', path: opts.path, headers: opts.headers }, (res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
    });
    req.on('error', reject);
    if (opts.body && typeof opts.body === 'object' && 'pipe' in opts.body) opts.body.pipe(req);
    else req.end(opts.body);
  });
}
