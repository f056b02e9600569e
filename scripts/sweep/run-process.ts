// Runs a child process (the CLI, python3-onnx) with a time limit and collects what it printed.
import { spawn } from 'node:child_process';

export interface ProcessResult {
  code: number | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  seconds: number;
}

export function runProcess(cmd: string, args: string[], limitSeconds: number, cwd?: string): Promise<ProcessResult> {
  const started = performance.now();
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, limitSeconds * 1000);
    child.on('error', (e) => {
      clearTimeout(timer);
      resolve({ code: null, stdout, stderr: stderr + e.message, timedOut, seconds: (performance.now() - started) / 1000 });
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, timedOut, seconds: (performance.now() - started) / 1000 });
    });
  });
}

/** The one line a user would read; a stack trace or a multi-line dump is itself a failure. */
export function userMessage(stderr: string): { line: string; clean: boolean } {
  const lines = stderr.split('\n').map((l) => l.trim()).filter(Boolean);
  const line = lines[0] ?? '(no message)';
  const clean = lines.length === 1 && !/^\s*at\s/m.test(stderr) && !/Error:\s*$/.test(line);
  return { line, clean };
}
