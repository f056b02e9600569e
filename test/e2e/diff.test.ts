import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { openModelFile, screenshotPath, withStudio } from '../helpers/browser.js';
import { cli } from '../helpers/cli.js';
import { DIGITS, fixture, tempDir } from '../helpers/paths.js';
import { runPython } from '../helpers/python.js';

// The oracle: python3-onnx reads the INT8 file and lists its float nodes and, for each node reading a
// DequantizeLinear, the stored types of its quantized weights (int32 ones are biases) and activations.
const QUANTIZED = `
import onnx, sys, json
g = onnx.load(sys.argv[1]).graph
inits = {t.name: t for t in g.initializer}
producer = {o: n for n in g.node for o in n.output}
name = lambda t: onnx.TensorProto.DataType.Name(t.data_type).lower()
dq = {}
for n in g.node:
    if n.op_type != 'DequantizeLinear': continue
    src = n.input[0]
    if src in inits:
        dq[n.output[0]] = ('bias' if name(inits[src]) == 'int32' else 'weight', name(inits[src]))
    else:
        dq[n.output[0]] = ('activation', name(inits[producer[src].input[2]]))
out = {}
for n in g.node:
    if n.op_type in ('QuantizeLinear', 'DequantizeLinear'): continue
    kinds = dict(dq[i] for i in n.input if i in dq)
    if kinds: out[n.name] = {'opType': n.op_type, **kinds}
print(json.dumps({'quantized': out, 'float': [n.name for n in g.node if n.op_type not in ('QuantizeLinear', 'DequantizeLinear')]}))
`;

const diffView = (page: Page) => page.getByRole('main', { name: 'Model diff' });
const changes = (page: Page) => diffView(page).getByRole('list', { name: 'Changes' });

/** The statuses the canvas shows, by node name. */
async function statuses(page: Page): Promise<Record<string, string>> {
  return diffView(page)
    .locator('[data-node-name][data-diff-status]')
    .evaluateAll((nodes) => Object.fromEntries(nodes.map((n) => [n.getAttribute('data-node-name'), n.getAttribute('data-diff-status')])));
}

/** Opens B through "Diff with…" > "Another file…" and waits for the merged graph to be laid out. */
async function diffWithFile(page: Page, file: string): Promise<void> {
  await page.locator('input[aria-label="Second model file"]').setInputFiles(file);
  await diffView(page).locator('[data-testid="graph-canvas"][data-node-count][data-viewport="placed"]').waitFor();
}

/** How far a node's centre is from the canvas' centre, in pixels. */
async function offCentre(page: Page, node: Locator): Promise<number> {
  const canvas = (await diffView(page).getByTestId('graph-canvas').boundingBox())!;
  const box = await node.boundingBox();
  if (!box) return Infinity;
  return Math.hypot(box.x + box.width / 2 - (canvas.x + canvas.width / 2), box.y + box.height / 2 - (canvas.y + canvas.height / 2));
}

