import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { encodeModel } from '../../shared/onnx/encode.js';
import { openModelFile, screenshotPath, withStudio } from '../helpers/browser.js';
import { DIGITS, tempDir } from '../helpers/paths.js';
import { scopedModel } from '../helpers/scoped-model.js';


const panel = (page: Page) => page.getByRole('region', { name: 'Analysis' });

async function saveDownload(page: Page, button: string): Promise<string> {
  const [download] = await Promise.all([page.waitForEvent('download'), panel(page).getByRole('button', { name: button }).click()]);
  const file = path.join(tempDir(), download.suggestedFilename());
  await download.saveAs(file);
  return file;
}

describe('analysis panel end to end (Chromium)', () => {
  const studio = withStudio();
  let page: Page;
  beforeAll(() => {
    page = studio.page;
  });

  it('shows totals, a chart by op type and a sortable per-layer table, and colours the graph by FLOPs', async () => {
    await openModelFile(page, DIGITS);
    await page.getByRole('button', { name: 'Analysis', exact: true }).click();
    await panel(page).and(page.locator('[data-status="ready"]')).waitFor();
    await expect.poll(() => page.getByTestId('total-macs').textContent()).toBe('1.92 M');
    await expect.poll(() => panel(page).getByRole('figure', { name: 'FLOPs by op type' }).locator('svg').count()).toBeGreaterThan(0);
    const rows = panel(page).getByRole('table', { name: 'Per-layer costs' }).locator('tbody tr');
    await expect.poll(() => rows.count()).toBe(11);
    await expect.poll(() => rows.first().locator('td').nth(1).textContent()).toBe('Conv');
    await panel(page).getByRole('button', { name: /^Name/ }).click();
    await expect.poll(() => rows.first().locator('td').first().textContent()).toBe('/c1/Conv');
    await page.getByRole('combobox', { name: 'Heat map' }).selectOption('flops');
    await page.locator('[data-op-type="Conv"][data-heat]').first().waitFor();
    const heats = await page.locator('[data-op-type][data-heat]').evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-heat'))));
    expect(Math.max(...heats)).toBe(1);
    await page.screenshot({ path: screenshotPath('analysis-heatmap') });
  });

  it('exports CSV, JSON and a Netron attachment', async () => {
    const csv = readFileSync(await saveDownload(page, 'Export CSV'), 'utf8').trim().split('\n');
    expect(csv[0]).toBe('name,opType,outputShapes,macs,flops,params,weightBytes,outputBytes,bytesMoved,intensity');
    expect(csv).toHaveLength(12);
    const json = JSON.parse(readFileSync(await saveDownload(page, 'Export JSON'), 'utf8'));
    expect(json.totals.macs).toBe(1919872);
    const attachment = JSON.parse(readFileSync(await saveDownload(page, 'Netron attachment'), 'utf8'));
    expect(attachment.signature).toBe('netron:attachment');
    expect(attachment.metrics).toContainEqual({ kind: 'node', target: '/c1/Conv', name: 'macs', value: 16 * 28 * 28 * 9 });
  });

  it('follows the input dims the user types, and says what is wrong with bad ones', async () => {
    const file = path.join(tempDir(), 'dynamic.onnx');
    writeFileSync(file, encodeModel(scopedModel(20)));
    await openModelFile(page, file);
    await page.getByRole('button', { name: 'Analysis', exact: true }).click();
    await panel(page).and(page.locator('[data-status="ready"]')).waitFor();
    await panel(page).getByText(/node\(s\) have unknown or symbolic dims/).waitFor();
    const dims = panel(page).getByRole('textbox', { name: 'Dims of x' });
    expect(await dims.inputValue()).toBe('batch x 8');
    await dims.fill('4 x 8');
    await expect.poll(() => panel(page).getByText(/unknown or symbolic dims/).count()).toBe(0);
    const flops4 = await page.getByTestId('total-flops').textContent();
    await dims.fill('8 x 8');
    await expect.poll(() => page.getByTestId('total-flops').textContent()).not.toBe(flops4);
    await dims.fill('8 x -');
    await panel(page).getByText("'-' is neither a whole number nor a name").waitFor();
  });
});
