import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { decodeModel } from '../../shared/onnx/decode.js';
import { encodeModel } from '../../shared/onnx/encode.js';
import { openModelFile, screenshotPath, withStudio } from '../helpers/browser.js';
import { DIGITS, tempDir } from '../helpers/paths.js';
import { runPython } from '../helpers/python.js';

const canvas = '[data-testid="graph-canvas"]';
const dir = tempDir();
const ANNOTATED = path.join(dir, 'annotated.onnx');

/**
 * A model carrying everything Netron's sidebars show: model domain, version, doc_string and
 * metadata_props; a node's doc_string and metadata_props; type and dim denotations; a quantization
 * annotation; a local function. python-onnx writes it and checks it, and its values are the oracle.
 */
const facts = JSON.parse(
  runPython(
    `
import onnx, sys, json
from onnx import helper, TensorProto
x = helper.make_tensor_value_info("image", TensorProto.FLOAT, [1, 3, 8, 8])
x.type.denotation = "IMAGE"
for d, name in zip(x.type.tensor_type.shape.dim, ["DATA_BATCH", "DATA_CHANNEL", "DATA_FEATURE", "DATA_FEATURE"]):
    d.denotation = name
y = helper.make_tensor_value_info("doubled", TensorProto.FLOAT, [1, 3, 8, 8])
relu = helper.make_node("Relu", ["image"], ["activated"], name="act", doc_string="Clamps negatives to zero.")
call = helper.make_node("Double", ["activated"], ["doubled"], name="twice", domain="custom")
fn = helper.make_function("custom", "Double", ["t"], ["u"], [helper.make_node("Add", ["t", "t"], ["u"], name="inner_add")], [helper.make_opsetid("", 17)])
graph = helper.make_graph([relu, call], "annotated-graph", [x], [y], doc_string="The main graph.",
                          value_info=[helper.make_tensor_value_info("activated", TensorProto.FLOAT, [1, 3, 8, 8])])
q = graph.quantization_annotation.add(tensor_name="activated")
q.quant_parameter_tensor_names.add(key="SCALE_TENSOR", value="activated_scale")
q.quant_parameter_tensor_names.add(key="ZERO_POINT_TENSOR", value="activated_zp")
m = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17), helper.make_opsetid("custom", 1)], functions=[fn],
                      producer_name="parity-test", domain="ai.studio.test", model_version=7, doc_string="A model with every annotation.")
helper.set_model_props(m, {"author": "ONNX Studio", "license": "MIT"})
onnx.checker.check_model(m)
onnx.save(m, sys.argv[1])
r = onnx.load(sys.argv[1])
print(json.dumps({
  "producer": r.producer_name, "ir": r.ir_version, "opsets": {o.domain or "ai.onnx": o.version for o in r.opset_import},
  "domain": r.domain, "version": r.model_version, "doc": r.doc_string, "graph": r.graph.name, "graphDoc": r.graph.doc_string,
  "props": {p.key: p.value for p in r.metadata_props},
  "nodeDoc": r.graph.node[0].doc_string,
  "denotation": r.graph.input[0].type.denotation, "dims": [d.denotation for d in r.graph.input[0].type.tensor_type.shape.dim],
  "quant": {p.key: p.value for p in r.graph.quantization_annotation[0].quant_parameter_tensor_names},
  "functionNodes": len(r.functions[0].node),
}))
`,
    [ANNOTATED],
  ),
) as {
  producer: string;
  ir: number;
  opsets: Record<string, number>;
  domain: string;
  version: number;
  doc: string;
  graph: string;
  graphDoc: string;
  props: Record<string, string>;
  nodeDoc: string;
  denotation: string;
  dims: string[];
  quant: Record<string, string>;
  functionNodes: number;
};

