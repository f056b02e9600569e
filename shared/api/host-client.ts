import type { Transport } from './client.js';
import type { EngineOptions } from './engine-options.js';
import type { Reply } from './errors.js';
import type { EngineEvent } from './methods.js';
import type { FromEngine, ToEngine } from './host-protocol.js';

/** The caller's side of the engine-host protocol, over any message channel. */
export class HostClient implements Transport {
  private nextId = 1;
  private readonly pending = new Map<number, (reply: Reply<unknown>) => void>();
  private readonly pendingJson = new Map<number, (json: string) => void>();
  private readonly listeners = new Set<(e: EngineEvent) => void>();
  readonly ready: Promise<void>;
  private markReady!: () => void;

  constructor(
    private readonly send: (message: ToEngine) => void,
    options: EngineOptions,
  ) {
    this.ready = new Promise((resolve) => (this.markReady = resolve));
    this.send({ type: 'init', options });
  }

  /** Feed every message the engine sends here. */
  receive(message: FromEngine): void {
    if (message.type === 'ready') this.markReady();
    else if (message.type === 'reply') {
      const resolve = this.pending.get(message.id);
      this.pending.delete(message.id);
      resolve?.(message.reply);
    } else if (message.type === 'reply-json') {
      const resolve = this.pendingJson.get(message.id);
      this.pendingJson.delete(message.id);
      resolve?.(message.json);
    } else if (message.type === 'event') for (const l of this.listeners) l(message.event);
  }

  /** The engine went away: fail everything still waiting, with a message the user can act on. */
  fail(reason: string): void {
    for (const resolve of this.pending.values()) {
      resolve({ ok: false, error: { code: 'INTERNAL', message: `The engine stopped (${reason}); restart ONNX Studio.` } });
    }
    this.pending.clear();
    for (const resolve of this.pendingJson.values()) {
      resolve(JSON.stringify({ ok: false, error: { code: 'INTERNAL', message: `The engine stopped (${reason}); restart ONNX Studio.` } } satisfies Reply<never>));
    }
    this.pendingJson.clear();
  }

  /** `remote`: the call comes from outside this machine's trust (browser mode), so the engine applies the remote rule. */
  request(method: string, args: unknown, remote = false): Promise<Reply<unknown>> {
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.pending.set(id, resolve);
      this.send({ type: 'request', id, method, args, ...(remote ? { remote: true } : {}) });
    });
  }

  /** As request, with the reply as the engine's JSON text: for a caller that only sends it on. */
  requestJson(method: string, args: unknown, remote = false): Promise<string> {
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.pendingJson.set(id, resolve);
      this.send({ type: 'request', id, method, args, json: true, ...(remote ? { remote: true } : {}) });
    });
  }

  subscribe(listener: (e: EngineEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
