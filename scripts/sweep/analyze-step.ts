// The analyze column: every value's shape known at static input dims, and MACs near the independent count.
import { isAttentionModel } from './corpus-manifest.js';
import { fail, formatCount, pass, type Cell } from './cell.js';
import { failedCommand } from './inspect-step.js';
import type { SweepContext } from './sweep-context.js';

interface AnalyzeJson {
  totals: { macs: number; macsAtBounds?: number };
  nodes: { name: string; outputShapes: ((number | string | null)[] | null)[] }[];
  incomplete?: string[];
}

export const MAC_TOLERANCE = { default: 0.02, attention: 0.05 };

export async function analyzeStep(ctx: SweepContext): Promise<Cell> {
  const r = await ctx.cli(['analyze', ctx.modelPath, ...ctx.shapeArgs(), '--json']);
  if (r.code !== 0) {
    const cell = failedCommand(r, 'analyze');
    return cell.status === 'refused' ? fail(`analyze refused: ${cell.text}`) : cell;
  }
  const analysis = JSON.parse(r.stdout) as AnalyzeJson;
  let values = 0;
  const unknown: string[] = [];
  let symbolic = 0;
  for (const node of analysis.nodes) {
    for (const shape of node.outputShapes) {
      values++;
      if (shape === null || shape.some((d) => d === null)) unknown.push(node.name);
      else if (shape.some((d) => typeof d === 'string')) symbolic++;
    }
  }
  const problems: string[] = [];
  if (unknown.length) problems.push(`${unknown.length} of ${values} values have unknown shapes (first: ${unknown[0]})`);
  const ours = analysis.totals.macs;
  const ref = ctx.model.macsRef;
  const tolerance = isAttentionModel(ctx.model) ? MAC_TOLERANCE.attention : MAC_TOLERANCE.default;
  let macs: string;
  if (ref === null || ref === 0) {
    macs = `MACs ${formatCount(ours)} (no independent count: ${ref === 0 ? 'no MAC ops outside subgraphs' : 'MAC ops inside If/Loop or unknown shapes'})`;
  } else {
    const percent = (n: number) => `${n >= ref ? '+' : ''}${(((n - ref) / ref) * 100).toFixed(1)}%`;
    const within = (n: number) => Math.abs((n - ref) / ref) <= tolerance;
    macs = `MACs ${formatCount(ours)} vs ${formatCount(ref)} counted (${percent(ours)})`;
    // The torch counter runs the model once, and on random weights a detector keeps every proposal it
    // may: the count to compare is then ours with each bounded data-dependent dim at its bound.
    const worst = analysis.totals.macsAtBounds;
    if (worst !== undefined) macs = `MACs ${formatCount(ours)}, ${formatCount(worst)} with data-dependent dims at their bounds, vs ${formatCount(ref)} counted (${percent(worst)})`;
    if (!within(ours) && !(worst !== undefined && within(worst))) problems.push(`MACs off by more than ${tolerance * 100}%`);
  }
  if (ctx.model.published && ctx.model.sweepInputs[0]?.shape.join('x') === ctx.model.published.inputSize) {
    macs += `, published ${ctx.model.published.gmacs} G`;
  }
  const incomplete = analysis.incomplete?.length ? `, ${analysis.incomplete.length} nodes uncosted` : '';
  const sym = symbolic ? `, ${symbolic} symbolic (data-dependent)` : '';
  const summary = `${macs}${incomplete}${sym}`;
  return problems.length ? fail(`${problems.join('; ')}; ${summary}`) : pass(`all ${values} shapes known${sym}; ${macs}${incomplete}`);
}
