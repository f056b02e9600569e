import WebSocket from 'ws';
import type { Transport } from '../../shared/api/client.js';
import type { Reply } from '../../shared/api/errors.js';
import type { EngineEvent } from '../../shared/api/methods.js';

/** A Node client of the browser-mode server, for tests: the token as a header, events over ws. */
export async function httpTransport(baseUrl: string, token: string): Promise<Transport & { close(): void }> {
  const listeners = new Set<(e: EngineEvent) => void>();
  const ws = new WebSocket(`${baseUrl.replace('http', 'ws')}/api/events`, { headers: { 'x-onnx-studio-token': token } });
  ws.on('message', (data) => {
    const event = JSON.parse(String(data)) as EngineEvent;
    for (const l of listeners) l(event);
  });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  return {
    async request(method, args) {
      const res = await fetch(`${baseUrl}/api/${method}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-onnx-studio-token': token },
        body: JSON.stringify(args ?? {}),
      });
      return (await res.json()) as Reply<unknown>;
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    close: () => ws.close(),
  };
}
