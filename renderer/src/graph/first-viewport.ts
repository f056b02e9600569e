import type { Direction } from './layout-protocol.js';

export interface PlacedBox {
  id: string;
  /** Absolute position on the canvas (flow coordinates). */
  x: number;
  y: number;
  width: number;
  height: number;
}

/** Below this zoom node titles are hard to read; a graph that only fits smaller opens at its start instead. */
export const READABLE_ZOOM = 0.5;
/** The zoom a graph too big to fit opens at. */
export const START_ZOOM = 0.9;
const MARGIN = 40;

/**
 * Where a newly opened graph is shown: all of it when it fits at a readable zoom, else its start at
 * START_ZOOM. The start is the first graph input (else the node earliest along the flow), placed at
 * the top centre (vertical layout) or the left middle (horizontal). Not the middle of the bounding
 * box: a graph that drifts sideways as it goes down has nothing there, which left the canvas empty.
 */
export function firstViewport(
  boxes: readonly PlacedBox[],
  inputIds: readonly string[],
  canvas: { width: number; height: number },
  direction: Direction,
): { fit: true } | { fit: false; x: number; y: number; zoom: number } | undefined {
  if (boxes.length === 0 || canvas.width === 0 || canvas.height === 0) return undefined;
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  for (const b of boxes) {
    minX = Math.min(minX, b.x);
    minY = Math.min(minY, b.y);
    maxX = Math.max(maxX, b.x + b.width);
    maxY = Math.max(maxY, b.y + b.height);
  }
  const fitZoom = Math.min(canvas.width / (maxX - minX + 2 * MARGIN), canvas.height / (maxY - minY + 2 * MARGIN));
  if (fitZoom >= READABLE_ZOOM) return { fit: true };
  const tb = direction === 'TB';
  const byId = new Map(boxes.map((b) => [b.id, b]));
  const anchor =
    inputIds.map((id) => byId.get(id)).find((b) => b !== undefined) ??
    boxes.reduce((best, b) => ((tb ? b.y - best.y || b.x - best.x : b.x - best.x || b.y - best.y) < 0 ? b : best));
  const zoom = START_ZOOM;
  return tb
    ? { fit: false, zoom, x: canvas.width / 2 - (anchor.x + anchor.width / 2) * zoom, y: MARGIN - anchor.y * zoom }
    : { fit: false, zoom, x: MARGIN - anchor.x * zoom, y: canvas.height / 2 - (anchor.y + anchor.height / 2) * zoom };
}
