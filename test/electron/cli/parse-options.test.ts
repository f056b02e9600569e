import { describe, expect, it } from 'vitest';
import { parseOptions, type OptionTable } from '../../../electron/cli/parse-options.js';
import { UsageError } from '../../../electron/cli/usage-error.js';

const TABLE = {
  output: { kind: 'string', short: 'o', placeholder: 'OUT', help: 'where' },
  exclude: { kind: 'string', multiple: true, help: 'leave out' },
  runs: { kind: 'integer', min: 1, max: 10, help: 'how often' },
  drop: { kind: 'number', min: 0, max: 100, help: 'points' },
  'per-channel': { kind: 'boolean', negatable: true, help: 'per channel' },
  force: { kind: 'boolean', help: 'overwrite' },
} as const satisfies OptionTable;

function usageError(argv: string[]): string {
  try {
    parseOptions('demo', argv, TABLE);
  } catch (e) {
    expect(e).toBeInstanceOf(UsageError);
    return (e as Error).message;
  }
  throw new Error(`no usage error for ${argv.join(' ')}`);
}

describe('the CLI option parser', () => {
  it('reads values in every spelling, options around positionals, and -- as the end of options', () => {
    const { options, positionals } = parseOptions('demo', ['a.onnx', '-o', 'x', '--exclude=n1', '--runs', '3', 'b.onnx', '--exclude', 'n2', '--drop=0.5', '--', '--force'], TABLE);
    expect(options).toEqual({ output: 'x', exclude: ['n1', 'n2'], runs: 3, drop: 0.5 });
    expect(positionals).toEqual(['a.onnx', 'b.onnx', '--force']);
    expect(parseOptions('demo', ['-ox'], TABLE).options.output).toBe('x');
    expect(parseOptions('demo', ['-o=--odd'], TABLE).options.output).toBe('--odd');
    expect(parseOptions('demo', ['--exclude=-h'], TABLE).options.exclude).toEqual(['-h']);
  });

  it('negates a negatable switch, the last one given winning', () => {
    expect(parseOptions('demo', ['--no-per-channel'], TABLE).options['per-channel']).toBe(false);
    expect(parseOptions('demo', ['--per-channel'], TABLE).options['per-channel']).toBe(true);
    expect(parseOptions('demo', ['--per-channel', '--no-per-channel'], TABLE).options['per-channel']).toBe(false);
    expect(parseOptions('demo', ['--no-per-channel', '--per-channel'], TABLE).options['per-channel']).toBe(true);
    expect(parseOptions('demo', [], TABLE).options['per-channel']).toBeUndefined();
    expect(usageError(['--no-force'])).toBe('demo: --force is off unless given, so there is no --no-force; leave it out instead');
  });

  it('refuses unknown options, missing values and bad numbers in one sentence each', () => {
    expect(usageError(['--outptu', 'x'])).toBe("demo has no option '--outptu' (did you mean '--output'?)");
    expect(usageError(['-q'])).toBe("demo has no option '-q'");
    expect(usageError(['--output'])).toBe('demo: --output needs a value (--output OUT)');
    expect(usageError(['--output', '--force'])).toBe("demo: --output needs a value (--output OUT); write --output=--force if the value really starts with '-'");
    expect(usageError(['--runs', 'ten'])).toBe("demo: --runs takes a whole number from 1 to 10, not 'ten'");
    expect(usageError(['--runs', '11'])).toBe("demo: --runs takes a whole number from 1 to 10, not '11'");
    expect(usageError(['--runs', '1.5'])).toBe("demo: --runs takes a whole number from 1 to 10, not '1.5'");
    expect(usageError(['--runs', ''])).toBe("demo: --runs takes a whole number from 1 to 10, not ''");
    expect(usageError(['--drop', '0x10'])).toBe("demo: --drop takes a number from 0 to 100, not '0x10'");
    expect(usageError(['--constructor', 'x'])).toBe("demo has no option '--constructor'");
    expect(usageError(['--__proto__=x'])).toBe("demo has no option '--__proto__'");
    expect(usageError(['--force=yes'])).toBe("demo: --force is a switch and takes no value (got 'yes')");
  });
});
