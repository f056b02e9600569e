import type { Io } from '../command.js';
import { COMMANDS } from '../registry.js';
import { UsageError } from '../usage-error.js';
import { appVersion } from '../version.js';

/** The overview `onnx-studio help` prints: every command of the registry with its summary. */
export function overview(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((n) => n.length)) + 2;
  return [
    `onnx-studio ${appVersion()}: view, edit, quantize, profile and compare ONNX models.`,
    '',
    'Usage: onnx-studio <command> [options]',
    '',
    'Commands:',
    ...Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(width)}${c.summary}`),
    '',
    "Run 'onnx-studio help COMMAND' or 'onnx-studio COMMAND --help' for a command's options;",
    "'onnx-studio --version' prints the version. Every command takes --json for machine-readable output.",
    'Exit codes: 0 ok, 1 bad input, 2 usage error, 3 a recipe\'s compare threshold failed.',
  ].join('\n');
}

export const help = [
  'Usage: onnx-studio help [COMMAND]',
  '',
  'Lists the commands, or prints the options of COMMAND (the same as onnx-studio COMMAND --help).',
].join('\n');

export async function run(argv: string[], io: Io): Promise<void> {
  if (argv.length > 1) throw new UsageError(`help takes at most one COMMAND (got ${argv.length})`, 'help');
  const name = argv[0];
  if (name === undefined) {
    io.out(overview());
    return;
  }
  const entry = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (!entry) throw new UsageError(`there is no command '${name}'; the commands are ${Object.keys(COMMANDS).join(', ')}`);
  io.out((await entry.load()).help);
}
