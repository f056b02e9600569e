import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
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

describe('a quantized model is only written if it follows the original', () => {
  it('refuses, in one sentence, an INT8 model that computes something else, and writes it with --accept-error', async () => {
    // y = (x . W)[:, 1:], W's first column 1000x the others: the product's one int8 scale rounds every kept column to 0.
    const dir = tempDir();
    const { float32Npy } = await import('../../helpers/npy.js');
    const w = Array.from({ length: 64 }, (_, i) => (i % 8 === 0 ? 1000 : 0.01 * (((i * 7) % 13) - 6)));
    const file = path.join(dir, 'outlier.onnx');
    writeFileSync(file, encodeModel(model({
      node: [node('MatMul', ['x', 'w'], ['h'], 'project'), node('Slice', ['h', 'starts', 'ends', 'axes'], ['y'], 'drop_first')],
      input: [tensorValue('x', [1, 8])],
      output: [tensorValue('y', [1, 7])],
      initializer: [
        floatTensor('w', [8, 8], w),
        { name: 'starts', dims: [1], dataType: 7, rawData: new Uint8Array(BigInt64Array.from([1n]).buffer) },
        { name: 'ends', dims: [1], dataType: 7, rawData: new Uint8Array(BigInt64Array.from([8n]).buffer) },
        { name: 'axes', dims: [1], dataType: 7, rawData: new Uint8Array(BigInt64Array.from([1n]).buffer) },
      ],
    })));
    const calib = path.join(dir, 'calib');
    mkdirSync(calib);
    for (let s = 0; s < 8; s++) writeFileSync(path.join(calib, `${s}.npy`), float32Npy([1, 8], Array.from({ length: 8 }, (_, i) => Math.sin(s * 8 + i))));
    const out = path.join(dir, 'outlier.int8.onnx');
    const args = ['quantize', file, '-o', out, '--mode', 'int8-static', '--calib', calib, '--no-per-channel'];
    const refused = cli(args);
    expect(refused.code).toBe(1);
    expect(refused.stderr.trim().split('\n')).toHaveLength(1);
    expect(refused.stderr).toMatch(/The INT8 static model computes something too different from the original \(cosine -?[\d.]+, SQNR -?[\d.]+ dB on 8 calibration samples; it needs cosine >= 0.95 and SQNR >= 8 dB\), so nothing was written/);
    expect(readdirSync(dir).sort()).toEqual(['calib', 'outlier.onnx']);
    const accepted = cli([...args, '--accept-error', '--json']);
    expect(accepted.code, accepted.stderr).toBe(0);
    const j = JSON.parse(accepted.stdout);
    expect(j.agreement.on).toBe('calibration');
    expect(j.agreement.cosine).toBeLessThan(0.95);
  });
});
