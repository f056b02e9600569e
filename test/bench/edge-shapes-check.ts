/**
 * Checks, on real models in headless Chromium, that with shapes on every edge of the view carries a
 * shape, and that each agrees with python-onnx's shape inference on the same file.
 *
 *   node dist/test/bench/edge-shapes-check.js MODEL.onnx...
 */
import path from 'node:path';
import { chromium } from 'playwright-core';
import { startServer } from '../../electron/server/server.js';
import { pythonNodeOutputShapes, type PythonDim } from '../helpers/python-edge-shapes.js';
import { runPython } from '../helpers/python.js';
import { BENCH_CHROMIUM, BENCH_FLAGS } from './viewer-bench.js';

const canvas = '[data-testid="graph-canvas"]';

async function check(file: string): Promise<string> {
  const server = await startServer({ port: 0, modelPath: file });
  const browser = await chromium.launch({ executablePath: BENCH_CHROMIUM, args: BENCH_FLAGS });
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    page.setDefaultTimeout(300_000);
    await page.goto(server.url);
    await page.waitForSelector(`${canvas}[data-shapes="loaded"]`);
    const shapesMs = await page.evaluate(() => performance.getEntriesByName('graph:shapes-loaded')[0]!.startTime - performance.getEntriesByName('graph:painted')[0]!.startTime);
    await page.getByRole('button', { name: 'Fit', exact: true }).click();
    const total = Number(await page.getAttribute(`${canvas}[data-edge-count]`, 'data-edge-count'));
    const read = () => page.evaluate((sel) => Array.from(document.querySelectorAll(`${sel} .react-flow__edge [data-edge-value]`), (e) => ({ value: e.getAttribute('data-edge-value') ?? '', shape: e.getAttribute('data-shape') ?? '' })), canvas);
    await page.waitForFunction(([sel, n]) => document.querySelectorAll(`${sel} .react-flow__edge [data-edge-value]`).length === n, [canvas, total] as const);
    const edges = await read();
    const python = pythonNodeOutputShapes(file);
    const inputs = JSON.parse(runPython('import json, onnx, sys\ng = onnx.load(sys.argv[1], load_external_data=False).graph\nprint(json.dumps({v.name: [d.dim_value if d.HasField("dim_value") else d.dim_param for d in v.type.tensor_type.shape.dim] for v in g.input}))', [file])) as Record<string, PythonDim[]>;
    const empty = edges.filter((e) => e.shape === '').length;
    let compared = 0;
    const wrong: string[] = [];
    for (const e of edges) {
      const theirs = python[e.value] ?? inputs[e.value];
      if (!theirs || theirs.some((d) => d === null || (typeof d === 'string' && d.startsWith('unk__')))) continue;
      compared++;
      if (e.shape !== `[${theirs.join('×')}]`) wrong.push(`${e.value}: ${e.shape} vs [${theirs.join('×')}]`);
    }
    return `| ${path.basename(file)} | ${total} | ${total - empty} | ${compared} | ${wrong.length}${wrong.length ? ` (${wrong.slice(0, 3).join('; ')})` : ''} | ${shapesMs.toFixed(0)} |`;
  } finally {
    await browser.close();
    await server.close();
  }
}

async function main(): Promise<void> {
  console.log('| model | edges drawn | with a shape | compared with python-onnx | disagreeing | shapes arrive after first paint (ms) |');
  console.log('| --- | --- | --- | --- | --- | --- |');
  for (const file of process.argv.slice(2)) console.log(await check(file));
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : String(e));
  process.exit(1);
});
