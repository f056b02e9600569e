// The FP16, INT8 dynamic and INT8 static columns: the CLI writes a variant (or refuses in one sentence),
// python3-onnx checks the file, and onnxruntime-node runs it against the FP32 model on seeded inputs.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { AgreementMeter, type Agreement } from './agreement.js';
import { fail, notApplicable, pass, type Cell } from './cell.js';
import { failedCommand } from './inspect-step.js';
import { writeNpy } from './npy-file.js';
import { checkerProblem } from './onnx-checker.js';
import { loadModel, release, runModel, type LoadedModel } from './ort-runner.js';
import { seededSample } from './seeded-tensors.js';
import type { SweepContext } from './sweep-context.js';
import { MIN_COMPARABLE, THRESHOLDS } from './thresholds.js';

export type QuantMode = 'fp16' | 'int8-dynamic' | 'int8-static';
export const QUANT_MODES: QuantMode[] = ['fp16', 'int8-dynamic', 'int8-static'];
const CALIBRATION_SAMPLES = 16;

/** Declared element types of the model's inputs, by name, from the manifest (python3-onnx's reading). */
export function elemTypes(ctx: SweepContext): Record<string, string> {
  return Object.fromEntries(ctx.model.inputs.map((i) => [i.name, i.elemType]));
}

/** Calibration data the way the engine reads it: a file per sample, or a folder per sample for many inputs. */
function writeCalibration(ctx: SweepContext): string {
  const dir = ctx.out('calib');
  mkdirSync(dir, { recursive: true });
  const many = ctx.model.sweepInputs.length > 1;
  for (let s = 0; s < CALIBRATION_SAMPLES; s++) {
    // Seeds 500+ keep calibration inputs apart from the agreement inputs.
    const tensors = seededSample(ctx.model.sweepInputs, elemTypes(ctx), 500 + s, ctx.model.kind);
    const folder = many ? path.join(dir, `sample-${String(s).padStart(2, '0')}`) : dir;
    mkdirSync(folder, { recursive: true });
    for (const t of tensors) writeNpy(path.join(folder, many ? `${t.name}.npy` : `sample-${String(s).padStart(2, '0')}.npy`), t);
  }
  return dir;
}

interface Produced {
  mode: QuantMode;
  file: string;
  note: string;
}

async function produce(ctx: SweepContext, mode: QuantMode): Promise<Produced | Cell> {
  const file = ctx.out(`${mode}.onnx`);
  const args = ['quantize', ctx.modelPath, '-o', file, '--mode', mode, '--force', '--json'];
  if (mode === 'int8-static') args.push('--calib', writeCalibration(ctx));
  const r = await ctx.cli(args);
  if (r.code !== 0) return failedCommand(r, `quantize --mode ${mode}`);
  const result = JSON.parse(r.stdout) as { quantizedNodes?: unknown; warnings?: string[] };
  const count = Array.isArray(result.quantizedNodes) ? result.quantizedNodes.length : Number(result.quantizedNodes ?? 0);
  const problem = await checkerProblem(file, Math.max(30, ctx.secondsLeft()));
  if (problem) return fail(`invalid model written (onnx.checker full_check: ${problem.slice(0, 160)})`);
  const warned = result.warnings?.length ? `; warned: ${result.warnings[0]!.slice(0, 120)}` : '';
  return { mode, file, note: `${mode === 'fp16' ? 'converted' : `${count} nodes quantized`}${warned}` };
}

export function judgeAgreement(mode: QuantMode, a: Agreement, note: string): Cell {
  const t = THRESHOLDS[mode];
  const figures = `cos ${a.cosine.toFixed(5)}, SQNR ${Number.isFinite(a.sqnrDb) ? a.sqnrDb.toFixed(1) : a.sqnrDb > 0 ? 'inf' : '-inf'} dB${a.top1 !== null ? `, top-1 ${(a.top1 * 100).toFixed(0)}%` : ''} on ${a.samples}`;
  const lined = a.comparable / Math.max(1, a.samples);
  if (lined < MIN_COMPARABLE) return fail(`output shapes differ from FP32 on ${a.samples - a.comparable} of ${a.samples} inputs; ${note}`);
  if (a.cosine < t.cosine || a.sqnrDb < t.sqnrDb) return fail(`wrong without saying so: ${figures} (needs cos >= ${t.cosine}, SQNR >= ${t.sqnrDb} dB); ${note}`);
  return pass(`${figures}; ${note}`);
}

/** Produces every variant, then runs them all beside the FP32 model in one pass over the seeded inputs. */
export async function quantizeSteps(ctx: SweepContext, modes: readonly QuantMode[] = QUANT_MODES): Promise<Partial<Record<QuantMode, Cell>>> {
  const cells: Partial<Record<QuantMode, Cell>> = {};
  const produced: Produced[] = [];
  for (const mode of modes) {
    const out = await produce(ctx, mode);
    if ('status' in out) cells[mode] = out;
    else produced.push(out);
  }
  if (produced.length === 0) return cells;
  let reference: LoadedModel;
  try {
    reference = await loadModel(ctx.modelPath, ctx.options.threads);
  } catch (e) {
    for (const p of produced) cells[p.mode] = notApplicable(`written and valid, but the FP32 model does not load in onnxruntime-node (${(e as Error).message.split('\n')[0]!.slice(0, 120)}); ${p.note}`);
    return cells;
  }
  const live: { p: Produced; model: LoadedModel; meter: AgreementMeter }[] = [];
  for (const p of produced) {
    try {
      live.push({ p, model: await loadModel(p.file, ctx.options.threads), meter: new AgreementMeter(ctx.model.kind === 'classification') });
    } catch (e) {
      cells[p.mode] = fail(`written model does not load in onnxruntime-node: ${(e as Error).message.split('\n')[0]!.slice(0, 160)}`);
    }
  }
  const types = elemTypes(ctx);
  const samples = ctx.samplesFor();
  try {
    for (let s = 0; s < samples && live.length > 0; s++) {
      if (ctx.secondsLeft() <= 0) {
        for (const l of live) cells[l.p.mode] = { status: 'timeout', text: `agreement stopped at ${s} of ${samples} inputs: model time limit; ${l.p.note}` };
        live.length = 0;
        break;
      }
      const feeds = seededSample(ctx.model.sweepInputs, types, s, ctx.model.kind);
      let expected;
      try {
        expected = await runModel(reference, feeds);
      } catch (e) {
        for (const l of live) cells[l.p.mode] = notApplicable(`the FP32 model fails in onnxruntime-node on a seeded input (${(e as Error).message.split('\n')[0]!.slice(0, 120)}); ${l.p.note}`);
        live.length = 0;
        break;
      }
      for (const l of [...live]) {
        try {
          l.meter.add(expected, await runModel(l.model, feeds));
        } catch (e) {
          cells[l.p.mode] = fail(`loads but fails to run where FP32 runs: ${(e as Error).message.split('\n')[0]!.slice(0, 160)}`);
          live.splice(live.indexOf(l), 1);
        }
      }
    }
    for (const l of live) cells[l.p.mode] = judgeAgreement(l.p.mode, l.meter.result(), l.p.note);
  } finally {
    await release(reference);
    for (const l of live) await release(l.model);
  }
  return cells;
}
