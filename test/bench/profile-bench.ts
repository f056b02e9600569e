import { readFileSync } from 'node:fs';
import * as ort from 'onnxruntime-node';
import { createEngineClient } from '../../shared/api/client.js';
import { decodeModel } from '../../shared/onnx/decode.js';
import type { ProfileResult } from '../../shared/profile/profile-types.js';
import { Engine } from '../../electron/engine/engine.js';
import { inProcessTransport } from '../../electron/engine/in-process-transport.js';

const RUNS = 50;
const WARMUP = 5;

/** The baseline: a plain onnxruntime-node loop with the same options, timing each run. */
async function plainLoopMs(file: string): Promise<number> {
  const model = decodeModel(readFileSync(file));
  const initializers = new Set((model.graph?.initializer ?? []).map((t) => t.name));
  const feeds: Record<string, ort.Tensor> = {};
  for (const v of model.graph?.input ?? []) {
    if (!v.name || initializers.has(v.name)) continue;
    const dims = (v.type?.tensorType?.shape?.dim ?? []).map((d) => (d.dimValue !== undefined ? Number(d.dimValue) : 1));
    feeds[v.name] = new ort.Tensor('float32', Float32Array.from({ length: dims.reduce((a, b) => a * b, 1) }, () => Math.random() * 2 - 1), dims);
  }
  const session = await ort.InferenceSession.create(file, { graphOptimizationLevel: 'all', logSeverityLevel: 4 });
  for (let i = 0; i < WARMUP; i++) await session.run(feeds);
  let total = 0;
  for (let i = 0; i < RUNS; i++) {
    const t = performance.now();
    await session.run(feeds);
    total += performance.now() - t;
  }
  await session.release();
  return total / RUNS;
}

async function studioProfile(file: string): Promise<ProfileResult> {
  const client = createEngineClient(inProcessTransport(new Engine({ mode: 'cli' })));
  const info = await client.openModel({ source: { kind: 'path', path: file } });
  const { jobId } = await client.startProfile({ docId: info.docId, runs: RUNS, warmup: WARMUP, optimization: 'all' });
  const job = await client.waitForJob(jobId);
  if (job.status !== 'succeeded') throw new Error(job.error?.message ?? 'profile failed');
  return job.result as ProfileResult;
}

/**
 * Side by side, interleaved twice (plain, studio, plain, studio) so drift on a shared machine hits
 * both: the profiler's mean latency against a plain loop, per-layer time against the mean, coverage,
 * and how many Convs the per-layer table accounts for.
 */
export async function profileRows(files: string[]): Promise<string[][]> {
  const rows: string[][] = [];
  for (const file of files) {
    const plain: number[] = [];
    const studio: ProfileResult[] = [];
    for (let round = 0; round < 2; round++) {
      plain.push(await plainLoopMs(file));
      studio.push(await studioProfile(file));
    }
    const plainMs = (plain[0]! + plain[1]!) / 2;
    const studioMs = (studio[0]!.latencyMs.mean + studio[1]!.latencyMs.mean) / 2;
    const last = studio[1]!;
    const convs = decodeModel(readFileSync(file)).graph!.node!.filter((n) => n.opType === 'Conv').map((n) => n.name ?? '');
    const covered = new Set(last.nodes.flatMap((n) => n.fusedFrom ?? [n.name]));
    rows.push([
      file.split('/').pop()!,
      plainMs.toFixed(2),
      studioMs.toFixed(2),
      `${((studioMs / plainMs - 1) * 100).toFixed(1)}%`,
      `${((last.nodesTotalMs / last.latencyMs.mean) * 100).toFixed(1)}%`,
      `${(last.coverage * 100).toFixed(1)}%`,
      `${convs.filter((c) => covered.has(c)).length}/${convs.length}`,
    ]);
  }
  return rows;
}
