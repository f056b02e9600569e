import { existsSync, statSync } from 'node:fs';
import { chromium, type Page } from 'playwright-core';
import { startServer } from '../../electron/server/server.js';

export const BENCH_CHROMIUM = '/usr/bin/chromium';
export const BENCH_FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

export interface ViewerFigures {
  label: string;
  sizeMiB: string;
  nodes: number;
  firstScreenMs: number;
  expandMs: number[];
}

/** Milliseconds from `from` (a mark name, or navigation start) to the 'graph:painted' mark. */
async function paintedAfter(page: Page, from?: string): Promise<number> {
  await page.waitForFunction(() => performance.getEntriesByName('graph:painted').length > 0, undefined, { timeout: 60_000 });
  return page.evaluate((name) => {
    const start = name ? performance.getEntriesByName(name)[0]!.startTime : 0;
    return performance.getEntriesByName('graph:painted')[0]!.startTime - start;
  }, from);
}

/**
 * Time to first screen (navigation start until the frame showing the laid-out graph) and time to
 * expand groups (click until the frame showing the expanded layout), in headless Chromium.
 */
export async function measureViewer(label: string, file: string, expansions = 5): Promise<ViewerFigures> {
  if (!existsSync(BENCH_CHROMIUM)) throw new Error(`${BENCH_CHROMIUM} is missing: apt-get install -y chromium`);
  const server = await startServer({ port: 0, modelPath: file });
  const browser = await chromium.launch({ executablePath: BENCH_CHROMIUM, args: BENCH_FLAGS });
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await page.goto(server.url);
    const firstScreenMs = await paintedAfter(page);
    const nodes = Number(await page.getAttribute('[data-testid="graph-canvas"]', 'data-node-count'));
    const expandMs: number[] = [];
    // Zoom out so that closed groups anywhere in the graph are on screen (only those are rendered).
    await page.getByRole('button', { name: 'Fit', exact: true }).click();
    await page.waitForTimeout(500);
    for (let i = 0; i < expansions; i++) {
      await page.waitForTimeout(300);
      await page.evaluate(() => performance.clearMarks());
      // Click the first closed group in the page itself: at fit-to-view zoom the buttons are tiny, and
      // a handle taken before the click may already be gone after the previous expand.
      const clicked = await page.evaluate(() => {
        const target = document.querySelector('.react-flow__node [aria-label^="Expand"]');
        target?.dispatchEvent(new MouseEvent('click', { bubbles: true }));
        return target !== null;
      });
      if (!clicked) break;
      expandMs.push(await paintedAfter(page, 'graph:toggle'));
    }
    return { label, sizeMiB: (statSync(file).size / 2 ** 20).toFixed(1), nodes, firstScreenMs, expandMs };
  } finally {
    await browser.close();
    await server.close();
  }
}

/**
 * First screen `runs` times over, each in a fresh page of one browser against one server (so the
 * engine's start-up is paid once, as for a user who opens the app once): navigation start until the
 * frame showing the laid-out graph, with the page's marks of the last run for the phases.
 * `rendererDir` serves another build of the renderer (an older commit's, for a before/after).
 */
export async function measureFirstScreens(file: string, runs: number, rendererDir?: string): Promise<{ ms: number[]; marks: string }> {
  if (!existsSync(BENCH_CHROMIUM)) throw new Error(`${BENCH_CHROMIUM} is missing: apt-get install -y chromium`);
  const server = await startServer({ port: 0, modelPath: file, ...(rendererDir ? { rendererDir } : {}) });
  const browser = await chromium.launch({ executablePath: BENCH_CHROMIUM, args: BENCH_FLAGS });
  const ms: number[] = [];
  let marks = '';
  try {
    for (let i = 0; i < runs; i++) {
      const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
      await page.goto(server.url);
      ms.push(await paintedAfter(page));
      // The inferred shapes follow the first screen; the next run must not queue behind them in the engine.
      await page.waitForFunction(() => !/pending/.test(document.querySelector('[data-testid="graph-canvas"]')?.getAttribute('data-shapes') ?? ''), undefined, { timeout: 120_000 });
      marks = await page.evaluate(() => performance.getEntriesByType('mark').map((m) => `${m.name}=${m.startTime.toFixed(0)}`).join(' '));
      await page.close();
    }
    return { ms, marks };
  } finally {
    await browser.close();
    await server.close();
  }
}

/**
 * Time from typing new input dims in the Analysis panel until the frame showing the new figures
 * (re-inference and re-costing in the engine included), over `changes` edits.
 */
export async function measureAnalysisUpdate(file: string, input: string, dims: string[]): Promise<number[]> {
  const server = await startServer({ port: 0, modelPath: file });
  const browser = await chromium.launch({ executablePath: BENCH_CHROMIUM, args: BENCH_FLAGS });
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await page.goto(server.url);
    await paintedAfter(page);
    await page.getByRole('button', { name: 'Analysis', exact: true }).click();
    await page.locator('section[aria-label="Analysis"][data-status="ready"]').waitFor();
    const out: number[] = [];
    for (const text of dims) {
      await page.waitForTimeout(300);
      await page.evaluate(() => performance.clearMarks());
      await page.getByRole('textbox', { name: `Dims of ${input}`, exact: true }).fill(text);
      await page.waitForFunction(() => performance.getEntriesByName('analysis:painted').length > 0, undefined, { timeout: 30_000 });
      out.push(await page.evaluate(() => performance.getEntriesByName('analysis:painted')[0]!.startTime - performance.getEntriesByName('analysis:input').at(-1)!.startTime));
      if (process.env.PHASES) console.log(await page.evaluate(() => { const t0 = performance.getEntriesByName('analysis:input').at(-1)!.startTime; return performance.getEntriesByType('mark').map((m) => `${m.name}=+${(m.startTime - t0).toFixed(0)}`).join(' '); }));
    }
    return out;
  } finally {
    await browser.close();
    await server.close();
  }
}
