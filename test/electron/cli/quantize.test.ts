import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DIGITS, fixture, tempDir } from '../../helpers/paths.js';
import { cli } from '../../helpers/cli.js';


describe('onnx-studio quantize', () => {
  it('writes an INT8 static model and reports the JSON contract fields', () => {
    const out = path.join(tempDir(), 'digits.int8.onnx');
    const dir = fixture('digits');
    const r = cli(['quantize', DIGITS, '-o', out, '--mode', 'int8-static', '--calib', path.join(dir, 'calib'), '--preprocess', path.join(dir, 'preprocess.json'), '--method', 'percentile', '--exclude', '/fc/Gemm', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j).toMatchObject({ mode: 'int8-static', output: out, calibrationSamples: 100 });
    expect(j.quantizedNodes).toBeGreaterThan(3);
    expect(j.excludedNodes).toEqual([{ name: '/fc/Gemm', opType: 'Gemm', reason: 'excluded by you' }]);
    expect(j.seconds).toBeGreaterThan(0);
    expect(existsSync(out)).toBe(true);
  });

  it('says what is wrong with bad arguments, with exit code 2 for usage and 1 for bad input', () => {
    const out = path.join(tempDir(), 'x.onnx');
    const noMode = cli(['quantize', DIGITS, '-o', out]);
    expect(noMode.code).toBe(2);
    expect(noMode.stderr).toMatch(/needs --mode fp16\|int8-dynamic\|int8-static/);
    const noCalib = cli(['quantize', DIGITS, '-o', out, '--mode', 'int8-static']);
    expect(noCalib.code).toBe(2);
    expect(noCalib.stderr).toMatch(/needs --calib DIR/);
    const badMethod = cli(['quantize', DIGITS, '-o', out, '--mode', 'int8-static', '--calib', tempDir(), '--method', 'kl']);
    expect(badMethod.code).toBe(2);
    const empty = cli(['quantize', DIGITS, '-o', out, '--mode', 'int8-static', '--calib', tempDir()]);
    expect(empty.code).toBe(1);
    expect(empty.stderr).toMatch(/is empty: expected/);
    expect(empty.stderr.split('\n').filter(Boolean)).toHaveLength(1);
    expect(existsSync(out)).toBe(false);
    const badSpec = cli(['quantize', DIGITS, '-o', out, '--mode', 'int8-static', '--calib', path.join(fixture('digits'), 'calib'), '--preprocess', DIGITS]);
    expect(badSpec.code).toBe(1);
    expect(badSpec.stderr).toMatch(/is not valid JSON/);
  });

  it('converts to FP16 keeping float32 inputs and outputs', () => {
    const out = path.join(tempDir(), 'digits.fp16.onnx');
    const r = cli(['quantize', DIGITS, '-o', out, '--mode', 'fp16']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/Converted \d+ nodes/);
    const inspect = JSON.parse(cli(['inspect', out, '--json']).stdout);
    expect(inspect.graph.inputs[0].type).toMatch(/float32|float\b/);
    const halfIo = path.join(tempDir(), 'digits.fp16-io.onnx');
    expect(cli(['quantize', DIGITS, '-o', halfIo, '--mode', 'fp16', '--float16-io']).code).toBe(0);
    expect(JSON.parse(cli(['inspect', halfIo, '--json']).stdout).graph.inputs[0].type).toMatch(/float16/);
    expect(cli(['quantize', DIGITS, '-o', halfIo, '--mode', 'int8-dynamic', '--float16-io']).code).toBe(2);
  });
});