describe('Diff view end to end (Chromium)', () => {
  const studio = withStudio();
  let page: Page;
  const dir = tempDir('diff-e2e-');
  const int8 = path.join(dir, 'digits-cnn.int8.onnx');
  const edited = path.join(dir, 'digits-cnn.edited.onnx');

  beforeAll(() => {
    page = studio.page;
    const q = cli(['quantize', DIGITS, '-o', int8, '--mode', 'int8-static', '--calib', fixture('digits/calib'), '--preprocess', fixture('digits/preprocess.json'), '--limit', '32']);
    expect(q.stderr).toBe('');
    // The edited copy is made by the CLI replaying a recipe of two edits: a rename and an attribute.
    const recipe = path.join(dir, 'edit.recipe.json');
    writeFileSync(
      recipe,
      JSON.stringify({
        format: 'onnx-studio.recipe',
        version: 1,
        input: { name: 'digits-cnn.onnx', sha256: createHash('sha256').update(readFileSync(DIGITS)).digest('hex') },
        data: {},
        steps: [
          {
            id: 'edit-1',
            kind: 'edit',
            model: 'input',
            commands: [
              { command: 'renameNode', params: { graphPath: 'main', nodeIndex: 3, name: 'conv_two' } },
              { command: 'setAttribute', params: { graphPath: 'main', nodeIndex: 2, name: 'kernel_shape', value: { type: 'INTS', value: [3, 3] } } },
            ],
          },
        ],
        output: 'edit-1',
      }),
    );
    const r = cli(['run', recipe, '--model', DIGITS, '-o', edited]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
  });

  it('shows the INT8 variant as the float graph with every quantized node marked, the summary, and steps through the changes', async () => {
    const oracle = JSON.parse(runPython(QUANTIZED, [int8])) as { quantized: Record<string, { opType: string; weight?: string; bias?: string; activation?: string }>; float: string[] };
    const quantizedNames = Object.keys(oracle.quantized);
    expect(quantizedNames.length).toBeGreaterThan(3);
    await openModelFile(page, DIGITS);
    await diffWithFile(page, int8);
    const view = diffView(page);
    expect(Number(await view.getByTestId('graph-canvas').getAttribute('data-node-count'))).toBe(oracle.float.length);
    expect(await view.locator('[data-op-type="QuantizeLinear"], [data-op-type="DequantizeLinear"]').count()).toBe(0);
    const shown = await statuses(page);
    expect(Object.keys(shown).sort()).toEqual([...oracle.float].sort());
    expect(Object.entries(shown).filter(([, s]) => s === 'quantized').map(([n]) => n).sort()).toEqual([...quantizedNames].sort());
    expect(Object.values(shown).every((s) => s === 'quantized' || s === 'same')).toBe(true);
    // Each quantized node carries its annotation, with the types the file stores.
    for (const [name, q] of Object.entries(oracle.quantized)) {
      const note = await view.locator(`[data-node-name="${name}"] .diff-note`).textContent();
      const expected = `quantized: ${[q.weight ? `weight ${q.weight}` : '', q.bias ? `bias ${q.bias}` : '', q.activation ? `activation ${q.activation}` : ''].filter(Boolean).join(', ')}`;
      expect(note).toBe(expected);
    }
    const convs = Object.values(oracle.quantized).filter((q) => q.opType === 'Conv').length;
    expect(await view.getByTestId('diff-summary').textContent()).toMatch(new RegExp(`^${convs} Conv quantized; `));
    await page.screenshot({ path: screenshotPath('diff-int8'), fullPage: true });

    // The list holds the quantized nodes; Next and Previous select each in turn and centre it.
    const items = changes(page).getByRole('button');
    expect(await items.count()).toBe(quantizedNames.length);
    const listed = await items.evaluateAll((b) => b.map((x) => x.getAttribute('data-change-status')));
    expect(new Set(listed)).toEqual(new Set(['quantized']));
    const firstName = (await items.nth(0).locator('.muted').textContent())!;
    const secondName = (await items.nth(1).locator('.muted').textContent())!;
    await view.getByRole('button', { name: 'Next change' }).click();
    await expect.poll(() => items.nth(0).getAttribute('aria-current')).toBe('true');
    await expect.poll(() => offCentre(page, view.locator(`[data-node-name="${firstName}"]`))).toBeLessThan(10);
    const details = view.getByRole('region', { name: 'Change details' });
    expect(await details.textContent()).toContain(await view.locator(`[data-node-name="${firstName}"] .diff-note`).textContent());
    await view.getByRole('button', { name: 'Next change' }).click();
    await expect.poll(() => items.nth(1).getAttribute('aria-current')).toBe('true');
    await expect.poll(() => offCentre(page, view.locator(`[data-node-name="${secondName}"]`))).toBeLessThan(10);
    await view.getByRole('button', { name: 'Previous change' }).click();
    await expect.poll(() => items.nth(0).getAttribute('aria-current')).toBe('true');

    // "Changes only" off: every node of the merged graph is listed.
    await view.getByLabel('Changes only').uncheck();
    await expect.poll(() => items.count()).toBe(oracle.float.length);
    await view.getByLabel('Changes only').check();
    await expect.poll(() => items.count()).toBe(quantizedNames.length);

    // The INT8 model is an open tab now: "Diff with…" offers it, and gives the same picture.
    await view.getByRole('button', { name: 'Close diff' }).click();
    await page.getByRole('combobox', { name: 'Diff with…' }).selectOption({ label: 'digits-cnn.int8.onnx' });
    await diffView(page).locator('[data-testid="graph-canvas"][data-node-count][data-viewport="placed"]').waitFor();
    expect(await statuses(page)).toEqual(shown);
    await diffView(page).getByRole('button', { name: 'Close diff' }).click();
  });

  it('marks exactly the renamed node and the changed attribute of a copy edited by the CLI', async () => {
    // The model from the first case is still open (with its INT8 variant in a second tab); a fresh page opens it.
    const title = page.getByTestId('model-title');
    if (!(await title.isVisible()) || (await title.textContent()) !== 'digits-cnn.onnx') await openModelFile(page, DIGITS);
    await diffWithFile(page, edited);
    const view = diffView(page);
    const shown = await statuses(page);
    expect(Object.entries(shown).filter(([, s]) => s !== 'same')).toEqual([
      ['/MaxPool', 'changed'],
      ['conv_two', 'changed'],
    ]);
    const items = changes(page).getByRole('button');
    expect(await items.count()).toBe(2);
    await items.filter({ hasText: 'MaxPool' }).click();
    const attributes = view.getByRole('table', { name: 'Attribute changes' });
    expect(await attributes.locator('tbody tr td').allTextContents()).toEqual(['kernel_shape', '[2, 2]', '[3, 3]']);
    await expect.poll(() => offCentre(page, view.locator('[data-node-name="/MaxPool"]'))).toBeLessThan(10);
    await items.filter({ hasText: 'conv_two' }).click();
    await expect.poll(() => view.getByRole('region', { name: 'Change details' }).textContent()).toContain('Renamed from /c2/Conv to conv_two');
    await page.screenshot({ path: screenshotPath('diff-edited'), fullPage: true });
  });
});
