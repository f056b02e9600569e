import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Recipe } from '../../shared/recipe/recipe.js';
import { openModelFile, screenshotPath, withStudio } from '../helpers/browser.js';
import { builtCli, DIGITS, fixture, tempDir } from '../helpers/paths.js';

const panel = (page: Page, name: string) => page.getByRole('region', { name });

describe('a recipe recorded in the app replays from the CLI (Chromium)', () => {
  const studio = withStudio();
  let page: Page;
  beforeAll(() => {
    page = studio.page;
  });

  it('records dynamic batch, INT8 quantization and comparison; the pipeline view shows them; the CLI makes the same bytes and gates on the threshold', async () => {
    const dir = tempDir();
    await openModelFile(page, DIGITS);
    const properties = page.getByRole('complementary', { name: 'Properties' });
    await properties.getByRole('textbox', { name: 'Set dims of image' }).fill('batch x 1 x 28 x 28');
    await properties.locator('[data-value-name="image"]').getByRole('button', { name: 'Set' }).click();
    await expect.poll(() => page.locator('.message.notice').textContent()).toMatch(/batches of 4 and 2/);

    await page.getByRole('button', { name: 'Quantize', exact: true }).click();
    const q = panel(page, 'Quantize');
    await expect.poll(() => q.getByRole('combobox', { name: 'Target backend' }).inputValue()).toBe('ort-cpu');
    await q.getByLabel('Calibration folder').setInputFiles(path.join(fixture('digits'), 'calib'));
    await q.getByText(/100 files \(100 images\)/).waitFor({ timeout: 60_000 });
    await q.getByRole('button', { name: 'Quantize', exact: true }).click();
    await q.and(page.locator('[data-status="ready"]')).waitFor({ timeout: 60_000 });

    await page.getByRole('button', { name: 'Compare', exact: true }).click();
    const c = panel(page, 'Compare');
    await c.getByLabel('digits-cnn.int8.onnx').check();
    await c.getByLabel('Evaluation folder').setInputFiles(path.join(fixture('digits'), 'eval'));
    await c.getByText(/497 files/).waitFor({ timeout: 120_000 });
    await c.getByRole('button', { name: 'Compare', exact: true }).click();
    await c.and(page.locator('[data-status="ready"]')).waitFor({ timeout: 120_000 });

    await page.getByRole('button', { name: 'Pipeline', exact: true }).click();
    const p = panel(page, 'Pipeline');
    const canvas = p.getByTestId('pipeline-canvas');
    await expect.poll(() => canvas.getAttribute('data-step-count')).toBe('3');
    await p.locator('[data-step-id="edit-1"][data-status="done"]').waitFor();
    await p.locator('.pipeline-step.kind-quantize[data-status="done"]').waitFor();
    await p.locator('.pipeline-step.kind-compare[data-status="done"]').waitFor();
    await page.screenshot({ path: screenshotPath('pipeline-view') });
    const [recipeDownload] = await Promise.all([page.waitForEvent('download'), p.getByRole('button', { name: 'Download recipe' }).click()]);
    const recipeFile = path.join(dir, 'recipe.json');
    await recipeDownload.saveAs(recipeFile);
    const recipe = JSON.parse(readFileSync(recipeFile, 'utf8')) as Recipe;
    expect(recipe.steps.map((s) => s.kind)).toEqual(['edit', 'quantize', 'compare']);

    // The INT8 model as the app saves it.
    await page.getByRole('tab', { name: /digits-cnn\.int8\.onnx/ }).click();
    await expect.poll(() => page.getByTestId('model-title').textContent()).toMatch(/digits-cnn\.int8\.onnx/);
    const [saved] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: /^Save as…/ }).click()]);
    const appModel = path.join(dir, 'app.onnx');
    await saved.saveAs(appModel);

    // Browser mode recorded no paths: the replay binds the model and the data folders.
    const bind = ['--model', DIGITS, '--data', `calib=${path.join(fixture('digits'), 'calib')}`, '--data', `eval=${path.join(fixture('digits'), 'eval')}`];
    const cli = (args: string[]) => spawnSync(process.execPath, [builtCli(), ...args], { encoding: 'utf8', timeout: 300_000 });
    const out = path.join(dir, 'replayed.onnx');
    const withThreshold = (t: object) => JSON.stringify({ ...recipe, steps: recipe.steps.map((s) => (s.kind === 'compare' ? { ...s, thresholds: t } : s)) });
    writeFileSync(recipeFile, withThreshold({ maxTop1DropPoints: 1 }));
    const ok = cli(['run', recipeFile, ...bind, '-o', out]);
    expect(ok.status, ok.stderr).toBe(0);
    expect(readFileSync(out).equals(readFileSync(appModel))).toBe(true);
    writeFileSync(recipeFile, withThreshold({ maxTop1DropPoints: 0, minCosine: 0.99999 }));
    const gated = cli(['run', recipeFile, ...bind]);
    expect(gated.status).toBe(3);
    expect(gated.stderr).toMatch(/threshold/);
  });
});
