import path from 'node:path';
import { diffModels, type ModelDiff } from '../../../shared/diff/model-diff.js';
import { externalBytes } from '../../engine/diff/diff-documents.js';
import { readModelFile } from '../../engine/model-reader.js';
import type { Io } from '../command.js';
import { formatHelp, parseOptions, type OptionTable } from '../parse-options.js';
import { UsageError } from '../usage-error.js';

const OPTIONS = {} as const satisfies OptionTable;

export const help = formatHelp(
  'diff',
  ['A B [--json]'],
  'What changed from model A to model B: nodes matched by name, then by structure (so renamed nodes still match); added, removed and changed nodes (attributes, inputs, initializer values); Q/DQ pairs read as the quantization of the node they wrap.',
  OPTIONS,
);

function formatDiff(a: string, b: string, d: ModelDiff): string {
  const lines = [`${path.basename(a)} -> ${path.basename(b)}: ${d.summary}`];
  for (const n of d.removed) lines.push(`  - ${n.opType} ${n.name}`);
  for (const n of d.added) lines.push(`  + ${n.opType} ${n.name}`);
  for (const c of d.changed) {
    const what = [
      c.a !== c.b ? `renamed from ${c.a}` : '',
      ...(c.attributes ?? []).map((x) => `${x.name}: ${x.a ?? '(none)'} -> ${x.b ?? '(none)'}`),
      ...(c.inputs ?? []).map((x) => `input ${x.index}: ${x.a || '(none)'}${x.fromA ? ` (from ${x.fromA})` : ''} -> ${x.b || '(none)'}${x.fromB ? ` (from ${x.fromB})` : ''}`),
      ...(c.initializers ?? []).map((x) => `${x.name}: ${x.maxAbsDiff === null ? `${x.a ?? '?'} -> ${x.b ?? '?'}` : `values differ by up to ${x.maxAbsDiff}`}`),
    ].filter(Boolean);
    lines.push(`  ~ ${c.opType} ${c.b}: ${what.join('; ')}`);
  }
  return lines.join('\n');
}

/** `onnx-studio diff A B`: what changed between two models, matched by name and by structure. */
export async function run(argv: string[], io: Io): Promise<void> {
  const { options, positionals } = parseOptions('diff', argv, OPTIONS);
  if (positionals.length !== 2) throw new UsageError(`diff takes two model paths, A and B (got ${positionals.length})`, 'diff');
  const [a, b] = positionals.map((p) => path.resolve(p)) as [string, string];
  const [ma, mb] = await Promise.all([readModelFile(a), readModelFile(b)]);
  const diff = diffModels(ma.model, mb.model, {
    rawA: await externalBytes(ma.model, path.dirname(a)),
    rawB: await externalBytes(mb.model, path.dirname(b)),
  });
  io.out(options.json ? JSON.stringify({ a, b, ...diff }, null, 2) : formatDiff(a, b, diff));
}
