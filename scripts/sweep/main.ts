// `npm run sweep`: every corpus model through every command of the built app, into docs/corpus.md.
// Results are cached per model and code version (.cache/sweep/), so a re-run redoes only what changed;
// each model runs in its own process under a time limit. Usage:
//   npm run sweep -- [--corpus DIR] [--only NAME]... [--limit-s SECONDS] [--threads N] [--samples N] [--out FILE]
//                    [--table-only]   (writes the table from the cached rows, sweeping nothing)
//                    [--columns NAME,...]   (sweeps only these columns of the --only models; their rows are
//                                            written to --out and not cached, so a full sweep redoes them)
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { fail, notApplicable, timedOut, type Cell } from './cell.js';
import { readManifest, type CorpusModel } from './corpus-manifest.js';
import { corpusTable } from './corpus-table.js';
import { COLUMNS, type Column, type ModelResult } from './model-result.js';
import { runProcess } from './run-process.js';
import type { SweepOptions } from './sweep-context.js';

/** Bump when a change to the sweep's judging would change a verdict: every cached row is redone. */
const SWEEP_VERSION = 2;

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

function usage(message: string): never {
  process.stderr.write(`sweep: ${message}\n`);
  process.exit(2);
}

function wholeNumber(value: string | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) usage(`--${name} takes a whole number of at least 1, not '${value}'`);
  return n;
}

/** Hash of every file under the given folders: the built app, and the sweep itself. */
function treeHash(dirs: string[]): string {
  const hash = createHash('sha256');
  const visit = (dir: string) => {
    if (!existsSync(dir)) return;
    for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) visit(p);
      else if (e.isFile()) hash.update(path.relative(repoRoot, p)).update(readFileSync(p));
    }
  };
  dirs.forEach(visit);
  return hash.digest('hex').slice(0, 12);
}

function readCached(file: string): ModelResult | undefined {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as ModelResult;
  } catch {
    return undefined;
  }
}

