import { spawnSync } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readFileSync, writeFileSync, ftruncateSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { encodeModel } from '../../../shared/onnx/encode.js';
import type { TensorProto } from '../../../shared/onnx/types.js';
import { model, node, tensorValue } from '../../helpers/model-builder.js';
import { DIGITS, repoRoot, SHAPES, tempDir } from '../../helpers/paths.js';
import { deeplyNested } from '../../helpers/hostile-bytes.js';
import { cli, expectOneLineError } from '../../helpers/cli.js';



describe('onnx-studio inspect', () => {
  it('prints the JSON contract of DESIGN.md', () => {
    const r = cli(['inspect', SHAPES, '--json']);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.irVersion).toBe(7);
    expect(j.opsets).toEqual({ 'ai.onnx': 13 });
    expect(j.producer).toEqual({ name: 'pytorch', version: '1.13.0' });
    expect(j.graph).toMatchObject({ nodeCount: 55, nodeCountTotal: 55, initializerCount: 34 });
    expect(j.graph.inputs).toEqual([{ name: 'input', type: 'float32', shape: [1, 3, 64, 64] }]);
    expect(j.graph.outputs).toEqual([{ name: 'logits', type: 'float32', shape: [1, 3] }]);
    expect(j.ops).toMatchObject({ Conv: 16, Clip: 11, Add: 3, Gemm: 1 });
    expect(j.graph.parameterCount).toBeGreaterThan(0);
  });

  it('answers every kind of corrupt input with one line and exit code 1', () => {
    const dir = tempDir();
    const digits = readFileSync(DIGITS);
    const files: Record<string, Uint8Array | string> = {
      'empty.onnx': new Uint8Array(),
      'truncated.onnx': digits.subarray(0, digits.length >> 1),
      'random.onnx': Uint8Array.from({ length: 4096 }, (_, i) => (i * 7919 + 13) % 251),
      'lying-length.onnx': new Uint8Array([0x08, 0x07, 0x3a, 0xff, 0xff, 0xff, 0xff, 0x07, 0, 0]),
      'deep.onnx': deeplyNested(10_000),
      'text.onnx': 'this is not a model\n',
    };
    for (const [name, content] of Object.entries(files)) writeFileSync(path.join(dir, name), content);
    mkdirSync(path.join(dir, 'folder.onnx'));
    expectOneLineError(cli(['inspect', path.join(dir, 'empty.onnx')]), 1, /is empty \(0 bytes\)/);
    expectOneLineError(cli(['inspect', path.join(dir, 'truncated.onnx')]), 1, /not a valid ONNX model: .* at byte \d+/);
    expectOneLineError(cli(['inspect', path.join(dir, 'random.onnx')]), 1, /not (a valid )?(an )?ONNX model/);
    expectOneLineError(cli(['inspect', path.join(dir, 'lying-length.onnx')]), 1, /length \d+ is larger than the \d+ bytes left/);
    expectOneLineError(cli(['inspect', path.join(dir, 'deep.onnx')]), 1, /nested deeper than 100 levels/);
    expectOneLineError(cli(['inspect', path.join(dir, 'text.onnx')]), 1, /not (a valid )?(an )?ONNX model/);
    expectOneLineError(cli(['inspect', path.join(dir, 'folder.onnx')]), 1, /is a folder/);
    expectOneLineError(cli(['inspect', path.join(dir, 'missing.onnx')]), 1, /No file at/);
  });

  it('treats command-line mistakes as usage errors (exit code 2)', () => {
    expectOneLineError(cli(['frobnicate']), 2, /unknown command 'frobnicate'/);
    expectOneLineError(cli(['inspect']), 2, /exactly one MODEL/);
    expectOneLineError(cli(['inspect', DIGITS, '--bogus']), 2, /inspect has no option '--bogus'/);
    expectOneLineError(cli(['edit', DIGITS]), 2, /needs -o OUT/);
    expect(cli([]).code).toBe(2);
    expect(cli(['--help']).stdout).toContain('Usage: onnx-studio');
  });

  it('inspects a model with over 2 GB of external data while staying under 500 MB resident', () => {
    const dir = tempDir();
    // Sparse files: 3 x 768 MiB of weights that take no disk space and are never read.
    const tensors: TensorProto[] = [];
    for (let i = 0; i < 3; i++) {
      const file = `weights-${i}.bin`;
      const fd = openSync(path.join(dir, file), 'w');
      ftruncateSync(fd, 768 * 2 ** 20);
      closeSync(fd);
      tensors.push({ name: `w${i}`, dims: [12288, 16384], dataType: 1, dataLocation: 1, externalData: [{ key: 'location', value: file }, { key: 'offset', value: '0' }, { key: 'length', value: String(768 * 2 ** 20) }] });
    }
    const m = model({ node: [node('MatMul', ['x', 'w0'], ['y'])], input: [tensorValue('x', [1, 12288])], output: [tensorValue('y', [1, 16384])], initializer: tensors });
    writeFileSync(path.join(dir, 'big.onnx'), encodeModel(m));
    const script = `import('${path.join(repoRoot, 'dist/electron/cli/main.js')}').then(async ({ runCli }) => {
      let out = '';
      const code = await runCli(['inspect', '${path.join(dir, 'big.onnx')}', '--json'], { out: (t) => (out += t), err: (t) => console.error(t) });
      console.log(JSON.stringify({ code, rssMb: process.resourceUsage().maxRSS / 1024, summary: JSON.parse(out) }));
    })`;
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    const { code, rssMb, summary } = JSON.parse(r.stdout);
    expect(code).toBe(0);
    expect(summary.externalDataBytes).toBe(3 * 768 * 2 ** 20);
    expect(summary.graph.parameterCount).toBe(3 * 12288 * 16384);
    expect(summary.problems).toEqual([]);
    expect(rssMb).toBeLessThan(500);
  });
});

describe('onnx-studio edit', () => {
  it('re-saves a model unchanged when given no edits', () => {
    const out = path.join(tempDir(), 'resaved.onnx');
    const r = cli(['edit', DIGITS, '-o', out, '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ output: out, bytesWritten: readFileSync(DIGITS).length });
    expect(Buffer.compare(readFileSync(out), readFileSync(DIGITS))).toBe(0);
    expectOneLineError(cli(['edit', DIGITS, '-o', out]), 1, /already exists; choose another name or allow overwriting/);
    expect(cli(['edit', DIGITS, '-o', out, '--force']).code).toBe(0);
  });
});
