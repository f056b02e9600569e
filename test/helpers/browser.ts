import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { repoRoot } from './paths.js';

export const CHROMIUM = '/usr/bin/chromium';
export const ARTIFACTS = path.join(repoRoot, 'test-results', 'e2e');

/** Debian's Chromium, never a downloaded browser; the test set-up installs it. */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: install Debian's chromium (npm test does this as root)`);
  mkdirSync(ARTIFACTS, { recursive: true });
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}

export const screenshotPath = (name: string) => path.join(ARTIFACTS, `${name}.png`);

export interface Studio {
  server: import('../../electron/server/server.js').RunningServer;
  browser: Browser;
  page: import('playwright-core').Page;
  close(): Promise<void>;
}

/** The browser-mode server and a Chromium page on it; page errors fail the test. */
export async function openStudio(): Promise<Studio> {
  const { startServer } = await import('../../electron/server/server.js');
  const server = await startServer({ port: 0 });
  const browser = await launchChromium();
  const page = await browser.newPage({ acceptDownloads: true, viewport: { width: 1400, height: 900 }, reducedMotion: 'reduce' });
  // A ceiling for every wait on state, not a synchronisation: a loaded 2-core CI machine can be slow.
  page.setDefaultTimeout(90_000);
  page.on('pageerror', (e) => {
    throw e;
  });
  return {
    server,
    browser,
    page,
    close: async () => {
      await browser.close();
      await server.close();
    },
  };
}

/** Closes the open model, if any, and opens `file` through the page's file picker (an upload). */
export async function openModelFile(page: import('playwright-core').Page, file: string): Promise<void> {
  if (await page.getByRole('button', { name: 'Close' }).isVisible()) {
    // An edited model asks before closing; the tests mean to close it.
    page.once('dialog', (d) => void d.accept());
    await page.getByRole('button', { name: 'Close' }).click();
  }
  // The document open before (if any) may still be on screen while its Close is in flight, so wait for
  // a workspace of a new document whose graph has been laid out, not for any laid-out canvas.
  const docsBefore = await page.evaluate(() => Array.from(document.querySelectorAll<HTMLElement>('main[aria-label="Model"]'), (e) => e.dataset.docId ?? ''));
  await page.locator('input[aria-label="Model file"]').setInputFiles(file);
  await page.waitForFunction(
    (before) =>
      Array.from(document.querySelectorAll<HTMLElement>('main[aria-label="Model"]')).some(
        (main) => !before.includes(main.dataset.docId ?? '') && main.querySelector('[data-testid="graph-canvas"][data-node-count]') !== null,
      ),
    docsBefore,
  );
}

/**
 * A studio for the enclosing describe block: started before its tests (the page opened at the app
 * unless `goto` is false) and closed after them. Read `page` and `server` inside hooks and tests.
 */
export function withStudio(goto = true): { readonly page: Page; readonly server: Studio['server'] } {
  let studio: Studio | undefined;
  beforeAll(async () => {
    studio = await openStudio();
    if (goto) await studio.page.goto(studio.server.url);
  });
  afterAll(() => studio?.close());
  return {
    get page() {
      return studio!.page;
    },
    get server() {
      return studio!.server;
    },
  };
}
