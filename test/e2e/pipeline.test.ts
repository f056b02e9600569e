import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Pipeline } from '../../shared/pipeline/pipeline.js';
import { openModelFile, screenshotPath, withStudio } from '../helpers/browser.js';
import { builtCli, DIGITS, fixture, tempDir } from '../helpers/paths.js';

const CALIB = path.join(fixture('digits'), 'calib');
const EVAL = path.join(fixture('digits'), 'eval');
const EXPECTED_TOP1 = (JSON.parse(readFileSync(path.join(fixture('digits'), 'expected.json'), 'utf8')) as { fp32_top1_eval: number }).fp32_top1_eval;
const cli = (args: string[]) => spawnSync(process.execPath, [builtCli(), ...args], { encoding: 'utf8', timeout: 300_000 });

describe('the pipeline editor (Chromium)', () => {
  const studio = withStudio();
  let page: Page;
  let editor: Locator;
  beforeAll(() => {
    page = studio.page;
    editor = page.getByRole('main', { name: 'Pipeline editor' });
  });

  const node = (id: string) => editor.locator(`[data-step-id="${id}"]`);
  const status = (id: string) => node(id).getAttribute('data-status');

  /** Drags a kind from the palette onto the canvas (HTML5 drag and drop); resolves to the new node's id. */
  async function drop(kind: string, x: number, y: number): Promise<string> {
    const before = await editor.locator(`[data-pipeline-node="${kind}"]`).count();
    await editor.locator(`[data-palette-kind="${kind}"]`).dragTo(editor.getByTestId('pipeline-canvas'), { targetPosition: { x, y } });
    const added = editor.locator(`[data-pipeline-node="${kind}"]`).nth(before);
    await added.waitFor();
    return (await added.getAttribute('data-step-id'))!;
  }

  const edgeCount = async () => Number(await editor.getByTestId('pipeline-canvas').getAttribute('data-edge-count'));

  /**
   * Drags from an output port to an input port with the mouse, as a user connects them, and waits for the
   * edge. On a loaded machine the canvas can still be moving nodes (Auto layout) when the handles are
   * measured, so a drag that made no edge is made again from where the handles are now.
   */
  async function connect(from: string, fromPort: string, to: string, toPort: string, refusedWith?: RegExp): Promise<void> {
    const before = await edgeCount();
    for (let attempt = 0; attempt < 4; attempt++) {
      const a = await node(from).locator(`.react-flow__handle.source[data-port-name="${fromPort}"]`).boundingBox();
      const b = await node(to).locator(`.react-flow__handle.target[data-port-name="${toPort}"]`).boundingBox();
      await page.mouse.move(a!.x + a!.width / 2, a!.y + a!.height / 2);
      await page.mouse.down();
      await page.mouse.move((a!.x + b!.x) / 2, (a!.y + b!.y) / 2, { steps: 5 });
      await page.mouse.move(b!.x + b!.width / 2, b!.y + b!.height / 2, { steps: 5 });
      await page.mouse.up();
      try {
        // A refused connection says why where it was dropped, and adds no edge.
        if (refusedWith) await expect.poll(() => editor.getByRole('alert').first().textContent(), { timeout: 15_000 }).toMatch(refusedWith);
        else await expect.poll(edgeCount, { timeout: 15_000 }).toBe(before + 1);
        expect(await edgeCount()).toBe(refusedWith ? before : before + 1);
        return;
      } catch {
        // Neither: the handles moved under the drag; measure them again.
      }
    }
    throw new Error(`the drag from ${from}.${fromPort} to ${to}.${toPort} made ${refusedWith ? 'no refusal' : 'no edge'}`);
  }

  async function inspect(id: string): Promise<Locator> {
    await node(id).locator('.pipeline-node-title').click();
    const inspector = editor.getByRole('complementary', { name: 'Inspector' });
    await expect.poll(() => inspector.getAttribute('data-inspected')).toBe(id);
    return inspector;
  }

  it('builds the deployment pipeline by drag and drop, runs it, re-runs only what a change affects, and the saved file replays from the CLI', async () => {
    const dir = tempDir();
    await page.getByRole('button', { name: 'New pipeline' }).click();
    await editor.waitFor();

    // From an empty canvas: every node comes from the palette.
    const model = await drop('model-source', 80, 80);
    const calib = await drop('data-source', 80, 260);
    const evalSet = await drop('data-source', 80, 440);
    const dynamic = await drop('set-dims', 330, 80);
    const int8 = await drop('int8-static', 580, 40);
    const fp16 = await drop('fp16', 580, 260);
    const compare = await drop('compare', 830, 160);
    await editor.getByRole('button', { name: 'Auto layout' }).click();
    // Unconnected nodes say which input they lack.
    await expect.poll(() => node(int8).locator('.pipeline-node-missing').textContent()).toMatch(/needs: model, calibration dataset/);
    expect(await node(model).locator('[data-port-type="model"]').count()).toBe(1);
    expect(await node(calib).locator('[data-port-type="dataset"]').count()).toBe(1);

    await connect(model, 'model', dynamic, 'model');
    await connect(dynamic, 'model', int8, 'model');
    await connect(calib, 'data', int8, 'calibration');
    await connect(dynamic, 'model', fp16, 'model');
    await connect(dynamic, 'model', compare, 'reference');
    await connect(int8, 'model', compare, 'variants');
    await connect(fp16, 'model', compare, 'variants');
    await connect(evalSet, 'data', compare, 'data');
    await expect.poll(edgeCount).toBe(8);
    await editor.getByRole('button', { name: 'Auto layout' }).click();

    // A wrong type, a second edge into a single input, and a cycle are refused where they were dropped.
    await connect(calib, 'data', fp16, 'model', /A dataset output cannot feed the model input of FP16: it takes a model/);
    await connect(int8, 'model', dynamic, 'model', /takes one input and already has one/);
    const a = await drop('simplify', 300, 500);
    const b = await drop('convert', 520, 500);
    await connect(a, 'model', b, 'model');
    await expect.poll(edgeCount).toBe(9);
    await connect(b, 'model', a, 'model', /would make a cycle/);
    expect(await edgeCount()).toBe(9);
    // Delete removes them (and their edge); Ctrl+Z brings them back; delete again.
    await node(a).locator('.pipeline-node-title').click();
    await node(b).locator('.pipeline-node-title').click({ modifiers: ['Control'] });
    await page.keyboard.press('Delete');
    await expect.poll(edgeCount).toBe(8);
    await expect.poll(() => node(a).count()).toBe(0);
    await page.keyboard.press('Control+z');
    await expect.poll(() => node(a).count()).toBe(1);
    await expect.poll(edgeCount).toBe(9);
    await node(a).locator('.pipeline-node-title').click();
    await node(b).locator('.pipeline-node-title').click({ modifiers: ['Control'] });
    await page.keyboard.press('Delete');
    await expect.poll(edgeCount).toBe(8);

    // Sources: the model file and the two folders, picked in the inspector (uploads in browser mode).
    let inspector = await inspect(model);
    await inspector.getByLabel(`Model file for ${model}`).setInputFiles(DIGITS);
    await expect.poll(() => inspector.getByTestId('source-binding').textContent()).toMatch(/Bound to digits-cnn\.onnx/);
    inspector = await inspect(calib);
    await inspector.getByLabel(`Data folder for ${calib}`).setInputFiles(CALIB);
    await inspector.getByText(/100 files \(100 images\)/).waitFor({ timeout: 120_000 });
    inspector = await inspect(evalSet);
    await inspector.getByLabel(`Data folder for ${evalSet}`).setInputFiles(EVAL);
    await inspector.getByText(/497 files/).waitFor({ timeout: 120_000 });
    // Set dims: the tensor from the bound model's inputs; axis 0 and 'batch' are the defaults.
    inspector = await inspect(dynamic);
    await inspector.getByRole('combobox', { name: 'Tensor' }).selectOption('image');
    await expect.poll(() => inspector.getByLabel('Value').inputValue()).toBe('batch');
    inspector = await inspect(int8);
    await inspector.getByRole('combobox', { name: 'Backend' }).selectOption('ort-cpu');
    await inspector.getByRole('combobox', { name: 'Method' }).selectOption('minmax');
    await inspector.getByLabel('Pipeline output').check();
    // An invalid value is shown on its field, and the node says a setting is wrong.
    inspector = await inspect(compare);
    const drop1 = inspector.getByLabel('Max top1 drop points');
    await drop1.fill('-3');
    await inspector.locator('[data-field="thresholds.maxTop1DropPoints"] .field-error').waitFor();
    await expect.poll(() => node(compare).textContent()).toMatch(/a setting is not valid/);
    await drop1.fill('1');
    await expect.poll(() => inspector.locator('.field-error').count()).toBe(0);

    const all = [model, calib, evalSet, dynamic, int8, fp16, compare];
    await editor.getByRole('button', { name: 'Run all' }).click();
    await expect.poll(async () => (await Promise.all(all.map(status))).join(' '), { timeout: 300_000 }).toBe(Array(all.length).fill('done').join(' '));
    await expect.poll(() => editor.getAttribute('data-running')).toBe('false');
    for (const id of all) expect((await node(id).getByTestId('node-result').textContent())?.trim(), id).toBeTruthy();
    expect((await editor.getAttribute('data-last-ran'))!.split(' ').sort()).toEqual([...all].sort());
    await page.screenshot({ path: screenshotPath('pipeline-editor') });

    // The Compare node opens the comparison table: the reference's top-1 is the fixture's published figure.
    await node(compare).getByTestId('node-result').getByRole('button').click();
    const table = editor.getByRole('dialog', { name: 'Comparison' });
    await table.waitFor();
    const rows = table.locator('tbody tr');
    expect(await rows.count()).toBe(3);
    expect(await rows.nth(0).locator('td').nth(4).textContent()).toBe(`${(100 * EXPECTED_TOP1).toFixed(2)}%`);
    await table.getByRole('button', { name: 'Close' }).click();

    // Changing the INT8 node's method: exactly INT8 and Compare go stale and run again.
    inspector = await inspect(int8);
    await inspector.getByRole('combobox', { name: 'Method' }).selectOption('percentile');
    await expect.poll(async () => (await Promise.all(all.map(status))).join(' ')).toBe(all.map((id) => (id === int8 || id === compare ? 'stale' : 'done')).join(' '));
    await editor.getByRole('button', { name: 'Run all' }).click();
    await expect.poll(() => editor.getAttribute('data-last-ran'), { timeout: 300_000 }).toBe(`${int8} ${compare}`);
    await expect.poll(async () => (await Promise.all(all.map(status))).join(' ')).toBe(Array(all.length).fill('done').join(' '));
    await expect.poll(() => editor.getByTestId('last-run').textContent()).toMatch(/5 from the cache/);

    // Save pipeline: the recipe file, positions included.
    const [saved] = await Promise.all([page.waitForEvent('download'), editor.getByRole('button', { name: 'Save pipeline' }).click()]);
    const file = path.join(dir, 'pipeline.json');
    await saved.saveAs(file);
    const pipeline = JSON.parse(readFileSync(file, 'utf8')) as Pipeline;
    expect(pipeline.version).toBe(2);
    expect(pipeline.nodes.every((n) => n.position && Number.isFinite(n.position.x))).toBe(true);
    expect(pipeline.output).toBe(int8);

    // The app's INT8 and FP16 models, as the viewer saves them: the node's result opens the model.
    const appModel = async (id: string, name: string) => {
      await page.getByRole('tab', { name: pipeline.name! }).click();
      await node(id).getByTestId('node-result').getByRole('button').click();
      await page.getByRole('main', { name: 'Model' }).waitFor();
      const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: /^Save as…/ }).click()]);
      const out = path.join(dir, name);
      await download.saveAs(out);
      return out;
    };
    const appInt8 = await appModel(int8, 'app.int8.onnx');
    const appFp16 = await appModel(fp16, 'app.fp16.onnx');

    // Browser mode keeps no paths: the replay binds the model and the folders by name.
    const bind = ['--model', DIGITS, '--data', `${pipeline.nodes.find((n) => n.id === calib)!.params.name as string}=${CALIB}`, '--data', `${pipeline.nodes.find((n) => n.id === evalSet)!.params.name as string}=${EVAL}`];
    const ok = cli(['run', file, ...bind, '-o', path.join(dir, 'replayed.int8.onnx')]);
    expect(ok.status, ok.stderr).toBe(0);
    expect(readFileSync(path.join(dir, 'replayed.int8.onnx')).equals(readFileSync(appInt8))).toBe(true);
    writeFileSync(file, JSON.stringify({ ...pipeline, output: fp16 }));
    const okFp16 = cli(['run', file, ...bind, '-o', path.join(dir, 'replayed.fp16.onnx')]);
    expect(okFp16.status, okFp16.stderr).toBe(0);
    expect(readFileSync(path.join(dir, 'replayed.fp16.onnx')).equals(readFileSync(appFp16))).toBe(true);
    // An impossible threshold: exit 3.
    writeFileSync(file, JSON.stringify({ ...pipeline, nodes: pipeline.nodes.map((n) => (n.id === compare ? { ...n, params: { thresholds: { maxTop1DropPoints: 0, minSqnrDb: 300 } } } : n)) }));
    const gated = cli(['run', file, ...bind]);
    expect(gated.status, gated.stderr).toBe(3);
    expect(gated.stderr).toMatch(/threshold/);

    // Cancel mid-run: the Compare node (the slowest: three models on 497 images) is cancelled while it runs,
    // and ends failed (or stale, had the cancel come first). A Compare that finished before the Cancel
    // landed ends done, as work that finished has finished: then the run is made again with another
    // calibration limit (so INT8 and Compare are not cached) until a Cancel lands while Compare runs.
    await page.getByRole('tab', { name: pipeline.name! }).click();
    let ended: string | null = 'done';
    for (let attempt = 0; attempt < 5 && ended === 'done'; attempt++) {
      inspector = await inspect(int8);
      await inspector.getByRole('combobox', { name: 'Method' }).selectOption('entropy');
      await inspector.getByRole('textbox', { name: 'Limit', exact: true }).fill(String(40 + attempt));
      await editor.getByRole('button', { name: 'Run all' }).click();
      await editor.locator(`[data-step-id="${compare}"][data-status="running"]`).waitFor({ timeout: 120_000 });
      await editor.getByRole('button', { name: 'Cancel' }).click();
      await expect.poll(() => editor.getAttribute('data-running'), { timeout: 120_000 }).toBe('false');
      ended = await status(compare);
    }
    expect(['failed', 'stale']).toContain(ended);
    expect(await status(int8)).toBe('done');
    expect(await status(fp16)).toBe('done');
    await expect.poll(() => editor.getByRole('alert').first().textContent()).toMatch(/cancelled/i);
  }, 900_000);
});

