import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { encodeModel } from '../../../shared/onnx/encode.js';
import type { GraphProto } from '../../../shared/onnx/types.js';
import { cli } from '../../helpers/cli.js';
import { float32Npy } from '../../helpers/npy.js';
import { floatTensor, model, node, tensorValue } from '../../helpers/model-builder.js';
import { tempDir } from '../../helpers/paths.js';
import { runPython } from '../../helpers/python.js';

const W = Array.from({ length: 64 }, (_, i) => Math.sin(i * 1.3) / 2);

/**
 * h = x . W; y = (mean(x) > 0) ? h . W : h. The If body reads W and h from the outer scope, as the
 * exports of openWakeWord and Silero VAD do; quantizing the main MatMul must not drop W.
 */
function ifReadsOuterWeight(): Uint8Array {
  const branch = (name: string, body: GraphProto['node']): GraphProto => ({ name, node: body, output: [tensorValue(`${name}_y`, [1, 8])] });
  const thenBranch = branch('then', [node('MatMul', ['h', 'w'], ['then_y'], 'then_project')]);
  const elseBranch = branch('else', [node('Identity', ['h'], ['else_y'], 'else_pass')]);
  return encodeModel(model({
    node: [
      node('MatMul', ['x', 'w'], ['h'], 'project'),
      node('ReduceMean', ['x'], ['mean'], 'mean', { attribute: [{ name: 'keepdims', type: 2, i: 0 }] }),
      node('Greater', ['mean', 'zero'], ['positive'], 'is_positive'),
      node('If', ['positive'], ['y'], 'choose', { attribute: [{ name: 'then_branch', type: 5, g: thenBranch }, { name: 'else_branch', type: 5, g: elseBranch }] }),
    ],
    input: [tensorValue('x', [1, 8])],
    output: [tensorValue('y', [1, 8])],
    initializer: [floatTensor('w', [8, 8], W), floatTensor('zero', [], [0])],
  }, 13));
}

describe('INT8 quantization of a model whose If body reads outer-scope values', () => {
  it('keeps the weight the body reads, and writes a valid model that follows FP32 in both branches', () => {
    const dir = tempDir();
    const file = path.join(dir, 'if.onnx');
    writeFileSync(file, ifReadsOuterWeight());
    const calib = path.join(dir, 'calib');
    mkdirSync(calib);
    // Samples of both signs of mean(x), so calibration runs both branches.
    for (let s = 0; s < 8; s++) writeFileSync(path.join(calib, `${s}.npy`), float32Npy([1, 8], Array.from({ length: 8 }, (_, i) => Math.sin(i + s) + (s % 2 === 0 ? 0.5 : -0.5))));
    for (const [mode, extra] of [['int8-static', ['--calib', calib]], ['int8-dynamic', []]] as const) {
      const out = path.join(dir, `if.${mode}.onnx`);
      const r = cli(['quantize', file, '-o', out, '--mode', mode, ...extra, '--json']);
      expect(r.code, r.stderr).toBe(0);
      const j = JSON.parse(r.stdout);
      expect(j.quantizedNodes).toBeGreaterThan(0);
      expect(j.agreement.cosine).toBeGreaterThan(0.99);
      // python3-onnx's full check is the oracle for validity (every value the body names is defined).
      const kept = runPython('import sys, onnx\nm = onnx.load(sys.argv[1])\nonnx.checker.check_model(m, full_check=True)\nprint(sorted(t.name for t in m.graph.initializer if t.data_type == 1 and len(t.dims) == 2))', [out]).trim();
      expect(kept).toBe("['w']");
    }
  });
});
