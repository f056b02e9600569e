import { engineClient } from '../engine-client.js';
import type { Io } from '../command.js';
import { formatHelp, parseOptions, type OptionTable } from '../parse-options.js';
import { UsageError } from '../usage-error.js';

const OPTIONS = {} as const satisfies OptionTable;

export const help = formatHelp('backends', ['[--json]'], 'The ONNX Runtime execution providers usable on this machine, and for the others why not.', OPTIONS);

export async function run(argv: string[], io: Io): Promise<void> {
  const { options, positionals } = parseOptions('backends', argv, OPTIONS);
  if (positionals.length > 0) throw new UsageError('backends takes no arguments', 'backends');
  const list = await (await engineClient()).listBackends({});
  io.out(options.json ? JSON.stringify(list, null, 2) : list.map((b) => `${b.available ? 'yes' : 'no '}  ${b.id.padEnd(9)} ${b.available ? b.name : b.reason}`).join('\n'));
}
