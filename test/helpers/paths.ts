import { existsSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const fixture = (name: string) => path.join(repoRoot, 'test', 'fixtures', name);
export const DIGITS = fixture('digits-cnn.onnx');
export const SHAPES = fixture('shapes-mobilenet.onnx');
export const CONFORMANCE_ROOT = '/usr/share/libonnx-testdata/data';

export function tempDir(prefix = 'onnx-studio-test-'): string {
  return mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** The compiled CLI; the test script builds before running the suite. */
export function builtCli(): string {
  const entry = path.join(repoRoot, 'bin', 'onnx-studio');
  if (!existsSync(path.join(repoRoot, 'dist', 'electron', 'cli', 'bin.js'))) {
    throw new Error('dist/ is missing: run `npm run build` (npm test does it) before these tests');
  }
  return entry;
}
