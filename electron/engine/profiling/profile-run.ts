import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { seededRandom } from '../../../shared/model/seeded-random.js';
import { mapOptimizedNodes } from '../../../shared/analysis/fused-kernels.js';
import { EngineError } from '../../../shared/api/errors.js';
import { dataTypeName } from '../../../shared/onnx/data-types.js';
import { decodeModel } from '../../../shared/onnx/decode.js';
import { parseNpy } from '../../../shared/model/npy.js';
import { shapeOf } from '../../../shared/model/tensor-info.js';
import { resolveInputShapes, shapesAtBatch, type DeclaredInput, type ResolvedShapes } from '../../../shared/profile/input-shapes.js';
import type { ModelProto } from '../../../shared/onnx/types.js';
import type { JobContext } from '../jobs.js';
import { QUIET, requireBackend } from './backends.js';
import { kernelTimes, type TraceEvent } from './trace.js';
import type { ProfiledNode, ProfileResult, ThroughputPoint } from '../../../shared/profile/profile-types.js';

export type { ProfiledNode, ProfileResult, ThroughputPoint };

export interface ProfileOptions {
  backend: string;
  runs: number;
  warmup: number;
  threads?: number;
  optimization: 'disabled' | 'basic' | 'extended' | 'all';
  /** Dims for graph inputs (dynamic axes); dims not given take the defaults of shared/profile/input-shapes.ts. */
  inputShapes?: Record<string, number[]>;
  /** .npy files to use as inputs instead of random data, by input name. */
  inputFiles?: Record<string, string>;
  seed: number;
}

const THROUGHPUT_BATCHES = [1, 2, 4, 8, 16];
const MAX_TRACE_EVENTS = 50_000;

/** The graph inputs that must be fed (initializers listed as inputs have defaults), as the file declares them. */
function declaredInputs(model: ModelProto): DeclaredInput[] {
  const initializers = new Set((model.graph?.initializer ?? []).map((t) => t.name));
  return (model.graph?.input ?? [])
    .filter((v) => v.name && !initializers.has(v.name))
    .map((v) => {
      if (!v.type?.tensorType) throw new EngineError('BAD_ARGUMENT', `Input '${v.name}' is not a tensor; profiling needs tensor inputs.`);
      return { name: v.name!, shape: shapeOf(v.type) };
    });
}

async function npyTensor(file: string, name: string): Promise<ort.Tensor> {
  let array;
  try {
    array = parseNpy(await readFile(file));
  } catch (e) {
    throw new EngineError('BAD_ARGUMENT', `Cannot use '${file}' as input '${name}': ${e instanceof Error ? e.message : String(e)}.`);
  }
  const type = array.dtype === 'float64' ? 'float32' : array.dtype;
  const data = array.dtype === 'float64' ? Float32Array.from(array.data as Float64Array) : array.data;
  return new ort.Tensor(type, data as Float32Array, array.shape);
}


function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

/** Random inputs for every graph input at the given dims, the same values for the same seed. */
function makeInputs(model: ModelProto, shapes: Record<string, number[]>, seed: number): Record<string, ort.Tensor> {
  const next = seededRandom(seed);
  const initializers = new Set((model.graph?.initializer ?? []).map((t) => t.name));
  const feeds: Record<string, ort.Tensor> = {};
  for (const v of model.graph?.input ?? []) {
    if (!v.name || initializers.has(v.name)) continue;
    const t = v.type!.tensorType!;
    const dims = shapes[v.name]!;
    const n = dims.reduce((a, b) => a * b, 1);
    switch (t.elemType) {
      case 1:
        feeds[v.name] = new ort.Tensor('float32', Float32Array.from({ length: n }, () => next() * 2 - 1), dims);
        break;
      case 7:
        feeds[v.name] = new ort.Tensor('int64', BigInt64Array.from({ length: n }, () => BigInt(Math.floor(next() * 2))), dims);
        break;
      case 6:
        feeds[v.name] = new ort.Tensor('int32', Int32Array.from({ length: n }, () => Math.floor(next() * 2)), dims);
        break;
      case 2:
        feeds[v.name] = new ort.Tensor('uint8', Uint8Array.from({ length: n }, () => Math.floor(next() * 256)), dims);
        break;
      case 9:
        feeds[v.name] = new ort.Tensor('bool', Uint8Array.from({ length: n }, () => (next() < 0.5 ? 1 : 0)), dims);
        break;
      default:
        throw new EngineError('BAD_ARGUMENT', `Input '${v.name}' is ${dataTypeName(t.elemType)}; random profiling inputs support float32, int64, int32, uint8 and bool.`);
    }
  }
  return feeds;
}

/**
 * The dims every input is fed with: the user's, then the shapes of .npy files (when their rank fits;
 * otherwise ONNX Runtime names the mismatch), then the defaults for what the file leaves open.
 */
