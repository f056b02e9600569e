// The profile column: the CLI profiles the model on ONNX Runtime's CPU backend with every input fed.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fail, pass, type Cell } from './cell.js';
import { failedCommand } from './inspect-step.js';
import { writeNpy } from './npy-file.js';
import { elemTypes } from './quantize-step.js';
import { seededSample } from './seeded-tensors.js';
import type { SweepContext } from './sweep-context.js';

interface ProfileJson {
  latencyMs: { p50: number };
  nodes: unknown[];
  coverage: number;
}

export async function profileStep(ctx: SweepContext): Promise<Cell> {
  const dir = ctx.out('profile-inputs');
  mkdirSync(dir, { recursive: true });
  // Fed from files rather than --shape, so that inputs with a fixed value (a sample rate) get it.
  const inputs = seededSample(ctx.model.sweepInputs, elemTypes(ctx), 0, ctx.model.kind).flatMap((t, k) => {
    const file = path.join(dir, `input-${k}.npy`);
    writeNpy(file, t);
    return ['--input', `${t.name}=${file}`];
  });
  const r = await ctx.cli(['profile', ctx.modelPath, '--runs', '5', '--warmup', '1', '--threads', String(ctx.options.threads), ...inputs, '--json']);
  if (r.code !== 0) return failedCommand(r, 'profile');
  const result = JSON.parse(r.stdout) as ProfileJson;
  if (!Number.isFinite(result.latencyMs?.p50) || !(result.nodes?.length > 0)) return fail('profile printed no latency or no per-node times');
  return pass(`p50 ${result.latencyMs.p50.toFixed(result.latencyMs.p50 < 10 ? 2 : 1)} ms, ${result.nodes.length} kernels, coverage ${(result.coverage * 100).toFixed(0)}%`);
}
