import path from 'node:path';
import type { Io } from '../command.js';
import { formatHelp, parseOptions, type OptionTable } from '../parse-options.js';
import { UsageError } from '../usage-error.js';

const OPTIONS = {
  port: { kind: 'integer', min: 0, max: 65535, placeholder: 'N', help: 'port on 127.0.0.1 (default: any free port)' },
  'no-open': { kind: 'boolean', help: 'do not open a browser' },
} as const satisfies OptionTable;

export const help = formatHelp(
  'serve',
  ['[MODEL] [--port N] [--no-open]'],
  'Runs the app in your browser, on 127.0.0.1 with a per-launch token. Prints "Listening on <url>" as its first line and runs until interrupted.',
  OPTIONS,
);

export async function run(argv: string[], io: Io): Promise<void> {
  const { options, positionals } = parseOptions('serve', argv, OPTIONS);
  if (positionals.length > 1) throw new UsageError('serve takes at most one MODEL path', 'serve');
  const { startServer } = await import('../../server/server.js');
  const server = await startServer({ port: options.port ?? 0, ...(positionals[0] ? { modelPath: path.resolve(positionals[0]) } : {}) });
  io.out(`Listening on ${server.url}`);
  if (!options['no-open']) {
    const { openInBrowser } = await import('../../server/open-browser.js');
    openInBrowser(server.url, io.err);
  }
  await new Promise<void>((resolve) => {
    const stop = () => void server.close().then(resolve);
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
}
