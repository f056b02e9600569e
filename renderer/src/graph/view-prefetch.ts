import type { EngineClient } from '../../../shared/api/client.js';
import type { GraphView } from '../../../shared/api/dto.js';
import type { GraphPath } from '../../../shared/graph/graph-path.js';

/**
 * Asks for a graph view, marking when (read by the viewer bench). The first document's graph is asked
 * for at boot, by the graph store prepared then (graph-store.ts prepareGraphStore); in browser mode
 * that first reply is already in the page (api/boot-replies.ts).
 */
export function takeGraphView(client: EngineClient, docId: string, path: GraphPath): Promise<GraphView> {
  performance.mark('graph:view-requested');
  return client.getGraphView({ docId, graphPath: path });
}
