import type { EngineClient } from '../../../shared/api/client.js';
import type { QuantizeResult } from '../../../shared/api/dto.js';
import type { ExportResult } from '../../../shared/deploy/export-types.js';
import { EngineError } from '../../../shared/api/errors.js';
import type { CompareResult } from '../../../shared/metrics/compare-types.js';
import type { ProfileResult } from '../../../shared/profile/profile-types.js';
import { convertSummary, simplifySummary } from './transform-summary.js';
import { thresholdFailures, type Recipe, type RecipeStep } from '../../../shared/recipe/recipe.js';

export interface ReplayedStep {
  id: string;
  kind: RecipeStep['kind'];
  status: 'done' | 'failed' | 'skipped';
  summary: string;
  docId?: string;
  /** Compare steps: the thresholds the figures broke. */
  failures?: string[];
  compare?: CompareResult;
}

export interface ReplayReport {
  steps: ReplayedStep[];
  /** Every broken threshold, as sentences; a non-empty list fails the run. */
  failures: string[];
  /** Model reference -> the document holding it after the replay. */
  models: Record<string, string>;
}

export interface ReplayOptions {
  /** The opened input model, and documents already holding models made before `from`. */
  models: Record<string, string>;
  /** Data name -> an opened dataset. */
  datasets: Record<string, string>;
  /** Replay from this step on (the steps before it are taken as done). */
  from?: string;
  /**
   * Where an export step's bundle goes: a folder (the CLI writes it beside the report) or a download
   * (browser mode). Without it, export steps fail with a sentence saying so.
   */
  bundleDestination?(stepId: string): { kind: 'path'; path: string; overwrite?: boolean } | { kind: 'download' };
  onStep?(step: ReplayedStep): void;
}

async function finished<T>(client: EngineClient, started: Promise<{ jobId: string }>, what: string): Promise<T> {
  const job = await client.waitForJob((await started).jobId);
  if (job.status !== 'succeeded') throw new EngineError(job.status === 'cancelled' ? 'CANCELLED' : 'BAD_ARGUMENT', job.error?.message ?? `The ${what} did not finish.`);
  return job.result as T;
}

/**
 * Replays a recipe through the engine API: the same calls the app made, so the same inputs give the
 * same bytes. Stops at the first failing step; a compare step whose thresholds fail is reported and the
 * replay goes on, so the report shows every broken threshold.
 */
export async function replayRecipe(client: EngineClient, recipe: Recipe, options: ReplayOptions): Promise<ReplayReport> {
  const models = { ...options.models };
  const steps: ReplayedStep[] = [];
  const failures: string[] = [];
  let started = options.from === undefined;
  const need = (ref: string) => {
    const docId = models[ref];
    if (!docId) throw new EngineError('BAD_ARGUMENT', `The model '${ref}' is not available to this replay.`);
    return docId;
  };
  const dataset = (name: string) => {
    const id = options.datasets[name];
    if (!id) throw new EngineError('BAD_ARGUMENT', `The recipe uses data '${name}', but no folder was given for it; pass --data ${name}=DIR.`);
    return id;
  };
  for (const step of recipe.steps) {
    if (!started && step.id === options.from) started = true;
    if (!started) {
      const skipped: ReplayedStep = { id: step.id, kind: step.kind, status: 'skipped', summary: 'taken as done' };
      steps.push(skipped);
      options.onStep?.(skipped);
      continue;
    }
    let result: ReplayedStep;
    try {
      result = await runStep(client, step, need, dataset, models, options.bundleDestination);
    } catch (e) {
      result = { id: step.id, kind: step.kind, status: 'failed', summary: e instanceof Error ? e.message : String(e) };
      steps.push(result);
      options.onStep?.(result);
      throw e;
    }
    if (result.failures) failures.push(...result.failures);
    steps.push(result);
    options.onStep?.(result);
  }
  return { steps, failures, models };
}

