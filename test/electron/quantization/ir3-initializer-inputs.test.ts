import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { encodeModel } from '../../../shared/onnx/encode.js';
import { cli } from '../../helpers/cli.js';
import { float32Npy } from '../../helpers/npy.js';
import { floatTensor, model, node, tensorValue } from '../../helpers/model-builder.js';
import { CONFORMANCE_ROOT, tempDir } from '../../helpers/paths.js';
import { runPython } from '../../helpers/python.js';

/** python3-onnx's full check, then every graph input as name:elemType, and every initializer's name. */
const CHECK = [
  'import sys, onnx',
  'm = onnx.load(sys.argv[1])',
  'onnx.checker.check_model(m, full_check=True)',
  'inputs = sorted(f"{v.name}:{v.type.tensor_type.elem_type}" for v in m.graph.input)',
  'types = sorted(f"{t.name}:{t.data_type}" for t in m.graph.initializer)',
  'print(m.ir_version, " ".join(inputs), "|", " ".join(types))',
].join('\n');

/** IR 3 needs each initializer listed as a graph input of its own type: y = relu(x . W), W listed. */
function ir3MatMul(opset: number): Uint8Array {
  const w = floatTensor('w', [8, 8], Array.from({ length: 64 }, (_, i) => Math.sin(i) / 2));
  return encodeModel(model({
    node: [node('MatMul', ['x', 'w'], ['m'], 'project'), node('Relu', ['m'], ['y'], 'act')],
    input: [tensorValue('x', [1, 8]), tensorValue('w', [8, 8])],
    output: [tensorValue('y', [1, 8])],
    initializer: [w],
  }, opset, { irVersion: 3 }));
}

function listsEveryInitializer(report: string): void {
  const [inputs, initializers] = report.split('|').map((s) => s.trim().split(/\s+/).slice(0));
  const declared = new Set(inputs!.slice(1));
  for (const t of initializers!) expect(declared, `${t} is not a graph input of its type`).toContain(t);
}

describe('quantizing an IR version 3 model keeps every initializer a graph input', () => {
  it('FP16 of a libonnx-testdata conformance model (IR 3, opset 6): valid, loads and follows FP32', () => {
    const dir = tempDir();
    const file = path.join(dir, 'depthwise.onnx');
    copyFileSync(path.join(CONFORMANCE_ROOT, 'pytorch-converted', 'test_Conv2d_depthwise_with_multiplier', 'model.onnx'), file);
    const out = path.join(dir, 'depthwise.fp16.onnx');
    const r = cli(['quantize', file, '-o', out, '--mode', 'fp16', '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).agreement.cosine).toBeGreaterThan(0.999);
    const report = runPython(CHECK, [out]).trim();
    expect(report.startsWith('3 ')).toBe(true);
    listsEveryInitializer(report);
    expect(report).toMatch(/\| .*:10/);
  });

  it('INT8 dynamic and static: the new scales, zero points and int8 weights are listed, the replaced float weight is not', () => {
    const dir = tempDir();
    const calib = path.join(dir, 'calib');
    mkdirSync(calib);
    for (let s = 0; s < 8; s++) writeFileSync(path.join(calib, `${s}.npy`), float32Npy([1, 8], Array.from({ length: 8 }, (_, i) => Math.sin(i * 0.7 + s))));
    for (const [mode, opset, extra] of [['int8-dynamic', 11, []], ['int8-static', 13, ['--calib', calib]]] as const) {
      const file = path.join(dir, `ir3-${opset}.onnx`);
      writeFileSync(file, ir3MatMul(opset));
      const out = path.join(dir, `ir3-${opset}.${mode}.onnx`);
      const r = cli(['quantize', file, '-o', out, '--mode', mode, ...extra, '--json']);
      expect(r.code, r.stderr).toBe(0);
      expect(JSON.parse(r.stdout).agreement.cosine).toBeGreaterThan(0.99);
      const report = runPython(CHECK, [out]).trim();
      expect(report.startsWith('3 ')).toBe(true);
      listsEveryInitializer(report);
      // The float weight is gone from the initializers, so it must not linger as an input to feed.
      expect(report.split('|')[0]).not.toMatch(/ w:1\b/);
    }
  });
});
