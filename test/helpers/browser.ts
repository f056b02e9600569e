import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser } from 'playwright-core';
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
