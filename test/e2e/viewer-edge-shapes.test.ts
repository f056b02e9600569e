import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { openModelFile, screenshotPath, withStudio } from '../helpers/browser.js';
import { DIGITS, fixture } from '../helpers/paths.js';
import { runPython } from '../helpers/python.js';
import { pythonNodeOutputShapes, type PythonDim } from '../helpers/python-edge-shapes.js';

const canvas = '[data-testid="graph-canvas"]';

/** Every edge drawn: the value it carries and the shape on it (all are drawn once the graph is fitted). */
async function drawnEdges(page: Page): Promise<{ value: string; shape: string }[]> {
  return page.evaluate((sel) => Array.from(document.querySelectorAll(`${sel} .react-flow__edge [data-edge-value]`), (e) => ({ value: e.getAttribute('data-edge-value') ?? '', shape: e.getAttribute('data-shape') ?? '' })), canvas);
}

/** Fits the graph and waits until every edge of the view is in the page. */
async function fitAndDrawAll(page: Page): Promise<{ value: string; shape: string }[]> {
  await page.getByRole('button', { name: 'Fit', exact: true }).click();
  const total = Number(await page.getAttribute(`${canvas}[data-edge-count]`, 'data-edge-count'));
  expect(total).toBeGreaterThan(0);
  await expect.poll(async () => (await drawnEdges(page)).length).toBe(total);
  return drawnEdges(page);
}

/** Our label for python's shape, where python knows every dim (numbers or the inputs' symbols); else undefined. */
function expectedText(shape: PythonDim[] | null | undefined): string | undefined {
  if (!shape || shape.some((d) => d === null || (typeof d === 'string' && d.startsWith('unk__')))) return undefined;
  return `[${shape.join('×')}]`;
}

describe('inferred shapes on every edge (Chromium)', () => {
  const studio = withStudio();
  let page: Page;
  beforeAll(() => {
    page = studio.page;
  });

  it('labels every edge of the digits CNN with its inferred shape after the first screen is painted', async () => {
    await openModelFile(page, DIGITS);
    await page.waitForSelector(`${canvas}[data-shapes="loaded"]`);
    // The shapes were asked for only once the first screen was on screen.
    const [painted, requested] = await page.evaluate(() => [performance.getEntriesByName('graph:painted')[0]?.startTime ?? NaN, performance.getEntriesByName('graph:shapes-requested')[0]?.startTime ?? NaN]);
    expect(requested).toBeGreaterThanOrEqual(painted);

    const edges = await fitAndDrawAll(page);
    // Independently of our view code: one edge per (producer, consumer) pair of activations, plus one per graph output.
    const pairs = Number(
      runPython(
        `import onnx, sys
g = onnx.load(sys.argv[1]).graph
producer = {o: i for i, n in enumerate(g.node) for o in n.output}
inputs = {v.name for v in g.input} - {t.name for t in g.initializer}
pairs = {(producer.get(x, x), i) for i, n in enumerate(g.node) for x in n.input if x in producer or x in inputs}
print(len(pairs) + len(g.output))`,
        [DIGITS],
      ),
    );
    expect(edges).toHaveLength(pairs);
    const python = pythonNodeOutputShapes(DIGITS);
    for (const e of edges) {
      const expected = expectedText(python[e.value]) ?? (e.value === 'image' ? '[1×1×28×28]' : undefined);
      expect(e.shape, e.value).toBe(expected);
    }
    // At a readable zoom the labels show the same text.
    await page.getByRole('button', { name: 'Zoom in' }).click();
    await page.getByRole('button', { name: 'Zoom in' }).click();
    await page.locator(`${canvas} .edge-label[data-shape]`).first().waitFor();
    const labels = await page.evaluate((sel) => Array.from(document.querySelectorAll(`${sel} .edge-label[data-shape]`), (e) => [e.textContent, e.getAttribute('data-shape')]), canvas);
    for (const [text, shape] of labels) expect(text).toBe(shape);
    await page.screenshot({ path: screenshotPath('viewer-edge-shapes-digits') });
  });

  it('turns the labels off and on again from the toolbar without a new layout', async () => {
    const layouts = () => page.evaluate(() => performance.getEntriesByName('graph:layout-done').length);
    const before = await layouts();
    await page.getByLabel('Shapes', { exact: true }).uncheck();
    await page.waitForSelector(`${canvas}[data-shapes="off"]`);
    await expect.poll(async () => (await drawnEdges(page)).filter((e) => e.shape !== '').length).toBe(0);
    expect(await page.locator(`${canvas} .edge-label`).count()).toBe(0);
    await page.getByLabel('Shapes', { exact: true }).check();
    await page.waitForSelector(`${canvas}[data-shapes="loaded"]`);
    await expect.poll(async () => (await drawnEdges(page)).filter((e) => e.shape === '').length).toBe(0);
    expect(await layouts()).toBe(before);
  });

  for (const name of ['mobilenet-v2-tiny.onnx', 'transformer-encoder.onnx']) {
    it(`labels every edge of the torch export ${name}, as python-onnx infers the shapes`, async () => {
      const file = fixture(name);
      await openModelFile(page, file);
      await page.waitForSelector(`${canvas}[data-shapes="loaded"]`);
      const edges = await fitAndDrawAll(page);
      const python = pythonNodeOutputShapes(file);
      const inputs = JSON.parse(runPython('import json, onnx, sys\ng = onnx.load(sys.argv[1]).graph\nprint(json.dumps({v.name: [d.dim_value if d.HasField("dim_value") else d.dim_param for d in v.type.tensor_type.shape.dim] for v in g.input}))', [file])) as Record<string, PythonDim[]>;
      expect(edges.filter((e) => e.shape === '')).toEqual([]);
      for (const e of edges) {
        // An edge into a closed group stands for several values: its label is the first one's shape.
        const expected = expectedText(python[e.value] ?? inputs[e.value]);
        if (expected) expect(e.shape, e.value).toBe(expected);
      }
      // Symbolic dims are shown by their names.
      if (name.startsWith('transformer')) expect(edges.some((e) => e.shape.includes('batch×sequence'))).toBe(true);
      await page.screenshot({ path: screenshotPath(`viewer-edge-shapes-${name.replace('.onnx', '')}`) });
    });
  }
});
