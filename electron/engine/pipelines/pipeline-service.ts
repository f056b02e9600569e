import { createHash, randomUUID } from 'node:crypto';
import type { EngineClient } from '../../../shared/api/client.js';
import { EngineError } from '../../../shared/api/errors.js';
import type { EngineEvent, MethodArgs, MethodResults } from '../../../shared/api/methods.js';
import { cacheKeys } from '../../../shared/pipeline/cache-keys.js';
import type { NodeResult, NodeState, PipelineRunResult, PipelineView } from '../../../shared/pipeline/node-state.js';
import type { Pipeline, PipelineNode } from '../../../shared/pipeline/pipeline.js';
import { parsePipelineFile } from '../../../shared/pipeline/pipeline-file.js';
import { validatePipeline, type PipelineProblem } from '../../../shared/pipeline/validate-pipeline.js';
import { assertLocalFileAccess } from '../call-context.js';
import type { Dataset } from '../datasets/dataset.js';
import type { DocumentStore } from '../documents.js';
import type { JobManager } from '../jobs.js';
import { LruMap } from '../lru-map.js';
import { runPipelineNodes, type RunTarget } from './run-pipeline.js';

/** Results kept per pipeline: enough for a few variants of each node; older ones go (and their documents close). */
export const PIPELINE_CACHE_SIZE = 64;
/** Open pipelines the engine keeps; opening more closes the least recently used. */
const MAX_PIPELINES = 32;

export interface OpenPipeline {
  id: string;
  pipeline: Pipeline;
  problems: PipelineProblem[];
  keys: Record<string, string>;
  states: Record<string, NodeState>;
  /** Cache key -> result. Lives as long as the pipeline is open, whatever the UI does. */
  cache: LruMap<string, NodeResult>;
  /** Node id -> the last failure, while the node's key is the one that failed. */
  failures: Map<string, { key: string; message: string }>;
  models: Map<string, string>;
  datasets: Map<string, string>;
  /** Models the pipeline opened itself from its nodes' paths: closed with it. */
  opened: Set<string>;
  runningJobId?: string;
}

export interface PipelineHost {
  documents: DocumentStore;
  jobs: JobManager;
  emit(event: EngineEvent): void;
  /** A client on the engine itself, calling as the current caller. */
  client(): EngineClient;
  dataset(datasetId: string): Dataset;
  closeModel(docId: string): Promise<void>;
  /** Runs work without recording it in the model view's recipe. */
  withoutRecording<T>(work: () => Promise<T>): Promise<T>;
}

/**
 * The engine's open pipelines: each with its node states and a bounded cache of node results keyed by
 * the nodes' cache keys, so re-running skips what did not change, and switching tabs loses nothing.
 */
export class PipelineService {
  private readonly open = new Map<string, OpenPipeline>();

  constructor(private readonly host: PipelineHost) {}

  private get(pipelineId: string): OpenPipeline {
    const p = this.open.get(pipelineId);
    if (!p) throw new EngineError('NOT_FOUND', `There is no open pipeline '${pipelineId}'; open the pipeline file again.`);
    // Most recently used last, for the bound on open pipelines.
    this.open.delete(pipelineId);
    this.open.set(pipelineId, p);
    return p;
  }

  private parse(value: unknown): Pipeline {
    try {
      return parsePipelineFile(value);
    } catch (e) {
      throw new EngineError('BAD_ARGUMENT', `The pipeline cannot be opened: ${e instanceof Error ? e.message : String(e)}.`);
    }
  }