// Debian's python3-onnx (1.12) predates NodeProto.metadata_props (IR 10): our codec adds it, and
// python-onnx is still asked to find the model valid with the field in place (kept as unknown).
const NODE_PROPS = { origin: 'torch.nn.ReLU' };
{
  const model = decodeModel(readFileSync(ANNOTATED));
  model.graph!.node![0]!.metadataProps = Object.entries(NODE_PROPS).map(([key, value]) => ({ key, value }));
  writeFileSync(ANNOTATED, encodeModel(model));
  runPython('import onnx, sys\nonnx.checker.check_model(onnx.load(sys.argv[1]))', [ANNOTATED]);
}

const ready = (page: Page) => page.waitForFunction((sel) => document.querySelector(sel)?.getAttribute('data-status') === 'ready', canvas);
/** React Flow's viewport transform: translate(x, y) scale(zoom). */
const viewport = (page: Page) =>
  page.evaluate(() => {
    const m = /translate\(([-\d.]+)px, ?([-\d.]+)px\) scale\(([-\d.]+)\)/.exec(document.querySelector<HTMLElement>('.react-flow__viewport')!.style.transform)!;
    return { x: Number(m[1]), y: Number(m[2]), zoom: Number(m[3]) };
  });
const results = (page: Page) => page.getByRole('listbox', { name: 'Search results' });
/** A rendered node's position in graph coordinates (React Flow's transform on the node element). */
const position = (page: Page, selector: string) =>
  page.locator(selector).first().evaluate((el) => {
    const m = /translate\(([-\d.]+)px, ?([-\d.]+)px\)/.exec((el.closest('.react-flow__node') as HTMLElement).style.transform)!;
    return { x: Number(m[1]), y: Number(m[2]) };
  });
const box = async (page: Page, selector: string) => (await page.locator(selector).first().boundingBox())!;

