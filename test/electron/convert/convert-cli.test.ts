import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeModel } from '../../../shared/onnx/decode.js';
import { encodeModel } from '../../../shared/onnx/encode.js';
import { SHAPES, DIGITS, tempDir } from '../../helpers/paths.js';
import { cli, expectOneLineError } from '../../helpers/cli.js';



describe('onnx-studio convert', () => {
  it('converts the shapes model to opset 9 and prints the JSON contract', () => {
    const out = path.join(tempDir(), 'shapes-9.onnx');
    const r = cli(['convert', SHAPES, '-o', out, '--opset', '9', '--json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j).toMatchObject({ opsetBefore: 13, opsetAfter: 9, converted: [{ opType: 'Clip', count: 11 }], maxAbsDiff: 0 });
    const written = decodeModel(readFileSync(out));
    expect(Number(written.opsetImport![0]!.version)).toBe(9);
    expect(Number(written.irVersion)).toBe(4);
  });

  it('refuses a node without an equivalent in one line, exit 1, and writes nothing', () => {
    const dir = tempDir();
    // The digits model with its first MaxPool rounding up: no MaxPool before opset 10 can.
    const digits = decodeModel(readFileSync(DIGITS));
    const pool = digits.graph!.node!.findIndex((n) => n.opType === 'MaxPool');
    const nodes = [...digits.graph!.node!];
    nodes[pool] = { ...nodes[pool]!, attribute: [...nodes[pool]!.attribute!.filter((a) => a.name !== 'ceil_mode'), { name: 'ceil_mode', type: 2, i: 1 }] };
    const file = path.join(dir, 'ceil.onnx');
    writeFileSync(file, encodeModel({ ...digits, graph: { ...digits.graph!, node: nodes } }));
    const out = path.join(dir, 'out.onnx');
    expectOneLineError(cli(['convert', file, '-o', out, '--opset', '9']), 1, /^onnx-studio: Cannot convert from opset 10 to 9: MaxPool node '\/MaxPool' uses ceil_mode or dilations, which are new in opset 10\.$/);
    expect(() => readFileSync(out)).toThrow();
  });

  it('refuses a result ONNX Runtime cannot check unless --force', () => {
    const dir = tempDir();
    // A node of a domain ONNX Runtime does not know: the original cannot run, so nothing can be compared.
    const digits = decodeModel(readFileSync(DIGITS));
    const extra = { name: 'mystery', opType: 'Frobnicate', domain: 'com.example', input: ['logits'], output: ['frobbed'] };
    const file = path.join(dir, 'custom.onnx');
    writeFileSync(file, encodeModel({ ...digits, opsetImport: [...digits.opsetImport!, { domain: 'com.example', version: 1 }], graph: { ...digits.graph!, node: [...digits.graph!.node!, extra] } }));
    const out = path.join(dir, 'out.onnx');
    expectOneLineError(cli(['convert', file, '-o', out, '--opset', '12']), 1, /^onnx-studio: The conversion to opset 12 was refused because ONNX Runtime cannot load the original model .*; nothing was changed\. Pass --force to write it anyway\.$/);
    expect(() => readFileSync(out)).toThrow();
    const forced = cli(['convert', file, '-o', out, '--opset', '12', '--force', '--json']);
    expect(forced.code).toBe(0);
    const j = JSON.parse(forced.stdout);
    expect(j.maxAbsDiff).toBeNull();
    expect(j.notes[0]).toMatch(/^Kept on request although ONNX Runtime cannot load the original model/);
    expect(Number(decodeModel(readFileSync(out)).opsetImport![0]!.version)).toBe(12);
  });

  it('rejects bad command lines with exit 2', () => {
    const out = path.join(tempDir(), 'o.onnx');
    expectOneLineError(cli(['convert', SHAPES, '-o', out]), 2, /convert needs --opset N/);
    expectOneLineError(cli(['convert', SHAPES, '--opset', '9']), 2, /convert needs -o OUT/);
    expectOneLineError(cli(['convert', SHAPES, '-o', out, '--opset', '22']), 2, /--opset takes a whole number from 7 to 21, not '22'/);
    expectOneLineError(cli(['convert', SHAPES, '-o', out, '--opset', 'nine']), 2, /not 'nine'/);
    expectOneLineError(cli(['convert', SHAPES, DIGITS, '-o', out, '--opset', '9']), 2, /exactly one MODEL/);
  });
});