async function main(): Promise<void> {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        corpus: { type: 'string' },
        only: { type: 'string', multiple: true },
        'limit-s': { type: 'string' },
        threads: { type: 'string' },
        samples: { type: 'string' },
        out: { type: 'string' },
        'table-only': { type: 'boolean' },
        columns: { type: 'string' },
      },
      strict: true,
    }));
  } catch (e) {
    usage((e as Error).message);
  }
  const corpusDir = path.resolve(values.corpus ?? path.join(repoRoot, '.cache', 'corpus'));
  const manifestFile = path.join(corpusDir, 'manifest.json');
  if (!existsSync(manifestFile)) usage(`${corpusDir} has no manifest.json; generate the corpus with \`npm run corpus -- --out ${corpusDir}\``);
  if (!existsSync(path.join(repoRoot, 'dist', 'electron', 'cli', 'bin.js'))) usage('the app is not built; run `npm run build` first');
  const models = readManifest(manifestFile);
  const only = values.only ?? [];
  const unknown = only.filter((n) => !models.some((m) => m.name === n));
  if (unknown.length) usage(`the corpus has no model ${unknown.join(', ')}`);
  const picked = values.columns === undefined ? [...COLUMNS] : values.columns.split(',').map((c) => c.trim());
  const notColumns = picked.filter((c) => !(COLUMNS as readonly string[]).includes(c));
  if (notColumns.length) usage(`--columns takes names from ${COLUMNS.join(', ')}, not ${notColumns.join(', ')}`);
  const columns = picked as Column[];
  const partial = columns.length < COLUMNS.length;
  if (partial && only.length === 0) usage('--columns sweeps only the models named by --only; name at least one');
  const options: SweepOptions = {
    repoRoot,
    modelLimitSeconds: wholeNumber(values['limit-s'], 'limit-s', 900),
    threads: wholeNumber(values.threads, 'threads', 1),
    samples: wholeNumber(values.samples, 'samples', 64),
  };
  const codeVersion = `${treeHash([path.join(repoRoot, 'dist', 'electron'), path.join(repoRoot, 'dist', 'shared'), path.join(repoRoot, 'dist', 'renderer')])}.v${SWEEP_VERSION}`;
  const cacheDir = path.join(repoRoot, '.cache', 'sweep');
  mkdirSync(cacheDir, { recursive: true });
  const keyOf = (m: CorpusModel) => {
    const st = statSync(path.join(corpusDir, m.file));
    return `${codeVersion}:${st.size}:${Math.round(st.mtimeMs)}:${options.samples}`;
  };
  const results = new Map<string, ModelResult>();
  const out = path.resolve(values.out ?? path.join(repoRoot, 'docs', 'corpus.md'));
  const command = `npm run sweep -- --corpus ${values.corpus ?? '.cache/corpus'} --limit-s ${options.modelLimitSeconds}`;
  // Rewritten after every model, so that a stopped sweep still leaves the table of what it did.
  const writeTable = () => {
    const table = corpusTable(models, results, { codeVersion, command, samples: options.samples, modelLimitSeconds: options.modelLimitSeconds, threads: options.threads });
    const tmp = `${out}.tmp-${process.pid}`;
    writeFileSync(tmp, table);
    renameSync(tmp, out);
  };
  // Smallest files first: an interrupted sweep has swept the most models it could.
  const todo = models.filter((m) => !m.error && existsSync(path.join(corpusDir, m.file))).sort((a, b) => a.bytes - b.bytes);
  for (const m of todo) {
    const cacheFile = path.join(cacheDir, `${m.name}.json`);
    const key = keyOf(m);
    const cached = readCached(cacheFile);
    const hadTimeout = cached && COLUMNS.some((c) => cached.cells[c]?.status === 'timeout');
    const reusable = cached && cached.key === key && !(hadTimeout && cached.limitSeconds < options.modelLimitSeconds);
    if (reusable) results.set(m.name, cached);
    const wanted = only.length === 0 || only.includes(m.name);
    if ((reusable && !partial) || values['table-only'] || !wanted) continue;
    process.stderr.write(`sweep: ${m.name} ...`);
    const swept = await sweepInChild(m, path.join(corpusDir, m.file), options, key, columns);
    let result = swept;
    if (partial) {
      // The other columns keep the cached verdicts of this code, or wait for the next full sweep.
      const pending: Cell = { status: 'pending', text: 'in this --columns sweep' };
      const kept = Object.fromEntries(COLUMNS.map((c) => [c, columns.includes(c) ? swept.cells[c] : reusable && cached ? cached.cells[c] : pending])) as Record<Column, Cell>;
      result = { ...swept, cells: kept };
    } else {
      const tmp = `${cacheFile}.tmp-${process.pid}`;
      writeFileSync(tmp, JSON.stringify(result, null, 2));
      renameSync(tmp, cacheFile);
    }
    results.set(m.name, result);
    const failed = columns.filter((c) => result.cells[c].status === 'fail' || result.cells[c].status === 'timeout');
    process.stderr.write(` ${result.seconds.toFixed(0)} s${failed.length ? `, failing: ${failed.join(', ')}` : ', all pass'}\n`);
    writeTable();
  }
  writeTable();
  process.stderr.write(`sweep: wrote ${path.relative(process.cwd(), out)} (${results.size} of ${models.length} models swept with this code)\n`);
}

