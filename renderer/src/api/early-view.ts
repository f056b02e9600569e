import type { Reply } from '../../../shared/api/errors.js';
import { MAIN } from '../../../shared/graph/graph-path.js';

/**
 * Browser mode, a model too large for its graph to be embedded in the page: the server names the
 * document in the page's head (<meta name="onnx-studio-first-view">) and the page's first script
 * asks for the graph at once, while the app's own script is still loading. The transport hands that
 * reply to the app's first request for the same graph.
 */
let early: { docId: string; reply: Promise<Reply<unknown>> } | undefined;

export function requestEarlyView(): void {
  const docId = document.querySelector<HTMLMetaElement>('meta[name="onnx-studio-first-view"]')?.content;
  if (!docId || early) return;
  const reply = fetch('/api/getGraphView', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ docId, graphPath: MAIN }),
    credentials: 'same-origin',
  }).then((res) => res.json() as Promise<Reply<unknown>>);
  // A failure goes to whoever takes the reply (the transport then asks again); until then it is not unhandled.
  reply.catch(() => undefined);
  early = { docId, reply };
}

/** The early reply if `args` ask for that graph (once), else undefined. */
export function takeEarlyView(method: string, args: unknown): Promise<Reply<unknown>> | undefined {
  const asked = args as { docId?: unknown; graphPath?: unknown } | null;
  if (!early || method !== 'getGraphView' || typeof asked !== 'object' || asked === null || asked.docId !== early.docId || asked.graphPath !== MAIN) return undefined;
  const { reply } = early;
  early = undefined;
  return reply;
}
