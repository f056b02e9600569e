import { createHash } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { EngineError } from '../../../shared/api/errors.js';
import { parseRecipe, type Recipe } from '../../../shared/recipe/recipe.js';
import { engineClient, jobResult } from '../engine-client.js';
import type { Io } from '../command.js';
import { formatHelp, parseOptions, type OptionTable } from '../parse-options.js';
import { formatRun, recipeReportHtml } from '../run-report.js';
import { UsageError } from '../usage-error.js';

/** A recipe's compare thresholds failed: the run finished, but CI must see a failure. */
export const THRESHOLD_FAILED = 3;

const OPTIONS = {
  model: { kind: 'string', placeholder: 'MODEL', help: 'replay on this model instead of the one the recipe names' },
  data: { kind: 'string', multiple: true, placeholder: 'NAME=DIR', help: "bind the recipe's data NAME to the folder DIR" },
  output: { kind: 'string', short: 'o', placeholder: 'OUT', help: "write the recipe's output model here" },
  report: { kind: 'string', placeholder: 'FILE', help: 'where the report goes (FILE.html and FILE.json); default next to OUT or the recipe' },
  force: { kind: 'boolean', help: 'overwrite OUT if it exists' },
} as const satisfies OptionTable;

export const help = formatHelp(
  'run',
  ['RECIPE.json [--model MODEL] [--data NAME=DIR]... [-o OUT] [--report FILE] [--force] [--json]'],
  "Replays a recorded recipe: writes the recipe's output model to OUT and a report (HTML + JSON).",
  OPTIONS,
  ['Exit codes: 0 every step ran and every threshold passed, 1 bad input or a failed step, 2 usage error, 3 a compare threshold failed.'],
);

export async function run(argv: string[], io: Io): Promise<number> {
  const { options, positionals } = parseOptions('run', argv, OPTIONS);
  if (positionals.length !== 1) throw new UsageError(`run takes exactly one RECIPE.json (got ${positionals.length})`, 'run');
  const recipePath = path.resolve(positionals[0]!);
  let recipe: Recipe;
  try {
    recipe = parseRecipe(JSON.parse(await readFile(recipePath, 'utf8')));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new EngineError('BAD_ARGUMENT', code ? `Cannot read the recipe '${recipePath}' (${code}).` : `The recipe '${recipePath}' is not usable: ${e instanceof Error ? e.message : String(e)}.`);
  }
  const bindings: Record<string, string> = Object.fromEntries(Object.entries(recipe.data).flatMap(([name, d]) => (d.path ? [[name, d.path]] : [])));
  for (const spec of options.data ?? []) {
    const at = spec.indexOf('=');
    if (at <= 0) throw new UsageError(`--data takes NAME=DIR, not '${spec}'`, 'run');
    const name = spec.slice(0, at);
    if (!recipe.data[name]) throw new UsageError(`--data ${name}: the recipe has no data named '${name}' (it has: ${Object.keys(recipe.data).join(', ') || 'none'})`, 'run');
    bindings[name] = path.resolve(spec.slice(at + 1));
  }
  const modelPath = path.resolve(options.model ?? recipe.input.path ?? '');
  if (!options.model && !recipe.input.path) throw new UsageError('the recipe does not say where its model is (it was recorded in browser mode); pass --model MODEL', 'run');
  if (!options.model) {
    const bytes = await readFile(modelPath).catch(() => undefined);
    if (bytes && createHash('sha256').update(bytes).digest('hex') !== recipe.input.sha256) {
      throw new EngineError('BAD_ARGUMENT', `The model at '${modelPath}' is not the one the recipe was recorded on (its SHA-256 differs); pass --model ${modelPath} to replay on this version.`);
    }
  }
  const engine = await engineClient();
  const input = await engine.openModel({ source: { kind: 'path', path: modelPath } });
  const datasets: Record<string, string> = {};
  for (const [name, dir] of Object.entries(bindings)) datasets[name] = (await engine.openDataset({ source: { kind: 'path', path: dir } })).datasetId;
  const { replayRecipe } = await import('../../engine/recipes/replay.js');
  const started = performance.now();
  // Export steps write their bundles beside the output model (or the recipe), one folder per step.
  const bundleBase = options.output ? path.resolve(options.output).replace(/\.onnx$/i, '') : recipePath.replace(/\.json$/i, '');
  const report = await replayRecipe(engine, recipe, {
    models: { input: input.docId },
    datasets,
    bundleDestination: (stepId) => ({ kind: 'path', path: `${bundleBase}.${stepId.replace(/[^\w.-]/g, '_')}`, overwrite: true }),
    onStep: (s) => {
      if (!options.json && process.stderr.isTTY) process.stderr.write(`${s.status === 'failed' ? 'FAILED' : 'done  '} ${s.id}: ${s.summary}\n`);
    },
  });
  let output: string | undefined;
  if (options.output) {
    const ref = recipe.output ?? recipe.steps.filter((s) => s.kind === 'edit' || s.kind === 'quantize' || s.kind === 'simplify' || s.kind === 'convert').at(-1)?.id ?? 'input';
    output = path.resolve(options.output);
    const { jobId } = await engine.startSaveModel({ docId: report.models[ref]!, target: { kind: 'path', path: output, overwrite: options.force === true } });
    await jobResult(engine, jobId, 'save of the output');
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
  const reportBase = options.report ? path.resolve(options.report).replace(/\.(html|json)$/i, '') : output ? output.replace(/\.onnx$/i, '') + '.report' : recipePath.replace(/\.json$/i, '') + '.report';
  await writeFile(`${reportBase}.json`, JSON.stringify(summary, null, 2));
  await writeFile(`${reportBase}.html`, recipeReportHtml(summary, report));
  io.out(options.json ? JSON.stringify({ ...summary, report: `${reportBase}.html` }, null, 2) : formatRun(summary, `${reportBase}.html`));
  if (report.failures.length === 0) return 0;
  io.err(`onnx-studio: ${report.failures.length} compare threshold${report.failures.length === 1 ? '' : 's'} failed: ${report.failures.join('; ')}.`);
  return THRESHOLD_FAILED;
}
