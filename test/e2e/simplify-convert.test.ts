import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { decodeModel } from '../../shared/onnx/decode.js';
import { encodeModel } from '../../shared/onnx/encode.js';
import { openModelFile, screenshotPath, withStudio } from '../helpers/browser.js';
import { cli } from '../helpers/cli.js';
import { DIGITS, fixture, tempDir } from '../helpers/paths.js';
import { rateModel } from '../helpers/rate-model.js';

/** A real torchvision-style MobileNetV2 export: weights read through Identity nodes, Clip as ReLU6, opset 14. */
const MOBILENET = fixture('mobilenet-v2-tiny.onnx');

const properties = (page: Page) => page.getByRole('complementary', { name: 'Properties' });
const nodeCount = (page: Page) => page.getByTestId('graph-canvas').getAttribute('data-node-count').then(Number);
const figure = (report: Locator, name: string, column: 1 | 2) => report.locator(`[data-figure="${name}"] td`).nth(column - 1).getAttribute('data-value').then(Number);
const marked = (page: Page) => page.locator('.op-node[data-mark]');
const opsets = (page: Page) => properties(page).locator('dt:text-is("Opsets") + dd').textContent();

/** The CLI's JSON for the same model: the figures the app's report must show. */
function cliJson(args: string[]): Record<string, unknown> {
  const r = cli([...args, '--json']);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout);
}

