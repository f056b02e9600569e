import { readFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { METHOD_ARGS, type MethodName } from '../../../shared/api/methods.js';
import { seededRandom } from '../../../shared/model/seeded-random.js';
import { startServer, type RunningServer } from '../../../electron/server/server.js';
import { DIGITS } from '../../helpers/paths.js';

/**
 * Every call is made and answered: a fixed number per method, never cut by a clock, so a loaded machine
 * only makes the test slower (about 2,700 calls, some 10 s on two quiet cores).
 */
const PER_METHOD = 70;
const CONCURRENCY = 4;

type Rng = () => number;
const pick = <T>(rng: Rng, xs: readonly T[]): T => xs[Math.floor(rng() * xs.length)]!;

function nested(depth: number, leaf: unknown, asArray: boolean): unknown {
  let v = leaf;
  for (let i = 0; i < depth; i++) v = asArray ? [v] : { a: v };
  return v;
}

/**
 * Hostile values, as JSON text so that what JSON.stringify cannot say (Infinity, -0, 1e309) is sent
 * too. None of them is valid where the contract wants an id of something open.
 */
function hostileValues(closed: { docId: string; blobId: string }): (() => string)[] {
  const j = (v: unknown) => () => JSON.stringify(v);
  const traversal = ['../../../../etc/passwd', '..\\..\\..\\windows\\win.ini', '/etc/passwd', '%2e%2e%2f%2e%2e%2fetc', 'file:///etc/passwd', 'C:\\Windows\\System32', 'main/../../..', '\u0000', '~/.ssh/id_rsa'];
  return [
    () => '1e309',
    () => '-1e309',
    () => '-0',
    () => '1e-400',
    j(0),
    j(-1),
    j(1.5),
    j(2 ** 53 + 1),
    j(Number.MAX_VALUE),
    j(true),
    j(false),
    j(null),
    j(''),
    j([]),
    j({}),
    j([null]),
    j('A'.repeat(200_000)),
    j('\u{1F600}'.repeat(20_000)),
    j('\ud800'),
    j(new Array(50_000).fill(0)),
    j(new Array(5_000).fill('x'.repeat(20))),
    j(nested(60, 'x', true)),
    j(nested(63, { kind: 'sample', name: 'x' }, false)),
    j(nested(2_000, 1, true)),
    j(nested(2_000, 1, false)),
    ...traversal.map((t) => j(t)),
    j(closed.docId),
    j(closed.blobId),
    j({ kind: 'blob', blobId: closed.blobId }),
    j({ kind: 'blob', blobId: '../../../etc' }),
    j({ kind: 'sample', name: 'A'.repeat(300) }),
    j({ kind: 'blobs', name: 'x', files: [{ blobId: closed.blobId, path: 'a.png' }] }),
    j({ kind: 'download' }),
    j({ kind: 'nope' }),
    j({ kind: 'path', path: '/etc/passwd' }),
    () => '{"__proto__": {"polluted": true}}',
    j({ constructor: { prototype: { polluted: true } } }),
    j({ toString: 'x', valueOf: 1, hasOwnProperty: null }),
  ];
}

/** Bodies that are not one JSON object at all. */
const RAW_BODIES = ['NaN', '{"docId": NaN}', '{"runs": Infinity}', '[', '{', '"', '{"a":1}{', '\u0000', 'undefined', '{"docId": "x",}', '\ufeff{}', '[]', '123', '"text"', 'null', 'true'];

function argumentSets(method: MethodName, rng: Rng, values: (() => string)[], closed: { docId: string }): string[] {
  const keys = Object.keys((METHOD_ARGS[method] as unknown as { shape: Record<string, unknown> }).shape);
  const out: string[] = [];
  for (let i = 0; i < PER_METHOD; i++) {
    const r = rng();
    if (r < 0.1) {
      out.push(pick(rng, RAW_BODIES));
      continue;
    }
    if (r < 0.2) {
      // A hostile value as the whole body; '{}' is a valid call of the methods that take no arguments.
      const v = pick(rng, values)();
      out.push(v.trim() === '{}' ? '{"extra": {}}' : v);
      continue;
    }
    const fields: string[] = [];
    for (const k of keys) {
      if (rng() < 0.5) continue;
      // An id field sometimes names the closed document, the rest hostile values.
      const value = /Id$|Ids$/.test(k) && rng() < 0.3 ? JSON.stringify(k.endsWith('s') ? [closed.docId] : closed.docId) : pick(rng, values)();
      fields.push(`${JSON.stringify(k)}: ${value}`);
    }
    // Extra fields, and never an empty object (a valid call for the methods that take no arguments).
    if (fields.length === 0 || rng() < 0.3) fields.push(`${JSON.stringify(pick(rng, ['extra', '__proto__', 'constructor', 'kind', 'path', 'x'.repeat(5000)]))}: ${pick(rng, values)()}`);
    out.push(`{${fields.join(', ')}}`);
  }
  return out;
}

describe('API fuzzer over HTTP', () => {
  let server: RunningServer;
  const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  let headers: Record<string, string>;
  /** `reuse`: over the fuzzer's kept-alive connections; set-up calls use their own, as a server closes idle ones. */
  const post = (path: string, body: string | Buffer, reuse = false) =>
    new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port: server.port, method: 'POST', path, agent: reuse ? agent : false, headers }, (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      });
      req.on('error', reject);
      req.end(body);
    });

  beforeAll(async () => {
    server = await startServer({ port: 0 });
    headers = { 'x-onnx-studio-token': server.token, host: `127.0.0.1:${server.port}`, 'content-type': 'application/json' };
  });
  afterAll(async () => {
    agent.destroy();
    await server.close();
  });

  it('answers every hostile call to every method with {ok:false} and one sentence, and stays responsive', async () => {
    // A document that existed once: its id, and its upload, are what a stale page would send.
    const up = JSON.parse((await post('/api/upload?name=d.onnx', readFileSync(DIGITS))).body) as { value: { blobId: string } };
    const opened = JSON.parse((await post('/api/openModel', JSON.stringify({ source: { kind: 'blob', blobId: up.value.blobId } }))).body) as { value: { docId: string } };
    expect(JSON.parse((await post('/api/closeModel', JSON.stringify({ docId: opened.value.docId }))).body)).toEqual({ ok: true, value: { closed: true } });
    const closed = { docId: opened.value.docId, blobId: up.value.blobId };
    const rng = seededRandom(20261201);
    const values = hostileValues(closed);
    const sets = (Object.keys(METHOD_ARGS) as MethodName[]).map((method) => ({ method, bodies: argumentSets(method, rng, values, closed) }));
    const calls = Array.from({ length: PER_METHOD }, (_, i) => sets.map(({ method, bodies }) => ({ method, body: bodies[i]! }))).flat();

    const failures: string[] = [];
    const tried = new Map<MethodName, number>();
    const check = async ({ method, body }: { method: MethodName; body: string }) => {
      const where = `${method} ${body.slice(0, 120)} (${body.length} chars)`;
      let res: { status: number; body: string };
      try {
        res = await post(`/api/${method}`, body, true);
        tried.set(method, (tried.get(method) ?? 0) + 1);
      } catch (e) {
        failures.push(`${where}: the connection failed (${e instanceof Error ? e.message : String(e)})`);
        return;
      }
      let reply: { ok?: unknown; error?: { code?: unknown; message?: unknown } };
      try {
        reply = JSON.parse(res.body) as typeof reply;
      } catch {
        failures.push(`${where}: status ${res.status}, not JSON: ${res.body.slice(0, 200)}`);
        return;
      }
      const message = reply.error?.message;
      if (reply.ok !== false) failures.push(`${where}: answered ${res.body.slice(0, 200)}`);
      else if (res.status >= 500) failures.push(`${where}: status ${res.status}`);
      else if (typeof message !== 'string' || !/^\S[^\n]*[.]$/.test(message) || /\n\s+at /.test(message) || message.length > 600) {
        failures.push(`${where}: not one sentence: ${String(message).slice(0, 300)}`);
      } else if (typeof reply.error?.code !== 'string' || reply.error.code === 'INTERNAL') failures.push(`${where}: code ${String(reply.error?.code)}: ${message}`);
    };
    let next = 0;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < calls.length) await check(calls[next++]!);
      }),
    );
    // Every call was answered.
    for (const method of Object.keys(METHOD_ARGS) as MethodName[]) expect(tried.get(method) ?? 0, method).toBe(PER_METHOD);
    expect(failures.slice(0, 20)).toEqual([]);
    // Still serving normal calls, and nothing was opened by the storm.
    expect(JSON.parse((await post('/api/listModels', '{}')).body)).toEqual({ ok: true, value: [] });
    const info = JSON.parse((await post('/api/getAppInfo', '{}')).body) as { ok: boolean; value: { mode: string } };
    expect(info).toMatchObject({ ok: true, value: { mode: 'browser' } });
    // Prototype pollution attempts reached neither this process nor the engine.
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
