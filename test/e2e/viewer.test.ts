import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { encodeModel } from '../../shared/onnx/encode.js';
import { openModelFile, screenshotPath, withStudio } from '../helpers/browser.js';
import { CONFORMANCE_ROOT, DIGITS, SHAPES, tempDir } from '../helpers/paths.js';
import { runPython } from '../helpers/python.js';
import { scopedModel } from '../helpers/scoped-model.js';

const canvas = '[data-testid="graph-canvas"]';


const nodeCount = async (page: Page) => Number(await page.getAttribute(`${canvas}[data-node-count]`, 'data-node-count'));

describe('graph viewer end to end (Chromium)', () => {
  const studio = withStudio();
  let page: Page;
  beforeAll(() => {
    page = studio.page;
  });

  it('shows every node of the fixture models and a Conv’s kernel_shape on click', async () => {
    await openModelFile(page, SHAPES);
    expect(await nodeCount(page)).toBe(55);
    await expect.poll(() => page.locator('.react-flow__node [data-op-type="Conv"]').count()).toBeGreaterThan(0);
    await openModelFile(page, DIGITS);
    expect(await nodeCount(page)).toBe(11);
    await expect.poll(() => page.locator('[data-op-type="Conv"]').count()).toBe(3);
    await expect.poll(() => page.locator('[data-op-type="Input"][data-node-name="image"]').count()).toBe(1);
    await page.locator('[data-op-type="Conv"]').first().click();
    const properties = page.getByRole('complementary', { name: 'Properties' });
    await properties.locator('[data-attribute="kernel_shape"]').waitFor();
    await expect.poll(() => properties.locator('[data-attribute="kernel_shape"] code').textContent()).toBe('[3, 3]');
    await properties.getByText('Documentation').waitFor();
    await page.screenshot({ path: screenshotPath('viewer-conv-selected') });
  });

  it('walks the graph with the arrow keys', async () => {
    await page.locator('[data-testid="graph-canvas"]').focus();
    await page.keyboard.press('ArrowDown');
    const properties = page.getByRole('complementary', { name: 'Properties' });
    await properties.getByRole('heading', { name: 'Relu' }).waitFor();
    await page.keyboard.press('ArrowUp');
    await properties.getByRole('heading', { name: 'Conv' }).waitFor();
    await expect.poll(() => properties.getByTestId('node-name').textContent()).toBe('/c1/Conv');
  });

  it('finds a node by search and selects it', async () => {
    await page.getByRole('searchbox', { name: 'Search' }).fill('gemm');
    await page.getByRole('listbox', { name: 'Search results' }).getByRole('option').first().waitFor();
    await page.getByRole('searchbox', { name: 'Search' }).press('Enter');
    const properties = page.getByRole('complementary', { name: 'Properties' });
    await properties.getByRole('heading', { name: 'Gemm' }).waitFor();
    await expect.poll(() => properties.getByTestId('node-name').textContent()).toBe('/fc/Gemm');
    // React Flow applies the node's selected class in the update after the selection itself.
    await page.locator('.react-flow__node.selected [data-op-type="Gemm"]').waitFor();
    await page.screenshot({ path: screenshotPath('viewer-search') });
  });

  it('shows tensor statistics computed by the engine', async () => {
    await page.getByRole('searchbox', { name: 'Search' }).fill('fc.weight');
    await page.getByRole('option', { name: /^fc\.weight/ }).click();
    const properties = page.getByRole('complementary', { name: 'Properties' });
    await properties.getByRole('figure', { name: 'Histogram' }).waitFor();
    await expect.poll(() => properties.getByText('Min / max').count()).toBe(1);
  });

  it('opens an If body as its own view and returns through the breadcrumb', async () => {
    await openModelFile(page, path.join(CONFORMANCE_ROOT, 'node', 'test_if', 'model.onnx'));
    const mainCount = await nodeCount(page);
    await page.locator('[data-op-type="If"]').first().click();
    await page.getByRole('complementary', { name: 'Properties' }).locator('[data-attribute="then_branch"] button').click();
    await page.waitForFunction((sel) => document.querySelector(sel)?.getAttribute('data-status') === 'ready' && document.querySelector('[aria-label="Breadcrumb"] [aria-current="page"]')?.textContent?.includes('then_branch'), canvas);
    expect(await nodeCount(page)).toBe(1);
    await page.screenshot({ path: screenshotPath('viewer-subgraph') });
    await page.getByRole('navigation', { name: 'Breadcrumb' }).getByRole('button').first().click();
    await page.waitForFunction((sel) => document.querySelector(sel)?.getAttribute('data-status') === 'ready' && !document.querySelector('[aria-label="Breadcrumb"] [aria-current="page"]')?.textContent?.includes('then_branch'), canvas);
    expect(await nodeCount(page)).toBe(mainCount);
  });

  it('shows a Loop body with as many nodes as python onnx counts', async () => {
    const file = path.join(CONFORMANCE_ROOT, 'node', 'test_loop11', 'model.onnx');
    const expected = Number(runPython('import onnx, sys\nm = onnx.load(sys.argv[1])\nprint(len([a for n in m.graph.node for a in n.attribute if a.name == "body"][0].g.node))', [file]));
    await openModelFile(page, file);
    await page.locator('[data-op-type="Loop"]').first().click();
    await page.getByRole('complementary', { name: 'Properties' }).locator('[data-attribute="body"] button').click();
    await page.waitForFunction((sel) => document.querySelector(sel)?.getAttribute('data-status') === 'ready' && document.querySelector('[aria-label="Breadcrumb"] [aria-current="page"]')?.textContent?.includes('body'), canvas);
    expect(await nodeCount(page)).toBe(expected);
    await expect.poll(() => page.locator('.react-flow__node [data-op-type]').count()).toBeGreaterThanOrEqual(expected);
  });

  it('groups a large export by scope, expands a group, and reveals a search hit inside a closed group', async () => {
    const file = path.join(tempDir(), 'scoped.onnx');
    writeFileSync(file, encodeModel(scopedModel(200)));
    await openModelFile(page, file);
    expect(await nodeCount(page)).toBe(1400);
    await expect.poll(() => page.locator('[data-op-type="Group"]').count()).toBeGreaterThan(3);
    await page.locator('[data-group-id="layers.0/attn"] button[aria-label="Expand attn"]').click();
    await page.locator('[data-group-id="layers.0/attn"][data-expanded="true"]').waitFor();
    await expect.poll(() => page.locator('[data-node-name="/layers.0/attn/Softmax"]').count()).toBe(1);
    await page.getByRole('searchbox', { name: 'Search' }).fill('/layers.140/norm/Mul');
    await page.getByRole('searchbox', { name: 'Search' }).press('Enter');
    await page.locator('.react-flow__node.selected [data-node-name="/layers.140/norm/Mul"]').waitFor();
    await expect.poll(() => page.locator('[data-group-id="layers.140"][data-expanded="true"]').count()).toBe(1);
    await page.screenshot({ path: screenshotPath('viewer-grouped') });
  });

  it('exports the view as SVG', async () => {
    await openModelFile(page, DIGITS);
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export SVG' }).click()]);
    expect(download.suggestedFilename()).toBe('digits-cnn.svg');
    const saved = path.join(tempDir(), 'view.svg');
    await download.saveAs(saved);
    const svg = readFileSync(saved, 'utf8');
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg.match(/data-op-type="Conv"/g)).toHaveLength(3);
    expect(svg).toContain('data-node-name="/fc/Gemm"');
    const [png] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export PNG' }).click()]);
    const pngFile = path.join(tempDir(), 'view.png');
    await png.saveAs(pngFile);
    expect(readFileSync(pngFile).subarray(1, 4).toString()).toBe('PNG');
  });
});
