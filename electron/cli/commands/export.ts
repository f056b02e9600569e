import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { EngineError, firstLine } from '../../../shared/api/errors.js';
import { parseShapeRange, type ShapeRange } from '../../../shared/deploy/shape-ranges.js';
import type { ExportResult } from '../../../shared/deploy/export-types.js';
import { parsePreprocessSpec, type PreprocessSpec } from '../../../shared/preprocess/preprocess-spec.js';
import type { Io } from '../command.js';
import { engineClient, jobResult } from '../engine-client.js';
import { oneModel } from '../one-model.js';
import { formatHelp, parseOptions, type OptionTable } from '../parse-options.js';
import { UsageError } from '../usage-error.js';

const OPTIONS = {
  target: { kind: 'string', choices: ['tensorrt', 'triton', 'ort'], help: 'the backend the bundle is for (required)' },
  output: { kind: 'string', short: 'o', placeholder: 'DIR', help: 'the folder to write the bundle into (required)' },
  precision: { kind: 'string', choices: ['fp32', 'fp16', 'int8'], help: 'the precision of the model in the bundle (default fp32)' },
  calib: { kind: 'string', placeholder: 'DIR', help: 'calibration images for INT8 (with --preprocess)' },
  preprocess: { kind: 'string', placeholder: 'FILE', help: 'how calibration images become tensors (JSON)' },
  shapes: { kind: 'string', multiple: true, placeholder: 'NAME=MIN:OPT:MAX', help: 'the range of a dynamic input, dims written 1x3x224x224' },
  'bake-preprocess': { kind: 'string', placeholder: 'FILE', help: 'put this preprocessing into the model: it then takes raw uint8 NHWC images' },
  postprocess: { kind: 'string', placeholder: 'topk:K', help: 'append Softmax and TopK(K) to a classifier' },
  'keep-float': { kind: 'string', multiple: true, placeholder: 'NODE', help: 'a node to keep in float32 (TensorRT layer precision, INT8 exclusion)' },
  instance: { kind: 'string', choices: ['cpu', 'gpu'], help: 'Triton: where model instances run (default cpu)' },
  accelerator: { kind: 'string', choices: ['tensorrt'], help: "Triton on GPU: ONNX Runtime's TensorRT accelerator" },
  optimization: { kind: 'string', choices: ['basic', 'extended', 'all'], help: 'ONNX Runtime: offline optimization level (default basic, portable)' },
  name: { kind: 'string', placeholder: 'NAME', help: 'the model name in the bundle (default: the file name)' },
  force: { kind: 'boolean', help: 'replace DIR if it exists and is not empty' },
} as const satisfies OptionTable;

export const help = formatHelp(
  'export',
  ['MODEL --target tensorrt|triton|ort -o DIR [--precision fp32|fp16|int8] [--calib DIR --preprocess FILE] [--shapes NAME=MIN:OPT:MAX]... [--bake-preprocess FILE] [--postprocess topk:K] [--force] [--json]'],
  "A deployment bundle with a README naming the exact commands: TensorRT (model, build-engine.sh with trtexec's min/opt/max shapes and precision flags, calibration.cache for implicit INT8), Triton (config.pbtxt + model repository) or ONNX Runtime (offline-optimized model, session.json, Python and Node examples). Every model is checked in ONNX Runtime before the folder is written.",
  OPTIONS,
);

async function readSpec(file: string, flag: string): Promise<PreprocessSpec> {
  let text: string;
  try {
    text = await readFile(path.resolve(file), 'utf8');
  } catch (e) {
    throw new EngineError('NOT_FOUND', `Cannot read the ${flag} file '${file}' (${(e as NodeJS.ErrnoException).code ?? 'read failed'}).`);
  }
  try {
    return parsePreprocessSpec(JSON.parse(text));
  } catch (e) {
    throw new EngineError('BAD_ARGUMENT', `The ${flag} file '${file}' is not a preprocessing spec: ${firstLine(e instanceof Error ? e.message : String(e))}.`);
  }
}

