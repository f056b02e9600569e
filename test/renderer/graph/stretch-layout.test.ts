import { describe, expect, it } from 'vitest';
import { stretchLayout } from '../../../renderer/src/graph/stretch-layout.js';

describe('stretch layout', () => {
  const boxes = {
    a: { x: 50, y: 0, width: 100, height: 40 },
    b: { x: 0, y: 80, width: 100, height: 40 },
    c: { x: 130, y: 80, width: 100, height: 40 },
    d: { x: 50, y: 160, width: 100, height: 40 },
  };

  it('moves later ranks by the growth and same-rank neighbours aside, without overlaps', () => {
    const out = stretchLayout(boxes, { b: { width: 300, height: 240 } }, 'TB');
    expect(out.b!.height).toBe(240);
    expect(out.d!.y - out.b!.y).toBe(80 + 200);
    expect(out.a!.y).toBe(0);
    const overlap = (p: { x: number; width: number }, q: { x: number; width: number }) => p.x < q.x + q.width && q.x < p.x + p.width;
    expect(overlap(out.b!, out.c!)).toBe(false);
    for (const b of Object.values(out)) expect(Math.min(b.x, b.y)).toBeGreaterThanOrEqual(0);
  });

  it('works along the horizontal direction too', () => {
    const lr = { a: { x: 0, y: 0, width: 40, height: 100 }, b: { x: 80, y: 0, width: 40, height: 100 } };
    const out = stretchLayout(lr, { a: { width: 140, height: 100 } }, 'LR');
    expect(out.b!.x).toBe(180);
  });
});
