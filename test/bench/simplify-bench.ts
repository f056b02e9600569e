/**
 * Simplify on real exports and on the 25,000-node synthetic one, through the CLI as a user runs it,
 * each result checked by python onnx (full check) and ONNX Runtime. Paste the table into docs/benchmarks.md.
 *
 *   npm run build && node dist/test/bench/simplify-bench.js [MODEL.onnx]...
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { decodeModel } from '../../shared/onnx/decode.js';
import { encodeModel } from '../../shared/onnx/encode.js';
import { scopedModel } from '../helpers/scoped-model.js';
import { onnxCheck, opTypes, randomFeeds, relativeDifference, runOrt } from '../helpers/onnx-oracles.js';
import { fileURLToPath } from 'node:url';
import { tempDir } from '../helpers/paths.js';
import { machineLine } from './machine.js';

// Compiled to dist/test/bench: the repository is three levels up.
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const FOLDED_OPS = ['Shape', 'Gather', 'Constant', 'Identity'];

async function measure(file: string, shapeArgs: string[]): Promise<string[]> {
  const out = path.join(tempDir('simplify-bench-'), path.basename(file));
  const started = performance.now();
  const r = spawnSync(process.execPath, [path.join(root, 'dist', 'electron', 'cli', 'bin.js'), 'simplify', file, '-o', out, '--json', ...shapeArgs], { encoding: 'utf8', maxBuffer: 1 << 26 });
  const wallS = (performance.now() - started) / 1000;
  if (r.status !== 0) throw new Error(`simplify failed on ${file}: ${r.stderr}`);
  const report = JSON.parse(r.stdout) as { nodesBefore: number; nodesAfter: number; maxAbsDiff: number; seconds: number; checkSeconds: number };
  const before = decodeModel(readFileSync(file));
  const after = decodeModel(readFileSync(out));
  onnxCheck(after);
  const feeds = randomFeeds(after, 11);
  const rel = relativeDifference(await runOrt(before, feeds), await runOrt(after, feeds));
  const left = FOLDED_OPS.map((op) => `${op} ${opTypes(after).filter((t) => t === op).length}`).join(', ');
  return [path.basename(file), `${report.nodesBefore}`, `${report.nodesAfter}`, left, rel.toExponential(1), report.seconds.toFixed(1), report.checkSeconds.toFixed(1), wallS.toFixed(1)];
}

const rows: string[][] = [];
for (const file of process.argv.slice(2)) rows.push(await measure(path.resolve(file), []));
const synthetic = path.join(tempDir('simplify-bench-'), 'scoped-3600.onnx');
writeFileSync(synthetic, encodeModel(scopedModel(3600)));
rows.push(await measure(synthetic, ['--shape', 'x=1x8']));

console.log(machineLine());
console.log('| model | nodes before | nodes after | left (Shape, Gather, Constant, Identity) | ORT rel. diff (python check passed) | simplify s | of which ORT check s | CLI wall s |');
console.log('|---|---|---|---|---|---|---|---|');
for (const r of rows) console.log(`| ${r.join(' | ')} |`);
