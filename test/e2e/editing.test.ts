import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { decodeModel } from '../../shared/onnx/decode.js';
import { openModelFile, screenshotPath, withStudio } from '../helpers/browser.js';
import { DIGITS, tempDir } from '../helpers/paths.js';
import { runPython } from '../helpers/python.js';

const properties = (page: Page) => page.getByRole('complementary', { name: 'Properties' });
const nodeCount = (page: Page) => page.getByTestId('graph-canvas').getAttribute('data-node-count').then(Number);

describe('editing end to end (Chromium)', () => {
  const studio = withStudio();
  let page: Page;
  beforeAll(() => {
    page = studio.page;
  });

  it('edits an attribute, deletes a node, undoes the delete, and saves the edited model', async () => {
    await openModelFile(page, DIGITS);
    await expect.poll(() => nodeCount(page), { timeout: 60_000 }).toBeGreaterThan(0);
    const before = await nodeCount(page);

    // Attribute: Gemm's alpha becomes 0.5.
    await page.locator('[data-node-name="/fc/Gemm"]').click();
    const p = properties(page);
    await p.locator('[data-edit-attribute="alpha"]').getByRole('button', { name: 'Edit' }).click();
    await p.getByRole('textbox', { name: 'Value of alpha' }).fill('0.5');
    await p.getByRole('button', { name: 'Apply' }).click();
    await expect.poll(() => page.getByTestId('model-title').textContent()).toBe('digits-cnn.onnx •');
    await expect.poll(() => p.locator('table.attributes').first().locator('[data-attribute="alpha"] code').textContent()).toBe('0.5');

    // Delete: the first Relu goes, its reader now reads the Conv.
    await page.locator('[data-node-name="/Relu"]').click();
    await p.getByRole('button', { name: 'Delete node', exact: true }).click();
    await expect.poll(() => nodeCount(page)).toBe(before - 1);
    await expect.poll(() => page.locator('[data-node-name="/Relu"]').count()).toBe(0);
    await page.screenshot({ path: screenshotPath('editing-after-delete') });

    // Undo with the keyboard brings it back; the attribute edit stays.
    await page.getByTestId('graph-canvas').click({ position: { x: 5, y: 5 } });
    await page.keyboard.press('Control+z');
    await expect.poll(() => nodeCount(page)).toBe(before);
    await page.locator('[data-node-name="/Relu"]').waitFor();
    expect(await page.getByRole('button', { name: 'Redo' }).isEnabled()).toBe(true);

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: /^Save as…/ }).click()]);
    const file = path.join(tempDir(), download.suggestedFilename());
    await download.saveAs(file);
    const saved = decodeModel(readFileSync(file));
    const gemm = saved.graph!.node!.find((n) => n.name === '/fc/Gemm')!;
    expect(gemm.attribute!.find((a) => a.name === 'alpha')!.f).toBe(0.5);
    expect(saved.graph!.node!.some((n) => n.name === '/Relu')).toBe(true);
    expect(runPython('import sys, onnx\nonnx.checker.check_model(onnx.load(sys.argv[1]), full_check=True)\nprint("ok")', [file]).trim()).toBe('ok');
  });

  it('makes the batch dynamic from the model properties', async () => {
    await page.getByTestId('graph-canvas').click({ position: { x: 5, y: 5 } });
    const p = properties(page);
    const dims = p.getByRole('textbox', { name: 'Set dims of image' });
    await dims.fill('batch x 1 x 28 x 28');
    await p.locator('[data-value-name="image"]').getByRole('button', { name: 'Set' }).click();
    await expect.poll(() => page.locator('.message.notice').textContent()).toMatch(/batches of 4 and 2/);
    await expect.poll(() => p.locator('[data-value-name="logits"]').textContent()).toMatch(/batch/);
  });
});

describe('model-level edits end to end (Chromium)', () => {
  const studio = withStudio();
  let page: Page;
  beforeAll(() => {
    page = studio.page;
  });

  it('inserts a node from the op catalogue, replaces initializer values, and extracts a part as a new model', async () => {
    await openModelFile(page, DIGITS);
    await expect.poll(() => nodeCount(page), { timeout: 60_000 }).toBeGreaterThan(0);
    const before = await nodeCount(page);
    const p = properties(page);
    await p.getByText('Edit model').click();
    const form = p.getByRole('form', { name: 'Insert node' });
    await form.getByRole('combobox', { name: 'Operator' }).fill('Sigmoid');
    await form.getByRole('textbox', { name: 'New node name' }).fill('squash');
    await form.getByRole('combobox', { name: 'Input X' }).fill('/Flatten_output_0');
    await form.getByRole('button', { name: 'Insert' }).click();
    await expect.poll(() => nodeCount(page)).toBe(before + 1);
    await page.locator('[data-node-name="squash"]').waitFor();

    // fc.bias: ten values typed in.
    await page.getByRole('searchbox', { name: 'Search' }).fill('fc.bias');
    await page.getByRole('option', { name: /^fc\.bias/ }).click();
    await p.getByRole('textbox', { name: 'Tensor values' }).fill('0, 1, 2, 3, 4, 5, 6, 7, 8, 9');
    await p.getByRole('button', { name: 'Replace values' }).click();
    await expect.poll(() => p.locator('.first-values').textContent()).toBe('0, 1, 2, 3, 4, 5, 6, 7, 8, 9');

    await page.getByTestId('graph-canvas').click({ position: { x: 5, y: 5 } });
    await p.getByText('Edit model').click();
    await p.getByRole('combobox', { name: 'Extract from tensors' }).fill('/MaxPool_output_0');
    await p.getByRole('combobox', { name: 'Extract to tensors' }).fill('/Relu_1_output_0');
    await p.getByRole('button', { name: 'Extract as new model' }).click();
    await expect.poll(() => page.getByTestId('model-title').textContent()).toBe('digits-cnn.extract.onnx •');
    await expect.poll(() => nodeCount(page)).toBe(2);
  });
});
