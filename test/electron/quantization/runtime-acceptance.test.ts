import { readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { encodeModel } from '../../../shared/onnx/encode.js';
import { floatTensor, model, node, tensorValue } from '../../helpers/model-builder.js';
import { fixture, tempDir } from '../../helpers/paths.js';
import { runPython } from '../../helpers/python.js';
import { cli } from '../../helpers/cli.js';


describe('a quantized model is only written if ONNX Runtime loads it', () => {
  it('an opset-9 CNN is converted to the opset each mode needs, then quantized: checker, ORT and top-1 within 1.5 points', () => {
    const dir = tempDir();
    // The trained digits model declared at opset 9 (every op of it means the same there), as old exports are.
    const old = fixture('digits-opset9.onnx');
    expect(runPython('import sys, onnx\nm = onnx.load(sys.argv[1])\nonnx.checker.check_model(m, full_check=True)\nprint(m.opset_import[0].version)', [old]).trim()).toBe('9');
    const calib = ['--calib', path.join(fixture('digits'), 'calib'), '--preprocess', path.join(fixture('digits'), 'preprocess.json')];
    const cases = [
      { name: 'static.onnx', args: ['--mode', 'int8-static', ...calib], opset: 13, note: 'converted from opset 9 to 13 first (INT8 QDQ with per-channel weights needs it)' },
      { name: 'dynamic.onnx', args: ['--mode', 'int8-dynamic'], opset: 11, note: 'converted from opset 9 to 11 first (INT8 dynamic quantization (DynamicQuantizeLinear) needs it)' },
    ];
    for (const c of cases) {
      const out = path.join(dir, c.name);
      const r = cli(['quantize', old, '-o', out, ...c.args, '--json']);
      expect(r.code, r.stderr).toBe(0);
      expect(JSON.parse(r.stdout).warnings.join(' ')).toContain(c.note);
      // python3-onnx's full checker is the oracle for validity; the declared opset is what the mode needs.
      expect(runPython('import sys, onnx\nm = onnx.load(sys.argv[1])\nonnx.checker.check_model(m, full_check=True)\nprint(m.opset_import[0].version)', [out]).trim()).toBe(String(c.opset));
      const compared = cli(['compare', old, out, '--data', path.join(fixture('digits'), 'eval'), '--preprocess', path.join(fixture('digits'), 'preprocess.json'), '--json']);
      expect(compared.code, compared.stderr).toBe(0);
      const j = JSON.parse(compared.stdout);
      const [reference, quantized] = j.models as Array<{ top1: number }>;
      expect(reference!.top1).toBeGreaterThan(0.95);
      expect(Math.abs(reference!.top1 - quantized!.top1) * 100).toBeLessThanOrEqual(1.5);
    }
    // FP16 needs no new operator: it still works on the old model, at its own opset.
    const fp16 = cli(['quantize', old, '-o', path.join(dir, 'fp16.onnx'), '--mode', 'fp16']);
    expect(fp16.code, fp16.stderr).toBe(0);
  });

  it('a rewrite ONNX Runtime cannot load is refused in one sentence instead of being written', () => {
    // Dynamic quantization never runs the model, so an op the runtime lacks would only show when loading.
    const dir = tempDir();
    const file = path.join(dir, 'custom-op.onnx');
    const weights = Array.from({ length: 18 }, (_, i) => (i % 5) - 2);
    writeFileSync(
      file,
      encodeModel(
        model(
          {
            node: [node('Conv', ['x', 'w'], ['c'], 'conv'), node('Mystery', ['c'], ['y'], 'mystery', { domain: 'com.example' })],
            input: [tensorValue('x', [1, 1, 8, 8])],
            output: [tensorValue('y', [1, 2, 6, 6])],
            initializer: [floatTensor('w', [2, 1, 3, 3], weights)],
          },
          13,
          { opsetImport: [{ domain: '', version: 13 }, { domain: 'com.example', version: 1 }] },
        ),
      ),
    );
    const out = path.join(dir, 'out.onnx');
    const r = cli(['quantize', file, '-o', out, '--mode', 'int8-dynamic']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^onnx-studio: The int8-dynamic model made from this one does not load in ONNX Runtime \(.+\), so nothing was written; please report this with the model\.\n$/);
    expect(readdirSync(dir)).toEqual(['custom-op.onnx']);
  });
});