function resolveShapes(model: ModelProto, options: ProfileOptions, files: Record<string, ort.Tensor>): ResolvedShapes {
  const inputs = declaredInputs(model);
  const given: Record<string, number[]> = { ...options.inputShapes };
  for (const [name, tensor] of Object.entries(files)) {
    const declared = inputs.find((v) => v.name === name)?.shape;
    if (!declared || declared.length === tensor.dims.length) given[name] = [...tensor.dims];
    else delete given[name];
  }
  const resolved = resolveInputShapes(inputs, given);
  for (const [name, tensor] of Object.entries(files)) resolved.shapes[name] = [...tensor.dims];
  return resolved;
}

/** "x=1x128x8, mask=1x128 (sequence = 128 assumed)": what a run was fed, for messages. */
function describeShapes(resolved: ResolvedShapes): string {
  const shapes = Object.entries(resolved.shapes).map(([name, dims]) => `${name}=${dims.join('x') || 'scalar'}`).join(', ');
  const assumed = Object.entries(resolved.assumed).map(([dim, value]) => `${dim} = ${value}`);
  return assumed.length > 0 ? `${shapes} (${assumed.join(', ')} assumed)` : shapes;
}

/** ONNX Runtime's own errors (wrong input rank, an op it lacks) are the user's to fix: say so in one sentence. */
async function runtime<T>(what: string, work: () => Promise<T>, hint?: string): Promise<T> {
  try {
    return await work();
  } catch (e) {
    if (e instanceof EngineError) throw e;
    throw new EngineError('INVALID_MODEL', `ONNX Runtime could not ${what}: ${runtimeMessage(e)}${hint ? `; ${hint}` : ''}.`);
  }
}

function runtimeMessage(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).split('\n')[0]!.replace(/\.+\s*$/, '').trim();
}

/**
 * Latency against batch size, for models with a dynamic batch: every input carrying the batch symbol
 * is resized together. A batch the model cannot run ends the sweep with a sentence saying why, and
 * the points measured so far (and the latency before) are kept.
 */
async function throughputSweep(
  session: ort.InferenceSession,
  model: ModelProto,
  resolved: ResolvedShapes,
  files: Record<string, ort.Tensor>,
  options: ProfileOptions,
  ctx: JobContext,
): Promise<{ points?: ThroughputPoint[]; error?: string; peakRss: number }> {
  let peakRss = 0;
  const batched = Object.keys(resolved.batchAxes);
  if (batched.length === 0) return { peakRss };
  const fromFile = batched.find((name) => files[name]);
  if (fromFile) return { peakRss, error: `No throughput sweep: input '${fromFile}' is read from a file, so its batch cannot change.` };
  const points: ThroughputPoint[] = [];
  const runsPerBatch = Math.max(3, Math.min(20, Math.floor(options.runs / 4)));
  for (const [k, size] of THROUGHPUT_BATCHES.entries()) {
    ctx.checkCancelled();
    ctx.progress(k, THROUGHPUT_BATCHES.length, 'throughput');
    const shapes = shapesAtBatch(resolved, size);
    try {
      const batchFeeds = makeInputs(model, shapes, options.seed);
      await session.run(batchFeeds);
      const started = performance.now();
      for (let i = 0; i < runsPerBatch; i++) await session.run(batchFeeds);
      const ms = (performance.now() - started) / runsPerBatch;
      points.push({ batch: size, latencyMs: ms, perSecond: (1000 * size) / ms });
    } catch (e) {
      if (e instanceof EngineError) throw e;
      const fed = Object.entries(shapes).map(([name, dims]) => `${name}=${dims.join('x')}`).join(', ');
      const error = `The throughput sweep stopped at batch ${size} (${fed}): ONNX Runtime could not run it: ${runtimeMessage(e)}.`;
      return { ...(points.length > 0 ? { points } : {}), error, peakRss };
    }
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
  }
  return { points, peakRss };
}

function sessionOptions(options: ProfileOptions): ort.InferenceSession.SessionOptions {
  return {
    executionProviders: [options.backend],
    graphOptimizationLevel: options.optimization,
    ...(options.threads ? { intraOpNumThreads: options.threads } : {}),
    ...QUIET,
  };
}

/**
 * Profiles a model on a backend: latency over timed runs of a plain session (profiling adds overhead,
 * so it is kept out of them), then per-kernel times from a profiled session, each kernel mapped back
 * to the graph nodes it computes through the runtime's own optimized model.
 */
