import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { openModelFile, screenshotPath, withStudio } from '../helpers/browser.js';
import { fixture, SHAPES, tempDir } from '../helpers/paths.js';

const panel = (page: Page) => page.getByRole('region', { name: 'Quantize' });

describe('quantize panel end to end (Chromium)', () => {
  const studio = withStudio();
  let page: Page;
  beforeAll(() => {
    page = studio.page;
  });

  it('takes a calibration folder, previews preprocessing, quantizes with progress and opens the result next to the original', async () => {
    await openModelFile(page, SHAPES);
    const canvas = page.getByTestId('graph-canvas');
    await expect.poll(() => canvas.getAttribute('data-node-count'), { timeout: 60_000 }).not.toBeNull();
    const originalNodes = Number(await canvas.getAttribute('data-node-count'));
    await page.getByRole('button', { name: 'Quantize', exact: true }).click();
    const q = panel(page);
    await expect.poll(() => q.getByRole('combobox', { name: 'Target backend' }).inputValue()).toBe('ort-cpu');
    await expect.poll(() => q.locator('.preset-why').textContent()).toMatch(/uint8 activations/);
    await q.getByLabel('Calibration folder').setInputFiles(path.join(fixture('shapes'), 'calib'));
    await q.getByText(/64 files \(64 images\)/).waitFor({ timeout: 60_000 });
    // The proposed preprocessing comes from the input shape; the preview follows edits.
    const preview = q.getByRole('figure', { name: 'Preview' });
    await preview.waitFor();
    await expect.poll(() => preview.textContent()).toContain('[1, 3, 64, 64]');
    await q.getByRole('spinbutton', { name: 'Height' }).fill('32');
    await expect.poll(() => preview.textContent()).toContain('[1, 3, 32, 64]');
    await q.getByRole('spinbutton', { name: 'Height' }).fill('64');
    await expect.poll(() => preview.textContent()).toContain('[1, 3, 64, 64]');
    await q.getByRole('button', { name: 'Quantize', exact: true }).click();
    await q.getByRole('progressbar', { name: 'Quantizing' }).waitFor();
    await q.and(page.locator('[data-status="ready"]')).waitFor({ timeout: 60_000 });
    const result = q.getByLabel('Quantization result');
    await expect.poll(() => result.textContent()).toMatch(/shapes-mobilenet\.int8\.onnx: quantized \d+ nodes; .*calibrated on 64 images/);
    await page.screenshot({ path: screenshotPath('quantize-result') });
    const tabs = page.getByRole('tablist', { name: 'Open models' }).getByRole('tab');
    expect(await tabs.allTextContents()).toEqual(['shapes-mobilenet.onnx', 'shapes-mobilenet.int8.onnx •']);
    await result.getByRole('button', { name: 'Open result' }).click();
    await expect.poll(() => page.getByTestId('model-title').textContent()).toBe('shapes-mobilenet.int8.onnx •');
    // The quantized graph has its Q/DQ pairs: more nodes than the original.
    await expect.poll(() => canvas.getAttribute('data-node-count').then(Number), { timeout: 60_000 }).toBeGreaterThan(originalNodes + 20);
    await page.screenshot({ path: screenshotPath('quantize-opened-result') });
    await tabs.first().click();
    await expect.poll(() => page.getByTestId('model-title').textContent()).toBe('shapes-mobilenet.onnx');
  });

  it('cancels mid-calibration and says nothing was written', async () => {
    await page.getByRole('button', { name: 'Quantize', exact: true }).click();
    const q = panel(page);
    await q.getByLabel('Calibration folder').setInputFiles(path.join(fixture('shapes'), 'eval'));
    await q.getByText(/300 files \(300 images\)/).waitFor({ timeout: 60_000 });
    await q.getByRole('button', { name: 'Quantize', exact: true }).click();
    await q.getByRole('progressbar', { name: 'Quantizing' }).waitFor();
    await q.getByRole('button', { name: 'Cancel' }).click();
    // A cancel that lands during the checks after calibration takes effect once they finish.
    await q.getByText('Cancelled; nothing was written.').waitFor();
    await expect.poll(() => page.getByRole('tablist', { name: 'Open models' }).getByRole('tab').count()).toBe(2);
  });

  it('tells the user when the folder holds no images', async () => {
    const dir = path.join(tempDir(), 'notes');
    const { mkdirSync } = await import('node:fs');
    mkdirSync(dir);
    writeFileSync(path.join(dir, 'readme.txt'), 'not an image');
    const q = panel(page);
    await q.getByLabel('Calibration folder').setInputFiles(dir);
    await expect.poll(() => q.getByRole('alert').textContent()).toMatch(/has no images or tensors: its 1 files are none of \.png/);
  });
});
