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
  /** Dims for graph inputs (dynamic axes); symbolic dims not given are taken as 1. */
  inputShapes?: Record<string, number[]>;
  /** .npy files to use as inputs instead of random data, by input name. */
  inputFiles?: Record<string, string>;
  seed: number;
}

const THROUGHPUT_BATCHES = [1, 2, 4, 8, 16];
const MAX_TRACE_EVENTS = 50_000;

/** An input whose first axis is symbolic (or unset) in the file and not fed from a file: a dynamic batch. */
function dynamicBatchInput(model: ModelProto, options: ProfileOptions): string | undefined {
  const initializers = new Set((model.graph?.initializer ?? []).map((t) => t.name));
  const inputs = (model.graph?.input ?? []).filter((v) => v.name && !initializers.has(v.name));
  const first = inputs[0];
  const dim0 = first?.type?.tensorType?.shape?.dim?.[0];
  if (!first?.name || !dim0 || dim0.dimValue !== undefined || options.inputFiles?.[first.name]) return undefined;
  return first.name;
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

/** Random inputs for every graph input, shaped by the file (symbolic dims from options, else 1). */
function makeInputs(model: ModelProto, options: ProfileOptions, batch?: { input: string; size: number }): Record<string, ort.Tensor> {
  const next = seededRandom(options.seed);
  const initializers = new Set((model.graph?.initializer ?? []).map((t) => t.name));
  const feeds: Record<string, ort.Tensor> = {};
  for (const v of model.graph?.input ?? []) {
    if (!v.name || initializers.has(v.name)) continue;
    const t = v.type?.tensorType;
    if (!t) throw new EngineError('BAD_ARGUMENT', `Input '${v.name}' is not a tensor; profiling needs tensor inputs.`);
    const dims = [...(options.inputShapes?.[v.name] ?? (t.shape?.dim ?? []).map((d) => (d.dimValue !== undefined ? Number(d.dimValue) : 1)))];
    if (batch?.input === v.name) dims[0] = batch.size;
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

/** ONNX Runtime's own errors (wrong input rank, an op it lacks) are the user's to fix: say so in one sentence. */
async function runtime<T>(what: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (e) {
    if (e instanceof EngineError) throw e;
    const message = (e instanceof Error ? e.message : String(e)).split('\n')[0]!.replace(/\.+\s*$/, '').trim();
    throw new EngineError('INVALID_MODEL', `ONNX Runtime could not ${what}: ${message}.`);
  }
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
  const feeds = makeInputs(model, options);
  for (const [name, file] of Object.entries(options.inputFiles ?? {})) {
    if (!(name in feeds)) throw new EngineError('BAD_ARGUMENT', `The model has no input '${name}' to read from '${file}'.`);
    feeds[name] = await npyTensor(file, name);
  }
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
      await runtime('run the model with these inputs', () => session.run(feeds));
      const ms = performance.now() - started;
      if (i >= options.warmup) samples.push(ms);
      peakRss = Math.max(peakRss, process.memoryUsage().rss);
      ctx.progress(i + 1, total, i < options.warmup ? 'warm-up' : 'timing');
    }
    const batchInput = dynamicBatchInput(model, options);
    let throughput: ThroughputPoint[] | undefined;
    if (batchInput) {
      throughput = [];
      const runsPerBatch = Math.max(3, Math.min(20, Math.floor(options.runs / 4)));
      for (const [k, size] of THROUGHPUT_BATCHES.entries()) {
        ctx.checkCancelled();
        ctx.progress(k, THROUGHPUT_BATCHES.length, 'throughput');
        const batchFeeds = makeInputs(model, options, { input: batchInput, size });
        await runtime(`run the model at batch ${size}`, () => session.run(batchFeeds));
        const started = performance.now();
        for (let i = 0; i < runsPerBatch; i++) await session.run(batchFeeds);
        const ms = (performance.now() - started) / runsPerBatch;
        throughput.push({ batch: size, latencyMs: ms, perSecond: (1000 * size) / ms });
        peakRss = Math.max(peakRss, process.memoryUsage().rss);
      }
    }
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
      ...(throughput ? { throughput } : {}),
      trace,
    };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
