import { spawnSync } from 'node:child_process';
import { readdirSync, existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { inferShapes } from '../../../shared/analysis/shape-inference.js';
import { decodeModel } from '../../../shared/onnx/decode.js';
import { CONFORMANCE_ROOT, repoRoot } from '../../helpers/paths.js';
import { PYTHON } from '../../helpers/python.js';

function models(): string[] {
  const files: string[] = [];
  for (const suite of ['node', 'pytorch-converted', 'pytorch-operator', 'simple']) {
    for (const dir of readdirSync(path.join(CONFORMANCE_ROOT, suite)).sort()) {
      const file = path.join(CONFORMANCE_ROOT, suite, dir, 'model.onnx');
      if (existsSync(file)) files.push(file);
    }
  }
  return files;
}

type PythonShapes = Record<string, Record<string, { elemType: number; shape: number[] }> | null>;

describe('shape inference against python onnx (strict mode) on the conformance models', () => {
  it('agrees on every value python infers a full shape for, and leaves none of them unknown', () => {
    const files = models();
    const r = spawnSync(PYTHON, [path.join(repoRoot, 'test', 'helpers', 'python-shapes.py')], { input: files.join('\n'), encoding: 'utf8', maxBuffer: 1 << 28 });
    if (r.status !== 0) throw new Error(`python shape inference failed: ${r.stderr.slice(-500)}`);
    const expected = JSON.parse(r.stdout) as PythonShapes;
    const disagreements: string[] = [];
    const missing: string[] = [];
    let compared = 0;
    for (const file of files) {
      const shapes = expected[file];
      if (!shapes) continue; // python's strict mode refuses this model
      const { facts } = inferShapes(decodeModel(readFileSync(file)));
      for (const [name, want] of Object.entries(shapes)) {
        compared++;
        const got = facts.get(name);
        const where = `${path.basename(path.dirname(file))}:${name}`;
        if (!got?.shape || got.shape.some((d) => typeof d !== 'number')) missing.push(where);
        else if (JSON.stringify(got.shape) !== JSON.stringify(want.shape) || got.elemType !== want.elemType) {
          disagreements.push(`${where} ours ${JSON.stringify(got.shape)} type ${got.elemType}, python ${JSON.stringify(want.shape)} type ${want.elemType}`);
        }
      }
    }
    expect(compared).toBeGreaterThan(2000);
    expect(disagreements).toEqual([]);
    expect(missing).toEqual([]);
  });
});
