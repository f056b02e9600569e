import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { openModelFile, screenshotPath, withStudio } from '../helpers/browser.js';
import { SHAPES, tempDir } from '../helpers/paths.js';
import { scopedModel } from '../helpers/scoped-model.js';
import { encodeModel } from '../../shared/onnx/encode.js';

const panel = (page: Page) => page.getByRole('region', { name: 'Profile' });

describe('profile panel end to end (Chromium)', () => {
  const studio = withStudio();
  let page: Page;
  beforeAll(() => {
    page = studio.page;
  });

  it('profiles on the CPU with progress, lists per-layer time and colours the graph by it', async () => {
    await openModelFile(page, SHAPES);
    await page.getByRole('button', { name: 'Profile', exact: true }).click();
    const cuda = panel(page).getByRole('combobox', { name: 'Backend' }).locator('option[value="cuda"]');
    await expect.poll(() => cuda.getAttribute('title')).toMatch(/not available on this machine/);
    expect(await cuda.isDisabled()).toBe(true);
    await panel(page).getByRole('textbox', { name: 'Runs', exact: true }).fill('400');
    await panel(page).getByRole('button', { name: 'Run profile' }).click();
    await panel(page).getByRole('progressbar', { name: 'Profiling' }).waitFor();
    await panel(page).and(page.locator('[data-status="ready"]')).waitFor({ timeout: 60_000 });
    expect(Number.parseFloat((await page.getByTestId('latency-mean').textContent())!)).toBeGreaterThan(0);
    expect(Number.parseFloat((await page.getByTestId('coverage').textContent())!)).toBeGreaterThan(10);
    await expect.poll(() => panel(page).getByRole('table', { name: 'Per-layer time' }).locator('tbody tr').count()).toBeGreaterThan(5);
    await panel(page).getByLabel('Colour graph by time').check();
    await page.locator('[data-op-type="Conv"][data-heat]').first().waitFor();
    await page.screenshot({ path: screenshotPath('profile-heatmap') });
  });

  it('exports the trace in Chrome trace format', async () => {
    const [download] = await Promise.all([page.waitForEvent('download'), panel(page).getByRole('button', { name: 'Chrome trace' }).click()]);
    const file = path.join(tempDir(), download.suggestedFilename());
    await download.saveAs(file);
    const trace = JSON.parse(readFileSync(file, 'utf8'));
    expect(trace.traceEvents.some((e: { cat: string; name: string }) => e.cat === 'Node' && e.name.endsWith('_kernel_time'))).toBe(true);
  });

  it('profiles a dynamic-batch model at the dims given, with throughput against batch size', async () => {
    const file = path.join(tempDir(), 'dynamic.onnx');
    writeFileSync(file, encodeModel(scopedModel(30)));
    await openModelFile(page, file);
    await page.getByRole('button', { name: 'Profile', exact: true }).click();
    const dims = panel(page).getByRole('textbox', { name: 'Profile dims of x' });
    expect(await dims.inputValue()).toBe('1 x 8');
    await dims.fill('4 x 8');
    await panel(page).getByRole('textbox', { name: 'Runs', exact: true }).fill('20');
    await panel(page).getByRole('button', { name: 'Run profile' }).click();
    await panel(page).and(page.locator('[data-status="ready"]')).waitFor({ timeout: 60_000 });
    const table = panel(page).getByRole('table', { name: 'Per-layer time' });
    await expect.poll(() => table.locator('tbody tr td:nth-child(5)').filter({ hasText: '[4×8]' }).count()).toBeGreaterThan(0);
    const throughput = panel(page).getByRole('table', { name: 'Throughput' }).locator('tbody tr');
    await expect.poll(() => throughput.count()).toBe(5);
    await expect.poll(() => throughput.first().locator('td').first().textContent()).toBe('1');
    await dims.fill('4 x eight');
    await panel(page).getByRole('button', { name: 'Run profile' }).click();
    await panel(page).getByText('The dims of x must be whole numbers').waitFor();
    await dims.fill('1 x 8');
  });

  it('stops a run on Cancel', async () => {
    await panel(page).getByRole('textbox', { name: 'Runs', exact: true }).fill('10000');
    await panel(page).getByRole('button', { name: 'Run profile' }).click();
    await panel(page).getByRole('button', { name: 'Cancel' }).click();
    await panel(page).and(page.locator('[data-status="cancelled"]')).waitFor({ timeout: 30_000 });
  });
});
