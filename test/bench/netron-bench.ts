import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { BENCH_CHROMIUM, BENCH_FLAGS } from './viewer-bench.js';

const TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.mjs': 'text/javascript', '.css': 'text/css', '.json': 'application/json', '.png': 'image/png', '.ico': 'image/x-icon' };

/** Serves Netron's browser build (its source/ folder) as static files on 127.0.0.1. */
async function serveFolder(root: string): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    const rel = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname).replace(/^\/+/, '') || 'index.html';
    const file = path.join(root, rel);
    if (!file.startsWith(root + path.sep) || !existsSync(file) || !statSync(file).isFile()) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream' });
    createReadStream(file).pipe(res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/index.html` };
}

/**
 * Netron's browser build in the same headless Chromium: the model is handed to its file input and
 * the time runs until its graph SVG has laid-out nodes and the next frame is painted. Its start-up
 * before the file is chosen is not counted (ours is: ours runs from navigation start).
 */
export async function measureNetron(netronSource: string, file: string, runs: number): Promise<number[]> {
  if (!existsSync(path.join(netronSource, 'index.html'))) throw new Error(`${netronSource} is not Netron's source folder: extract its source/ folder there.`);
  const { server, url } = await serveFolder(path.resolve(netronSource));
  const browser = await chromium.launch({ executablePath: BENCH_CHROMIUM, args: BENCH_FLAGS });
  const out: number[] = [];
  try {
    for (let i = 0; i < runs; i++) {
      const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
      // Netron asks for cookie consent on first start; a consent cookie answers it as a returning user would.
      await context.addCookies([{ name: 'consent', value: String(Date.now()), url }]);
      // Netron replaces window.eval with a function that throws (a hardening step); Playwright's
      // evaluate needs eval, so the replacement is ignored. Nothing Netron draws depends on it.
      await context.addInitScript(() => {
        const realEval = window.eval;
        Object.defineProperty(window, 'eval', { get: () => realEval, set: () => undefined, configurable: true });
      });
      const page = await context.newPage();
      await page.goto(url);
      await page.waitForFunction(() => document.body.classList.contains('welcome') && !document.body.classList.contains('spinner'), undefined, { timeout: 60_000 });
      await page.evaluate(() => {
        (window as unknown as { benchStart: number }).benchStart = performance.now();
      });
      await page.setInputFiles('#open-file-dialog', file);
      await page.waitForFunction(() => document.body.classList.contains('default') && document.querySelector('#canvas .node') !== null, undefined, { timeout: 600_000, polling: 'raf' });
      out.push(
        await page.evaluate(
          () =>
            new Promise<number>((resolve) =>
              requestAnimationFrame(() => requestAnimationFrame(() => resolve(performance.now() - (window as unknown as { benchStart: number }).benchStart))),
            ),
        ),
      );
      await context.close();
    }
    return out;
  } finally {
    await browser.close();
    await new Promise((resolve) => server.close(resolve));
  }
}