describe('Simplify and Convert opset end to end (Chromium)', () => {
  const studio = withStudio();
  let page: Page;
  beforeAll(() => {
    page = studio.page;
  });

  it('simplifies a real export with the figures of the CLI, marks the changed nodes, records the step, and undo brings the original back', async () => {
    const cliOut = path.join(tempDir(), 'cli-simplified.onnx');
    const expected = cliJson(['simplify', MOBILENET, '-o', cliOut]) as { nodesBefore: number; nodesAfter: number; initializersBefore: number; initializersAfter: number; bytesBefore: number; bytesAfter: number; maxAbsDiff: number; passes: { name: string; changed: number }[] };
    await openModelFile(page, MOBILENET);
    await expect.poll(() => nodeCount(page)).toBe(expected.nodesBefore);
    const p = properties(page);
    await p.getByRole('form', { name: 'Simplify' }).getByRole('button', { name: 'Simplify' }).click();

    const report = p.getByRole('region', { name: 'Simplify report' });
    await report.waitFor();
    expect(await figure(report, 'nodes', 1)).toBe(expected.nodesBefore);
    expect(await figure(report, 'nodes', 2)).toBe(expected.nodesAfter);
    expect(await figure(report, 'initializers', 1)).toBe(expected.initializersBefore);
    expect(await figure(report, 'initializers', 2)).toBe(expected.initializersAfter);
    expect(await figure(report, 'bytes', 1)).toBe(expected.bytesBefore);
    expect(await figure(report, 'bytes', 2)).toBe(expected.bytesAfter);
    expect(Number(await report.locator('[data-figure="maxAbsDiff"]').getAttribute('data-value'))).toBe(expected.maxAbsDiff);
    for (const pass of expected.passes) expect(Number(await report.locator(`[data-pass="${pass.name}"]`).getAttribute('data-value'))).toBe(pass.changed);
    // Removed minus added is what the node count lost.
    const [, changedCount, added, removed] = /(\d+) changed, (\d+) added; (\d+) removed/.exec((await report.getByTestId('marked-nodes').textContent()) ?? '')!.map(Number);
    expect(removed! - added!).toBe(expected.nodesBefore - expected.nodesAfter);
    expect(changedCount).toBeGreaterThan(0);
    await expect.poll(() => nodeCount(page)).toBe(expected.nodesAfter);

    // A node marked as changed is in the CLI's simplified model, reading other tensors than it did before.
    await expect.poll(() => marked(page).count()).toBeGreaterThan(0);
    const name = (await page.locator('.op-node[data-mark="changed"]').first().getAttribute('data-node-name'))!;
    const original = decodeModel(readFileSync(MOBILENET)).graph!.node!.find((n) => n.name === name)!;
    const simplified = decodeModel(readFileSync(cliOut)).graph!.node!.find((n) => n.name === name)!;
    expect(simplified.input).not.toEqual(original.input);
    await page.screenshot({ path: screenshotPath('simplify-report') });

    // Undo: the original graph, no marks, a stale report, and no step in the model's pipeline.
    await page.getByRole('button', { name: 'Undo' }).click();
    await expect.poll(() => nodeCount(page)).toBe(expected.nodesBefore);
    await expect.poll(() => marked(page).count()).toBe(0);
    expect(await report.getAttribute('data-stale')).toBe('true');
    const openPipeline = () => page.getByRole('toolbar', { name: 'Graph' }).getByRole('button', { name: 'Pipeline', exact: true }).click();
    const editor = page.getByRole('main', { name: 'Pipeline editor' });
    await openPipeline();
    await editor.locator('[data-pipeline-node="model-source"]').waitFor();
    expect(await editor.locator('[data-pipeline-node="simplify"]').count()).toBe(0);
    // Redo simplifies again and records the step again: the model's pipeline holds it.
    await page.getByRole('tab', { name: 'Models' }).click();
    await page.getByRole('button', { name: 'Redo' }).click();
    await expect.poll(() => nodeCount(page)).toBe(expected.nodesAfter);
    await openPipeline();
    const step = editor.locator('[data-pipeline-node="simplify"]');
    await step.waitFor();
    expect(await step.getAttribute('data-step-id')).toMatch(/^simplify-/);
    await page.getByRole('tab', { name: 'Models' }).click();
  });

  it('simplifies at the dims typed for dynamic inputs, without the passes unticked, as the CLI does with --shape and --skip', async () => {
    const model = fixture('transformer-encoder.onnx');
    const expected = cliJson(['simplify', model, '-o', path.join(tempDir(), 'cli-encoder.onnx'), '--shape', 'src=2x5x16', '--shape', 'mask=2x5', '--skip', 'value-info']) as { nodesBefore: number; nodesAfter: number; bytesAfter: number; passes: { name: string; changed: number }[] };
    await openModelFile(page, model);
    const form = properties(page).getByRole('form', { name: 'Simplify' });
    // A dim that is not a whole number is refused in the form, in one sentence.
    await form.getByRole('textbox', { name: 'Dims for src' }).fill('2 x five x 16');
    await form.getByRole('button', { name: 'Simplify' }).click();
    expect(await properties(page).getByRole('alert').textContent()).toBe("The dims for 'src' must be whole numbers of at least 1, such as 1x3x224x224.");
    await form.getByRole('textbox', { name: 'Dims for src' }).fill('2x5x16');
    await form.getByRole('textbox', { name: 'Dims for mask' }).fill('2 x 5');
    await form.getByText(/^Passes/).click();
    await form.getByRole('checkbox', { name: 'value-info' }).uncheck();
    await form.getByRole('button', { name: 'Simplify' }).click();
    const report = properties(page).getByRole('region', { name: 'Simplify report' });
    await report.waitFor();
    expect(await figure(report, 'nodes', 1)).toBe(expected.nodesBefore);
    expect(await figure(report, 'nodes', 2)).toBe(expected.nodesAfter);
    expect(await figure(report, 'bytes', 2)).toBe(expected.bytesAfter);
    for (const pass of expected.passes) expect(Number(await report.locator(`[data-pass="${pass.name}"]`).getAttribute('data-value'))).toBe(pass.changed);
    expect(await report.locator('[data-pass="value-info"]').count()).toBe(0);
    await expect.poll(() => nodeCount(page)).toBe(expected.nodesAfter);
    // The result declares the dims it was simplified at.
    expect(await properties(page).locator('[data-value-name="src"]').textContent()).toContain('2×5×16');
  });

  it('converts the opset with the CLI figures, marks the rewritten nodes, and undo restores the opset', async () => {
    const cliOut = path.join(tempDir(), 'cli-opset9.onnx');
    const expected = cliJson(['convert', MOBILENET, '-o', cliOut, '--opset', '9']) as { opsetBefore: number; opsetAfter: number; converted: { opType: string; count: number }[]; maxAbsDiff: number };
    expect(expected.converted).toEqual([{ opType: 'Clip', count: 35 }]);
    await openModelFile(page, MOBILENET);
    const before = await nodeCount(page);
    const p = properties(page);
    // With a node selected, the header's button brings the model's form back.
    await page.locator('.op-node[data-op-type="Conv"]').first().click();
    await expect.poll(() => p.getByRole('form', { name: 'Convert opset' }).count()).toBe(0);
    await page.getByRole('button', { name: 'Simplify / Convert' }).click();
    const form = p.getByRole('form', { name: 'Convert opset' });
    await form.waitFor();
    expect(await opsets(page)).toBe('ai.onnx 14');
    await form.getByRole('textbox', { name: 'Target opset' }).fill('9');
    await form.getByRole('button', { name: 'Convert opset' }).click();

    const report = p.getByRole('region', { name: 'Convert report' });
    await report.waitFor();
    expect(Number(await report.locator('[data-figure="opsetBefore"]').textContent())).toBe(expected.opsetBefore);
    expect(Number(await report.locator('[data-figure="opsetAfter"]').textContent())).toBe(expected.opsetAfter);
    expect(await report.textContent()).toContain('Clip ×35');
    expect(Number(await report.locator('[data-figure="maxAbsDiff"]').getAttribute('data-value'))).toBe(expected.maxAbsDiff);
    await expect.poll(() => opsets(page)).toBe('ai.onnx 9');
    // Opset 9's Clip takes its bounds as attributes: the Constant nodes that fed them go.
    const gone = decodeModel(readFileSync(MOBILENET)).graph!.node!.length - decodeModel(readFileSync(cliOut)).graph!.node!.length;
    expect(await report.getByTestId('marked-nodes').textContent()).toBe(`Marked on the graph: 35 changed, 0 added; ${gone} removed.`);
    // Once the converted graph is laid out, only the Clip nodes are marked.
    await expect.poll(() => nodeCount(page)).toBe(before - gone);
    await expect.poll(() => marked(page).evaluateAll((nodes) => [...new Set(nodes.map((n) => n.getAttribute('data-op-type')))])).toEqual(['Clip']);
    await page.screenshot({ path: screenshotPath('convert-report') });

    await page.getByTestId('graph-canvas').click({ position: { x: 5, y: 5 } });
    await page.keyboard.press('Control+z');
    await expect.poll(() => opsets(page)).toBe('ai.onnx 14');
    await expect.poll(() => marked(page).count()).toBe(0);
    await expect.poll(() => nodeCount(page)).toBe(before);
  });

  it('shows a refusal as its sentence with Keep anyway, which applies the result as an undoable edit', async () => {
    // A node of a domain ONNX Runtime does not know: the check cannot run, so the conversion is refused.
    const digits = decodeModel(readFileSync(DIGITS));
    const extra = { name: 'mystery', opType: 'Frobnicate', domain: 'com.example', input: ['logits'], output: ['frobbed'] };
    const file = path.join(tempDir(), 'custom-op.onnx');
    writeFileSync(file, encodeModel({ ...digits, opsetImport: [...digits.opsetImport!, { domain: 'com.example', version: 1 }], graph: { ...digits.graph!, node: [...digits.graph!.node!, extra] } }));
    await openModelFile(page, file);
    const p = properties(page);
    const form = p.getByRole('form', { name: 'Convert opset' });
    await form.getByRole('textbox', { name: 'Target opset' }).fill('12');
    await form.getByRole('button', { name: 'Convert opset' }).click();
    const refusal = p.locator('.transform-refusal');
    await refusal.waitFor();
    expect(await refusal.locator('p').textContent()).toMatch(/^The conversion to opset 12 was refused because ONNX Runtime cannot load the original model[^\n]*; nothing was changed\.$/);
    expect(await opsets(page)).toMatch(/ai\.onnx 13/);
    await refusal.getByRole('button', { name: 'Keep anyway' }).click();
    const report = p.getByRole('region', { name: 'Convert report' });
    await report.waitFor();
    expect(await report.locator('[data-figure="maxAbsDiff"]').textContent()).toBe('not checked');
    await expect.poll(() => opsets(page)).toMatch(/ai\.onnx 12/);
    expect(await refusal.count()).toBe(0);
    await page.getByRole('button', { name: 'Undo' }).click();
    await expect.poll(() => opsets(page)).toMatch(/ai\.onnx 13/);
  });

  it('feeds the value typed for an integer scalar input to the check, where random ones cannot run the model', async () => {
    const file = path.join(tempDir(), 'rate.onnx');
    writeFileSync(file, encodeModel(rateModel(11)));
    await openModelFile(page, file);
    const p = properties(page);
    const form = p.getByRole('form', { name: 'Convert opset' });
    await form.getByRole('textbox', { name: 'Target opset' }).fill('17');
    await form.getByRole('button', { name: 'Convert opset' }).click();
    const refusal = p.locator('.transform-refusal');
    await refusal.waitFor();
    expect(await refusal.locator('p').textContent()).toMatch(/cannot run the original model on random inputs/);
    await p.getByRole('textbox', { name: 'Check value for sr' }).fill('16000');
    await form.getByRole('button', { name: 'Convert opset' }).click();
    const report = p.getByRole('region', { name: 'Convert report' });
    await report.waitFor();
    expect(Number(await report.locator('[data-figure="maxAbsDiff"]').getAttribute('data-value'))).toBe(0);
    await expect.poll(() => opsets(page)).toMatch(/ai\.onnx 17/);
  });

  it('keeps the Simplify report and the simplified model while a pipeline is shown, where Ctrl+Z is the pipeline\'s', async () => {
    await openModelFile(page, MOBILENET);
    const p = properties(page);
    await p.getByRole('form', { name: 'Simplify' }).getByRole('button', { name: 'Simplify' }).click();
    const report = p.getByRole('region', { name: 'Simplify report' });
    await report.waitFor();
    const simplified = await figure(report, 'nodes', 2);
    await expect.poll(() => nodeCount(page)).toBe(simplified);
    await page.getByRole('button', { name: 'New pipeline' }).click();
    await page.getByRole('main', { name: 'Pipeline editor' }).waitFor();
    await page.keyboard.press('Control+z');
    await page.getByRole('tablist', { name: 'Workspaces' }).getByRole('tab').first().click();
    await report.waitFor();
    expect(await figure(report, 'nodes', 2)).toBe(simplified);
    // An undo that reached the model would bring the original's nodes back.
    await expect.poll(() => nodeCount(page)).toBe(simplified);
  });
});
