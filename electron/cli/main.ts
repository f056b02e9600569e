import { EngineError, firstLine } from '../../shared/api/errors.js';
import type { Io } from './command.js';
import { COMMANDS } from './registry.js';
import { UsageError } from './usage-error.js';
import { appVersion } from './version.js';

/** `--help` or `-h` anywhere before `--` asks for the command's help instead of running it. */
function wantsHelp(argv: string[]): boolean {
  const end = argv.indexOf('--');
  return (end < 0 ? argv : argv.slice(0, end)).some((a) => a === '--help' || a === '-h');
}

/** Runs one command line; returns the exit code. Never lets a stack trace reach the user. */
export async function runCli(argv: string[], io: Io): Promise<number> {
  const [command, ...rest] = argv;
  try {
    if (command === '--version') {
      if (rest.length > 0) throw new UsageError('--version takes no arguments');
      io.out(appVersion());
      return 0;
    }
    if (command === '--help' || command === '-h') argv = ['help', ...rest];
    if (command === undefined) {
      const { overview } = await import('./commands/help.js');
      io.err(overview());
      return 2;
    }
    const name = argv[0]!;
    const entry = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
    if (!entry) throw new UsageError(name.startsWith('-') ? `'${name}' is not a command; put options after the command` : `unknown command '${name}'`);
    const module = await entry.load();
    if (wantsHelp(argv.slice(1))) {
      io.out(module.help);
      return 0;
    }
    return (await module.run(argv.slice(1), io)) ?? 0;
  } catch (e) {
    if (e instanceof UsageError) {
      io.err(`onnx-studio: ${e.message}. Run 'onnx-studio ${e.command ? `${e.command} --help` : 'help'}' for usage.`);
      return 2;
    }
    if (e instanceof EngineError) {
      io.err(`onnx-studio: ${e.message}`);
      return 1;
    }
    io.err(`onnx-studio: internal error: ${firstLine(e instanceof Error ? e.message : String(e))}. Please report it.`);
    return 1;
  }
}
