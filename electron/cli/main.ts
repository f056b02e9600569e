import { parseArgs, type ParseArgsConfig } from 'node:util';
import path from 'node:path';
import { createEngineClient, type EngineClient } from '../../shared/api/client.js';
import type { SaveResult } from '../../shared/api/dto.js';
import { EngineError, firstLine, isErrorCode } from '../../shared/api/errors.js';
import { Engine } from '../engine/engine.js';
import { inProcessTransport } from '../engine/in-process-transport.js';
import { formatAnalysis, formatInspect, formatProfile } from './format.js';
import type { ProfileResult } from '../../shared/profile/profile-types.js';
import { chromeTrace } from '../../shared/profile/profile-export.js';
import { UsageError } from './usage-error.js';

const HELP = `Usage: onnx-studio <command> [options]

Commands:
  inspect MODEL [--json]                 summary of a model: IO, opsets, ops, parameters, validation
  analyze MODEL [--shape NAME=1x3x224x224]... [--json]
                                         shapes, MACs, FLOPs, parameters and memory per layer and in total
  profile MODEL [--backend ID] [--runs N] [--warmup N] [--threads N] [--optimization LEVEL]
        [--shape NAME=DIMS]... [--input NAME=FILE.npy]... [--trace OUT.json] [--json]
                                         latency and per-layer time on an ONNX Runtime backend
  backends [--json]                      the execution providers usable on this machine, and why not
  edit MODEL -o OUT [--force] [--json]   re-save a model (atomically; --force to overwrite OUT)
  serve [MODEL] [--port N] [--no-open]   the app in your browser; prints "Listening on <url>" first

Every command takes --json for machine-readable output. Exit codes: 0 ok, 1 bad input, 2 usage error.`;

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
  const { values, positionals } = parse(argv, { output: { type: 'string', short: 'o' }, force: { type: 'boolean' } }, 'edit');
  const input = oneModel(positionals, 'edit');
  if (!values.output) throw new UsageError('edit needs -o OUT, the file to write');
  const engine = client();
  const info = await engine.openModel({ source: { kind: 'path', path: input } });
  const { jobId } = await engine.startSaveModel({
    docId: info.docId,
    target: { kind: 'path', path: values.output as string, overwrite: values.force === true },
  });
  const job = await engine.waitForJob(jobId);
  if (job.status !== 'succeeded') throw new EngineError('IO_ERROR', job.error?.message ?? 'The save did not finish.');
  const result = job.result as SaveResult;
  if (values.json) io.out(JSON.stringify({ output: result.path, bytesWritten: result.bytesWritten, externalDataFile: result.externalDataFile ?? null }, null, 2));
  else io.out(`Wrote ${result.path} (${result.bytesWritten} bytes)${result.externalDataFile ? ` and ${result.externalDataFile}` : ''}`);
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

const COMMANDS: Record<string, (argv: string[], io: Io) => Promise<void>> = { inspect, analyze, profile, backends, edit, serve };

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
    if (e instanceof EngineError) {
      io.err(`onnx-studio: ${e.message}`);
      return 1;
    }
    io.err(`onnx-studio: internal error: ${firstLine(e instanceof Error ? e.message : String(e))}. Please report it.`);
    return 1;
  }
}
