import { existsSync, statSync } from 'node:fs';
import { rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { EngineClient } from '../../../shared/api/client.js';
import { EngineError, toErrorInfo } from '../../../shared/api/errors.js';
import type { MethodArgs } from '../../../shared/api/methods.js';
import type { ProfileResult } from '../../../shared/profile/profile-types.js';
import type { NodeResult, PipelineRunResult } from '../../../shared/pipeline/node-state.js';
import type { NodeParams } from '../../../shared/pipeline/node-kinds.js';
import type { Pipeline, PipelineNode } from '../../../shared/pipeline/pipeline.js';
import { topologicalOrder } from '../../../shared/pipeline/validate-pipeline.js';
import type { RecipeStep } from '../../../shared/recipe/recipe.js';
import type { JobContext } from '../jobs.js';
import { runStep, type ReplayedStep } from '../recipes/replay.js';
import type { OpenPipeline, PipelineHost, PipelineService } from './pipeline-service.js';

/** What one run covers, fixed when it starts: later edits to the pipeline do not change a run under way. */
export interface RunTarget {
  pipeline: Pipeline;
  keys: Record<string, string>;
  order: string[];
  targets: Set<string>;
  saveTo?: MethodArgs<'startRunPipeline'>['saveTo'];
}

/** A client whose start… calls report the job they started, so a cancel can reach the job doing the work. */
function trackingClient(base: EngineClient, onStart: (jobId: string) => void): EngineClient {
  const out = { ...base } as Record<string, unknown>;
  for (const [name, fn] of Object.entries(base)) {
    if (!name.startsWith('start') || typeof fn !== 'function') continue;
    out[name] = async (args: unknown) => {
      const started = (await (fn as (a: unknown) => Promise<{ jobId: string }>)(args)) as { jobId: string };
      onStart(started.jobId);
      return started;
    };
  }
  return out as EngineClient;
}

/**
 * Runs the nodes of `target` in dependency order. A node whose cache key has a result is not run
 * again; each node's state goes out as it changes. The first failure stops the run (its node
 * `failed`, the nodes after it back to stale or pending, never done); a cancel does the same.
 * Compare thresholds that break are a result, not a failure: the run goes on and reports them.
 */
export async function runPipelineNodes(service: PipelineService, p: OpenPipeline, target: RunTarget, host: PipelineHost, ctx: JobContext): Promise<PipelineRunResult> {
  const { pipeline, keys } = target;
  const byId = new Map(pipeline.nodes.map((n) => [n.id, n]));
  // Reports come last, so they see every check of their models; nothing reads a report, so this breaks no dependency.
  const sorted = (topologicalOrder(pipeline) ?? []).filter((id) => target.targets.has(id));
  const order = [...sorted.filter((id) => byId.get(id)!.kind !== 'report'), ...sorted.filter((id) => byId.get(id)!.kind === 'report')];
  const results = new Map<string, NodeResult>();
  const ran: string[] = [];
  const cached: string[] = [];
  const failures: string[] = [];
  const toRun: string[] = [];
  for (const id of order) {
    const hit = p.cache.get(keys[id]!);
    if (hit && service.resultUsable(hit) && stillWritten(byId.get(id)!, hit, target)) {
      results.set(id, hit);
      cached.push(id);
      if (hit.failures) failures.push(...hit.failures);
      service.setState(p, id, service.restingState(p, id, keys[id]!, hit));
    } else {
      toRun.push(id);
      const previous = p.states[id]?.result;
      service.setState(p, id, { status: 'queued', key: keys[id]!, ...(previous ? { result: previous } : {}) });
    }
  }
  let childJob: string | undefined;
  const client = trackingClient(host.client(), (jobId) => {
    childJob = jobId;
    // Cancelled between the check and the start: stop the job just started.
    if (ctx.signal.aborted) void host.client().cancelJob({ jobId }).catch(() => undefined);
  });
  const onAbort = () => {
    if (childJob) void host.client().cancelJob({ jobId: childJob }).catch(() => undefined);
  };
  ctx.signal.addEventListener('abort', onAbort);
  let running: string | undefined;
  const offProgress = host.client().on('job.progress', (progress) => {
    if (running && progress.jobId === childJob && progress.phase !== 'queued') {
      const state = p.states[running];
      if (state?.status === 'running') service.setState(p, running, { ...state, progress: { done: progress.done, total: progress.total, phase: progress.phase } });
    }
  });
  try {
    ctx.progress(0, toRun.length, 'running');
    for (const [index, id] of toRun.entries()) {
      const node = byId.get(id)!;
      const key = keys[id]!;
      running = id;
      childJob = undefined;
      if (ctx.signal.aborted) {
        // Cancelled between nodes: the nodes not started go back to what they were, none is marked failed or done.
        for (const rest of toRun.slice(index)) service.setState(p, rest, service.restingState(p, rest, p.keys[rest] ?? '', p.states[rest]?.result));
        throw new EngineError('CANCELLED', 'The pipeline run was cancelled.');
      }
      try {
        service.setState(p, id, { status: 'running', key, ...(p.states[id]?.result ? { result: p.states[id]!.result! } : {}) });
        // A node whose work finished has finished, even when a cancel arrived meanwhile: its result is kept.
        const result = await runNode(node, pipeline, results, client, p, target, host);
        results.set(id, result);
        ran.push(id);
        if (result.failures) failures.push(...result.failures);
        p.failures.delete(id);
        await service.remember(p, key, result);
        // The pipeline may have been edited while this node ran: its result is then already out of date.
        service.setState(p, id, p.keys[id] === key ? service.restingState(p, id, key, result) : { status: 'stale', key: p.keys[id] ?? '', result });
        ctx.progress(index + 1, toRun.length, id);
      } catch (e) {
        const err = toErrorInfo(e);
        const cancelled = ctx.signal.aborted || err.code === 'CANCELLED';
        const message = cancelled ? 'Cancelled before it finished; run it again to finish it.' : err.message;
        p.failures.set(id, { key, message });
        service.setState(p, id, { status: 'failed', key, message, ...(p.states[id]?.result ? { result: p.states[id]!.result! } : {}) });
        for (const rest of toRun.slice(index + 1)) service.setState(p, rest, service.restingState(p, rest, p.keys[rest] ?? '', p.states[rest]?.result));
        throw cancelled ? new EngineError('CANCELLED', 'The pipeline run was cancelled.') : new EngineError(err.code, `${nodeName(node)}: ${err.message.replace(/\.$/, '')}.`);
      }
    }
  } finally {
    running = undefined;
    offProgress();
    ctx.signal.removeEventListener('abort', onAbort);
  }
  return { pipelineId: p.id, ran, cached, failures, nodes: Object.fromEntries(order.map((id) => [id, p.states[id]!])) };
}

/**
 * A save or export node's result counts only while what it wrote is where this run would write it:
 * a run into another folder (or after the file was deleted) writes it again; a download always does.
 */
function stillWritten(node: PipelineNode, hit: NodeResult, target: RunTarget): boolean {
  // A report gathers the checks of its models, which its cache key does not cover: it is always made afresh (it is cheap).
  if (node.kind === 'report') return false;
  if (node.kind !== 'save' && node.kind !== 'export') return true;
  const saveTo = target.saveTo;
  if (saveTo?.kind !== 'path' || !hit.written) return false;
  const expected = node.kind === 'save' ? path.join(saveTo.path, (node.params as NodeParams<'save'>).fileName) : bundleDir(saveTo, target.pipeline, node.id);
  const state = writtenState.get(hit);
  const now = existsSync(expected) ? statSync(expected) : undefined;
  return hit.written === expected && state !== undefined && now !== undefined && now.size === state.size && now.mtimeMs === state.mtimeMs;
}

/** What a save node's file looked like when written, so one overwritten since is written again. */
const writtenState = new WeakMap<NodeResult, { size: number; mtimeMs: number }>();

function bundleDir(saveTo: { path: string; bundlePrefix?: string }, pipeline: Pipeline, nodeId: string): string {
  return path.join(saveTo.path, `${saveTo.bundlePrefix ?? pipeline.name?.replace(/[^\w.-]/g, '_') ?? 'pipeline'}.${nodeId.replace(/[^\w.-]/g, '_')}`);
}

/** A report file: each model with its size and what the checks reading it found (its row of each comparison). */
function reportOf(pipeline: Pipeline, models: string[], results: Map<string, NodeResult>): unknown {
  const byId = new Map(pipeline.nodes.map((n) => [n.id, n]));
  return {
    format: 'onnx-studio.pipeline-report',
    ...(pipeline.name ? { pipeline: pipeline.name } : {}),
    models: models.map((id) => {
      const r = results.get(id);
      const checks = pipeline.edges
        .filter((e) => e.from.node === id && (byId.get(e.to.node)?.kind === 'profile' || byId.get(e.to.node)?.kind === 'compare'))
        .flatMap((e) => {
          const check = results.get(e.to.node);
          if (!check) return [];
          // The comparison table lists the reference first, then the variants in edge order.
          const order = [...from(pipeline, e.to.node, 'reference'), ...from(pipeline, e.to.node, 'variants')];
          const row = check.compare?.models[order.indexOf(id)];
          return [{ node: e.to.node, kind: byId.get(e.to.node)!.kind, port: e.to.port, summary: check.summary, ...(check.latencyMsP50 !== undefined ? { latencyMsP50: check.latencyMsP50 } : {}), ...(row ? { metrics: row } : {}), ...(check.failures?.length ? { failures: check.failures } : {}) }];
        });
      return { node: id, ...(byId.get(id)?.label ? { label: byId.get(id)!.label } : {}), summary: r?.summary ?? 'not run', ...(r?.sizeBytes !== undefined ? { sizeBytes: r.sizeBytes } : {}), checks };
    }),
  };
}

function nodeName(node: PipelineNode): string {
  return node.label?.trim() ? `${node.label} (${node.id})` : `'${node.id}'`;
}

/** The node ids feeding an input port, in edge order. */
function from(pipeline: Pipeline, node: string, port: string): string[] {
  return pipeline.edges.filter((e) => e.to.node === node && e.to.port === port).map((e) => e.from.node);
}

/** A document's size as saved: known for a model as read or made (quantized, simplified), not after edits, which are encoded only when saved. */
function savedSize(info: { sizeBytes: number; version: number }): number | undefined {
  // Version 0: the document's bytes are its model (read from a file, or encoded by the step that made it).
  return info.version === 0 ? info.sizeBytes : undefined;
}

async function fromStep(client: EngineClient, r: ReplayedStep): Promise<NodeResult> {
  const sizeBytes = r.docId ? savedSize(await client.getModel({ docId: r.docId })) : undefined;
  return { summary: r.summary, ...(r.docId ? { docId: r.docId } : {}), ...(sizeBytes !== undefined ? { sizeBytes } : {}), ...(r.compare ? { compare: r.compare } : {}), ...(r.failures?.length ? { failures: r.failures, problems: r.failures } : {}) };
}

/**
 * The calls a recipe's edit step makes (a copy of the model, then each command), so a pipeline and a
 * replayed recipe give the same bytes; the commands' notes (what a dynamic axis rewrote, what ONNX
 * Runtime checked) are kept as the node's problems.
 */
async function edit(client: EngineClient, source: string, commands: { command: string; params?: unknown }[]): Promise<NodeResult> {
  const copy = await client.duplicateModel({ docId: source });
  const notes: string[] = [];
  for (const c of commands) notes.push(...(await client.applyEdit({ docId: copy.docId, command: c.command, params: c.params })).notes);
  return { summary: `${commands.length} edit${commands.length === 1 ? '' : 's'}`, docId: copy.docId, ...(notes.length ? { problems: notes } : {}) };
}

async function runNode(node: PipelineNode, pipeline: Pipeline, results: Map<string, NodeResult>, client: EngineClient, p: OpenPipeline, target: RunTarget, host: PipelineHost): Promise<NodeResult> {
  const modelOf = (id: string) => {
    const docId = results.get(id)?.docId;
    if (!docId) throw new EngineError('BAD_ARGUMENT', `The model from '${id}' is not available; run that node first.`);
    return docId;
  };
  const datasetOf = (id: string) => {
    const datasetId = results.get(id)?.datasetId;
    if (!datasetId) throw new EngineError('BAD_ARGUMENT', `The data from '${id}' is not available; run that node first.`);
    return datasetId;
  };
  const step = (s: RecipeStep) =>
    runStep(client, s, modelOf, datasetOf, {}, (stepId) => {
      const saveTo = target.saveTo;
      if (!saveTo) throw new EngineError('BAD_ARGUMENT', `${nodeName(node)} writes a deployment bundle and this run was given no folder for it; choose an output folder.`);
      return saveTo.kind === 'download' ? { kind: 'download' } : { kind: 'path', path: bundleDir(saveTo, pipeline, stepId), overwrite: true };
    }).then((r) => fromStep(client, r));
  const model = () => from(pipeline, node.id, 'model')[0]!;
  const calibration = () => from(pipeline, node.id, 'calibration')[0];
  switch (node.kind) {
    case 'model-source': {
      const docId = p.models.get(node.id);
      if (!docId) throw new EngineError('BAD_ARGUMENT', `The model file ${nodeName(node)} has no model: open one for it.`);
      const info = await client.getModel({ docId });
      const sizeBytes = savedSize(info);
      return { summary: sizeBytes !== undefined ? `${info.fileName}, ${sizeBytes.toLocaleString('en-US')} bytes` : `${info.fileName}, edited`, docId, ...(sizeBytes !== undefined ? { sizeBytes } : {}) };
    }
    case 'data-source': {
      const datasetId = p.datasets.get(node.id);
      if (!datasetId) throw new EngineError('BAD_ARGUMENT', `The data folder ${nodeName(node)} has no folder: choose one for it.`);
      return { summary: `${String((node.params as NodeParams<'data-source'>).name)}`, datasetId };
    }
    case 'edit':
      return edit(client, modelOf(model()), (node.params as NodeParams<'edit'>).commands);
    case 'set-dims': {
      const docId = modelOf(model());
      const { dims } = node.params as NodeParams<'set-dims'>;
      const graph = host.documents.get(docId).model.graph;
      const initializers = new Set((graph?.initializer ?? []).map((t) => t.name));
      const graphInputs = (graph?.input ?? []).map((v) => v.name ?? '').filter((n) => n && !initializers.has(n));
      const commands = dims.flatMap((d) => (d.tensor ? [d.tensor] : graphInputs).map((tensor) => ({ command: 'setDim', params: { tensor, axis: d.axis, value: d.value } })));
      return edit(client, docId, commands);
    }
    case 'fp16':
    case 'int8-dynamic':
    case 'int8-static': {
      const data = calibration();
      return step({ id: node.id, kind: 'quantize', model: model(), mode: node.kind, ...(node.params as NodeParams<'int8-static'>), ...(data ? { data } : {}) });
    }
    case 'simplify':
      return step({ id: node.id, kind: 'simplify', model: model(), ...(node.params as NodeParams<'simplify'>) });
    case 'convert':
      return step({ id: node.id, kind: 'convert', model: model(), ...(node.params as NodeParams<'convert'>) });
    case 'export': {
      const data = calibration();
      const result = await step({ id: node.id, kind: 'export', model: model(), ...(node.params as NodeParams<'export'>), ...(data ? { data } : {}) });
      return { ...result, ...(target.saveTo?.kind === 'path' ? { written: bundleDir(target.saveTo, pipeline, node.id) } : {}) };
    }
    case 'profile': {
      const params = node.params as NodeParams<'profile'>;
      const { jobId } = await client.startProfile({ docId: modelOf(model()), backend: params.backend, runs: params.runs, warmup: params.warmup });
      const job = await client.waitForJob(jobId);
      if (job.status !== 'succeeded') throw new EngineError(job.status === 'cancelled' ? 'CANCELLED' : 'BAD_ARGUMENT', job.error?.message ?? 'The profile did not finish.');
      const r = job.result as ProfileResult;
      return { summary: `p50 ${r.latencyMs.p50.toFixed(2)} ms on ${r.backend}`, latencyMsP50: r.latencyMs.p50 };
    }
    case 'compare': {
      const result = await step({ id: node.id, kind: 'compare', reference: from(pipeline, node.id, 'reference')[0]!, variants: from(pipeline, node.id, 'variants'), data: from(pipeline, node.id, 'data')[0]!, ...(node.params as NodeParams<'compare'>) });
      const reference = result.compare?.models[0];
      return { ...result, ...(reference?.top1 !== undefined ? { accuracy: { top1: reference.top1, ...(reference.top5 !== undefined ? { top5: reference.top5 } : {}) } } : {}) };
    }
    case 'save': {
      const saveTo = target.saveTo;
      const { fileName } = node.params as NodeParams<'save'>;
      if (!saveTo) throw new EngineError('BAD_ARGUMENT', `${nodeName(node)} has no folder to write ${fileName} into; choose an output folder for the run.`);
      const docId = modelOf(model());
      const file = saveTo.kind === 'path' ? path.join(saveTo.path, fileName) : undefined;
      const { jobId } = await client.startSaveModel({ docId, target: file ? { kind: 'path', path: file, overwrite: saveTo.kind === 'path' && saveTo.overwrite === true } : { kind: 'download' } });
      const job = await client.waitForJob(jobId);
      if (job.status !== 'succeeded') throw new EngineError(job.status === 'cancelled' ? 'CANCELLED' : 'BAD_ARGUMENT', job.error?.message ?? 'The save did not finish.');
      const stat = file ? statSync(file) : undefined;
      const result: NodeResult = { summary: `${fileName} written`, docId, ...(file && stat ? { written: file, sizeBytes: stat.size } : {}) };
      if (stat) writtenState.set(result, { size: stat.size, mtimeMs: stat.mtimeMs });
      return result;
    }
    case 'report': {
      const models = from(pipeline, node.id, 'models');
      const lines = models.map((id) => {
        const r = results.get(id);
        return `${id}: ${r?.sizeBytes !== undefined ? `${r.sizeBytes.toLocaleString('en-US')} bytes` : r?.summary ?? 'no result'}`;
      });
      const { fileName } = node.params as NodeParams<'report'>;
      const result: NodeResult = { summary: `${lines.length} model${lines.length === 1 ? '' : 's'}`, problems: lines };
      if (!fileName) return result;
      const saveTo = target.saveTo;
      if (saveTo?.kind !== 'path') throw new EngineError('BAD_ARGUMENT', `${nodeName(node)} writes ${fileName}, and this run has no folder to write it into; choose an output folder for the run.`);
      const file = path.join(saveTo.path, fileName);
      if (!saveTo.overwrite && existsSync(file)) throw new EngineError('BAD_ARGUMENT', `${file} already exists; choose another file name or allow overwriting.`);
      // A whole file or none: written beside, then renamed over.
      const temporary = `${file}.${process.pid}.tmp`;
      await writeFile(temporary, JSON.stringify(reportOf(pipeline, models, results), null, 2));
      await rename(temporary, file);
      return { ...result, summary: `${result.summary}, ${fileName} written`, written: file };
    }
  }
}
