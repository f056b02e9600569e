/**
 * `npm run bench`: the foundation's speed figures, measured side by side in one run so that the
 * ratios hold on a shared, noisy machine. Paste the output into docs/benchmarks.md.
 *
 *   npm run bench                 synthetic models only
 *   npm run bench -- MODEL.onnx   also a real model (e.g. a torchvision export)
 */
import { spawnSync } from 'node:child_process';
import { closeSync, fsyncSync, mkdtempSync, openSync, readFileSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { decodeModel } from '../../shared/onnx/decode.js';
import { encodeModel, encodeModelChunks } from '../../shared/onnx/encode.js';
import { saveModel } from '../../electron/engine/model-writer.js';
import { analyzeModel } from '../../shared/analysis/cost-model.js';
import { machineLine, timeMs } from './machine.js';
import { graphHeavyModel, weightHeavyModel } from './synthetic-models.js';
import { measureAnalysisUpdate, measureViewer } from './viewer-bench.js';
import { profileRows } from './profile-bench.js';
import { calibrationScalingRows, compareMemoryRow, quantizationRows } from './quantize-bench.js';
import { dynamicBatchRows, editedSaveRow } from './edit-bench.js';
import { scopedModel } from '../helpers/scoped-model.js';
import { diffRows } from './diff-bench.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const work = mkdtempSync(path.join(os.tmpdir(), 'onnx-studio-bench-'));
const rows: string[][] = [];
const mb = (n: number) => (n / 2 ** 20).toFixed(1);

/** python onnx.load (C++ protobuf) on the same file, as the reference users know; median of 5. */
function pythonLoadMs(file: string): string {
  const script = `import onnx, sys, time
onnx.load(sys.argv[1])
t = []
for _ in range(5):
    s = time.perf_counter(); onnx.load(sys.argv[1]); t.append((time.perf_counter() - s) * 1000)
print(sorted(t)[2])`;
  const r = spawnSync('/usr/bin/python3', ['-c', script, file], { encoding: 'utf8' });
  return r.status === 0 ? Number(r.stdout).toFixed(1) : 'n/a';
}

async function decodeVsRead(label: string, file: string): Promise<void> {
  const size = statSync(file).size;
  const readMs = await timeMs(5, () => readFileSync(file));
  const bytes = readFileSync(file);
  const decodeMs = await timeMs(5, () => decodeModel(bytes));
  const model = decodeModel(bytes);
  const encodeMs = await timeMs(5, () => encodeModelChunks(model));
  const out = path.join(work, 'saved.onnx');
  // The baseline syncs too: an atomic save must reach the disk before it renames.
  const writeMs = await timeMs(3, () => {
    const fd = openSync(out, 'w');
    writeSync(fd, bytes);
    fsyncSync(fd);
    closeSync(fd);
  });
  const saveMs = await timeMs(3, () => saveModel(model, out, { overwrite: true }));
  rows.push([
    label,
    pythonLoadMs(file),
    `${mb(size)} MiB`,
    `${model.graph?.node?.length ?? 0}`,
    readMs.toFixed(1),
    decodeMs.toFixed(1),
    (decodeMs / readMs).toFixed(2),
    encodeMs.toFixed(1),
    writeMs.toFixed(1),
    saveMs.toFixed(1),
    (saveMs / writeMs).toFixed(2),
  ]);
}

function badInputLatency(): string[][] {
  const digits = readFileSync(path.join(root, 'test', 'fixtures', 'digits-cnn.onnx'));
  const cases: Record<string, Uint8Array | null> = {
    'empty file': new Uint8Array(),
    truncated: digits.subarray(0, 4000),
    'random bytes': Uint8Array.from({ length: 1 << 20 }, (_, i) => (i * 2654435761) >>> 24),
    'length prefix > file': new Uint8Array([0x3a, 0xff, 0xff, 0xff, 0xff, 0x07, 1]),
    directory: null,
  };
  const out: string[][] = [];
  for (const [name, content] of Object.entries(cases)) {
    const file = content === null ? work : path.join(work, `${name.replace(/\W+/g, '-')}.onnx`);
    if (content !== null) writeFileSync(file, content);
    const t = performance.now();
    const r = spawnSync(process.execPath, [path.join(root, 'bin', 'onnx-studio'), 'inspect', file], { encoding: 'utf8' });
    out.push([name, String(r.status), `${(performance.now() - t).toFixed(0)} ms`, r.stderr.trim().slice(0, 90)]);
  }
  return out;
}

function table(header: string[], body: string[][]): string {
  return [`| ${header.join(' | ')} |`, `| ${header.map(() => '---').join(' | ')} |`, ...body.map((r) => `| ${r.join(' | ')} |`)].join('\n');
}

/** Graph viewer in headless Chromium: synthetic scoped graphs of three sizes, then the models given. */
async function viewerSection(graphHeavyFile: string): Promise<void> {
  const models: [string, string][] = [];
  for (const [blocks, label] of [[17, 'synthetic 204 nodes'], [500, 'synthetic 6,000 nodes']] as const) {
    const file = path.join(work, `viewer-${blocks}.onnx`);
    writeFileSync(file, encodeModel(graphHeavyModel(blocks)));
    models.push([label, file]);
  }
  models.push(['synthetic 25,200 nodes', graphHeavyFile]);
  for (const extra of process.argv.slice(2)) models.push([path.basename(extra), extra]);
  const body: string[][] = [];
  for (const [label, file] of models) {
    const f = await measureViewer(label, file);
    body.push([f.label, `${f.sizeMiB} MiB`, f.nodes.toLocaleString('en-US'), f.firstScreenMs.toFixed(0), f.expandMs.map((m) => m.toFixed(0)).join(', ') || 'no groups']);
  }
  const dynamic = path.join(work, 'dynamic-1000.onnx');
  writeFileSync(dynamic, encodeModel(scopedModel(125)));
  const updates = await measureAnalysisUpdate(dynamic, 'x', ['1 x 8', '4 x 8', '16 x 8', '64 x 8', '256 x 8']);
  console.log(`\nAnalysis panel: new input dims until painted, 1,000-node model with a dynamic batch: ${updates.map((m) => m.toFixed(0)).join(', ')} ms`);
  console.log('\nGraph viewer in headless Chromium (ms; first screen from navigation start, expand from click, both until painted):\n');
  console.log(table(['model', 'size', 'nodes', 'first screen', 'expand group (5 tries)'], body));
}

/** Published MACs and parameters (torchvision's documentation) for the reference architectures. */
const PUBLISHED: Record<string, [number, number]> = {
  resnet18: [1.81e9, 11_689_512],
  resnet50: [4.09e9, 25_557_032],
  mobilenet_v2: [0.3e9, 3_504_872],
  vit_b_16: [17.56e9, 86_567_656],
};

/** Shape inference and cost model: time per model, and MACs/parameters against published figures. */
async function analysisSection(files: string[]): Promise<void> {
  const body: string[][] = [];
  for (const file of files) {
    const model = decodeModel(readFileSync(file));
    // Symbolic dims (a dynamic batch) are set to 1, so every layer is counted.
    const inputShapes = Object.fromEntries(
      (model.graph?.input ?? []).map((v) => [v.name ?? '', (v.type?.tensorType?.shape?.dim ?? []).map((d) => (d.dimValue !== undefined ? Number(d.dimValue) : 1))]),
    );
    const ms = await timeMs(3, () => analyzeModel(model, { inputShapes }));
    const a = analyzeModel(model, { inputShapes });
    const key = path.basename(file, '.onnx');
    const ref = PUBLISHED[key];
    const pct = (ours: number, theirs: number) => `${((ours / theirs - 1) * 100).toFixed(2)}%`;
    body.push([
      key,
      a.nodes.length.toLocaleString('en-US'),
      ms.toFixed(0),
      `${(a.totals.macs / 1e9).toFixed(3)} G`,
      ref ? `${(ref[0] / 1e9).toFixed(2)} G (${pct(a.totals.macs, ref[0])})` : '',
      a.totals.params.toLocaleString('en-US'),
      ref ? `${ref[1].toLocaleString('en-US')} (${pct(a.totals.params, ref[1])})` : '',
    ]);
  }
  console.log('\nAnalysis (`analyzeModel`: shape inference + cost model, median ms; symbolic dims set to 1):\n');
  console.log(table(['model', 'nodes', 'analyze ms', 'MACs', 'published MACs', 'params', 'published params'], body));
}

async function main(): Promise<void> {
  console.log(`Machine: ${machineLine()}`);
  console.log(`Date: ${new Date().toISOString().slice(0, 10)}\n`);
  const heavy = path.join(work, 'weight-heavy.onnx');
  writeFileSync(heavy, encodeModel(weightHeavyModel(48, 8)));
  await decodeVsRead('synthetic weight-heavy (48 x 8 MiB)', heavy);
  const deep = path.join(work, 'graph-heavy.onnx');
  writeFileSync(deep, encodeModel(graphHeavyModel(2100)));
  await decodeVsRead('synthetic graph-heavy (25,200 nodes)', deep);
  for (const extra of process.argv.slice(2)) await decodeVsRead(path.basename(extra), extra);
  console.log('Open and save (median ms; file cache warm):\n');
  console.log(table(['model', 'python onnx.load', 'size', 'nodes', 'read', 'decode', 'decode/read', 'encode', 'write+fsync', 'save (atomic)', 'save/write'], rows));
  console.log('\nCLI on bad input (`onnx-studio inspect`, wall time including Node start-up):\n');
  console.log(table(['input', 'exit code', 'time', 'message'], badInputLatency()));
  await analysisSection([deep, ...process.argv.slice(2)]);
  const fixtures = ['digits-cnn.onnx', 'shapes-mobilenet.onnx'].map((f) => path.join(root, 'test', 'fixtures', f));
  const cnns = process.argv.slice(2).filter((f) => /resnet|mobilenet/.test(f));
  console.log('\nProfiling on ONNX Runtime CPU (optimization all, 50 runs after 5 warm-up, mean ms; interleaved twice):\n');
  console.log(table(['model', 'plain onnxruntime-node loop', 'onnx-studio profile', 'difference', 'per-layer sum / mean', 'coverage', 'Convs in table'], await profileRows([...fixtures, ...cnns])));
  await editingSection(fixtures);
  await quantizationSection();
  await viewerSection(deep);
  console.log('\nModel diff (`diffModels`, median ms of 3):\n');
  console.log(table(['case', 'ms'], await diffRows()));
}

/** Editing: dynamic batch on real models (batch 4 against each sample alone), and saving 1 GiB after an edit. */
async function editingSection(fixtures: string[]): Promise<void> {
  const cnns = process.argv.slice(2).filter((f) => /resnet|mobilenet/.test(f));
  console.log('\nDynamic batch (`setDim` input:0=batch, saved, run at batch 4 against each sample alone):\n');
  console.log(table(['model', 'batch-4 output', 'largest difference', 'edit ms (incl. check)', 'notes'], await dynamicBatchRows(work, [...fixtures, ...cnns])));
  console.log('\nSaving a 1 GiB model after an edit (atomic save against write + fsync of the same bytes, ms):\n');
  console.log(table(['size', 'write + fsync', 'save after edit', 'ratio', 'edit in the file'], [await editedSaveRow(work)]));
}

/** Quantization: the fixtures' accuracy and size, and on the CNNs given, INT8 speed and calibration scaling. */
async function quantizationSection(): Promise<void> {
  const cnns = process.argv.slice(2).filter((f) => /resnet|mobilenet/.test(f));
  console.log('\nQuantization (ONNX Runtime CPU preset; latency: plain onnxruntime-node loop, mean ms, models interleaved run by run; accuracy: top-1 on the eval folder):\n');
  console.log(table(['model', 'FP32 size', 'FP16 size', 'INT8 size', 'top-1 FP32 / FP16 / INT8', 'latency FP32 / FP16 / INT8', 'INT8 speed-up', 'calibration'], await quantizationRows(work, cnns)));
  const compared = cnns.filter((f) => /resnet18/.test(f));
  if (compared.length > 0) {
    console.log('\nComparison of FP32, FP16 and INT8 over 497 images, in a fresh process (peak RSS of the whole process):\n');
    const rows = compared.map((f) => compareMemoryRow(f, ['fp16', 'int8'].map((v) => path.join(work, `${path.basename(f, '.onnx')}.${v}.onnx`))));
    console.log(table(['model', 'models compared', 'images', 'peak RSS MiB', 'seconds'], rows));
  }
  for (const cnn of cnns.filter((f) => /resnet50/.test(f))) {
    console.log('\nStreaming calibration, each run in a fresh process (peak RSS during calibration; plain = FP32 inference over the same images, decoding included, mean of a pass before and after calibrating):\n');
    console.log(table(['model', 'images', 'tensors calibrated', 'peak RSS MiB', 'calibration s', 'plain inference s', 'calibration / plain'], calibrationScalingRows(cnn)));
  }
}

try {
  await main();
} finally {
  rmSync(work, { recursive: true, force: true });
}
