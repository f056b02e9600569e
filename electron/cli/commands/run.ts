import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { EngineError } from '../../../shared/api/errors.js';
import type { PipelineRunResult } from '../../../shared/pipeline/node-state.js';
import { NODE_KINDS } from '../../../shared/pipeline/node-kinds.js';
import { parsePipelineFile } from '../../../shared/pipeline/pipeline-file.js';
import type { Pipeline } from '../../../shared/pipeline/pipeline.js';
import { engineClient, jobResult } from '../engine-client.js';
import type { Io } from '../command.js';
import { formatHelp, parseOptions, type OptionTable } from '../parse-options.js';
import { formatRun, recipeReportHtml } from '../run-report.js';
import { UsageError } from '../usage-error.js';

/** A recipe's compare thresholds failed: the run finished, but CI must see a failure. */
export const THRESHOLD_FAILED = 3;

const OPTIONS = {
  model: { kind: 'string', placeholder: 'MODEL', help: 'replay on this model instead of the one the pipeline names (its one model file)' },
  data: { kind: 'string', multiple: true, placeholder: 'NAME=DIR', help: "bind the pipeline's data folder NAME to the folder DIR" },
  output: { kind: 'string', short: 'o', placeholder: 'OUT', help: "write the pipeline's output model here" },
  'out-dir': { kind: 'string', placeholder: 'DIR', help: "where Save model nodes write their files and Export nodes their bundles; default beside OUT, else beside the pipeline" },
  report: { kind: 'string', placeholder: 'FILE', help: 'where the report goes (FILE.html and FILE.json); default next to OUT or the recipe' },
  force: { kind: 'boolean', help: 'overwrite OUT and the files of Save model nodes if they exist' },
} as const satisfies OptionTable;

export const help = formatHelp(
  'run',
  ['RECIPE.json [--model MODEL] [--data NAME=DIR]... [-o OUT] [--out-dir DIR] [--report FILE] [--force] [--json]'],
  "Runs a pipeline file (a recipe of version 2, or a recorded recipe of version 1) headless, exactly as the app runs it: writes the pipeline's output model to OUT, its Save model nodes into DIR, and a report (HTML + JSON).",
  OPTIONS,
  ['Exit codes: 0 every node ran and every threshold passed, 1 bad input or a failed node, 2 usage error, 3 a compare threshold failed.'],
);

/** The model -o writes: the pipeline's output, else the last node that makes a model. */
function outputNode(pipeline: Pipeline): string | undefined {
  if (pipeline.output) return pipeline.output;
  return pipeline.nodes.filter((n) => n.kind !== 'model-source' && (NODE_KINDS[n.kind].outputs as readonly { type: string }[]).some((o) => o.type === 'model')).at(-1)?.id ?? pipeline.nodes.find((n) => n.kind === 'model-source')?.id;
}

