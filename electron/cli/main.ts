import { parseArgs, type ParseArgsConfig } from 'node:util';
import path from 'node:path';
import { createEngineClient, type EngineClient } from '../../shared/api/client.js';
import type { QuantizeResult, SaveResult } from '../../shared/api/dto.js';
import type { PreprocessSpec } from '../../shared/preprocess/preprocess-spec.js';
import { EngineError, firstLine, isErrorCode } from '../../shared/api/errors.js';
import { Engine } from '../engine/engine.js';
import { inProcessTransport } from '../engine/in-process-transport.js';
import { formatAnalysis, formatCompare, formatInspect, formatProfile, formatQuantize } from './format.js';
import type { CompareResult, LayerErrorResult } from '../../shared/metrics/compare-types.js';
import { parseRecipe, type Recipe } from '../../shared/recipe/recipe.js';
import { formatRun, recipeReportHtml } from './run-report.js';
import type { ProfileResult } from '../../shared/profile/profile-types.js';
import { chromeTrace } from '../../shared/profile/profile-export.js';
import { UsageError } from './usage-error.js';
import { diffCommand } from './diff-command.js';
import { simplifyCommand } from './simplify-command.js';

const HELP = `Usage: onnx-studio <command> [options]

Commands:
  inspect MODEL [--json]                 summary of a model: IO, opsets, ops, parameters, validation
  analyze MODEL [--shape NAME=1x3x224x224]... [--json]
                                         shapes, MACs, FLOPs, parameters and memory per layer and in total
  profile MODEL [--backend ID] [--runs N] [--warmup N] [--threads N] [--optimization LEVEL]
        [--shape NAME=DIMS]... [--input NAME=FILE.npy]... [--trace OUT.json] [--json]
                                         latency and per-layer time on an ONNX Runtime backend
  quantize MODEL -o OUT --mode fp16|int8-dynamic|int8-static [--calib DIR] [--preprocess FILE]
        [--method minmax|percentile|entropy] [--per-channel] [--backend ID] [--exclude NODE]...
        [--exclude-op OPTYPE]... [--limit N] [--float16-io] [--max-drop POINTS --eval DIR]
        [--force] [--json]               FP16 or INT8 model for a target backend (ort-cpu, ort-cuda,
                                         tensorrt, coreml, directml); INT8 static calibrates on DIR
  compare REFERENCE OTHER... --data DIR [--preprocess FILE] [--backend ID] [--layers] [--json]
                                         accuracy (class sub-folders), agreement, cosine, SQNR, max error,
                                         latency and size of each model against the reference
  run RECIPE.json [--model MODEL] [--data NAME=DIR]... [-o OUT] [--report FILE] [--json]
                                         replay a recorded recipe; writes the recipe's output model to OUT
                                         and a report (HTML + JSON); exit 3 when a compare threshold fails
  backends [--json]                      the execution providers usable on this machine, and why not
  edit MODEL -o OUT [--set-dim NAME:AXIS=VALUE]... [--force] [--json]
                                         set input/output dims (a number, or a symbol such as batch:
                                         constants that fixed the old size are rewritten or the edit is
                                         refused, naming them) and save atomically; no options = re-save
  serve [MODEL] [--port N] [--no-open]   the app in your browser; prints "Listening on <url>" first
  diff A B [--json]                      what changed from model A to B: nodes matched by name, then by
                                         structure; added, removed, changed and quantized nodes
  simplify MODEL -o OUT [--shape NAME=DIMS]... [--skip PASS]... [--force] [--json]
                                         onnx-simplifier's job: constants folded in ONNX Runtime, shape
                                         arithmetic folded at fixed dims, Identity/Dropout removed, BatchNorm
                                         folded into Conv/Gemm; checked in ONNX Runtime before it is written

Every command takes --json for machine-readable output. Exit codes: 0 ok, 1 bad input, 2 usage error,
3 a recipe's compare threshold failed.`;

interface Io {
  out: (text: string) => void;
  err: (text: string) => void;
}

