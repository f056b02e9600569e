// The simplify column: `simplify --shape ...` writes a model (or refuses in one sentence); python3-onnx's
// full checker and onnxruntime-node judge it against the original, whatever the tool's own check said.
import { fail, pass, type Cell } from './cell.js';
import { checkerProblem } from './onnx-checker.js';
import { compareRewrites, judgeRewrite } from './exact-agreement.js';
import { failedCommand } from './inspect-step.js';
import type { SweepContext } from './sweep-context.js';

interface SimplifyJson {
  nodesBefore: number;
  nodesAfter: number;
}

export async function simplifyStep(ctx: SweepContext): Promise<Cell> {
  const file = ctx.out('simplified.onnx');
  let r = await ctx.cli(['simplify', ctx.modelPath, '-o', file, ...ctx.shapeArgs(), ...ctx.valueArgs(), '--json']);
  // A model ONNX Runtime refuses at fixed input dims (silero-vad v5) is simplified as the sentence says:
  // the check at the manifest's dims, the model's own dims kept.
  if (r.code !== 0 && r.stderr.includes('--check-shape instead of --shape')) {
    const checkShapes = ctx.shapeArgs().map((a) => (a === '--shape' ? '--check-shape' : a));
    r = await ctx.cli(['simplify', ctx.modelPath, '-o', file, ...checkShapes, ...ctx.valueArgs(), '--json']);
  }
  if (r.code !== 0) return failedCommand(r, 'simplify');
  const report = JSON.parse(r.stdout) as SimplifyJson;
  const nodes = `nodes ${report.nodesBefore} -> ${report.nodesAfter}`;
  const problem = await checkerProblem(file, Math.max(30, ctx.secondsLeft()));
  if (problem) return fail(`invalid model written (onnx.checker full_check: ${problem.slice(0, 160)}); ${nodes}`);
  const [agreement] = await compareRewrites(ctx, [file]);
  const { problem: wrong, figures } = judgeRewrite(agreement!);
  if (wrong) return fail(`${wrong}; ${nodes}`);
  return pass(`${nodes}; ${figures}; ${r.seconds.toFixed(0)} s`);
}
