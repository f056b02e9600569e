// The viewer column: browser mode (`onnx-studio serve MODEL`) in headless Chromium shows, on its first
// screen, at least one graph node inside the viewport at a readable zoom.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { fail, pass, timedOut, type Cell } from './cell.js';
import type { SweepContext } from './sweep-context.js';

export const CHROMIUM = '/usr/bin/chromium';
/** A node box this tall (CSS px) shows its op name in legible text. */
export const READABLE_NODE_HEIGHT = 14;

interface Screen {
  canvasNodes: number;
  onScreen: number;
  readable: number;
}

/** Starts `serve`, resolves with its URL from the first line it prints. */
function serve(ctx: SweepContext): Promise<{ url: string; stop: () => void }> {
  const child = spawn(process.execPath, [path.join(ctx.options.repoRoot, 'bin', 'onnx-studio'), 'serve', ctx.modelPath, '--no-open', '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /Listening on (\S+)/.exec(out);
      if (m) resolve({ url: m[1]!, stop: () => child.kill('SIGTERM') });
    });
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('close', (code) => reject(new Error(`serve exited with ${code}: ${err.trim().split('\n')[0] ?? ''}`)));
  });
}

export async function viewerStep(ctx: SweepContext): Promise<Cell> {
  const started = performance.now();
  let server: { url: string; stop: () => void } | undefined;
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'] });
  const pageErrors: string[] = [];
  try {
    server = await serve(ctx);
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    page.on('pageerror', (e) => pageErrors.push(e.message));
    await page.goto(server.url);
    const limit = Math.max(1, ctx.secondsLeft()) * 1000;
    try {
      // Layout done: the canvas states its node count; then the first screen's nodes are in the DOM.
      await page.waitForSelector('[data-testid="graph-canvas"][data-node-count]', { timeout: limit });
    } catch {
      return pageErrors.length ? fail(`page error before layout finished: ${pageErrors[0]!.slice(0, 160)}`) : timedOut('the graph did not finish layout within the model time limit');
    }
    const seconds = (performance.now() - started) / 1000;
    const screen: Screen = await page.evaluate((minHeight) => {
      const canvas = document.querySelector('[data-testid="graph-canvas"]')!;
      const box = canvas.getBoundingClientRect();
      let onScreen = 0;
      let readable = 0;
      for (const el of Array.from(document.querySelectorAll('[data-node-name]'))) {
        const r = el.getBoundingClientRect();
        const inside = r.right > box.left && r.left < box.right && r.bottom > box.top && r.top < box.bottom && r.width > 0;
        if (!inside) continue;
        onScreen++;
        if (r.height >= minHeight) readable++;
      }
      return { canvasNodes: Number(canvas.getAttribute('data-node-count')), onScreen, readable };
    }, READABLE_NODE_HEIGHT);
    if (pageErrors.length) return fail(`page error: ${pageErrors[0]!.slice(0, 160)}`);
    if (screen.readable === 0) {
      return fail(screen.onScreen ? `${screen.onScreen} nodes on screen but none at a readable zoom (< ${READABLE_NODE_HEIGHT} px tall)` : `no node inside the viewport (canvas reports ${screen.canvasNodes} nodes)`);
    }
    return pass(`${screen.readable} readable nodes on the first screen of ${screen.canvasNodes}, ${seconds.toFixed(1)} s`);
  } catch (e) {
    return fail(`browser mode failed: ${(e as Error).message.split('\n')[0]!.slice(0, 160)}`);
  } finally {
    server?.stop();
    await browser.close();
  }
}
