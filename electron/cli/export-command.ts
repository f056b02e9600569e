import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { createEngineClient } from '../../shared/api/client.js';
import { EngineError, firstLine, isErrorCode } from '../../shared/api/errors.js';
import { parseShapeRange, type ShapeRange } from '../../shared/deploy/shape-ranges.js';
import { parsePreprocessSpec, type PreprocessSpec } from '../../shared/preprocess/preprocess-spec.js';
import type { DeployTarget, ExportResult } from '../../shared/deploy/export-types.js';
import { Engine } from '../engine/engine.js';
import { inProcessTransport } from '../engine/in-process-transport.js';
import { UsageError } from './usage-error.js';

export const EXPORT_USAGE = `export MODEL --target tensorrt|triton|ort -o DIR [--precision fp32|fp16|int8] [--calib DIR --preprocess FILE]
        [--shapes NAME=MIN:OPT:MAX]... [--bake-preprocess FILE] [--postprocess topk:K] [--keep-float NODE]...
        [--instance cpu|gpu] [--accelerator tensorrt] [--optimization basic|extended|all] [--name NAME] [--force] [--json]`;

const TARGETS = ['tensorrt', 'triton', 'ort'] as const;
const PRECISIONS = ['fp32', 'fp16', 'int8'] as const;

function oneOf<T extends string>(value: unknown, allowed: readonly T[], flag: string, fallback?: T): T {
  if (value === undefined && fallback !== undefined) return fallback;
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) throw new UsageError(`${flag} must be one of ${allowed.join(', ')}${value === undefined ? '' : `, not '${String(value)}'`}`);
  return value as T;
}

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
export async function exportCommand(argv: string[], io: { out(t: string): void; err(t: string): void }): Promise<void> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        json: { type: 'boolean' },
        target: { type: 'string' },
        output: { type: 'string', short: 'o' },
        precision: { type: 'string' },
        calib: { type: 'string' },
        preprocess: { type: 'string' },
        shapes: { type: 'string', multiple: true },
        'bake-preprocess': { type: 'string' },
        postprocess: { type: 'string' },
        'keep-float': { type: 'string', multiple: true },
        instance: { type: 'string' },
        accelerator: { type: 'string' },
        optimization: { type: 'string' },
        name: { type: 'string' },
        force: { type: 'boolean' },
      },
    });
  } catch (e) {
    throw new UsageError(`export: ${firstLine((e as Error).message)}`);
  }
  const v = parsed.values;
  if (parsed.positionals.length !== 1) throw new UsageError(`export takes exactly one MODEL path (got ${parsed.positionals.length})`);
  if (!v.output) throw new UsageError('export needs -o DIR, the folder to write the bundle into');
  const target: DeployTarget = oneOf(v.target, TARGETS, '--target');
  const precision = oneOf(v.precision, PRECISIONS, '--precision', 'fp32');
  const instance = oneOf(v.instance, ['cpu', 'gpu'] as const, '--instance', 'cpu');
  const optimization = oneOf(v.optimization, ['basic', 'extended', 'all'] as const, '--optimization', 'basic');
  if (v.accelerator !== undefined) oneOf(v.accelerator, ['tensorrt'] as const, '--accelerator');
  if (v.accelerator && target !== 'triton') throw new UsageError('--accelerator applies to --target triton only');
  if (v.calib && !v.preprocess) throw new UsageError('--calib DIR needs --preprocess FILE: how its images become tensors');
  if (v.calib && precision !== 'int8') throw new UsageError('--calib is for --precision int8');
  let topK: number | undefined;
  if (v.postprocess !== undefined) {
    const m = /^topk:(\d+)$/.exec(v.postprocess);
    if (!m || Number(m[1]) < 1) throw new UsageError(`--postprocess takes topk:K with K a whole number of at least 1, not '${v.postprocess}'`);
    topK = Number(m[1]);
  }
  const shapes = new Map<string, ShapeRange>();
  for (const text of v.shapes ?? []) {
    try {
      const [name, range] = parseShapeRange(text);
      shapes.set(name, range);
    } catch (e) {
      throw new UsageError((e as Error).message);
    }
  }
  const engine = createEngineClient(inProcessTransport(new Engine({ mode: 'cli' })));
  const info = await engine.openModel({ source: { kind: 'path', path: parsed.positionals[0]! } });
  const spec = v.preprocess ? await readSpec(v.preprocess, '--preprocess') : undefined;
  const bake = v['bake-preprocess'] ? await readSpec(v['bake-preprocess'], '--bake-preprocess') : undefined;
  const dataset = v.calib ? await engine.openDataset({ source: { kind: 'path', path: v.calib } }) : undefined;
  const { jobId } = await engine.startExport({
    docId: info.docId,
    target,
    precision,
    ...(dataset ? { datasetId: dataset.datasetId } : {}),
    ...(spec ? { spec } : {}),
    shapes: Object.fromEntries([...shapes].map(([k, r]) => [k, { min: r.min, opt: r.opt, max: r.max }])),
    ...(bake ? { bakePreprocess: bake } : {}),
    ...(topK ? { topK } : {}),
    instance,
    ...(v.accelerator ? { accelerator: 'tensorrt' as const } : {}),
    optimization,
    ...(v['keep-float'] ? { keepFloat: v['keep-float'] } : {}),
    name: v.name ?? path.basename(parsed.positionals[0]!).replace(/\.onnx$/i, '').replace(/[^\w.-]/g, '_').slice(0, 100),
    output: { kind: 'path', path: path.resolve(v.output), overwrite: v.force === true },
  });
  const job = await engine.waitForJob(jobId);
  if (job.status !== 'succeeded') throw new EngineError(isErrorCode(job.error?.code) ? job.error.code : 'IO_ERROR', job.error?.message ?? 'The export did not finish.');
  const result = job.result as ExportResult;
  io.out(v.json ? JSON.stringify(result, null, 2) : formatExport(result));
}