describe('Netron parity end to end (Chromium)', () => {
  const studio = withStudio();
  let page: Page;
  beforeAll(() => {
    page = studio.page;
  });

  it('shows model metadata: domain, model version, doc_string, graph name and doc_string, metadata_props', async () => {
    await openModelFile(page, ANNOTATED);
    const properties = page.getByRole('complementary', { name: 'Properties' });
    await expect.poll(() => properties.getByTestId('model-domain').textContent()).toBe(facts.domain);
    expect(await properties.getByTestId('model-version').textContent()).toBe(String(facts.version));
    expect(await properties.getByTestId('model-producer').textContent()).toBe(facts.producer);
    expect(await properties.getByTestId('model-ir-version').textContent()).toBe(String(facts.ir));
    for (const [d, v] of Object.entries(facts.opsets)) expect(await properties.getByText(`${d} ${v}`, { exact: false }).count()).toBeGreaterThan(0);
    expect(await properties.getByTestId('model-doc-string').textContent()).toBe(facts.doc);
    expect(await properties.getByTestId('graph-name').textContent()).toBe(facts.graph);
    expect(await properties.getByTestId('graph-doc-string').textContent()).toBe(facts.graphDoc);
    for (const [k, v] of Object.entries(facts.props)) expect(await properties.locator(`[data-metadata-key="${k}"] dd`).textContent()).toBe(v);
  });

  it('shows a node’s doc_string and metadata_props, an input’s denotations and a tensor’s quantization annotation', async () => {
    const properties = page.getByRole('complementary', { name: 'Properties' });
    await page.locator('[data-node-name="act"]').click();
    await expect.poll(() => properties.getByTestId('node-doc-string').textContent()).toBe(facts.nodeDoc);
    for (const [k, v] of Object.entries(NODE_PROPS)) expect(await properties.locator(`[data-metadata-key="${k}"] code`).textContent()).toBe(v);
    await page.locator('[data-op-type="Input"][data-node-name="image"]').click();
    await expect.poll(() => properties.getByTestId('value-denotation').textContent()).toBe(facts.denotation);
    expect(await properties.getByTestId('value-dim-denotations').textContent()).toBe(facts.dims.join(' × '));
    await page.getByRole('searchbox', { name: 'Search' }).fill('"activated"');
    await results(page).getByRole('option', { name: /^activated/ }).click();
    const quantization = properties.getByRole('table', { name: 'Quantization' });
    for (const [k, v] of Object.entries(facts.quant)) await expect.poll(() => quantization.locator(`[data-metadata-key="${k}"] code`).textContent()).toBe(v);
    await page.screenshot({ path: screenshotPath('parity-annotations') });
  });

  it('opens a local function as its own view', async () => {
    await page.getByRole('combobox', { name: 'Local functions' }).selectOption({ label: 'custom.Double' });
    await page.waitForFunction((sel) => document.querySelector(sel)?.getAttribute('data-status') === 'ready' && document.querySelector('[aria-label="Breadcrumb"] [aria-current="page"]')?.textContent?.includes('Double'), canvas);
    expect(Number(await page.getAttribute(canvas, 'data-node-count'))).toBe(facts.functionNodes);
    await page.locator('[data-node-name="inner_add"][data-op-type="Add"]').waitFor();
  });

  it('toggles names, attributes, weights and direction from Netron’s shortcuts', async () => {
    await openModelFile(page, DIGITS);
    await page.locator('[data-op-type="Conv"]').first().waitFor();
    // Netron's colours by category (resources/op-categories.json keeps Netron's: Conv a layer, Relu an activation).
    expect(await page.locator('.op-node.cat-Layer[data-op-type="Conv"]').count()).toBe(3);
    expect(await page.locator('.op-node.cat-Activation[data-op-type="Relu"]').count()).toBe(3);
    // The input's shape, as python-onnx reads it, on the edge leaving it.
    const inputShape = runPython('import onnx, sys\nm = onnx.load(sys.argv[1])\nprint("[" + "×".join(str(d.dim_value) for d in m.graph.input[0].type.tensor_type.shape.dim) + "]")', [DIGITS]).trim();
    await expect.poll(() => page.locator('.edge-label').allTextContents()).toContain(inputShape);
    await page.locator(canvas).focus();
    expect(await page.locator('.op-row.name').count()).toBe(0);
    await page.keyboard.press('Control+U');
    await expect.poll(() => page.locator('[data-node-name="/c1/Conv"] .op-row.name').textContent()).toBe('/c1/Conv');
    // Edges carry their value names instead of shapes while names are shown.
    const firstOutput = runPython('import onnx, sys\nprint(onnx.load(sys.argv[1]).graph.node[0].output[0])', [DIGITS]).trim();
    await expect.poll(() => page.locator('.edge-label').allTextContents()).toContain(firstOutput);
    expect(await page.locator('.edge-label').allTextContents()).not.toContain(inputShape);
    await page.keyboard.press('Control+D');
    await expect.poll(() => page.locator('[data-node-name="/c1/Conv"] .op-row.attribute').filter({ hasText: 'kernel_shape' }).count()).toBe(1);
    await page.keyboard.press('Control+I');
    await expect.poll(() => page.locator('[data-op-type="Initializer"]').count()).toBeGreaterThan(0);
    await page.keyboard.press('Control+I');
    await expect.poll(() => page.locator('[data-op-type="Initializer"]').count()).toBe(0);
    await ready(page);
    // The first Relu and the MaxPool it feeds: one below the other, then side by side.
    const conv = '[data-node-name="/Relu"]';
    const relu = '[data-node-name="/MaxPool"]';
    const a = await position(page, conv);
    const b = await position(page, relu);
    expect(b.y - a.y).toBeGreaterThan(Math.abs(b.x - a.x));
    await page.keyboard.press('Control+K');
    await expect.poll(() => page.getByRole('combobox', { name: 'Layout direction' }).inputValue()).toBe('LR');
    await page.waitForFunction((sel) => document.querySelector(sel)?.getAttribute('data-viewport') === 'placed', canvas);
    const a2 = await position(page, conv);
    const b2 = await position(page, relu);
    expect(b2.x - a2.x).toBeGreaterThan(Math.abs(b2.y - a2.y));
    await page.screenshot({ path: screenshotPath('parity-horizontal-names-attributes') });
  });

  it('zooms with Shift+Up / Shift+Down, returns to actual size with Shift+Backspace, and makes the wheel scroll on Ctrl+M', async () => {
    await page.locator(canvas).focus();
    await page.keyboard.press('Shift+Backspace');
    await expect.poll(async () => (await viewport(page)).zoom).toBe(1);
    await page.keyboard.press('Shift+ArrowUp');
    await expect.poll(async () => (await viewport(page)).zoom).toBeGreaterThan(1);
    await page.keyboard.press('Shift+Backspace');
    await expect.poll(async () => (await viewport(page)).zoom).toBe(1);
    await page.keyboard.press('Shift+ArrowDown');
    await expect.poll(async () => (await viewport(page)).zoom).toBeLessThan(1);
    const c = await box(page, canvas);
    await page.mouse.move(c.x + c.width / 2, c.y + c.height / 2);
    const before = await viewport(page);
    await page.mouse.wheel(0, 200);
    await expect.poll(async () => (await viewport(page)).zoom).toBeLessThan(before.zoom);
    await page.keyboard.press('Control+M');
    await expect.poll(() => page.getByRole('combobox', { name: 'Mouse wheel' }).inputValue()).toBe('scroll');
    const zoomed = await viewport(page);
    await page.mouse.wheel(0, 200);
    await expect.poll(async () => (await viewport(page)).y).not.toBe(zoomed.y);
    expect((await viewport(page)).zoom).toBe(zoomed.zoom);
  });

  it('finds with the node / connection / weight toggles and a quoted exact name', async () => {
    const search = page.getByRole('searchbox', { name: 'Search' });
    await search.fill('fc');
    await expect.poll(() => page.locator('[data-hit-kind="node"]').count()).toBeGreaterThan(0);
    await expect.poll(() => page.locator('[data-hit-kind="weight"]').count()).toBeGreaterThan(0);
    await page.getByRole('checkbox', { name: 'Find nodes' }).uncheck();
    await expect.poll(() => page.locator('[data-hit-kind="node"]').count()).toBe(0);
    expect(await page.locator('[data-hit-kind="weight"]').count()).toBeGreaterThan(0);
    await page.getByRole('checkbox', { name: 'Find weights' }).uncheck();
    await expect.poll(() => page.locator('[data-hit-kind="weight"]').count()).toBe(0);
    await page.getByRole('checkbox', { name: 'Find nodes' }).check();
    await page.getByRole('checkbox', { name: 'Find weights' }).check();
    await search.fill('"fc.weight"');
    await expect.poll(() => results(page).getByRole('option').allTextContents()).toEqual([expect.stringMatching(/^fc\.weight/)]);
    await search.press('Escape');
  });

  it('shows a weight’s sparsity and first values as numpy computes them, and saves it as .npy', async () => {
    const expected = runPython(
      'import onnx, sys\nfrom onnx import numpy_helper\nm = onnx.load(sys.argv[1])\nw = numpy_helper.to_array([t for t in m.graph.initializer if t.name == "fc.weight"][0])\nprint(f"{(w == 0).mean() * 100:.1f}%")',
      [DIGITS],
    ).trim();
    await page.getByRole('searchbox', { name: 'Search' }).fill('"fc.weight"');
    await results(page).getByRole('option', { name: /^fc\.weight/ }).click();
    const properties = page.getByRole('complementary', { name: 'Properties' });
    await expect.poll(() => properties.getByTestId('value-sparsity').textContent()).toBe(expected);
    // The first values, against numpy's (the sidebar rounds them to 4 significant digits).
    const shown = (await properties.locator('.first-values').textContent())!.split(', ').map(Number);
    const numpyFirst = JSON.parse(
      runPython('import onnx, sys, json\nfrom onnx import numpy_helper\nm = onnx.load(sys.argv[1])\nw = numpy_helper.to_array([t for t in m.graph.initializer if t.name == "fc.weight"][0])\nprint(json.dumps(w.flatten()[:int(sys.argv[2])].tolist()))', [DIGITS, String(shown.length)]),
    ) as number[];
    expect(shown.length).toBeGreaterThan(8);
    shown.forEach((v, i) => expect(Math.abs(v - numpyFirst[i]!)).toBeLessThanOrEqual(Math.abs(numpyFirst[i]!) * 1e-3 + 1e-12));
    // Save as .npy: numpy loads what numpy_helper reads from the model.
    const [npy] = await Promise.all([page.waitForEvent('download'), properties.getByRole('button', { name: 'Save as .npy' }).click()]);
    expect(npy.suggestedFilename()).toBe('fc_weight.npy');
    const npyFile = path.join(dir, 'fc_weight.npy');
    await npy.saveAs(npyFile);
    expect(
      runPython('import numpy as np, onnx, sys\nfrom onnx import numpy_helper\nm = onnx.load(sys.argv[1])\nw = numpy_helper.to_array([t for t in m.graph.initializer if t.name == "fc.weight"][0])\na = np.load(sys.argv[2])\nprint(a.dtype == w.dtype and a.shape == w.shape and np.array_equal(a, w))', [DIGITS, npyFile]).trim(),
    ).toBe('True');
    // Ctrl+Enter: back to the model's properties (Netron's View > Properties).
    await page.locator(canvas).focus();
    await page.keyboard.press('Control+Enter');
    await properties.getByRole('heading', { name: 'Model' }).waitFor();
  });

  it('exports PNG with Ctrl+Shift+E and SVG with Ctrl+Alt+E', async () => {
    await page.locator(canvas).focus();
    const [png] = await Promise.all([page.waitForEvent('download'), page.keyboard.press('Control+Shift+E')]);
    expect(png.suggestedFilename()).toBe('digits-cnn.png');
    const pngFile = path.join(dir, 'shortcut.png');
    await png.saveAs(pngFile);
    expect(readFileSync(pngFile).subarray(1, 4).toString()).toBe('PNG');
    const [svg] = await Promise.all([page.waitForEvent('download'), page.keyboard.press('Control+Alt+E')]);
    expect(svg.suggestedFilename()).toBe('digits-cnn.svg');
  });

  it('opens the JSON form of a model (json_format) with the nodes python-onnx counts', async () => {
    const file = path.join(dir, 'digits.json');
    const count = Number(
      runPython('import onnx, sys\nfrom google.protobuf import json_format\nm = onnx.load(sys.argv[1])\nopen(sys.argv[2], "w").write(json_format.MessageToJson(m))\nprint(len(m.graph.node))', [DIGITS, file]),
    );
    await openModelFile(page, file);
    expect(Number(await page.getAttribute(canvas, 'data-node-count'))).toBe(count);
    await expect.poll(() => page.locator('[data-op-type="Conv"]').count()).toBe(3);
  });
});

