/**
 * First screen of ONNX Studio and of Netron's browser build, side by side in one headless Chromium,
 * medians of 5 in one run. Paste the output into docs/benchmarks.md.
 *
 *   node dist/test/bench/viewer-side-by-side.js [--netron DIR] MODEL.onnx...
 *
 * DIR is Netron's source/ folder (its browser build); without it only ONNX Studio is measured.
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
  const work = mkdtempSync(path.join(os.tmpdir(), 'onnx-studio-viewer-bench-'));
  const heavy = path.join(work, 'synthetic-25200.onnx');
  writeFileSync(heavy, encodeModel(graphHeavyModel(2100)));
  const models: [string, string][] = [...args.map((f): [string, string] => [path.basename(f), f]), ['synthetic 25,200 nodes', heavy]];
  console.log(`Machine: ${machineLine()}\n`);
  const rows: string[] = ['| model | ONNX Studio (median of 5, ms) | runs | Netron (median of 5, ms) | runs |', '| --- | --- | --- | --- | --- |'];
  for (const [label, file] of models) {
    const ours = await measureFirstScreens(file, RUNS);
    if (process.env.PHASES) console.log(`${label}: ${ours.marks}`);
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
    rows.push(`| ${label} | ${median(ours.ms).toFixed(0)} | ${ours.ms.map((m) => m.toFixed(0)).join(', ')} | ${theirs} | ${theirRuns} |`);
    console.log(rows.at(-1));
  }
  console.log(`\nFirst screen in headless Chromium (ms): ONNX Studio from navigation start to the 'graph:painted' mark; Netron from handing the file to its file input until its graph SVG has nodes and the next frame is painted.\n`);
  console.log(rows.join('\n'));
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : String(e));
  process.exit(1);
});