type Values = Record<string, string | boolean | string[] | undefined>;

function parse(argv: string[], options: ParseArgsConfig['options'], command: string): { values: Values; positionals: string[] } {
  try {
    const parsed = parseArgs({ args: argv, options: { json: { type: 'boolean' }, ...options }, allowPositionals: true, strict: true });
    return { values: parsed.values as Values, positionals: parsed.positionals };
  } catch (e) {
    throw new UsageError(`${command}: ${firstLine((e as Error).message)}`);
  }
}

function oneModel(positionals: string[], command: string): string {
  if (positionals.length !== 1) throw new UsageError(`${command} takes exactly one MODEL path (got ${positionals.length})`);
  return positionals[0]!;
}

function client(): EngineClient {
  return createEngineClient(inProcessTransport(new Engine({ mode: 'cli' })));
}

async function inspect(argv: string[], io: Io): Promise<void> {
  const { values, positionals } = parse(argv, {}, 'inspect');
  const engine = client();
  const info = await engine.openModel({ source: { kind: 'path', path: oneModel(positionals, 'inspect') } });
  if (values.json) {
    const { summary, problems } = info;
    io.out(JSON.stringify({ file: info.path, sizeBytes: info.sizeBytes, ...summary, problems }, null, 2));
  } else io.out(formatInspect(info));
}

/** '--shape input=1x3x224x224' (or 1,3,224,224; symbols allowed: batchx3x224x224). */
function parseShape(text: string): [string, (number | string)[]] {
  const at = text.lastIndexOf('=');
  if (at <= 0 || at === text.length - 1) throw new UsageError(`--shape takes NAME=DIMS such as input=1x3x224x224, not '${text}'`);
  const dims = text.slice(at + 1).split(/[x,×]/).map((d) => (/^\d+$/.test(d) ? Number(d) : d));
  if (dims.some((d) => d === '' || (typeof d === 'string' && !/^[A-Za-z_][\w]*$/.test(d)))) {
    throw new UsageError(`--shape ${text}: each dimension must be a whole number or a name`);
  }
  return [text.slice(0, at), dims];
}

async function analyze(argv: string[], io: Io): Promise<void> {
  const { values, positionals } = parse(argv, { shape: { type: 'string', multiple: true } }, 'analyze');
  const shapes = Object.fromEntries(((values.shape as unknown as string[] | undefined) ?? []).map(parseShape));
  const engine = client();
  const info = await engine.openModel({ source: { kind: 'path', path: oneModel(positionals, 'analyze') } });
  const analysis = await engine.analyzeModel({ docId: info.docId, inputShapes: shapes });
  io.out(values.json ? JSON.stringify(analysis, null, 2) : formatAnalysis(info.fileName, analysis));
}

function wholeNumber(values: Values, name: string, min: number, max: number): number | undefined {
  const raw = values[name];
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) throw new UsageError(`--${name} must be a whole number from ${min} to ${max}, not '${String(raw)}'`);
  return n;
}

const LEVELS = ['disabled', 'basic', 'extended', 'all'] as const;