describe('the ONNX text form end to end (Chromium)', () => {
  const studio = withStudio();

  it('opens a text model as onnx.parser reads it, and saves it as the same model in binary under an .onnx name', async () => {
    const page = studio.page;
    const file = path.join(dir, 'tiny.onnxtxt');
    writeFileSync(
      file,
      `<ir_version: 8, opset_import: ["" : 15], producer_name: "hand-written">
tiny (float[N, 4] X) => (float[N, 4] Y) <float[4] B = {1, 2, 3, 4}>
{
    S = Add (X, B)
    R = Relu (S)
    Y = Softmax <axis = -1> (R)
}
`,
    );
    const count = Number(runPython('import onnx, onnx.parser, sys\nprint(len(onnx.parser.parse_model(open(sys.argv[1]).read()).graph.node))', [file]));
    await openModelFile(page, file);
    expect(Number(await page.getAttribute(canvas, 'data-node-count'))).toBe(count);
    await page.locator('[data-op-type="Softmax"]').waitFor();
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Save as…' }).click()]);
    expect(download.suggestedFilename()).toBe('tiny.onnx');
    const saved = path.join(dir, 'tiny-saved.onnx');
    await download.saveAs(saved);
    expect(runPython('import onnx, onnx.parser, sys\nm = onnx.load(sys.argv[2])\nonnx.checker.check_model(m)\nprint(m == onnx.parser.parse_model(open(sys.argv[1]).read()))', [file, saved]).trim()).toBe('True');
  });
});
