import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { openModelFile, screenshotPath, withStudio } from '../helpers/browser.js';
import { fixture } from '../helpers/paths.js';
import { runPython } from '../helpers/python.js';

const canvas = '[data-testid="graph-canvas"]';
// A torch 1.13 export of torchvision's MobileNetV2 (generate-mobilenet-v2-tiny.py): Clip bounds as
// Constant nodes and shared weights as Identity nodes of initializers, as in the full-size model.
const MOBILENET = fixture('mobilenet-v2-tiny.onnx');

/** The zoom of the canvas and the graph nodes drawn at least partly inside it, read from the page. */
async function firstScreen(page: Page): Promise<{ zoom: number; inside: { name: string; opType: string }[] }> {
  await page.waitForSelector(`${canvas}[data-viewport="placed"]`);
  return page.evaluate((sel) => {
    const root = document.querySelector(sel)!.getBoundingClientRect();
    const transform = (document.querySelector(`${sel} .react-flow__viewport`) as HTMLElement).style.transform;
    const zoom = Number(/scale\(([\d.]+)\)/.exec(transform)?.[1] ?? 'NaN');
    const inside = Array.from(document.querySelectorAll(`${sel} .react-flow__node [data-op-type]`))
      .filter((el) => {
        const r = el.getBoundingClientRect();
        return r.width > 0 && r.right > root.left && r.left < root.right && r.bottom > root.top && r.top < root.bottom;
      })
      .map((el) => ({ name: el.getAttribute('data-node-name') ?? '', opType: el.getAttribute('data-op-type') ?? '' }));
    return { zoom, inside };
  }, canvas);
}

describe('viewer first screen (Chromium)', () => {
  const studio = withStudio();
  let page: Page;
  beforeAll(() => {
    page = studio.page;
  });

  it('opens a torch MobileNetV2 export on its first layers at a readable zoom, weights folded into their nodes', async () => {
    await openModelFile(page, MOBILENET);
    const counts = JSON.parse(runPython('import collections, json, onnx, sys\nm = onnx.load(sys.argv[1])\nprint(json.dumps({"nodes": len(m.graph.node), **collections.Counter(n.op_type for n in m.graph.node)}))', [MOBILENET])) as Record<string, number>;
    // The fixture has the pattern that emptied the canvas: weight Identity nodes and Constant Clip bounds.
    expect(counts.Identity).toBeGreaterThan(20);
    expect(counts.Constant).toBeGreaterThan(20);
    expect(Number(await page.getAttribute(`${canvas}[data-node-count]`, 'data-node-count'))).toBe(counts.nodes);

    const { zoom, inside } = await firstScreen(page);
    await page.screenshot({ path: screenshotPath('viewer-first-screen-mobilenet') });
    expect(zoom).toBeGreaterThanOrEqual(0.5);
    expect(inside.some((n) => n.opType === 'Input' && n.name === 'input')).toBe(true);
    expect(inside.filter((n) => n.opType === 'Conv').length).toBeGreaterThanOrEqual(2);
    // Weight-only nodes are rows of their consumers, as initializers are.
    expect(inside.filter((n) => n.opType === 'Identity' || n.opType === 'Constant')).toEqual([]);
    const clip = page.locator('.react-flow__node').filter({ has: page.locator('[data-op-type="Clip"]') }).first();
    expect(await clip.textContent()).toMatch(/min.*max/s);
  });

  it('shows every weight Identity and Constant as a node with "Weights as nodes", and the start again without', async () => {
    const counts = JSON.parse(runPython('import collections, json, onnx, sys\nprint(json.dumps(collections.Counter(n.op_type for n in onnx.load(sys.argv[1]).graph.node)))', [MOBILENET])) as Record<string, number>;
    const drawn = (opType: string) => page.locator(`.react-flow__node [data-op-type="${opType}"]`).count();
    await page.getByLabel('Weights as nodes').check();
    // The first Conv's weights appear beside it once the new layout is drawn, and the rebuilt layout
    // is placed at its start before Fit (else the placement would undo the Fit).
    await page.locator('.react-flow__node [data-op-type="Initializer"]').first().waitFor();
    await page.waitForSelector(`${canvas}[data-status="ready"][data-viewport="placed"]`);
    // Fit puts the whole graph on screen, so every node is drawn (only what is on screen is rendered).
    await page.getByRole('button', { name: 'Fit', exact: true }).click();
    await expect.poll(() => drawn('Identity'), { timeout: 30_000 }).toBe(counts.Identity);
    expect(await drawn('Constant')).toBe(counts.Constant);
    await page.getByLabel('Weights as nodes').uncheck();
    await expect.poll(() => drawn('Identity'), { timeout: 30_000 }).toBe(0);
    expect(await drawn('Constant')).toBe(0);
    // The rebuilt layout is shown from its start again, not from where the old one was.
    const { zoom, inside } = await firstScreen(page);
    expect(zoom).toBeGreaterThanOrEqual(0.5);
    expect(inside.some((n) => n.opType === 'Input' && n.name === 'input')).toBe(true);
  });
});