async function profile(argv: string[], io: Io): Promise<void> {
  const { values, positionals } = parse(
    argv,
    {
      backend: { type: 'string' },
      runs: { type: 'string' },
      warmup: { type: 'string' },
      threads: { type: 'string' },
      optimization: { type: 'string' },
      shape: { type: 'string', multiple: true },
      input: { type: 'string', multiple: true },
      trace: { type: 'string' },
    },
    'profile',
  );
  const optimization = values.optimization as string | undefined;
  if (optimization !== undefined && !(LEVELS as readonly string[]).includes(optimization)) {
    throw new UsageError(`--optimization must be one of ${LEVELS.join(', ')}, not '${optimization}'`);
  }
  const shapes = Object.fromEntries(((values.shape as string[] | undefined) ?? []).map(parseShape));
  for (const [name, dims] of Object.entries(shapes)) {
    if (dims.some((d) => typeof d !== 'number' || d < 1)) throw new UsageError(`--shape ${name}: profiling needs numbers for every dimension`);
  }
  const inputFiles = Object.fromEntries(
    ((values.input as string[] | undefined) ?? []).map((spec) => {
      const at = spec.indexOf('=');
      if (at <= 0) throw new UsageError(`--input takes NAME=FILE.npy, not '${spec}'`);
      return [spec.slice(0, at), path.resolve(spec.slice(at + 1))];
    }),
  );
  const runs = wholeNumber(values, 'runs', 1, 10_000);
  const warmup = wholeNumber(values, 'warmup', 0, 1_000);
  const threads = wholeNumber(values, 'threads', 1, 256);
  const engine = client();
  const info = await engine.openModel({ source: { kind: 'path', path: oneModel(positionals, 'profile') } });
  const { jobId } = await engine.startProfile({
    docId: info.docId,
    ...(values.backend ? { backend: values.backend as string } : {}),
    ...(runs !== undefined ? { runs } : {}),
    ...(warmup !== undefined ? { warmup } : {}),
    ...(threads !== undefined ? { threads } : {}),
    ...(optimization ? { optimization: optimization as (typeof LEVELS)[number] } : {}),
    inputShapes: shapes as Record<string, number[]>,
    ...(Object.keys(inputFiles).length > 0 ? { inputFiles } : {}),
  });
  const job = await engine.waitForJob(jobId);
  if (job.status !== 'succeeded') throw new EngineError(isErrorCode(job.error?.code) ? job.error.code : 'IO_ERROR', job.error?.message ?? 'The profile did not finish.');
  const { trace, ...result } = job.result as ProfileResult;
  if (values.trace) {
    const { writeFile } = await import('node:fs/promises');
    await writeFile(path.resolve(values.trace as string), chromeTrace(trace));
  }
  io.out(values.json ? JSON.stringify(result, null, 2) : formatProfile(info.fileName, { ...result, trace }));
}

async function backends(argv: string[], io: Io): Promise<void> {
  const { values, positionals } = parse(argv, {}, 'backends');
  if (positionals.length > 0) throw new UsageError('backends takes no arguments');
  const list = await client().listBackends({});
  io.out(values.json ? JSON.stringify(list, null, 2) : list.map((b) => `${b.available ? 'yes' : 'no '}  ${b.id.padEnd(9)} ${b.available ? b.name : b.reason}`).join('\n'));
}

async function edit(argv: string[], io: Io): Promise<void> {
  const { values, positionals } = parse(argv, { output: { type: 'string', short: 'o' }, force: { type: 'boolean' }, 'set-dim': { type: 'string', multiple: true } }, 'edit');
  const input = oneModel(positionals, 'edit');
  if (!values.output) throw new UsageError('edit needs -o OUT, the file to write');
  const dims = ((values['set-dim'] as string[] | undefined) ?? []).map((spec) => {
    const m = /^(.+):(\d+)=([A-Za-z_]\w*|\d+)$/.exec(spec);
    if (!m) throw new UsageError(`--set-dim takes NAME:AXIS=VALUE such as input:0=batch or input:0=4, not '${spec}'`);
    return { tensor: m[1]!, axis: Number(m[2]), value: /^\d+$/.test(m[3]!) ? Number(m[3]) : m[3]! };
  });
  const engine = client();
  const info = await engine.openModel({ source: { kind: 'path', path: input } });
  const notes: string[] = [];
  for (const d of dims) notes.push(...(await engine.applyEdit({ docId: info.docId, command: 'setDim', params: d })).notes);
  const { jobId } = await engine.startSaveModel({
    docId: info.docId,
    target: { kind: 'path', path: values.output as string, overwrite: values.force === true },
  });
  const job = await engine.waitForJob(jobId);
  if (job.status !== 'succeeded') throw new EngineError('IO_ERROR', job.error?.message ?? 'The save did not finish.');
  const result = job.result as SaveResult;
  if (values.json) io.out(JSON.stringify({ output: result.path, bytesWritten: result.bytesWritten, externalDataFile: result.externalDataFile ?? null, notes }, null, 2));
  else io.out([`Wrote ${result.path} (${result.bytesWritten} bytes)${result.externalDataFile ? ` and ${result.externalDataFile}` : ''}`, ...notes].join('\n'));
}

