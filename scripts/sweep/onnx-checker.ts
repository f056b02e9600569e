// python3-onnx's checker with full_check (strict shape inference): the independent judge of written files.
import { runProcess } from './run-process.js';

const SCRIPT = `
import sys, onnx
try:
    onnx.checker.check_model(sys.argv[1], full_check=True)
except Exception as e:
    print(str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__)
    sys.exit(3)
`;

/** null when the file passes; otherwise the checker's first line. */
export async function checkerProblem(file: string, limitSeconds: number): Promise<string | null> {
  const r = await runProcess('/usr/bin/python3', ['-c', SCRIPT, file], limitSeconds);
  if (r.timedOut) return `the checker did not finish in ${Math.round(limitSeconds)} s`;
  if (r.code === 0) return null;
  if (r.code === 3) return r.stdout.trim() || 'rejected';
  throw new Error(`cannot run python3-onnx's checker (${r.stderr.trim().split('\n').pop()}); install python3-onnx`);
}
