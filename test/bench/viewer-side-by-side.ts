/**
 * First screen of ONNX Studio and of Netron's browser build, side by side in one headless Chromium,
 * medians of 5 in one run. Paste the output into docs/benchmarks.md.
 *
 *   node dist/test/bench/viewer-side-by-side.js [--netron DIR] [--baseline RENDERER_DIR] MODEL.onnx...
 *
 * DIR is Netron's source/ folder (its browser build); without it only ONNX Studio is measured.
 * RENDERER_DIR is another build of our renderer (e.g. the previous commit's dist/renderer), measured
 * in the same run against the same engine, for a before/after under the same machine load.
 * A synthetic 25,200-node scoped transformer-like graph is always measured first.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { encodeModel } from '../../shared/onnx/encode.js';
import { machineLine, median } from './machine.js';
import { measureNetron } from './netron-bench.js';
import { graphHeavyModel } from './synthetic-models.js';
import { measureFirstScreens } from './viewer-bench.js';

const RUNS = 5;

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const at = args.indexOf('--netron');
  const netron = at >= 0 ? args.splice(at, 2)[1] : undefined;
  const bat = args.indexOf('--baseline');
  const baseline = bat >= 0 ? args.splice(bat, 2)[1] : undefined;
  const work = mkdtempSync(path.join(os.tmpdir(), 'onnx-studio-viewer-bench-'));
  const heavy = path.join(work, 'synthetic-25200.onnx');
  writeFileSync(heavy, encodeModel(graphHeavyModel(2100)));
  const models: [string, string][] = [...args.map((f): [string, string] => [path.basename(f), f]), ['synthetic 25,200 nodes', heavy]];
  console.log(`Machine: ${machineLine()}\n`);
  const rows: string[] = ['| model | ONNX Studio (median of 5, ms) | runs | before (median of 5, ms) | runs | Netron (median of 5, ms) | runs |', '| --- | --- | --- | --- | --- | --- | --- |'];
  for (const [label, file] of models) {
    const ours = await measureFirstScreens(file, RUNS);
    if (process.env.PHASES) console.log(`${label}: ${ours.marks}`);
    const before = baseline ? await measureFirstScreens(file, RUNS, path.resolve(baseline)) : undefined;
    if (before && process.env.PHASES) console.log(`${label} (before): ${before.marks}`);
    let theirs = 'not run';
    let theirRuns = '';
    if (netron) {
      try {
        const t = await measureNetron(netron, file, RUNS);
        theirs = median(t).toFixed(0);
        theirRuns = t.map((m) => m.toFixed(0)).join(', ');
      } catch (e) {
        theirs = `failed: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`;
      }
    }
    const runsOf = (ms: number[]) => ms.map((m) => m.toFixed(0)).join(', ');
    rows.push(`| ${label} | ${median(ours.ms).toFixed(0)} | ${runsOf(ours.ms)} | ${before ? median(before.ms).toFixed(0) : 'not run'} | ${before ? runsOf(before.ms) : ''} | ${theirs} | ${theirRuns} |`);
    console.log(rows.at(-1));
  }
  console.log(`\nFirst screen in headless Chromium (ms): ONNX Studio from navigation start to the 'graph:painted' mark; Netron from handing the file to its file input until its graph SVG has nodes and the next frame is painted.\n`);
  console.log(rows.join('\n'));
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : String(e));
  process.exit(1);
});
