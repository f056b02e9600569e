import { spawnSync } from 'node:child_process';
import { expect } from 'vitest';
import { builtCli } from './paths.js';

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the built `onnx-studio` in a child process; the timeout only catches hangs, it synchronises nothing. */
export function cli(args: string[], timeout = 300_000): CliRun {
  const r = spawnSync(process.execPath, [builtCli(), ...args], { encoding: 'utf8', timeout, maxBuffer: 64 * 1024 * 1024 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** The CLI's error contract: the exit code, nothing on stdout, one line on stderr, no stack trace. */
export function expectOneLineError(r: CliRun, code: number, pattern: RegExp): void {
  expect(r.code).toBe(code);
  expect(r.stdout).toBe('');
  const lines = r.stderr.trimEnd().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(pattern);
  expect(r.stderr).not.toMatch(/\s+at\s.+:\d+:\d+/);
}