async function serve(argv: string[], io: Io): Promise<void> {
  const { values, positionals } = parse(argv, { port: { type: 'string' }, 'no-open': { type: 'boolean' } }, 'serve');
  if (positionals.length > 1) throw new UsageError('serve takes at most one MODEL path');
  const port = values.port === undefined ? 0 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`serve: --port must be a whole number from 0 to 65535, not '${String(values.port)}'`);
  const { startServer } = await import('../server/server.js');
  const server = await startServer({ port, ...(positionals[0] ? { modelPath: path.resolve(positionals[0]) } : {}) });
  io.out(`Listening on ${server.url}`);
  if (!values['no-open']) {
    const { openInBrowser } = await import('../server/open-browser.js');
    openInBrowser(server.url, io.err);
  }
  await new Promise<void>((resolve) => {
    const stop = () => void server.close().then(resolve);
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
}

const MODES = ['fp16', 'int8-dynamic', 'int8-static'] as const;
const METHODS = ['minmax', 'percentile', 'entropy'] as const;

async function readPreprocess(file: string): Promise<unknown> {
  const { readFile } = await import('node:fs/promises');
  let text: string;
  try {
    text = await readFile(path.resolve(file), 'utf8');
  } catch (e) {
    throw new EngineError('NOT_FOUND', `Cannot read the preprocessing file '${file}' (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}).`);
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new EngineError('BAD_ARGUMENT', `The preprocessing file '${file}' is not valid JSON.`);
  }
}

async function quantizeCommand(argv: string[], io: Io): Promise<void> {
  const { values, positionals } = parse(
    argv,
    {
      output: { type: 'string', short: 'o' },
      mode: { type: 'string' },
      calib: { type: 'string' },
      preprocess: { type: 'string' },
      method: { type: 'string' },
      'per-channel': { type: 'boolean' },
      backend: { type: 'string' },
      exclude: { type: 'string', multiple: true },
      'exclude-op': { type: 'string', multiple: true },
      limit: { type: 'string' },
      'float16-io': { type: 'boolean' },
      'max-drop': { type: 'string' },
      eval: { type: 'string' },
      force: { type: 'boolean' },
    },
    'quantize',
  );
  const input = oneModel(positionals, 'quantize');
  if (!values.output) throw new UsageError('quantize needs -o OUT, the file to write');
  const mode = values.mode as string | undefined;
  if (!mode || !(MODES as readonly string[]).includes(mode)) throw new UsageError(`quantize needs --mode ${MODES.join('|')}${mode ? `, not '${mode}'` : ''}`);
  const method = values.method as string | undefined;
  if (method !== undefined && !(METHODS as readonly string[]).includes(method)) throw new UsageError(`--method must be one of ${METHODS.join(', ')}, not '${method}'`);
  if (mode === 'int8-static' && !values.calib) throw new UsageError('--mode int8-static needs --calib DIR, a folder of calibration images or tensors');
  if (mode !== 'int8-static' && (values.calib || values.preprocess || method)) throw new UsageError(`--calib, --preprocess and --method apply to int8-static only, not ${mode}`);
  const limit = wholeNumber(values, 'limit', 1, 10_000_000);
  if (values['float16-io'] && mode !== 'fp16') throw new UsageError('--float16-io applies to --mode fp16 only');
  const maxDrop = values['max-drop'] === undefined ? undefined : Number(values['max-drop']);
  if (maxDrop !== undefined && (!Number.isFinite(maxDrop) || maxDrop < 0 || maxDrop > 100)) throw new UsageError(`--max-drop takes accuracy points from 0 to 100, not '${String(values['max-drop'])}'`);
  if ((maxDrop !== undefined) !== (values.eval !== undefined)) throw new UsageError('--max-drop and --eval DIR go together: the drop is measured on the labelled folder DIR');
  if (maxDrop !== undefined && mode !== 'int8-static') throw new UsageError('--max-drop applies to --mode int8-static only');
  const engine = client();
  const info = await engine.openModel({ source: { kind: 'path', path: input } });
  const dataset = values.calib ? await engine.openDataset({ source: { kind: 'path', path: values.calib as string } }) : undefined;
  const spec = values.preprocess ? await readPreprocess(values.preprocess as string) : undefined;
  const evalData = values.eval ? await engine.openDataset({ source: { kind: 'path', path: values.eval as string } }) : undefined;
  const started = performance.now();
  const { jobId } = await engine.startQuantize({
    docId: info.docId,
    mode: mode as (typeof MODES)[number],
    ...(values.backend ? { backend: values.backend as string } : {}),
    ...(method ? { method: method as (typeof METHODS)[number] } : {}),
    ...(values['per-channel'] ? { perChannel: true } : {}),
    ...(values.exclude ? { excludeNodes: values.exclude as string[] } : {}),
    ...(values['exclude-op'] ? { excludeOpTypes: values['exclude-op'] as string[] } : {}),
    ...(dataset ? { datasetId: dataset.datasetId } : {}),
    ...(spec !== undefined ? { spec: spec as PreprocessSpec } : {}),
    ...(limit ? { limit } : {}),
    ...(values['float16-io'] ? { keepIOTypes: false } : {}),
    ...(evalData && maxDrop !== undefined ? { accuracy: { evalDatasetId: evalData.datasetId, maxDropPoints: maxDrop } } : {}),
    output: { path: values.output as string, overwrite: values.force === true },
  });
  const showProgress = !values.json && process.stderr.isTTY;
  const job = await engine.waitForJob(jobId, (p) => {
    if (showProgress && p.total > 0) process.stderr.write(`\r${p.phase} ${p.done}/${p.total}${p.etaSeconds !== undefined ? `, ${p.etaSeconds} s left` : ''}   `);
  });
  if (showProgress) process.stderr.write('\n');
  if (job.status !== 'succeeded') throw new EngineError(isErrorCode(job.error?.code) ? job.error.code : 'IO_ERROR', job.error?.message ?? 'The quantization did not finish.');
  const r = job.result as QuantizeResult;
  const seconds = Math.round((performance.now() - started) / 10) / 100;
  if (values.json) {
    io.out(JSON.stringify({
      mode: r.mode,
      output: r.output,
      quantizedNodes: r.quantizedNodes,
      excludedNodes: r.excludedNodes,
      calibrationSamples: r.calibrationSamples,
      skippedSamples: r.skippedSamples,
      seconds,
      sizeBefore: r.sizeBefore,
      sizeAfter: r.sizeAfter,
      warnings: r.warnings,
      ...(r.accuracy ? { accuracy: r.accuracy } : {}),
    }, null, 2));
    return;
  }
  io.out(formatQuantize(r, seconds));
}

async function compare(argv: string[], io: Io): Promise<void> {
  const { values, positionals } = parse(argv, { data: { type: 'string' }, preprocess: { type: 'string' }, backend: { type: 'string' }, layers: { type: 'boolean' } }, 'compare');
  if (positionals.length < 2) throw new UsageError(`compare takes a REFERENCE model and at least one OTHER (got ${positionals.length} model${positionals.length === 1 ? '' : 's'})`);
  if (!values.data) throw new UsageError('compare needs --data DIR, a folder of inputs (one sub-folder per class for accuracy)');
  const engine = client();
  const docs = [];
  for (const file of positionals) docs.push(await engine.openModel({ source: { kind: 'path', path: file } }));
  const dataset = await engine.openDataset({ source: { kind: 'path', path: values.data as string } });
  const spec = values.preprocess ? ((await readPreprocess(values.preprocess as string)) as PreprocessSpec) : undefined;
  const run = async (jobId: string, what: string) => {
    const job = await engine.waitForJob(jobId);
    if (job.status !== 'succeeded') throw new EngineError(isErrorCode(job.error?.code) ? job.error.code : 'IO_ERROR', job.error?.message ?? `The ${what} did not finish.`);
    return job.result;
  };
  const { jobId } = await engine.startCompare({
    referenceDocId: docs[0]!.docId,
    variantDocIds: docs.slice(1).map((d) => d.docId),
    datasetId: dataset.datasetId,
    ...(spec ? { spec } : {}),
    ...(values.backend ? { backend: values.backend as string } : {}),
  });
  const result = (await run(jobId, 'comparison')) as CompareResult;
  const layers: (LayerErrorResult | undefined)[] = [undefined];
  if (values.layers) {
    for (const d of docs.slice(1)) {
      const started = await engine.startLayerErrors({ referenceDocId: docs[0]!.docId, variantDocId: d.docId, datasetId: dataset.datasetId, ...(spec ? { spec } : {}) });
      layers.push((await run(started.jobId, 'per-layer comparison')) as LayerErrorResult);
    }
  }
  if (values.json) {
    io.out(JSON.stringify({
      reference: positionals[0],
      dataset: values.data,
      samples: result.samples,
      skipped: result.skipped,
      backend: result.backend,
      models: result.models.map((m, i) => {
        const { label: _label, docId: _doc, outputs, ...rest } = m;
        return { ...rest, path: path.resolve(positionals[i]!), outputs, ...(layers[i] ? { layers: layers[i]!.layers } : {}) };
      }),
      disagreements: result.disagreements.length + result.moreDisagreements,
    }, null, 2));
    return;
  }
  io.out(formatCompare(result, layers));
}

/** A recipe's compare thresholds failed: the run finished, but CI must see a failure. */
class ThresholdFailure extends Error {}

async function run(argv: string[], io: Io): Promise<void> {
  const { values, positionals } = parse(
    argv,
    { model: { type: 'string' }, data: { type: 'string', multiple: true }, output: { type: 'string', short: 'o' }, report: { type: 'string' }, force: { type: 'boolean' } },
    'run',
  );
  if (positionals.length !== 1) throw new UsageError(`run takes exactly one RECIPE.json (got ${positionals.length})`);
  const { readFile, writeFile } = await import('node:fs/promises');
  const { createHash } = await import('node:crypto');
  const recipePath = path.resolve(positionals[0]!);
  let recipe: Recipe;
  try {
    recipe = parseRecipe(JSON.parse(await readFile(recipePath, 'utf8')));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new EngineError('BAD_ARGUMENT', code ? `Cannot read the recipe '${recipePath}' (${code}).` : `The recipe '${recipePath}' is not usable: ${e instanceof Error ? e.message : String(e)}.`);
  }
  const bindings: Record<string, string> = Object.fromEntries(Object.entries(recipe.data).flatMap(([name, d]) => (d.path ? [[name, d.path]] : [])));
  for (const spec of (values.data as string[] | undefined) ?? []) {
    const at = spec.indexOf('=');
    if (at <= 0) throw new UsageError(`--data takes NAME=DIR, not '${spec}'`);
    const name = spec.slice(0, at);
    if (!recipe.data[name]) throw new UsageError(`--data ${name}: the recipe has no data named '${name}' (it has: ${Object.keys(recipe.data).join(', ') || 'none'})`);
    bindings[name] = path.resolve(spec.slice(at + 1));
  }
  const modelPath = path.resolve((values.model as string | undefined) ?? recipe.input.path ?? '');
  if (!values.model && !recipe.input.path) throw new UsageError('the recipe does not say where its model is (it was recorded in browser mode); pass --model MODEL');
  if (!values.model) {
    const bytes = await readFile(modelPath).catch(() => undefined);
    if (bytes && createHash('sha256').update(bytes).digest('hex') !== recipe.input.sha256) {
      throw new EngineError('BAD_ARGUMENT', `The model at '${modelPath}' is not the one the recipe was recorded on (its SHA-256 differs); pass --model ${modelPath} to replay on this version.`);
    }
  }
  const engine = client();
  const input = await engine.openModel({ source: { kind: 'path', path: modelPath } });
  const datasets: Record<string, string> = {};
  for (const [name, dir] of Object.entries(bindings)) datasets[name] = (await engine.openDataset({ source: { kind: 'path', path: dir } })).datasetId;
  const { replayRecipe } = await import('../engine/recipes/replay.js');
  const started = performance.now();
  const report = await replayRecipe(engine, recipe, {
    models: { input: input.docId },
    datasets,
    onStep: (s) => {
      if (!values.json && process.stderr.isTTY) process.stderr.write(`${s.status === 'failed' ? 'FAILED' : 'done  '} ${s.id}: ${s.summary}\n`);
    },
  });
  let output: string | undefined;
  if (values.output) {
    const ref = recipe.output ?? recipe.steps.filter((s) => s.kind === 'edit' || s.kind === 'quantize').at(-1)?.id ?? 'input';
    output = path.resolve(values.output as string);
    const job = await engine.waitForJob((await engine.startSaveModel({ docId: report.models[ref]!, target: { kind: 'path', path: output, overwrite: values.force === true } })).jobId);
    if (job.status !== 'succeeded') throw new EngineError(isErrorCode(job.error?.code) ? job.error.code : 'IO_ERROR', job.error?.message ?? 'The output could not be written.');
  }
  const seconds = Math.round((performance.now() - started) / 10) / 100;
  const summary = {
    recipe: recipePath,
    model: modelPath,
    output: output ?? null,
    seconds,
    passed: report.failures.length === 0,
    failures: report.failures,
    steps: report.steps.map(({ compare: _c, docId: _d, ...s }) => s),
    comparisons: Object.fromEntries(report.steps.filter((s) => s.compare).map((s) => [s.id, s.compare])),
  };
  const reportBase = values.report ? path.resolve(values.report as string).replace(/\.(html|json)$/i, '') : output ? output.replace(/\.onnx$/i, '') + '.report' : recipePath.replace(/\.json$/i, '') + '.report';
  await writeFile(`${reportBase}.json`, JSON.stringify(summary, null, 2));
  await writeFile(`${reportBase}.html`, recipeReportHtml(summary, report));
  io.out(values.json ? JSON.stringify({ ...summary, report: `${reportBase}.html` }, null, 2) : formatRun(summary, `${reportBase}.html`));
  if (report.failures.length > 0) throw new ThresholdFailure(`${report.failures.length} compare threshold${report.failures.length === 1 ? '' : 's'} failed: ${report.failures.join('; ')}`);
}

const COMMANDS: Record<string, (argv: string[], io: Io) => Promise<void>> = { inspect, analyze, profile, quantize: quantizeCommand, compare, run, backends, edit, serve, diff: diffCommand, simplify: async (argv, io) => void (await simplifyCommand(argv, io)) };

/** Runs one command line; returns the exit code. Never lets a stack trace reach the user. */
export async function runCli(argv: string[], io: Io): Promise<number> {
  const [command, ...rest] = argv;
  try {
    if (!command || command === '--help' || command === '-h' || command === 'help') {
      io.out(HELP);
      return command ? 0 : 2;
    }
    const run = COMMANDS[command];
    if (!run) throw new UsageError(`unknown command '${command}'`);
    await run(rest, io);
    return 0;
  } catch (e) {
    if (e instanceof UsageError) {
      io.err(`onnx-studio: ${e.message}. Run 'onnx-studio --help' for usage.`);
      return 2;
    }
    if (e instanceof ThresholdFailure) {
      io.err(`onnx-studio: ${e.message}.`);
      return 3;
    }
    if (e instanceof EngineError) {
      io.err(`onnx-studio: ${e.message}`);
      return 1;
    }
    io.err(`onnx-studio: internal error: ${firstLine(e instanceof Error ? e.message : String(e))}. Please report it.`);
    return 1;
  }
}
