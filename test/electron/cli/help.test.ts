import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../../electron/cli/main.js';
import { DIGITS, repoRoot } from '../../helpers/paths.js';
import { cli } from '../../helpers/cli.js';


const COMMANDS = ['inspect', 'analyze', 'profile', 'quantize', 'compare', 'run', 'backends', 'edit', 'serve', 'simplify', 'convert', 'export', 'diff', 'help'];
const NODE_PARSER_TEXT = /To specify a positional argument|ERR_PARSE_ARGS|argument is ambiguous|Unknown option/;

/** A usage error: exit code 2, nothing on stdout, one line on stderr in our words. */
function expectUsageError(r: ReturnType<typeof cli>, pattern: RegExp) {
  expect(r.code, r.stderr).toBe(2);
  expect(r.stdout).toBe('');
  const lines = r.stderr.trimEnd().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(pattern);
  expect(lines[0]).not.toMatch(NODE_PARSER_TEXT);
  expect(lines[0]).toMatch(/Run 'onnx-studio .+' for usage\.$/);
}

describe('onnx-studio help', () => {
  it('prints --version as package.json says, and exits 0', () => {
    const pkg = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { version: string };
    const r = cli(['--version']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`${pkg.version}\n`);
    expect(r.stderr).toBe('');
  });

  it('lists every command, and prints each command its own help on help COMMAND, --help and -h', async () => {
    const overview = cli(['help']);
    expect(overview.code).toBe(0);
    for (const name of COMMANDS) expect(overview.stdout).toMatch(new RegExp(`^  ${name} +\\S`, 'm'));
    expect(cli(['--help']).stdout).toBe(overview.stdout);
    // In-process for the 30 combinations: the same runCli the binary calls, without 30 process starts.
    const inProcess = async (args: string[]) => {
      let out = '';
      let err = '';
      const code = await runCli(args, { out: (t) => (out += t + '\n'), err: (t) => (err += t + '\n') });
      return { code, out, err };
    };
    for (const name of COMMANDS) {
      const viaHelp = await inProcess(['help', name]);
      expect(viaHelp.code, name).toBe(0);
      expect(viaHelp.err).toBe('');
      expect(viaHelp.out).toMatch(new RegExp(`^Usage: onnx-studio ${name}\\b`));
      expect(await inProcess([name, '--help']), name).toEqual(viaHelp);
      expect(await inProcess([name, '-h']), name).toEqual(viaHelp);
    }
    expect((await inProcess(['help', 'quantize'])).out).toBe(cli(['quantize', '--help']).stdout);
  });

  it('answers run --help with the options of run (it used to exit 2 with Node parser text)', () => {
    const r = cli(['run', '--help']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/^Usage: onnx-studio run RECIPE\.json/);
    for (const flag of ['--model', '--data NAME=DIR', '-o, --output', '--report', '--json']) expect(r.stdout).toContain(flag);
    // Help wins over everything else on the line, so it never runs the command.
    expect(cli(['quantize', DIGITS, '--mode', 'bogus', '--help']).code).toBe(0);
  });

  it('shows the negatable preset flags in quantize --help', () => {
    const r = cli(['quantize', '--help']);
    for (const flag of ['--per-channel, --no-per-channel', '--symmetric-activations, --no-symmetric-activations', '--reduce-range, --no-reduce-range']) expect(r.stdout).toContain(flag);
  });

  it('says what is wrong in its own words with exit code 2', () => {
    expectUsageError(cli(['inspect', DIGITS, '--bogus']), /^onnx-studio: inspect has no option '--bogus'\./);
    expectUsageError(cli(['inspect', DIGITS, '--jsn']), /inspect has no option '--jsn' \(did you mean '--json'\?\)/);
    expectUsageError(cli(['profile', DIGITS, '--runs']), /profile: --runs needs a value/);
    expectUsageError(cli(['quantize', DIGITS, '-o', '--mode', 'fp16']), /quantize: -o needs a value \(-o OUT\); write -o=--mode if the value really starts with '-'/);
    expectUsageError(cli(['profile', DIGITS, '--runs', 'many']), /profile: --runs takes a whole number from 1 to 10000, not 'many'/);
    expectUsageError(cli(['profile', DIGITS, '--runs', '2.5']), /--runs takes a whole number/);
    expectUsageError(cli(['profile', DIGITS, '--warmup', '-1']), /--warmup takes a whole number from 0 to 1000, not '-1'/);
    expectUsageError(cli(['serve', '--port', '70000']), /serve: --port takes a whole number from 0 to 65535, not '70000'/);
    expectUsageError(cli(['quantize', DIGITS, '-o', 'x.onnx', '--mode', 'int8-static', '--max-drop', 'lots']), /--max-drop takes a number from 0 to 100, not 'lots'/);
    expectUsageError(cli(['quantize', DIGITS, '-o', 'x.onnx', '--mode', 'int9']), /--mode must be one of fp16, int8-dynamic, int8-static, not 'int9'/);
    expectUsageError(cli(['inspect', DIGITS, '--json=yes']), /--json is a switch and takes no value/);
    expectUsageError(cli(['inspect', DIGITS, '--no-json']), /inspect: --json is off unless given, so there is no --no-json/);
    expectUsageError(cli(['quantize', DIGITS, '-o', 'x.onnx', '--mode', 'fp16', '--no-per-channel']), /--per-channel sets the INT8 layout and does not apply to --mode fp16/);
    expectUsageError(cli(['help', 'frobnicate']), /there is no command 'frobnicate'/);
    expectUsageError(cli(['--json']), /'--json' is not a command; put options after the command/);
  });
});