  /** What a source node holds now: the model's bytes and edits, or the data folder. */
  private identity(p: OpenPipeline, node: PipelineNode): string | undefined {
    if (node.kind === 'model-source') {
      const docId = p.models.get(node.id);
      const doc = docId ? this.host.documents.all().find((d) => d.docId === docId) : undefined;
      if (doc) {
        const sha = fileSha256(doc.bytes);
        // The same file unedited has the same identity bound or not, so binding it re-runs nothing.
        return doc.version === 0 ? `file:${sha}` : `file:${sha}+edits:${doc.docId}:${doc.version}`;
      }
      const sha = typeof node.params.sha256 === 'string' ? node.params.sha256 : undefined;
      return sha ? `file:${sha}` : undefined;
    }
    if (node.kind === 'data-source') {
      const datasetId = p.datasets.get(node.id);
      if (datasetId) {
        const d = this.host.dataset(datasetId);
        return d.name.startsWith('/') || /^[A-Za-z]:[\\/]/.test(d.name) ? `folder:${d.name}:${listingSha256(d)}` : `upload:${datasetId}`;
      }
      // Unbound: a run opens the folder first, and its key then includes the listing.
      return typeof node.params.path === 'string' ? `folder:${node.params.path}` : undefined;
    }
    return undefined;
  }

  /** Recomputes problems, keys and each node's status after the pipeline or a binding changed. */
  refresh(p: OpenPipeline): void {
    p.problems = validatePipeline(p.pipeline);
    p.keys = cacheKeys(p.pipeline, (n) => this.identity(p, n));
    const states: Record<string, NodeState> = {};
    for (const node of p.pipeline.nodes) {
      const key = p.keys[node.id] ?? '';
      const before = p.states[node.id];
      if (before && (before.status === 'running' || before.status === 'queued') && p.runningJobId) {
        states[node.id] = { ...before, key };
        continue;
      }
      states[node.id] = this.restingState(p, node.id, key, before?.result);
    }
    p.states = states;
  }

  /** A node's state when nothing runs it: done from the cache, failed as it last failed, or stale/pending. */
  restingState(p: OpenPipeline, nodeId: string, key: string, previous?: NodeResult): NodeState {
    const cached = key ? p.cache.get(key) : undefined;
    if (cached && this.resultUsable(cached)) return { status: cached.failures?.length ? 'failed' : 'done', key, result: cached, ...(cached.failures?.length ? { message: cached.failures.join('; ') } : {}) };
    const failed = p.failures.get(nodeId);
    if (failed && failed.key === key && key) return { status: 'failed', key, message: failed.message, ...(previous ? { result: previous } : {}) };
    return previous ? { status: 'stale', key, result: previous } : { status: 'pending', key };
  }

  /** A cached model result is usable while its document is open (the user may have closed it). */
  resultUsable(result: NodeResult): boolean {
    return !result.docId || this.host.documents.all().some((d) => d.docId === result.docId);
  }

  view(p: OpenPipeline): PipelineView {
    return { pipelineId: p.id, pipeline: p.pipeline, problems: p.problems, nodes: p.states, ...(p.runningJobId ? { runningJobId: p.runningJobId } : {}) };
  }

  async openPipeline(args: MethodArgs<'openPipeline'>): Promise<PipelineView> {
    const pipeline = this.parse(args.pipeline);
    const p: OpenPipeline = { id: randomUUID(), pipeline, problems: [], keys: {}, states: {}, cache: new LruMap(PIPELINE_CACHE_SIZE), failures: new Map(), models: new Map(), datasets: new Map(), opened: new Set() };
    this.open.set(p.id, p);
    while (this.open.size > MAX_PIPELINES) {
      const oldest = [...this.open.values()].find((o) => !o.runningJobId);
      if (!oldest) break;
      await this.closePipeline({ pipelineId: oldest.id });
    }
    this.refresh(p);
    return this.view(p);
  }

  async updatePipeline(args: MethodArgs<'updatePipeline'>): Promise<PipelineView> {
    const p = this.get(args.pipelineId);
    p.pipeline = this.parse(args.pipeline);
    for (const id of [...p.models.keys()]) if (!p.pipeline.nodes.some((n) => n.id === id && n.kind === 'model-source')) p.models.delete(id);
    for (const id of [...p.datasets.keys()]) if (!p.pipeline.nodes.some((n) => n.id === id && n.kind === 'data-source')) p.datasets.delete(id);
    this.refresh(p);
    this.emitAll(p);
    return this.view(p);
  }

