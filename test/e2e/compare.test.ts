import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { openModelFile, screenshotPath, withStudio } from '../helpers/browser.js';
import { DIGITS, fixture, tempDir } from '../helpers/paths.js';

const quantizePanel = (page: Page) => page.getByRole('region', { name: 'Quantize' });
const comparePanel = (page: Page) => page.getByRole('region', { name: 'Compare' });

async function quantize(page: Page, mode: string): Promise<void> {
  const q = quantizePanel(page);
  await q.getByRole('combobox', { name: 'Mode' }).selectOption(mode);
  await q.getByRole('button', { name: 'Quantize', exact: true }).click();
  await q.and(page.locator('[data-status="ready"]')).waitFor({ timeout: 60_000 });
}

describe('compare panel end to end (Chromium)', () => {
  const studio = withStudio();
  let page: Page;
  beforeAll(() => {
    page = studio.page;
  });

  it('shows FP32, FP16 and INT8 side by side on the labelled eval folder, best values marked', async () => {
    await openModelFile(page, DIGITS);
    await page.getByRole('button', { name: 'Quantize', exact: true }).click();
    const q = quantizePanel(page);
    await expect.poll(() => q.getByRole('combobox', { name: 'Target backend' }).inputValue()).toBe('ort-cpu');
    await q.getByLabel('Calibration folder').setInputFiles(path.join(fixture('digits'), 'calib'));
    await q.getByText(/100 files \(100 images\)/).waitFor({ timeout: 60_000 });
    await quantize(page, 'int8-static');
    await quantize(page, 'fp16');

    await page.getByRole('button', { name: 'Compare', exact: true }).click();
    const c = comparePanel(page);
    await c.getByLabel('digits-cnn.int8.onnx').check();
    await c.getByLabel('digits-cnn.fp16.onnx').check();
    await c.getByLabel('Evaluation folder').setInputFiles(path.join(fixture('digits'), 'eval'));
    await c.getByText(/497 files \(497 images\), 10 classes/).waitFor({ timeout: 120_000 });
    await c.getByRole('button', { name: 'Compare', exact: true }).click();
    await c.getByRole('progressbar', { name: 'Comparing' }).waitFor();
    await c.and(page.locator('[data-status="ready"]')).waitFor({ timeout: 120_000 });
    const table = c.getByRole('table', { name: 'Comparison' });
    expect(await table.locator('thead th').allTextContents()).toEqual(['metric', 'digits-cnn.onnxfp32', 'digits-cnn.int8.onnxint8', 'digits-cnn.fp16.onnxfp16']);
    const top1 = await table.locator('tr[data-metric="top1"] td').allTextContents();
    expect(Number.parseFloat(top1[0]!)).toBeCloseTo(96.98, 1);
    expect(Number.parseFloat(top1[1]!)).toBeGreaterThan(95.98);
    // The smallest file is the INT8 one, marked best.
    await expect.poll(() => table.locator('tr[data-metric="sizeBytes"] td[data-best="true"]').textContent()).toMatch(/★/);
    expect(await table.locator('tr[data-metric="sizeBytes"] td').nth(1).getAttribute('data-best')).toBe('true');
    await c.getByRole('figure', { name: 'Accuracy against latency' }).locator('.recharts-scatter-symbol').first().waitFor();
    await page.screenshot({ path: screenshotPath('compare-side-by-side'), fullPage: true });

    const [report] = await Promise.all([page.waitForEvent('download'), c.getByRole('button', { name: 'HTML report' }).click()]);
    const file = path.join(tempDir(), report.suggestedFilename());
    await report.saveAs(file);
    const html = readFileSync(file, 'utf8');
    expect(html).toContain('<table>');
    expect(html).toContain('digits-cnn.int8.onnx');
    expect(html).not.toMatch(/<script/);
  });

  it('lists per-layer error of the INT8 variant and colours the graph by it', async () => {
    const c = comparePanel(page);
    await c.getByRole('button', { name: 'digits-cnn.int8.onnx', exact: true }).click();
    const layers = c.getByRole('table', { name: 'Per-layer error' });
    await layers.waitFor({ timeout: 60_000 });
    await expect.poll(() => layers.locator('tbody tr').count()).toBe(8);
    await page.locator('[data-op-type="Relu"][data-heat]').first().waitFor({ timeout: 30_000 });
    await expect.poll(() => layers.getByRole('button', { name: 'Exclude and re-quantize' }).count()).toBeGreaterThan(0);
  });
});