export async function runStep(
  client: EngineClient,
  step: RecipeStep,
  need: (ref: string) => string,
  dataset: (name: string) => string,
  models: Record<string, string>,
  bundleDestination: ReplayOptions['bundleDestination'],
): Promise<ReplayedStep> {
  switch (step.kind) {
    case 'edit': {
      // Edits apply to a fresh copy of the model they start from, so the source model stays as it was.
      const copy = await client.duplicateModel({ docId: need(step.model) });
      for (const c of step.commands) await client.applyEdit({ docId: copy.docId, command: c.command, params: c.params });
      models[step.id] = copy.docId;
      return { id: step.id, kind: 'edit', status: 'done', summary: `${step.commands.length} edit${step.commands.length === 1 ? '' : 's'}`, docId: copy.docId };
    }
    case 'quantize': {
      const r = await finished<QuantizeResult>(
        client,
        client.startQuantize({
          docId: need(step.model),
          mode: step.mode,
          ...(step.backend ? { backend: step.backend } : {}),
          ...(step.method ? { method: step.method } : {}),
          ...(step.perChannel !== undefined ? { perChannel: step.perChannel } : {}),
          ...(step.excludeNodes ? { excludeNodes: step.excludeNodes } : {}),
          ...(step.excludeOpTypes ? { excludeOpTypes: step.excludeOpTypes } : {}),
          ...(step.keepIOTypes !== undefined ? { keepIOTypes: step.keepIOTypes } : {}),
          ...(step.data ? { datasetId: dataset(step.data) } : {}),
          ...(step.spec ? { spec: step.spec } : {}),
          ...(step.limit ? { limit: step.limit } : {}),
        }),
        'quantization',
      );
      models[step.id] = r.docId;
      return { id: step.id, kind: 'quantize', status: 'done', summary: `${r.mode}: ${r.quantizedNodes} nodes, ${r.sizeAfter.toLocaleString('en-US')} bytes`, docId: r.docId };
    }
    case 'simplify': {
      // Simplify edits its document in place: like edits, it applies to a copy.
      const copy = await client.duplicateModel({ docId: need(step.model) });
      const r = await client.simplifyModel({ docId: copy.docId, ...(step.inputShapes ? { inputShapes: step.inputShapes } : {}), ...(step.inputValues ? { inputValues: step.inputValues } : {}), ...(step.checkShapes ? { checkShapes: step.checkShapes } : {}), ...(step.skip ? { skip: step.skip } : {}), ...(step.force ? { force: true } : {}) });
      models[step.id] = copy.docId;
      return { id: step.id, kind: 'simplify', status: 'done', summary: simplifySummary(r.report), docId: copy.docId };
    }
    case 'convert': {
      // Like edits, the conversion applies to a copy so the model it starts from stays as it was.
      const copy = await client.duplicateModel({ docId: need(step.model) });
      const r = await client.convertOpset({ docId: copy.docId, opset: step.opset, ...(step.inputShapes ? { inputShapes: step.inputShapes } : {}), ...(step.inputValues ? { inputValues: step.inputValues } : {}), ...(step.force ? { force: true } : {}) });
      models[step.id] = copy.docId;
      return { id: step.id, kind: 'convert', status: 'done', summary: convertSummary(r), docId: copy.docId };
    }
    case 'profile': {
      const r = await finished<ProfileResult>(client, client.startProfile({ docId: need(step.model), backend: step.backend, runs: step.runs, warmup: step.warmup }), 'profile');
      return { id: step.id, kind: 'profile', status: 'done', summary: `p50 ${r.latencyMs.p50.toFixed(2)} ms on ${r.backend}` };
    }
    case 'compare': {
      const r = await finished<CompareResult>(
        client,
        client.startCompare({ referenceDocId: need(step.reference), variantDocIds: step.variants.map(need), datasetId: dataset(step.data), ...(step.spec ? { spec: step.spec } : {}), ...(step.backend ? { backend: step.backend } : {}) }),
        'comparison',
      );
      const reference = r.models[0]!;
      const broken = r.models.slice(1).flatMap((m, i) => thresholdFailures(step.thresholds, reference, { ...m, label: step.variants[i]! }));
      const summary = r.models.map((m, i) => `${i === 0 ? step.reference : step.variants[i - 1]}: ${m.top1 !== undefined ? `top-1 ${(100 * m.top1).toFixed(2)}%` : `agreement ${(100 * m.agreementTop1).toFixed(2)}%`}`).join('; ');
      return { id: step.id, kind: 'compare', status: broken.length > 0 ? 'failed' : 'done', summary, failures: broken, compare: r };
    }
    case 'export': {
      if (!bundleDestination) throw new EngineError('BAD_ARGUMENT', `Step '${step.id}' writes a deployment bundle, and this replay has nowhere to put it; run it with onnx-studio run.`);
      const { id, kind: _kind, model, data, ...settings } = step;
      const r = await finished<ExportResult>(
        client,
        client.startExport({ ...settings, docId: need(model), ...(data ? { datasetId: dataset(data) } : {}), destination: bundleDestination(id) }),
        'export',
      );
      return { id, kind: 'export', status: 'done', summary: `${r.target} bundle (${r.precision}), ${r.files.length} files: ${r.fileName ?? r.dir}` };
    }
  }
}