  async bindPipelineSource(args: MethodArgs<'bindPipelineSource'>): Promise<PipelineView> {
    const p = this.get(args.pipelineId);
    const node = p.pipeline.nodes.find((n) => n.id === args.nodeId);
    if (!node) throw new EngineError('NOT_FOUND', `The pipeline has no node '${args.nodeId}'.`);
    if (node.kind === 'model-source') {
      if (!args.docId || args.datasetId) throw new EngineError('BAD_ARGUMENT', `'${node.id}' is a model file: bind it to an open model with docId.`);
      this.host.documents.get(args.docId);
      p.models.set(node.id, args.docId);
    } else if (node.kind === 'data-source') {
      if (!args.datasetId || args.docId) throw new EngineError('BAD_ARGUMENT', `'${node.id}' is a data folder: bind it to an opened dataset with datasetId.`);
      this.host.dataset(args.datasetId);
      p.datasets.set(node.id, args.datasetId);
    } else {
      throw new EngineError('BAD_ARGUMENT', `'${node.id}' is not a source node; only model files and data folders are bound.`);
    }
    this.refresh(p);
    this.emitAll(p);
    return this.view(p);
  }

  async getPipeline(args: MethodArgs<'getPipeline'>): Promise<PipelineView> {
    return this.view(this.get(args.pipelineId));
  }

  async listPipelines(): Promise<MethodResults['listPipelines']> {
    return [...this.open.values()].map((p) => ({ pipelineId: p.id, ...(p.pipeline.name ? { name: p.pipeline.name } : {}), nodeCount: p.pipeline.nodes.length }));
  }

  async closePipeline(args: MethodArgs<'closePipeline'>): Promise<{ closed: true }> {
    const p = this.get(args.pipelineId);
    if (p.runningJobId) this.host.jobs.cancel(p.runningJobId);
    this.open.delete(p.id);
    // Models the user bound stay open; the ones the pipeline made or opened itself go with it.
    const userBound = new Set([...p.models.values()].filter((d) => !p.opened.has(d)));
    const mine = new Set([...p.opened, ...[...p.cache.values()].flatMap((r) => (r.docId ? [r.docId] : []))]);
    for (const docId of mine) if (!userBound.has(docId)) await this.host.closeModel(docId).catch(() => undefined);
    return { closed: true };
  }

  async startRunPipeline(args: MethodArgs<'startRunPipeline'>): Promise<{ jobId: string }> {
    const p = this.get(args.pipelineId);
    if (p.runningJobId) throw new EngineError('BAD_ARGUMENT', 'This pipeline is already running; wait for it or cancel it first.');
    if (args.upTo && !p.pipeline.nodes.some((n) => n.id === args.upTo)) throw new EngineError('NOT_FOUND', `The pipeline has no node '${args.upTo}'.`);
    const targets = targetsOf(p.pipeline, args.upTo);
    await this.bindFromPaths(p, targets);
    this.refresh(p);
    const blocking = p.problems.find((pr) => pr.nodeId === undefined || targets.has(pr.nodeId));
    if (blocking) throw new EngineError('BAD_ARGUMENT', `The pipeline cannot run: ${blocking.message.replace(/\.$/, '')}.`);
    const target: RunTarget = { pipeline: p.pipeline, keys: { ...p.keys }, order: p.pipeline.nodes.map((n) => n.id), targets, saveTo: args.saveTo };
    const jobId = this.host.jobs.start('pipeline', async (ctx): Promise<PipelineRunResult> => {
      try {
        return await this.host.withoutRecording(() => runPipelineNodes(this, p, target, this.host, ctx));
      } finally {
        delete p.runningJobId;
      }
    });
    p.runningJobId = jobId;
    return { jobId };
  }

