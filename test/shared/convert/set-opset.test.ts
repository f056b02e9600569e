import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCommand } from '../../../shared/edit/commands.js';
import { decodeModel } from '../../../shared/onnx/decode.js';
import { encodeModel } from '../../../shared/onnx/encode.js';
import type { ModelProto } from '../../../shared/onnx/types.js';
import { model, node, tensorValue } from '../../helpers/model-builder.js';
import { SHAPES, tempDir } from '../../helpers/paths.js';
import { runPython } from '../../helpers/python.js';

/** python3-onnx's full check of each model: 'ok' or the checker's first line. */
function check(models: ModelProto[]): string[] {
  const dir = tempDir();
  const files = models.map((m, i) => {
    const f = path.join(dir, `m${i}.onnx`);
    writeFileSync(f, encodeModel(m));
    return f;
  });
  const script = `import sys, onnx
for f in sys.argv[1:]:
    try:
        onnx.checker.check_model(onnx.load(f), full_check=True); print("ok")
    except Exception as e:
        print(str(e).splitlines()[0])`;
  return runPython(script, files).trim().split('\n');
}

const opsetOf = (m: ModelProto) => Number(m.opsetImport!.find((o) => !o.domain)!.version);

describe('the setOpset edit converts the default opset instead of only declaring it', () => {
  it('rewrites the Clip nodes of the shapes model for opset 9 and back, each result accepted by the checker', () => {
    const shapes = decodeModel(readFileSync(SHAPES));
    const down = runCommand(shapes, 'setOpset', { domain: '', version: 9 });
    expect(opsetOf(down.model)).toBe(9);
    const clips = down.model.graph!.node!.filter((n) => n.opType === 'Clip');
    expect(clips).toHaveLength(11);
    for (const clip of clips) expect(clip.input).toHaveLength(1);
    const up = runCommand(down.model, 'setOpset', { domain: '', version: 13 });
    expect(up.model.graph!.node!.filter((n) => n.opType === 'Clip').every((n) => n.input!.length === 3)).toBe(true);
    expect(check([down.model, up.model])).toEqual(['ok', 'ok']);
    expect(down.label).toBe('Convert to opset ai.onnx 9');
  });

  it('refuses, naming the node, when a node has no equivalent at the target, and refuses opsets it cannot reach', () => {
    // Cubic Resize does not exist before opset 11: a declared-only opset 10 would be a model ONNX Runtime reads differently or not at all.
    const resize = model({
      node: [node('Resize', ['x', '', 'scales'], ['y'], 'upscale', { attribute: [{ name: 'mode', type: 3, s: new TextEncoder().encode('cubic') }] })],
      input: [tensorValue('x', [1, 1, 4, 4])],
      output: [tensorValue('y', [1, 1, 8, 8])],
      initializer: [{ name: 'scales', dims: [4], dataType: 1, rawData: new Uint8Array(new Float32Array([1, 1, 2, 2]).buffer) }],
    });
    expect(check([resize])).toEqual(['ok']);
    expect(() => runCommand(resize, 'setOpset', { domain: '', version: 10 })).toThrow(/^Cannot convert from opset 11 to 10: Resize node 'upscale' uses cubic interpolation, which opset 10 does not have\.$/);
    expect(() => runCommand(resize, 'setOpset', { domain: '', version: 5 })).toThrow(/choose an opset from 7 to 21/);
    expect(() => runCommand(resize, 'setOpset', { domain: '', version: null })).toThrow(/cannot be removed/);
  });

  it('refuses an operator newer than the target even past the schemas the app ships (Gelu is new in opset 20)', () => {
    const gelu = model({ node: [node('Gelu', ['x'], ['y'], 'act')], input: [tensorValue('x', [1, 4])], output: [tensorValue('y', [1, 4])] }, 20, { irVersion: 9 });
    expect(() => runCommand(gelu, 'setOpset', { domain: '', version: 19 })).toThrow("Cannot convert from opset 20 to 19: Gelu node 'act' uses an operator that only exists from opset 20; keep opset 20 or newer, or replace the node.");
    expect(Number(runCommand(gelu, 'setOpset', { domain: '', version: 21 }).model.opsetImport![0]!.version)).toBe(21);
  });

  it('changes softmax over a middle axis into the opset-13 form that means the same', () => {
    const softmax = model({ node: [node('Softmax', ['x'], ['y'], 'sm', { attribute: [{ name: 'axis', type: 2, i: 1 }] })], input: [tensorValue('x', [2, 3, 4])], output: [tensorValue('y', [2, 3, 4])] }, 12);
    const up = runCommand(softmax, 'setOpset', { domain: '', version: 13 }).model;
    expect(up.graph!.node!.map((n) => n.opType)).toEqual(['Flatten', 'Softmax', 'Shape', 'Reshape']);
    expect(check([softmax, up])).toEqual(['ok', 'ok']);
  });
});
