export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

/**
 * Adjusts a laid-out container whose children only changed size (a group inside it opened or
 * closed): each grown item keeps its place, everything after it along the layout direction moves by
 * the growth, and items beside it in the same rank move aside. Linear time, and nothing jumps, so
 * the user keeps their bearings; dagre runs again only when the structure changes.
 */
export function stretchLayout(
  previous: Record<string, Box>,
  sizes: Record<string, { width: number; height: number }>,
  direction: 'TB' | 'LR',
): Record<string, Box> {
  // Work in "main axis" (along the flow) and "cross axis" coordinates so one code path serves both.
  const tb = direction === 'TB';
  const main = (b: Box) => (tb ? b.y : b.x);
  const mainSize = (b: { width: number; height: number }) => (tb ? b.height : b.width);
  const cross = (b: Box) => (tb ? b.x : b.y);
  const crossSize = (b: { width: number; height: number }) => (tb ? b.width : b.height);
  const ids = Object.keys(previous);
  const out: Record<string, Box> = {};
  const shiftMain = new Map<string, number>();
  const shiftCross = new Map<string, number>();
  for (const id of ids) {
    shiftMain.set(id, 0);
    shiftCross.set(id, 0);
  }
  for (const id of ids) {
    const old = previous[id]!;
    const now = sizes[id] ?? old;
    const dMain = mainSize(now) - mainSize(old);
    const dCross = crossSize(now) - crossSize(old);
    if (dMain === 0 && dCross === 0) continue;
    const center = main(old) + mainSize(old) / 2;
    const crossCenter = cross(old) + crossSize(old) / 2;
    shiftCross.set(id, shiftCross.get(id)! - dCross / 2);
    for (const other of ids) {
      if (other === id) continue;
      const o = previous[other]!;
      const oCenter = main(o) + mainSize(o) / 2;
      if (oCenter > center + 0.5) shiftMain.set(other, shiftMain.get(other)! + dMain);
      else if (Math.abs(oCenter - center) <= 0.5) {
        const side = cross(o) + crossSize(o) / 2 < crossCenter ? -1 : 1;
        shiftCross.set(other, shiftCross.get(other)! + (side * dCross) / 2);
      }
    }
  }
  let minMain = Infinity;
  let minCross = Infinity;
  for (const id of ids) {
    const old = previous[id]!;
    const size = sizes[id] ?? old;
    const m = main(old) + shiftMain.get(id)!;
    const c = cross(old) + shiftCross.get(id)!;
    minMain = Math.min(minMain, m);
    minCross = Math.min(minCross, c);
    out[id] = tb ? { x: c, y: m, width: size.width, height: size.height } : { x: m, y: c, width: size.width, height: size.height };
  }
  // Keep the container's content origin at (0, 0).
  for (const b of Object.values(out)) {
    if (tb) {
      b.x -= minCross;
      b.y -= minMain;
    } else {
      b.x -= minMain;
      b.y -= minCross;
    }
  }
  return out;
}
