/**
 * The pipeline editor on a 150-node pipeline, in headless Chromium against browser mode:
 *   - open: from choosing the file in "Open pipeline…" until the frame after all 150 nodes are on the canvas;
 *   - drag: frame times (requestAnimationFrame deltas) while a node is dragged across the canvas.
 *
 *   npm run build && node dist/test/bench/pipeline-editor-bench.js
 */
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { startServer } from '../../electron/server/server.js';
import type { Pipeline, PipelineEdge, PipelineNode } from '../../shared/pipeline/pipeline.js';
import { validatePipeline } from '../../shared/pipeline/validate-pipeline.js';

const CHROMIUM = '/usr/bin/chromium';
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** One model and two folders feeding 49 FP16 / INT8 pairs, each compared on the eval set: 150 nodes, 343 edges. */
export function largePipeline(groups = 49): Pipeline {
  const nodes: PipelineNode[] = [
    { id: 'model', kind: 'model-source', params: { name: 'model.onnx' }, position: { x: 0, y: 0 } },
    { id: 'calib', kind: 'data-source', params: { name: 'calib' }, position: { x: 0, y: 200 } },
    { id: 'eval', kind: 'data-source', params: { name: 'eval' }, position: { x: 0, y: 400 } },
  ];
  const edges: PipelineEdge[] = [];
  const edge = (a: string, ap: string, b: string, bp: string) => edges.push({ from: { node: a, port: ap }, to: { node: b, port: bp } });
  for (let g = 0; g < groups; g++) {
    const y = g * 300;
    nodes.push({ id: `fp16-${g}`, kind: 'fp16', params: {}, position: { x: 300, y } });
    nodes.push({ id: `int8-${g}`, kind: 'int8-static', params: { method: g % 2 ? 'entropy' : 'minmax' }, position: { x: 300, y: y + 150 } });
    nodes.push({ id: `compare-${g}`, kind: 'compare', params: { thresholds: { maxTop1DropPoints: 1 } }, position: { x: 600, y: y + 75 } });
    edge('model', 'model', `fp16-${g}`, 'model');
    edge('model', 'model', `int8-${g}`, 'model');
    edge('calib', 'data', `int8-${g}`, 'calibration');
    edge('model', 'model', `compare-${g}`, 'reference');
    edge(`fp16-${g}`, 'model', `compare-${g}`, 'variants');
    edge(`int8-${g}`, 'model', `compare-${g}`, 'variants');
    edge('eval', 'data', `compare-${g}`, 'data');
  }
  return { format: 'onnx-studio.recipe', version: 2, name: 'bench 150', nodes, edges };
}

const percentile = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]!;

export interface PipelineEditorFigures {
  nodes: number;
  edges: number;
  openMs: number[];
  dragFrames: number;
  frameMs: { p50: number; p95: number; max: number };
}

export async function measurePipelineEditor(runs = 3): Promise<PipelineEditorFigures> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium`);
  const pipeline = largePipeline();
  const problems = validatePipeline(pipeline).filter((p) => p.code !== 'missing-input');
  if (problems.length > 0) throw new Error(`the bench pipeline is not valid: ${problems[0]!.message}`);
  const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'pipeline-bench-')), 'bench.pipeline.json');
  writeFileSync(file, JSON.stringify(pipeline));
  const server = await startServer({ port: 0 });
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: FLAGS });
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await page.goto(server.url);
    await page.locator('.app[data-ready="true"]').waitFor();
    const openMs: number[] = [];
    for (let i = 0; i < runs; i++) {
      // Start: the file input's change event; end: the frame after the 150th node is in the DOM.
      await page.evaluate((count) => {
        const w = window as unknown as { benchOpen?: Promise<number> };
        w.benchOpen = new Promise<number>((resolve) => {
          let start = 0;
          document.addEventListener('change', (e) => {
            if ((e.target as HTMLElement).getAttribute('aria-label') === 'Open pipeline…') start = performance.now();
          }, { capture: true, once: true });
          const seen = () => {
            const main = document.querySelector('main[aria-label="Pipeline editor"]:not([aria-busy])');
            return start > 0 && main !== null && main.querySelectorAll('.react-flow__node').length >= count;
          };
          const observer = new MutationObserver(() => {
            if (!seen()) return;
            observer.disconnect();
            requestAnimationFrame(() => resolve(performance.now() - start));
          });
          observer.observe(document.body, { childList: true, subtree: true });
        });
      }, pipeline.nodes.length);
      await page.locator('input[aria-label="Open pipeline…"]').setInputFiles(file);
      openMs.push(await page.evaluate(() => (window as unknown as { benchOpen: Promise<number> }).benchOpen));
    }
    // Drag one node of the last opened pipeline across the canvas while recording frame times.
    const handle = page.locator('main[aria-label="Pipeline editor"] [data-step-id="compare-0"] .pipeline-node-title');
    const box = (await handle.boundingBox())!;
    await page.evaluate(() => {
      const w = window as unknown as { frames: number[]; recording: boolean };
      w.frames = [];
      w.recording = true;
      let last = performance.now();
      const tick = (t: number) => {
        w.frames.push(t - last);
        last = t;
        if (w.recording) requestAnimationFrame(tick);
      };
      requestAnimationFrame(tick);
    });
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.mouse.down();
    await page.mouse.move(box.x + 400, box.y + 300, { steps: 120 });
    await page.mouse.up();
    const frames = await page.evaluate(() => {
      const w = window as unknown as { frames: number[]; recording: boolean };
      w.recording = false;
      return w.frames.slice(1);
    });
    return { nodes: pipeline.nodes.length, edges: pipeline.edges.length, openMs, dragFrames: frames.length, frameMs: { p50: percentile(frames, 50), p95: percentile(frames, 95), max: Math.max(...frames) } };
  } finally {
    await browser.close();
    await server.close();
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const f = await measurePipelineEditor();
  console.log(`| pipeline editor | ${f.nodes} nodes, ${f.edges} edges | open ${f.openMs.map((m) => m.toFixed(0)).join(' / ')} ms | drag: ${f.dragFrames} frames, p50 ${f.frameMs.p50.toFixed(1)} ms, p95 ${f.frameMs.p95.toFixed(1)} ms, max ${f.frameMs.max.toFixed(1)} ms |`);
  process.exit(0);
}
