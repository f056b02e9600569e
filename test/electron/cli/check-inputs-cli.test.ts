// simplify and convert check their result in ONNX Runtime on seeded random inputs; an input that selects
// behaviour (silero-vad's sample rate, which only runs at 8000 or 16000) needs the user's value.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { decodeModel } from '../../../shared/onnx/decode.js';
import { encodeModel } from '../../../shared/onnx/encode.js';
import { cli } from '../../helpers/cli.js';
import { rateModel } from '../../helpers/rate-model.js';
import { onnxCheck, opTypes, runOrt } from '../../helpers/onnx-oracles.js';
import { tempDir } from '../../helpers/paths.js';

const feeds = (n: number) => ({ x: new ort.Tensor('float32', Float32Array.from({ length: n }, (_, i) => i - 2), [n]), sr: new ort.Tensor('int64', BigInt64Array.from([16000n]), []) });

describe('the check inputs of simplify and convert', () => {
  const dir = tempDir('check-inputs-cli-');
  const input = path.join(dir, 'rate.onnx');
  writeFileSync(input, encodeModel(rateModel(11)));

  it('simplify refuses in one sentence on random rates, and with --value sr=16000 writes a model that computes the same', async () => {
    const out = path.join(dir, 'simplified.onnx');
    const refused = cli(['simplify', input, '-o', out]);
    expect(refused.code).toBe(1);
    expect(refused.stderr.trim().split('\n')).toHaveLength(1);
    expect(refused.stderr).toMatch(/^onnx-studio: ONNX Runtime fails running the original model \(.*Gather.*\)/);
    const r = cli(['simplify', input, '-o', out, '--value', 'sr=16000', '--json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).maxAbsDiff).toBe(0);
    const written = decodeModel(readFileSync(out));
    onnxCheck(written);
    expect(opTypes(written)).not.toContain('Identity');
    expect(await runOrt(written, feeds(5))).toEqual(await runOrt(rateModel(11), feeds(5)));
  });

  it('convert takes --value and --shape for its check, and keeps the model its symbolic dims', async () => {
    const out = path.join(dir, 'converted.onnx');
    const refused = cli(['convert', input, '-o', out, '--opset', '17']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/^onnx-studio: .*cannot run the original model on random inputs/);
    const r = cli(['convert', input, '-o', out, '--opset', '17', '--value', 'sr=16000', '--shape', 'x=7', '--json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ opsetBefore: 11, opsetAfter: 17, maxAbsDiff: 0 });
    const written = decodeModel(readFileSync(out));
    expect(written.graph!.input![0]!.type!.tensorType!.shape!.dim![0]!.dimParam).toBe('samples');
    expect(await runOrt(written, feeds(3))).toEqual(await runOrt(rateModel(11), feeds(3)));
  });

  it('simplify --check-shape runs the check at those dims and leaves the model its symbolic dims, where --shape fixes them', () => {
    const kept = path.join(dir, 'kept.onnx');
    const fixed = path.join(dir, 'fixed.onnx');
    expect(cli(['simplify', input, '-o', kept, '--check-shape', 'x=7', '--value', 'sr=16000']).code).toBe(0);
    expect(cli(['simplify', input, '-o', fixed, '--shape', 'x=7', '--value', 'sr=16000']).code).toBe(0);
    const dimOf = (file: string) => decodeModel(readFileSync(file)).graph!.input![0]!.type!.tensorType!.shape!.dim![0]!;
    expect(dimOf(kept)).toEqual({ dimParam: 'samples' });
    expect(Number(dimOf(fixed).dimValue)).toBe(7);
  });

  it('explains a value or shape for an input the model does not have, and a malformed one, in one line', () => {
    const out = path.join(dir, 'never.onnx');
    const unknown = cli(['simplify', input, '-o', out, '--value', 'rate=16000']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr.trim()).toBe("onnx-studio: The model has no input 'rate'; its inputs are: x, sr.");
    const wrongRank = cli(['convert', input, '-o', out, '--opset', '17', '--shape', 'x=1x7']);
    expect(wrongRank.code).toBe(1);
    expect(wrongRank.stderr.trim()).toBe("onnx-studio: Input 'x' has 1 dims, but 2 were given.");
    const malformed = cli(['convert', input, '-o', out, '--opset', '17', '--value', 'sr=fast']);
    expect(malformed.code).toBe(2);
    expect(malformed.stderr).toContain("--value takes NAME=NUMBER such as sr=16000, not 'sr=fast'");
  });
});
