import { describe, expect, it } from 'vitest';
import { firstViewport, READABLE_ZOOM, type PlacedBox } from '../../../renderer/src/graph/first-viewport.js';

const canvas = { width: 1000, height: 800 };
/** A chain that drifts sideways as it goes down, as dagre lays out nodes with side inputs. */
const staircase = (n: number): PlacedBox[] => Array.from({ length: n }, (_, i) => ({ id: `n:${i}`, x: 60 * i, y: 80 * i, width: 100, height: 40 }));

function onScreen(box: PlacedBox, v: { x: number; y: number; zoom: number }): boolean {
  const left = box.x * v.zoom + v.x;
  const top = box.y * v.zoom + v.y;
  return left + box.width * v.zoom > 0 && left < canvas.width && top + box.height * v.zoom > 0 && top < canvas.height;
}

describe('first viewport', () => {
  it('fits a graph that is readable whole', () => {
    expect(firstViewport(staircase(5), [], canvas, 'TB')).toEqual({ fit: true });
  });

  it('opens a long drifting graph at its first input, readable, not at the empty middle of its bounds', () => {
    const boxes = [{ id: 'i:x', x: -40, y: -80, width: 100, height: 40 }, ...staircase(200)];
    const v = firstViewport(boxes, ['i:x'], canvas, 'TB');
    if (!v || v.fit) throw new Error('expected a start viewport');
    expect(v.zoom).toBeGreaterThanOrEqual(READABLE_ZOOM);
    expect(onScreen(boxes[0]!, v)).toBe(true);
    expect(boxes.filter((b) => onScreen(b, v)).length).toBeGreaterThan(3);
  });

  it('starts at the earliest node along the flow when there is no input, in either direction', () => {
    const down = staircase(200).reverse();
    const tb = firstViewport(down, [], canvas, 'TB');
    if (!tb || tb.fit) throw new Error('expected a start viewport');
    expect(onScreen(down.at(-1)!, tb)).toBe(true);
    const across = staircase(200).map((b) => ({ ...b, x: b.y, y: b.x }));
    const lr = firstViewport(across, [], canvas, 'LR');
    if (!lr || lr.fit) throw new Error('expected a start viewport');
    expect(onScreen(across[0]!, lr)).toBe(true);
  });

  it('places nothing before anything is laid out', () => {
    expect(firstViewport([], [], canvas, 'TB')).toBeUndefined();
  });
});