describe('the model view records into a pipeline (Chromium)', () => {
  const studio = withStudio();
  let page: Page;
  beforeAll(() => {
    page = studio.page;
  });

  it('what the user does by hand in the model view opens as that model\'s pipeline', async () => {
    await openModelFile(page, DIGITS);
    const properties = page.getByRole('complementary', { name: 'Properties' });
    await properties.getByRole('textbox', { name: 'Set dims of image' }).fill('batch x 1 x 28 x 28');
    await properties.locator('[data-value-name="image"]').getByRole('button', { name: 'Set' }).click();
    await expect.poll(() => page.locator('.message.notice').textContent()).toMatch(/batches of 4 and 2/);
    await page.getByRole('toolbar', { name: 'Graph' }).getByRole('button', { name: 'Pipeline', exact: true }).click();
    await page.getByRole('tab', { name: 'digits-cnn.onnx pipeline' }).waitFor();
    const recorded = page.getByRole('main', { name: 'Pipeline editor' });
    await recorded.locator('[data-pipeline-node="model-source"][data-step-id="input"]').waitFor();
    const edit = recorded.locator('[data-pipeline-node="edit"]');
    await edit.waitFor();
    await edit.locator('.pipeline-node-title').click();
    const json = await recorded.getByRole('complementary', { name: 'Inspector' }).getByLabel('Node parameters (JSON)').inputValue();
    expect(JSON.parse(json)).toEqual({ commands: [{ command: 'setDim', params: { tensor: 'image', axis: 0, value: 'batch' }, label: expect.any(String) }] });
    expect(await recorded.getByTestId('pipeline-canvas').getAttribute('data-edge-count')).toBe('1');
  });
});
