import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DIGITS, fixture, tempDir } from '../../helpers/paths.js';
import { runPython } from '../../helpers/python.js';
import { cli } from '../../helpers/cli.js';


interface Layout {
  /** Scale shape of each DequantizeLinear that reads an int8 weight initializer. */
  weightScaleDims: number[][];
  /** Largest |value| of the int8 weights: 63/64 with 7-bit weights (reduce range), up to 127 without. */
  maxAbsWeight: number;
  /** Zero points of the QuantizeLinear nodes on activations. */
  activationZeroPoints: number[];
}

/** Reads the quantized model with python onnx, an independent decoder, after its checker passes. */
function layoutOf(file: string): Layout {
  const script = `
import json, sys, onnx, numpy as np
from onnx import numpy_helper
m = onnx.load(sys.argv[1])
onnx.checker.check_model(m)
inits = {t.name: numpy_helper.to_array(t) for t in m.graph.initializer}
dims, max_abs, zps = [], 0, []
for n in m.graph.node:
    if n.op_type == 'DequantizeLinear' and n.input[0] in inits and inits[n.input[0]].dtype == np.int8 and inits[n.input[0]].ndim > 1:
        dims.append(list(inits[n.input[1]].shape))
        max_abs = max(max_abs, int(np.abs(inits[n.input[0]].astype(np.int32)).max()))
    if n.op_type == 'QuantizeLinear' and n.input[0] not in inits and len(n.input) > 2:
        zps.extend(int(v) for v in inits[n.input[2]].flatten())
print(json.dumps({'weightScaleDims': dims, 'maxAbsWeight': max_abs, 'activationZeroPoints': zps}))
`;
  return JSON.parse(runPython(script, [file])) as Layout;
}

function quantize(name: string, extra: string[]): Layout {
  const out = path.join(tempDir(), `${name}.onnx`);
  const dir = fixture('digits');
  const r = cli(['quantize', DIGITS, '-o', out, '--mode', 'int8-static', '--calib', path.join(dir, 'calib'), '--preprocess', path.join(dir, 'preprocess.json'), '--limit', '16', '--json', ...extra]);
  expect(r.code, r.stderr).toBe(0);
  expect(JSON.parse(r.stdout)).toMatchObject({ mode: 'int8-static', output: out, calibrationSamples: 16 });
  return layoutOf(out);
}

describe('onnx-studio quantize: flags a backend preset sets can be turned off', () => {
  it('--no-per-channel gives one scale per weight tensor where the ort-cpu preset gives one per channel', () => {
    const preset = quantize('preset', []);
    expect(preset.weightScaleDims.length).toBeGreaterThan(1);
    expect(preset.weightScaleDims.some((d) => d.length === 1 && d[0]! > 1)).toBe(true);
    const off = quantize('per-tensor', ['--no-per-channel']);
    expect(off.weightScaleDims).toHaveLength(preset.weightScaleDims.length);
    expect(off.weightScaleDims.every((d) => d.length === 0)).toBe(true);
    // The last of --per-channel / --no-per-channel wins, as in git and npm.
    expect(quantize('last-wins', ['--per-channel', '--no-per-channel']).weightScaleDims).toEqual(off.weightScaleDims);
  });

  it('--no-reduce-range uses all 8 bits of the weights, which the ort-cpu preset limits to 7', () => {
    expect(quantize('reduced', []).maxAbsWeight).toBeLessThanOrEqual(64);
    expect(quantize('full-range', ['--no-reduce-range']).maxAbsWeight).toBeGreaterThan(100);
  });

  it('--no-symmetric-activations gives TensorRT-preset activations zero points', () => {
    const symmetric = quantize('tensorrt', ['--backend', 'tensorrt']);
    expect(symmetric.activationZeroPoints.length).toBeGreaterThan(0);
    expect(symmetric.activationZeroPoints.every((z) => z === 0)).toBe(true);
    const asymmetric = quantize('tensorrt-asymmetric', ['--backend', 'tensorrt', '--no-symmetric-activations']);
    expect(asymmetric.activationZeroPoints.some((z) => z !== 0)).toBe(true);
  });
});
