// The convert column: models below opset 13 go to 13 and to 17 and each back to their own opset; models
// at 13 to 16 go to 17 and back when they are cheap to run. Every file written is judged by python3-onnx's
// full checker and by onnxruntime-node against the original, whatever the tool's own check said.
import { fail, notApplicable, pass, refused, timedOut, type Cell } from './cell.js';
import { compareRewrites, judgeRewrite } from './exact-agreement.js';
import { failedCommand } from './inspect-step.js';
import { checkerProblem } from './onnx-checker.js';
import type { SweepContext } from './sweep-context.js';

/** Above this many MACs a model at opset 13 or later is not converted: the sweep must stay within its hour. */
export const CONVERT_MAX_MACS_AT_13 = 5e9;
const CONVERT_MAX_NODES_UNCOUNTED = 2000;

interface Leg {
  label: string;
  file: string;
  cell?: Cell;
}

/** The opsets a model goes to (and comes back from), or why it does not. */
export function convertTargets(ctx: SweepContext): number[] | string {
  const from = ctx.model.opset;
  if (from === null) return 'the model declares no ai.onnx opset';
  if (from < 13) return [13, 17];
  if (from >= 17) return `opset ${from} is at or above 17 already`;
  const cheap = ctx.model.macsRef !== null ? ctx.model.macsRef <= CONVERT_MAX_MACS_AT_13 : ctx.model.nodes <= CONVERT_MAX_NODES_UNCOUNTED;
  return cheap ? [17] : `opset ${from} needs no conversion below 13, and a model this heavy is left out to bound the sweep`;
}

async function convertOnce(ctx: SweepContext, leg: Leg, input: string, opset: number): Promise<boolean> {
  const r = await ctx.cli(['convert', input, '-o', leg.file, '--opset', String(opset), ...ctx.shapeArgs(), ...ctx.valueArgs(), '--json']);
  if (r.code !== 0) {
    leg.cell = failedCommand(r, `convert --opset ${opset}`);
    return false;
  }
  const problem = await checkerProblem(leg.file, Math.max(30, ctx.secondsLeft()));
  if (problem) {
    leg.cell = fail(`invalid model written (onnx.checker full_check: ${problem.slice(0, 120)})`);
    return false;
  }
  return true;
}

export async function convertStep(ctx: SweepContext): Promise<Cell> {
  const targets = convertTargets(ctx);
  if (typeof targets === 'string') return notApplicable(targets);
  const from = ctx.model.opset!;
  const legs: Leg[] = [];
  for (const to of targets) {
    const up: Leg = { label: `${from}->${to}`, file: ctx.out(`opset${to}.onnx`) };
    legs.push(up);
    if (!(await convertOnce(ctx, up, ctx.modelPath, to))) continue;
    const back: Leg = { label: `${to}->${from}`, file: ctx.out(`opset${to}-back${from}.onnx`) };
    legs.push(back);
    await convertOnce(ctx, back, up.file, from);
  }
  const written = legs.filter((l) => !l.cell);
  if (written.length > 0) {
    const agreements = await compareRewrites(ctx, written.map((l) => l.file));
    written.forEach((leg, k) => {
      const { problem, figures } = judgeRewrite(agreements[k]!);
      leg.cell = problem ? fail(problem) : pass(figures);
    });
  }
  const text = legs.map((l) => `${l.label} ${l.cell!.status === 'pass' ? 'ok' : l.cell!.status}${l.cell!.text ? ` (${l.cell!.text.slice(0, 140)})` : ''}`).join('; ');
  if (legs.some((l) => l.cell!.status === 'fail')) return fail(text);
  if (legs.some((l) => l.cell!.status === 'timeout')) return timedOut(text);
  if (legs.some((l) => l.cell!.status === 'refused')) return refused(text);
  return pass(text);
}
