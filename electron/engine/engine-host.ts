/**
 * Entry point of an engine that runs off the caller's thread: a worker thread (browser-mode server)
 * or an Electron utilityProcess (desktop). ONNX Runtime's run() blocks its thread, so the engine
 * never shares one with a UI or an HTTP event loop. This file never imports 'electron'.
 */
import { parentPort } from 'node:worker_threads';
import { Engine } from './engine.js';
import { dispatchCall, dispatchCallJson } from './engine-dispatch.js';
import type { FromEngine, ToEngine } from '../../shared/api/host-protocol.js';

interface Port {
  post(message: FromEngine): void;
  onMessage(handler: (message: ToEngine) => void): void;
}

/** Electron's utilityProcess exposes process.parentPort, whose messages arrive wrapped in {data}. */
interface UtilityParentPort {
  postMessage(message: unknown): void;
  on(event: 'message', listener: (e: { data: unknown }) => void): void;
}

function connect(): Port {
  if (parentPort) {
    const port = parentPort;
    return { post: (m) => port.postMessage(m), onMessage: (h) => port.on('message', (m: ToEngine) => h(m)) };
  }
  const utility = (process as unknown as { parentPort?: UtilityParentPort }).parentPort;
  if (utility) {
    return { post: (m) => utility.postMessage(m), onMessage: (h) => utility.on('message', (e) => h(e.data as ToEngine)) };
  }
  throw new Error('engine-host must run in a worker thread or an Electron utility process');
}

const port = connect();
let engine: Engine | undefined;

port.onMessage((message) => {
  if (message.type === 'init') {
    engine = new Engine(message.options);
    engine.subscribe((event) => port.post({ type: 'event', event }));
    port.post({ type: 'ready' });
    return;
  }
  if (message.type === 'request') {
    if (!engine) {
      const reply = { ok: false, error: { code: 'INTERNAL', message: 'The engine is not initialized yet.' } } as const;
      port.post(message.json ? { type: 'reply-json', id: message.id, json: JSON.stringify(reply) } : { type: 'reply', id: message.id, reply });
      return;
    }
    const context = { remote: message.remote === true };
    if (message.json) void dispatchCallJson(engine, message.method, message.args, context).then((json) => port.post({ type: 'reply-json', id: message.id, json }));
    else void dispatchCall(engine, message.method, message.args, context).then((reply) => port.post({ type: 'reply', id: message.id, reply }));
  }
});
