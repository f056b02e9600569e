import { spawnSync } from 'node:child_process';

export const PYTHON = '/usr/bin/python3';

/**
 * Runs a script under Debian's python3 with python3-onnx, the independent oracle. Missing packages
 * fail loudly: `npm test` installs them (scripts/test.sh), so a skip here would hide a broken set-up.
 */
export function runPython(script: string, args: string[] = [], input?: string): string {
  const r = spawnSync(PYTHON, ['-c', script, ...args], { encoding: 'utf8', input, maxBuffer: 256 * 1024 * 1024 });
  if (r.error) throw new Error(`cannot run ${PYTHON} (${r.error.message}); install python3-onnx: apt-get install -y python3-onnx`);
  if (r.status !== 0) throw new Error(`python failed (${r.status}): ${r.stderr.slice(-2000)}`);
  return r.stdout;
}