/** One model in its own process; a crash or a hang there becomes the failure of the column it hit. */
async function sweepInChild(m: CorpusModel, modelPath: string, options: SweepOptions, key: string, wanted: readonly Column[]): Promise<ModelResult> {
  const cells: Partial<Record<Column, Cell>> = {};
  let seconds = 0;
  // After a crash the child runs again on the columns not yet done, so one crash costs one column. The
  // FP16/INT8 variants share one pass; after a crash there, each mode runs alone to find the one that crashes.
  let oneModeAtATime = false;
  for (let attempt = 0; attempt < 2 * COLUMNS.length; attempt++) {
    let columns = wanted.filter((c) => !cells[c]);
    if (oneModeAtATime) {
      const mode = QUANT_COLUMNS.find((c) => !cells[c]);
      columns = columns.filter((c) => !QUANT_COLUMNS.includes(c) || c === mode);
    }
    if (columns.length === 0) break;
    const run = await childRun(m, modelPath, options, key, columns);
    seconds += run.seconds;
    if (run.result) {
      for (const c of columns) cells[c] = run.result.cells[c];
      continue;
    }
    // Only the columns this run was asked for: it marks the others 'not run'.
    for (const c of columns) if (run.done[c]) cells[c] = run.done[c];
    if (run.timedOut || !run.running) {
      // The time limit is per model, and a child that died before its first column would die again.
      for (const c of wanted) cells[c] ??= run.timedOut ? timedOut(run.why) : fail(run.why);
      break;
    }
    const pendingModes = columns.filter((c) => QUANT_COLUMNS.includes(c));
    if (QUANT_COLUMNS.includes(run.running) && pendingModes.length > 1) oneModeAtATime = true;
    else cells[run.running] = fail(run.why);
  }
  const filled = Object.fromEntries(COLUMNS.map((c) => [c, cells[c] ?? (wanted.includes(c) ? fail('the sweep reached no verdict') : notApplicable('not run in this sweep'))])) as Record<Column, Cell>;
  return { name: m.name, key, limitSeconds: options.modelLimitSeconds, seconds, cells: filled };
}

const QUANT_COLUMNS: Column[] = ['fp16', 'int8-dynamic', 'int8-static'];

interface ChildRun {
  result?: ModelResult;
  done: Partial<Record<Column, Cell>>;
  running?: Column;
  timedOut: boolean;
  why: string;
  seconds: number;
}

async function childRun(m: CorpusModel, modelPath: string, options: SweepOptions, key: string, columns: Column[]): Promise<ChildRun> {
  const base = path.join(os.tmpdir(), `onnx-studio-sweep-${process.pid}`);
  const workDir = path.join(base, m.name);
  mkdirSync(workDir, { recursive: true });
  const request = path.join(base, `${m.name}.request.json`);
  const resultFile = path.join(base, `${m.name}.result.json`);
  const progressFile = path.join(base, `${m.name}.progress.json`);
  writeFileSync(request, JSON.stringify({ model: m, modelPath, workDir, options, key, progressFile, columns }));
  const tsx = path.join(repoRoot, 'node_modules', '.bin', 'tsx');
  // The child stops its own steps at the limit; the extra minute is for closing the browser and sessions.
  const r = await runProcess(tsx, [path.join(repoRoot, 'scripts', 'sweep', 'sweep-model.ts'), request, resultFile], options.modelLimitSeconds + 60, repoRoot);
  const result = existsSync(resultFile) ? readCached(resultFile) : undefined;
  let progress: { running: Column; cells: Partial<Record<Column, Cell>> } | undefined;
  try {
    progress = JSON.parse(readFileSync(progressFile, 'utf8')) as typeof progress;
  } catch {
    progress = undefined;
  }
  rmSync(base, { recursive: true, force: true });
  const exit = r.code === 139 || r.code === null ? 'a segmentation fault or signal' : `exit ${r.code}`;
  const last = r.stderr.trim().split('\n').slice(-1)[0]?.slice(0, 160) ?? '';
  const why = r.timedOut ? 'the sweep of this model hung past its time limit' : `the sweep process died (${exit}) in this column${last ? `: ${last}` : ''}`;
  return { ...(result ? { result } : {}), done: progress?.cells ?? {}, ...(progress ? { running: progress.running } : {}), timedOut: r.timedOut, why, seconds: r.seconds };
}

await main();