function formatExport(r: ExportResult): string {
  const lines = [`${r.target} bundle (${r.precision}) written to ${r.dir}:`];
  for (const f of r.files) lines.push(`  ${f.path}  ${f.role}, ${f.bytes.toLocaleString('en-US')} bytes`);
  for (const [name, s] of Object.entries(r.shapes)) lines.push(`  shapes ${name}: min ${s.min.join('x')}, opt ${s.opt.join('x')}, max ${s.max.join('x')}`);
  if (r.calibration) lines.push(`  calibration: ${r.calibration.tensors} activation ranges (${r.calibration.method})`);
  lines.push(`  checked in ONNX Runtime; largest difference from the source model ${r.maxAbsDiff.toPrecision(3)}`);
  lines.push(`See ${path.join(r.dir, 'README.md')} for the commands to run on the target.`);
  return lines.join('\n');
}

/** `onnx-studio export`: a deployment bundle for TensorRT, Triton or ONNX Runtime. */
export async function run(argv: string[], io: Io): Promise<void> {
  const { options: v, positionals } = parseOptions('export', argv, OPTIONS);
  const model = oneModel(positionals, 'export');
  const usage = (message: string) => new UsageError(message, 'export');
  if (!v.target) throw usage('export needs --target tensorrt|triton|ort');
  if (!v.output) throw usage('export needs -o DIR, the folder to write the bundle into');
  const precision = (v.precision ?? 'fp32') as 'fp32' | 'fp16' | 'int8';
  if (v.accelerator && v.target !== 'triton') throw usage('--accelerator applies to --target triton only');
  if (v.calib && !v.preprocess) throw usage('--calib DIR needs --preprocess FILE: how its images become tensors');
  if (v.calib && precision !== 'int8') throw usage('--calib is for --precision int8');
  let topK: number | undefined;
  if (v.postprocess !== undefined) {
    const m = /^topk:(\d+)$/.exec(v.postprocess);
    if (!m || Number(m[1]) < 1) throw usage(`--postprocess takes topk:K with K a whole number of at least 1, not '${v.postprocess}'`);
    topK = Number(m[1]);
  }
  const shapes = new Map<string, ShapeRange>();
  for (const text of v.shapes ?? []) {
    try {
      const [name, range] = parseShapeRange(text);
      shapes.set(name, range);
    } catch (e) {
      throw usage((e as Error).message);
    }
  }
  const engine = await engineClient();
  const info = await engine.openModel({ source: { kind: 'path', path: model } });
  const spec = v.preprocess ? await readSpec(v.preprocess, '--preprocess') : undefined;
  const bake = v['bake-preprocess'] ? await readSpec(v['bake-preprocess'], '--bake-preprocess') : undefined;
  const dataset = v.calib ? await engine.openDataset({ source: { kind: 'path', path: v.calib } }) : undefined;
  const { jobId } = await engine.startExport({
    docId: info.docId,
    target: v.target as 'tensorrt' | 'triton' | 'ort',
    precision,
    ...(dataset ? { datasetId: dataset.datasetId } : {}),
    ...(spec ? { spec } : {}),
    shapes: Object.fromEntries([...shapes].map(([k, r]) => [k, { min: r.min, opt: r.opt, max: r.max }])),
    ...(bake ? { bakePreprocess: bake } : {}),
    ...(topK ? { topK } : {}),
    instance: (v.instance ?? 'cpu') as 'cpu' | 'gpu',
    ...(v.accelerator ? { accelerator: 'tensorrt' as const } : {}),
    optimization: (v.optimization ?? 'basic') as 'basic' | 'extended' | 'all',
    ...(v['keep-float'] ? { keepFloat: v['keep-float'] } : {}),
    name: v.name ?? path.basename(model).replace(/\.onnx$/i, '').replace(/[^\w.-]/g, '_').slice(0, 100),
    destination: { kind: 'path', path: path.resolve(v.output), overwrite: v.force === true },
  });
  const result = (await jobResult(engine, jobId, 'export')) as ExportResult;
  io.out(v.json ? JSON.stringify(result, null, 2) : formatExport(result));
}
