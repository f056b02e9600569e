import { readFileSync } from 'node:fs';
import path from 'node:path';
import { unzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { openModelFile, screenshotPath, withStudio } from '../helpers/browser.js';
import { DIGITS, tempDir } from '../helpers/paths.js';
import { parsePbtxt } from '../helpers/pbtxt.js';
import { runPython } from '../helpers/python.js';

describe('Export panel', () => {
  const studio = withStudio();

  it('exports a Triton bundle with baked preprocessing and TopK as a .zip the checker and the config schema accept', async () => {
    const page = studio.page;
    await openModelFile(page, DIGITS);
    await page.getByRole('toolbar', { name: 'Graph' }).getByRole('button', { name: 'Export', exact: true }).click();
    const panel = page.getByRole('region', { name: 'Export' });
    await panel.getByRole('combobox', { name: 'Target' }).selectOption('triton');
    await panel.getByRole('checkbox', { name: /Bake preprocessing/ }).check();
    await panel.getByRole('spinbutton', { name: 'Top-K' }).fill('3');
    const [download] = await Promise.all([page.waitForEvent('download'), panel.getByRole('button', { name: 'Export bundle' }).click()]);
    expect(download.suggestedFilename()).toBe('digits-cnn-triton-fp32.zip');
    const zipFile = path.join(tempDir(), 'bundle.zip');
    await download.saveAs(zipFile);
    await panel.getByLabel('Export result').waitFor();
    const files = unzipSync(readFileSync(zipFile));
    expect(Object.keys(files).sort()).toEqual(['README.md', 'digits-cnn/1/model.onnx', 'digits-cnn/config.pbtxt']);
    const config = parsePbtxt(new TextDecoder().decode(files['digits-cnn/config.pbtxt']));
    expect(config).toMatchObject({ name: 'digits-cnn', max_batch_size: 0, input: [{ name: 'image_raw', data_type: 'TYPE_UINT8', dims: [1, -1, -1, 1] }] });
    expect((config.output as unknown[]).length).toBe(3);
    const model = path.join(tempDir(), 'bundle-model.onnx');
    await import('node:fs/promises').then((fs) => fs.writeFile(model, files['digits-cnn/1/model.onnx']!));
    expect(runPython('import onnx, sys\nm = onnx.load(sys.argv[1]); onnx.checker.check_model(m, full_check=True); print(m.graph.input[0].name)', [model]).trim()).toBe('image_raw');
    // Nothing under a server path reaches the page: the result names the bundle, not a folder.
    expect(await panel.getByLabel('Export result').textContent()).not.toMatch(/\/tmp\/|onnx-studio-/);
    await page.screenshot({ path: screenshotPath('export-panel') });
  });
});
