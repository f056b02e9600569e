import { engineClient } from '../engine-client.js';
import { formatInspect } from '../format.js';
import type { Io } from '../command.js';
import { oneModel } from '../one-model.js';
import { formatHelp, parseOptions, type OptionTable } from '../parse-options.js';

const OPTIONS = {} as const satisfies OptionTable;

export const help = formatHelp('inspect', ['MODEL [--json]'], 'Summary of a model: inputs and outputs, opsets, producer, ops, parameters and validation problems.', OPTIONS);

export async function run(argv: string[], io: Io): Promise<void> {
  const { options, positionals } = parseOptions('inspect', argv, OPTIONS);
  const engine = await engineClient();
  const info = await engine.openModel({ source: { kind: 'path', path: oneModel(positionals, 'inspect') } });
  if (options.json) {
    const { summary, problems } = info;
    io.out(JSON.stringify({ file: info.path, sizeBytes: info.sizeBytes, ...summary, problems }, null, 2));
  } else io.out(formatInspect(info));
}
