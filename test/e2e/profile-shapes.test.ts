import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { encodeModel } from '../../shared/onnx/encode.js';
import { openModelFile, screenshotPath, withStudio } from '../helpers/browser.js';
import { bakedBatchModel, twoInputModel } from '../helpers/dynamic-models.js';
import { tempDir } from '../helpers/paths.js';

const panel = (page: Page) => page.getByRole('region', { name: 'Profile' });

async function runProfile(page: Page): Promise<void> {
  await panel(page).getByRole('textbox', { name: 'Runs', exact: true }).fill('5');
  await panel(page).getByRole('button', { name: 'Run profile' }).click();
  await panel(page).and(page.locator('[data-status="ready"]')).waitFor({ timeout: 60_000 });
}

describe('profile panel with several dynamic inputs (Chromium)', () => {
  const studio = withStudio();
  let page: Page;
  beforeAll(() => {
    page = studio.page;
  });

  it('proposes and reports the dims every input was fed with, the assumed ones named', async () => {
    const file = path.join(tempDir(), 'two-inputs.onnx');
    writeFileSync(file, encodeModel(twoInputModel()));
    await openModelFile(page, file);
    await page.getByRole('button', { name: 'Profile', exact: true }).click();
    expect(await panel(page).getByRole('textbox', { name: 'Profile dims of tokens' }).inputValue()).toBe('1 x 128 x 8');
    expect(await panel(page).getByRole('textbox', { name: 'Profile dims of mask' }).inputValue()).toBe('1 x 128 x 4');
    await runProfile(page);
    expect(await page.getByTestId('shapes-run').textContent()).toMatch(/^tokens 1×128×8, mask 1×128×4/);
    expect(await page.getByTestId('assumed-dims').textContent()).toContain('batch = 1, sequence = 128');
    expect(await panel(page).getByRole('table', { name: 'Throughput' }).locator('tbody tr').count()).toBe(5);
    expect(await page.getByTestId('throughput-error').count()).toBe(0);
  });

  it('keeps the latency and says why when the throughput sweep fails', async () => {
    const file = path.join(tempDir(), 'baked-batch.onnx');
    writeFileSync(file, encodeModel(bakedBatchModel()));
    await openModelFile(page, file);
    await page.getByRole('button', { name: 'Profile', exact: true }).click();
    await runProfile(page);
    expect(Number.parseFloat((await page.getByTestId('latency-mean').textContent())!)).toBeGreaterThan(0);
    expect(await page.getByTestId('throughput-error').textContent()).toMatch(/^The throughput sweep stopped at batch 2 \(tokens=2x16x8, mask=2x16x4\)/);
    expect(await panel(page).getByRole('table', { name: 'Throughput' }).locator('tbody tr').count()).toBe(1);
    await page.screenshot({ path: screenshotPath('profile-sweep-failure') });
  });
});
