import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { screenshotPath, withStudio } from '../helpers/browser.js';
import { SHAPES, tempDir } from '../helpers/paths.js';

describe('browser mode end to end (Chromium)', () => {
  const studio = withStudio(false);
  let page: Page;
  beforeAll(() => {
    page = studio.page;
  });

  it('opens on the welcome screen and drops the token from the address bar', async () => {
    await page.goto(studio.server.url);
    await page.getByRole('heading', { name: 'ONNX Studio' }).waitFor();
    expect(page.url()).not.toContain('token=');
    await page.screenshot({ path: screenshotPath('welcome') });
  });

  it('opens the bundled sample model', async () => {
    await page.getByRole('button', { name: 'Open sample: Digits CNN' }).click();
    await expect.poll(() => page.getByTestId('node-count').textContent()).toBe('11');
    await expect.poll(() => page.getByTestId('model-title').textContent()).toBe('digits-cnn.onnx');
    await expect.poll(() => page.locator('[aria-label="Properties"] [data-value-name="image"]').textContent()).toContain('float32[1×1×28×28]');
    await page.screenshot({ path: screenshotPath('sample-open'), fullPage: true });
    await page.getByRole('button', { name: 'Close' }).click();
    await page.getByRole('heading', { name: 'ONNX Studio' }).waitFor();
  });

  it('uploads a picked model, and saves it back as an identical download', async () => {
    await page.locator('input[aria-label="Model file"]').setInputFiles(SHAPES);
    await expect.poll(() => page.getByTestId('node-count').textContent()).toBe('55');
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Save as…' }).click()]);
    const saved = path.join(tempDir(), download.suggestedFilename());
    await download.saveAs(saved);
    expect(Buffer.compare(readFileSync(saved), readFileSync(SHAPES))).toBe(0);
    await page.getByRole('status').filter({ hasText: 'Saved' }).waitFor();
    await page.screenshot({ path: screenshotPath('uploaded-and-saved'), fullPage: true });
    await page.getByRole('button', { name: 'Close' }).click();
  });

  it('explains a corrupt file in one sentence and stays usable', async () => {
    const bad = path.join(tempDir(), 'broken.onnx');
    writeFileSync(bad, readFileSync(SHAPES).subarray(0, 3000));
    await page.locator('input[aria-label="Model file"]').setInputFiles(bad);
    const alert = page.getByRole('alert');
    await alert.waitFor();
    await expect.poll(() => alert.textContent()).toMatch(/'broken\.onnx' is not a valid ONNX model: .* at byte \d+/);
    await page.screenshot({ path: screenshotPath('corrupt-file') });
    await page.getByRole('button', { name: 'Open sample: Digits CNN' }).click();
    await expect.poll(() => page.getByTestId('node-count').textContent()).toBe('11');
  });
});