export async function profileModel(modelFile: string, model: ModelProto, options: ProfileOptions, ctx: JobContext): Promise<ProfileResult> {
  await requireBackend(options.backend).catch((e: Error) => {
    throw new EngineError('BAD_ARGUMENT', e.message.endsWith('.') ? e.message : `${e.message}.`);
  });
  const files: Record<string, ort.Tensor> = {};
  const declared = new Set(declaredInputs(model).map((v) => v.name));
  for (const [name, file] of Object.entries(options.inputFiles ?? {})) {
    if (!declared.has(name)) throw new EngineError('BAD_ARGUMENT', `The model has no input '${name}' to read from '${file}'.`);
    files[name] = await npyTensor(file, name);
  }
  const resolved = resolveShapes(model, options, files);
  const feeds = { ...makeInputs(model, resolved.shapes, options.seed), ...files };
  const fed = describeShapes(resolved);
  const total = options.warmup + options.runs;
  const work = await mkdtemp(path.join(os.tmpdir(), 'onnx-studio-profile-'));
  try {
    ctx.progress(0, total, 'loading');
    const session = await runtime('load the model', () => ort.InferenceSession.create(modelFile, sessionOptions(options)));
    const samples: number[] = [];
    let peakRss = process.memoryUsage().rss;
    for (let i = 0; i < total; i++) {
      ctx.checkCancelled();
      const started = performance.now();
      await runtime('run the model with these inputs', () => session.run(feeds), `it was fed ${fed}; give other dims with --shape NAME=DIMS`);
      const ms = performance.now() - started;
      if (i >= options.warmup) samples.push(ms);
      peakRss = Math.max(peakRss, process.memoryUsage().rss);
      ctx.progress(i + 1, total, i < options.warmup ? 'warm-up' : 'timing');
    }
    const sweep = await throughputSweep(session, model, resolved, files, options, ctx);
    peakRss = Math.max(peakRss, sweep.peakRss);
    await session.release();

    ctx.progress(total, total, 'per-layer profile');
    const profiledRuns = Math.min(options.runs, 10);
    const optimizedFile = path.join(work, 'optimized.onnx');
    const profiled = await ort.InferenceSession.create(modelFile, {
      ...sessionOptions(options),
      enableProfiling: true,
      profileFilePrefix: path.join(work, 'trace'),
      optimizedModelFilePath: optimizedFile,
    });
    for (let i = 0; i < 1 + profiledRuns; i++) {
      ctx.checkCancelled();
      await profiled.run(feeds);
    }
    profiled.endProfiling();
    await profiled.release();
    const traceFile = (await readdir(work)).filter((f) => f.startsWith('trace') && f.endsWith('.json')).sort().at(-1);
    if (!traceFile) throw new EngineError('IO_ERROR', 'ONNX Runtime wrote no profile; try another backend or optimization level.');
    const events = JSON.parse(await readFile(path.join(work, traceFile), 'utf8')) as TraceEvent[];
    const { kernels, runUs } = kernelTimes(events, profiledRuns);
    const lastRun = events.filter((e) => e.cat === 'Session' && e.name === 'model_run').sort((a, b) => a.ts - b.ts).at(-1);
    const trace = (lastRun ? events.filter((e) => e.ts >= lastRun.ts && e.ts <= lastRun.ts + lastRun.dur) : events).slice(0, MAX_TRACE_EVENTS);

    const indexByName = new Map((model.graph?.node ?? []).map((n, i) => [n.name || `${n.opType}_${i}`, i]));
    let covers = new Map<string, string[]>();
    try {
      covers = mapOptimizedNodes(model.graph ?? {}, decodeModel(await readFile(optimizedFile)).graph ?? {});
    } catch {
      // Some providers cannot serialize their optimized graph: kernels keep the runtime's names.
    }
    const kernelUs = kernels.reduce((a, k) => a + k.us, 0);
    const nodes: ProfiledNode[] = kernels
      .map((k) => {
        const from = covers.get(k.kernel);
        const single = from?.length === 1 && from[0] === k.kernel;
        return {
          name: k.kernel,
          opType: k.opType,
          ms: k.us / 1000,
          pct: kernelUs > 0 ? (100 * k.us) / kernelUs : 0,
          ...(from && from.length > 0 && !single ? { fusedFrom: from } : {}),
          provider: k.provider,
          shape: k.shape,
          nodeIndices: (from ?? [k.kernel]).map((n) => indexByName.get(n)).filter((i): i is number => i !== undefined),
        };
      })
      .sort((a, b) => b.ms - a.ms);
    const sorted = [...samples].sort((a, b) => a - b);
    return {
      backend: options.backend,
      optimization: options.optimization,
      runs: samples.length,
      latencyMs: {
        mean: samples.reduce((a, b) => a + b, 0) / Math.max(1, samples.length),
        p50: percentile(sorted, 50),
        p90: percentile(sorted, 90),
        p99: percentile(sorted, 99),
        min: sorted[0] ?? 0,
        max: sorted.at(-1) ?? 0,
      },
      samplesMs: samples,
      nodes,
      coverage: runUs > 0 ? Math.min(1, kernelUs / runUs) : 0,
      nodesTotalMs: kernelUs / 1000,
      peakRssBytes: peakRss,
      shapesRun: resolved.shapes,
      ...(Object.keys(resolved.assumed).length > 0 ? { assumedDims: resolved.assumed } : {}),
      ...(sweep.points ? { throughput: sweep.points } : {}),
      ...(sweep.error ? { throughputError: sweep.error } : {}),
      trace,
    };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
