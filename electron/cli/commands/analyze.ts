import { engineClient } from '../engine-client.js';
import { formatAnalysis } from '../format.js';
import type { Io } from '../command.js';
import { oneModel } from '../one-model.js';
import { formatHelp, parseOptions, type OptionTable } from '../parse-options.js';
import { parseShape, SHAPE_OPTION } from '../shape-option.js';

const OPTIONS = { shape: SHAPE_OPTION } as const satisfies OptionTable;

export const help = formatHelp(
  'analyze',
  ['MODEL [--shape NAME=DIMS]... [--json]'],
  'Shapes, MACs, FLOPs, parameters and memory per layer and in total. Nodes with unknown or symbolic dims are left out of the totals; give the dims with --shape.',
  OPTIONS,
);

export async function run(argv: string[], io: Io): Promise<void> {
  const { options, positionals } = parseOptions('analyze', argv, OPTIONS);
  const shapes = Object.fromEntries((options.shape ?? []).map((s) => parseShape(s, 'analyze')));
  const engine = await engineClient();
  const info = await engine.openModel({ source: { kind: 'path', path: oneModel(positionals, 'analyze') } });
  const analysis = await engine.analyzeModel({ docId: info.docId, inputShapes: shapes });
  io.out(options.json ? JSON.stringify(analysis, null, 2) : formatAnalysis(info.fileName, analysis));
}
