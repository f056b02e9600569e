import type { Transport } from '../../../shared/api/client.js';
import type { Reply } from '../../../shared/api/errors.js';
import type { EngineEvent } from '../../../shared/api/methods.js';
import { BootReplies } from './boot-replies.js';
import { takeEarlyView } from './early-view.js';
import type { Host } from './host.js';

const UNREACHABLE = 'Cannot reach the ONNX Studio server; is `onnx-studio serve` still running?';
const NETWORK_ERROR: Reply<never> = { ok: false, error: { code: 'IO_ERROR', message: UNREACHABLE } };

/**
 * Browser mode: the engine API over HTTP (POST /api/<method>) and a WebSocket for events. The launch
 * token arrives in the first URL and is then carried by an HttpOnly cookie the server sets.
 */
export function httpHost(): Host {
  // Drop the token from the address bar so it is not copied around; the cookie carries it now.
  if (location.search.includes('token=')) history.replaceState(null, '', location.pathname);
  const listeners = new Set<(e: EngineEvent) => void>();
  let retry = 500;
  const connect = () => {
    const ws = new WebSocket(`${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/api/events`);
    ws.onmessage = (m) => {
      const event = JSON.parse(String(m.data)) as EngineEvent;
      for (const l of listeners) l(event);
    };
    ws.onopen = () => (retry = 500);
    ws.onclose = () => {
      setTimeout(connect, (retry = Math.min(retry * 2, 10_000)));
    };
  };
  connect();
  const boot = BootReplies.fromPage();

  const transport: Transport = {
    async request(method, args) {
      const embedded = boot.take(method, args ?? {});
      if (embedded) return embedded;
      const early = takeEarlyView(method, args);
      if (early) {
        const reply = await early.catch(() => undefined);
        if (reply) return reply;
      }
      try {
        const res = await fetch(`/api/${method}`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify(args ?? {}),
          credentials: 'same-origin',
        });
        return (await res.json()) as Reply<unknown>;
      } catch {
        return NETWORK_ERROR;
      }
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };

  return {
    kind: 'browser',
    transport,
    upload: (file, onProgress) =>
      new Promise((resolve, reject) => {
        // XMLHttpRequest, not fetch: it reports upload progress.
        const xhr = new XMLHttpRequest();
        xhr.open('POST', `/api/upload?name=${encodeURIComponent(file.name)}`);
        xhr.upload.onprogress = (e) => onProgress?.(e.loaded, e.total);
        xhr.onerror = () => reject(new Error(UNREACHABLE));
        xhr.onload = () => {
          const reply = JSON.parse(xhr.responseText) as Reply<{ blobId: string }>;
          if (reply.ok) resolve(reply.value.blobId);
          else reject(new Error(reply.error.message));
        };
        xhr.send(file);
      }),
    downloadUrl: (id) => `/api/download/${encodeURIComponent(id)}`,
  };
}
