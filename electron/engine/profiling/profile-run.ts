import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { mapOptimizedNodes } from '../../../shared/analysis/fused-kernels.js';
import { EngineError } from '../../../shared/api/errors.js';
import { dataTypeName } from '../../../shared/onnx/data-types.js';
import { decodeModel } from '../../../shared/onnx/decode.js';
import type { ModelProto } from '../../../shared/onnx/types.js';
import type { JobContext } from '../jobs.js';
import { QUIET, requireBackend } from './backends.js';
import { kernelTimes, type TraceEvent } from './trace.js';

export interface ProfileOptions {
  backend: string;
  runs: number;
  warmup: number;
  threads?: number;
  optimization: 'disabled' | 'basic' | 'extended' | 'all';
  /** Dims for graph inputs (dynamic axes); symbolic dims not given are taken as 1. */
  inputShapes?: Record<string, number[]>;
  seed: number;
}

export interface ProfiledNode {
  /** The graph node's name, or the runtime's kernel name when it fused several nodes. */
  name: string;
  opType: string;
  ms: number;
  /** Share of the summed kernel time, in percent. */
  pct: number;
  /** The graph nodes a fused kernel covers (present when it covers more than one, or renamed one). */
  fusedFrom?: string[];
  provider: string;
}

export interface ProfileResult {
  backend: string;
  optimization: ProfileOptions['optimization'];
  runs: number;
  latencyMs: { mean: number; p50: number; p90: number; p99: number; min: number; max: number };
  samplesMs: number[];
  nodes: ProfiledNode[];
  /** Share of the profiled run time attributed to graph nodes (0..1). */
  coverage: number;
  /** Sum of per-node times, for comparison with the mean latency. */
  nodesTotalMs: number;
  peakRssBytes: number;
}

/** mulberry32: a small seeded generator, so a profile's inputs are the same every time. */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = Math.imul(s ^ (s >>> 15), s | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

/** Random inputs for every graph input, shaped by the file (symbolic dims from options, else 1). */
function makeInputs(model: ModelProto, options: ProfileOptions): Record<string, ort.Tensor> {
  const next = random(options.seed);
  const initializers = new Set((model.graph?.initializer ?? []).map((t) => t.name));
  const feeds: Record<string, ort.Tensor> = {};
  for (const v of model.graph?.input ?? []) {
    if (!v.name || initializers.has(v.name)) continue;
    const t = v.type?.tensorType;
    if (!t) throw new EngineError('BAD_ARGUMENT', `Input '${v.name}' is not a tensor; profiling needs tensor inputs.`);
    const dims = options.inputShapes?.[v.name] ?? (t.shape?.dim ?? []).map((d) => (d.dimValue !== undefined ? Number(d.dimValue) : 1));
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
  const total = options.warmup + options.runs;
  const work = await mkdtemp(path.join(os.tmpdir(), 'onnx-studio-profile-'));
  try {
    ctx.progress(0, total, 'loading');
    const session = await ort.InferenceSession.create(modelFile, sessionOptions(options));
    const samples: number[] = [];
    let peakRss = process.memoryUsage().rss;
    for (let i = 0; i < total; i++) {
      ctx.checkCancelled();
      const started = performance.now();
      await session.run(feeds);
      const ms = performance.now() - started;
      if (i >= options.warmup) samples.push(ms);
      peakRss = Math.max(peakRss, process.memoryUsage().rss);
      ctx.progress(i + 1, total, i < options.warmup ? 'warm-up' : 'timing');
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
    };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
