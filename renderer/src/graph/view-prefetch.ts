import type { EngineClient } from '../../../shared/api/client.js';
import type { GraphView } from '../../../shared/api/dto.js';
import { MAIN, type GraphPath } from '../../../shared/graph/graph-path.js';

/**
 * Graph views asked for at boot, as soon as the open documents are known, so that the request does
 * not wait for the rest of the boot and for the workspace to mount. Each is taken once.
 */
const prefetched = new Map<string, Promise<GraphView>>();

const key = (docId: string, path: GraphPath) => `${docId}\n${path}`;

export function prefetchGraphView(client: EngineClient, docId: string, path: GraphPath = MAIN): void {
  if (prefetched.has(key(docId, path))) return;
  performance.mark('graph:view-requested');
  const request = client.getGraphView({ docId, graphPath: path });
  // A failure is reported to whoever takes the view; until then it must not count as unhandled.
  request.catch(() => undefined);
  prefetched.set(key(docId, path), request);
}

/** The view prefetched for this document and graph, or a new request when there is none. */
export function takeGraphView(client: EngineClient, docId: string, path: GraphPath): Promise<GraphView> {
  const request = prefetched.get(key(docId, path));
  if (request) {
    prefetched.delete(key(docId, path));
    return request;
  }
  performance.mark('graph:view-requested');
  return client.getGraphView({ docId, graphPath: path });
}