export async function run(argv: string[], io: Io): Promise<number> {
  const { options, positionals } = parseOptions('run', argv, OPTIONS);
  if (positionals.length !== 1) throw new UsageError(`run takes exactly one RECIPE.json (got ${positionals.length})`, 'run');
  const recipePath = path.resolve(positionals[0]!);
  let pipeline: Pipeline;
  try {
    pipeline = parsePipelineFile(JSON.parse(await readFile(recipePath, 'utf8')));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new EngineError('BAD_ARGUMENT', code ? `Cannot read the recipe '${recipePath}' (${code}).` : `The recipe '${recipePath}' is not usable: ${e instanceof Error ? e.message : String(e)}.`);
  }
  const modelNodes = pipeline.nodes.filter((n) => n.kind === 'model-source');
  const dataNodes = pipeline.nodes.filter((n) => n.kind === 'data-source');
  if (options.model && modelNodes.length !== 1) throw new UsageError(`--model replaces the pipeline's one model file, and this pipeline has ${modelNodes.length}`, 'run');
  const dataBindings = new Map<string, string>();
  for (const spec of options.data ?? []) {
    const at = spec.indexOf('=');
    if (at <= 0) throw new UsageError(`--data takes NAME=DIR, not '${spec}'`, 'run');
    const name = spec.slice(0, at);
    const node = dataNodes.find((n) => n.params.name === name) ?? dataNodes.find((n) => n.id === name);
    if (!node) throw new UsageError(`--data ${name}: the recipe has no data named '${name}' (it has: ${dataNodes.map((n) => String(n.params.name)).join(', ') || 'none'})`, 'run');
    dataBindings.set(node.id, path.resolve(spec.slice(at + 1)));
  }
  const unlocated = modelNodes.find((n) => typeof n.params.path !== 'string');
  if (!options.model && unlocated) throw new UsageError('the recipe does not say where its model is (it was recorded in browser mode); pass --model MODEL', 'run');

  const engine = await engineClient();
  const opened = await engine.openPipeline({ pipeline });
  const pipelineId = opened.pipelineId;
  if (options.model) {
    const info = await engine.openModel({ source: { kind: 'path', path: path.resolve(options.model) } });
    await engine.bindPipelineSource({ pipelineId, nodeId: modelNodes[0]!.id, docId: info.docId });
  }
  for (const [nodeId, dir] of dataBindings) {
    const { datasetId } = await engine.openDataset({ source: { kind: 'path', path: dir } });
    await engine.bindPipelineSource({ pipelineId, nodeId, datasetId });
  }
  const started = performance.now();
  const output = options.output ? path.resolve(options.output) : undefined;
  // Export bundles go beside the output model (or the recipe) as <name>.<node id>, save nodes into --out-dir.
  const base = output ? output.replace(/\.onnx$/i, '') : recipePath.replace(/\.json$/i, '');
  const outDir = options['out-dir'] ? path.resolve(options['out-dir']) : path.dirname(base);
  const { jobId } = await engine.startRunPipeline({ pipelineId, saveTo: { kind: 'path', path: outDir, overwrite: options.force === true, bundlePrefix: path.basename(base) } });
  const result = (await jobResult(engine, jobId, 'pipeline run')) as PipelineRunResult;

  let written: string | undefined;
  const outNode = outputNode(pipeline);
  if (output) {
    const docId = outNode ? result.nodes[outNode]?.result?.docId : undefined;
    if (!docId) throw new EngineError('BAD_ARGUMENT', 'The pipeline makes no model to write with -o; leave -o out or add a transform.');
    const save = await engine.startSaveModel({ docId, target: { kind: 'path', path: output, overwrite: options.force === true } });
    await jobResult(engine, save.jobId, 'save of the output');
    written = output;
  }
  const seconds = Math.round((performance.now() - started) / 10) / 100;
  const modelPaths = modelNodes.map((n) => (options.model ? path.resolve(options.model) : String(n.params.path)));
  const steps = pipeline.nodes
    .filter((n) => n.kind !== 'model-source' && n.kind !== 'data-source')
    .map((n) => {
      const state = result.nodes[n.id];
      return { id: n.id, kind: n.kind, status: state?.status ?? 'pending', summary: state?.result?.summary ?? state?.message ?? '', ...(state?.result?.failures?.length ? { failures: state.result.failures } : {}) };
    });
  const compares = pipeline.nodes.flatMap((n) => {
    const compare = result.nodes[n.id]?.result?.compare;
    return compare ? [{ id: n.id, compare }] : [];
  });
  const summary = {
    recipe: recipePath,
    model: modelPaths.join(', '),
    output: written ?? null,
    seconds,
    passed: result.failures.length === 0,
    failures: result.failures,
    steps,
    comparisons: Object.fromEntries(compares.map((c) => [c.id, c.compare])),
    written: Object.fromEntries(pipeline.nodes.flatMap((n) => (result.nodes[n.id]?.result?.written ? [[n.id, result.nodes[n.id]!.result!.written!]] : []))),
  };
  const reportBase = options.report ? path.resolve(options.report).replace(/\.(html|json)$/i, '') : written ? written.replace(/\.onnx$/i, '') + '.report' : recipePath.replace(/\.json$/i, '') + '.report';
  await writeFile(`${reportBase}.json`, JSON.stringify(summary, null, 2));
  await writeFile(`${reportBase}.html`, recipeReportHtml(summary, { steps: compares }));
  io.out(options.json ? JSON.stringify({ ...summary, report: `${reportBase}.html` }, null, 2) : formatRun(summary, `${reportBase}.html`));
  if (result.failures.length === 0) return 0;
  io.err(`onnx-studio: ${result.failures.length} compare threshold${result.failures.length === 1 ? '' : 's'} failed: ${result.failures.join('; ')}.`);
  return THRESHOLD_FAILED;
}