  /**
   * Source nodes not bound to an open model or dataset open the path they name (local callers only:
   * a remote caller's pipeline carries no paths). A model file whose SHA-256 differs from the one the
   * pipeline recorded is refused, so a replay never runs on another model without saying so.
   */
  private async bindFromPaths(p: OpenPipeline, targets: Set<string>): Promise<void> {
    const client = this.host.client();
    for (const node of p.pipeline.nodes) {
      if (!targets.has(node.id) || typeof node.params.path !== 'string') continue;
      const unbound = node.kind === 'model-source' ? !p.models.has(node.id) : node.kind === 'data-source' && !p.datasets.has(node.id);
      if (unbound) assertLocalFileAccess(`the ${node.kind === 'model-source' ? 'model file' : 'data folder'} of node '${node.id}'; bind it to an uploaded one`);
      if (node.kind === 'model-source' && !p.models.has(node.id)) {
        const info = await client.openModel({ source: { kind: 'path', path: node.params.path } });
        const sha = fileSha256(this.host.documents.get(info.docId).bytes);
        if (typeof node.params.sha256 === 'string' && node.params.sha256 !== sha) {
          await this.host.closeModel(info.docId);
          throw new EngineError('BAD_ARGUMENT', `The model at '${node.params.path}' is not the one the recipe was recorded on (its SHA-256 differs); open this model for node '${node.id}' (onnx-studio run --model) to run on this version.`);
        }
        p.models.set(node.id, info.docId);
        p.opened.add(info.docId);
      } else if (node.kind === 'data-source' && !p.datasets.has(node.id)) {
        p.datasets.set(node.id, (await client.openDataset({ source: { kind: 'path', path: node.params.path } })).datasetId);
      }
    }
  }

  /** Sets one node's state and tells the UI. */
  setState(p: OpenPipeline, nodeId: string, state: NodeState): void {
    p.states[nodeId] = state;
    this.host.emit({ event: 'pipeline.node', payload: { pipelineId: p.id, nodeId, state } });
  }

  /** Every node's state, sent after the reply of the call that changed them (a listener that calls back in does not re-enter it). */
  private emitAll(p: OpenPipeline): void {
    queueMicrotask(() => {
      // The states as they are when sent, so an event never undoes a later change a run made meanwhile.
      for (const [nodeId, state] of Object.entries(p.states)) this.host.emit({ event: 'pipeline.node', payload: { pipelineId: p.id, nodeId, state } });
    });
  }

  /** A result joins the cache; a document only an evicted result held is closed, so the cache bounds memory too. */
  async remember(p: OpenPipeline, key: string, result: NodeResult): Promise<void> {
    const before = new Set([...p.cache.values()].flatMap((r) => (r.docId ? [r.docId] : [])));
    p.cache.set(key, result);
    const after = new Set([...p.cache.values()].flatMap((r) => (r.docId ? [r.docId] : [])));
    const bound = new Set(p.models.values());
    for (const docId of before) if (!after.has(docId) && !bound.has(docId)) await this.host.closeModel(docId).catch(() => undefined);
  }
}

/** A model file's bytes never change while open; hashing them once spares every later edit of the pipeline. */
const shaOfBytes = new WeakMap<Uint8Array, string>();
function fileSha256(bytes: Uint8Array): string {
  let sha = shaOfBytes.get(bytes);
  if (!sha) {
    sha = createHash('sha256').update(bytes).digest('hex');
    shaOfBytes.set(bytes, sha);
  }
  return sha;
}

/**
 * A folder's files by name (not content: reading every image to key a cache would cost what the run
 * costs), so a folder that gained or lost files keys differently; computed once per opened dataset.
 */
const listingOf = new WeakMap<Dataset, string>();
function listingSha256(d: Dataset): string {
  let sha = listingOf.get(d);
  if (!sha) {
    sha = createHash('sha256').update(d.usable.map((f) => f.relPath).join('\n')).digest('hex');
    listingOf.set(d, sha);
  }
  return sha;
}

/** The nodes a run covers: all, or `upTo` and everything it depends on. */
export function targetsOf(pipeline: Pipeline, upTo?: string): Set<string> {
  if (!upTo) return new Set(pipeline.nodes.map((n) => n.id));
  const feeders = new Map<string, string[]>();
  for (const e of pipeline.edges) {
    const list = feeders.get(e.to.node);
    if (list) list.push(e.from.node);
    else feeders.set(e.to.node, [e.from.node]);
  }
  const out = new Set<string>();
  const stack = [upTo];
  while (stack.length > 0) {
    const id = stack.pop()!;
    if (out.has(id)) continue;
    out.add(id);
    stack.push(...(feeders.get(id) ?? []));
  }
  return out;
}
