import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { mergedGraph } from '../../../shared/diff/merged-graph.js';
import { compareModels } from '../../../shared/diff/model-diff.js';
import { decodeModel } from '../../../shared/onnx/decode.js';
import { encodeModel } from '../../../shared/onnx/encode.js';
import { runPython } from '../../helpers/python.js';
import { elementReader } from '../../../shared/model/tensor-values.js';
import { cli } from '../../helpers/cli.js';
import { floatTensor, model, node, tensorValue } from '../../helpers/model-builder.js';
import { onnxCheck } from '../../helpers/onnx-oracles.js';
import { DIGITS, fixture, tempDir } from '../../helpers/paths.js';

const values = (t: Parameters<typeof elementReader>[0]) => {
  const read = elementReader(t)!;
  return Array.from({ length: Number(t.dims?.[0] ?? 0) }, (_, i) => read(i));
};

describe('the merged graph of a diff', () => {
  // A: y = Relu(x + w); B: y = Relu(x) * w, with other values under the same weight name.
  const a = model({
    node: [node('Add', ['x', 'w'], ['t'], 'add'), node('Relu', ['t'], ['y'], 'relu')],
    input: [tensorValue('x', [2])],
    output: [tensorValue('y', [2])],
    initializer: [floatTensor('w', [2], [1, 2])],
  });
  const b = model({
    node: [node('Relu', ['x'], ['r'], 'relu'), node('Mul', ['r', 'w'], ['y'], 'mul')],
    input: [tensorValue('x', [2])],
    output: [tensorValue('y', [2])],
    initializer: [floatTensor('w', [2], [3, 4])],
  });

  it("draws B's nodes and A's removed ones, wired to B's values, each A-only name kept apart from B's", () => {
    const merged = mergedGraph(a, b, compareModels(a, b));
    const nodes = merged.model.graph!.node!;
    expect(nodes.map((n) => [n.name, n.input, n.output])).toEqual([
      ['relu', ['x'], ['r']],
      ['mul', ['r', 'w'], ['y']],
      ['add', ['x', 'w (A)'], ['t']],
    ]);
    expect(merged.marks.map((m) => m.status)).toEqual(['changed', 'added', 'removed']);
    expect(merged.marks[0]!.change!.inputs).toEqual([{ index: 0, a: 't', b: 'x', fromA: 'Add add', fromB: 'graph input' }]);
    // The removed node keeps its own weight's values, not those B keeps under that name.
    const weights = Object.fromEntries(merged.model.graph!.initializer!.map((t) => [t.name, values(t)]));
    expect(weights).toEqual({ w: [3, 4], 'w (A)': [1, 2] });
    // An independent check that every name is defined once and every input is defined: python3-onnx's checker.
    onnxCheck(merged.model);
  });

  it('is a well-formed graph for an INT8 variant: the float graph, no Q/DQ left', () => {
    const int8 = path.join(tempDir('merged-graph-'), 'digits.int8.onnx');
    const q = cli(['quantize', DIGITS, '-o', int8, '--mode', 'int8-static', '--calib', fixture('digits/calib'), '--preprocess', fixture('digits/preprocess.json'), '--limit', '16']);
    expect(q.stderr).toBe('');
    const fp32 = decodeModel(readFileSync(DIGITS));
    const quantized = decodeModel(readFileSync(int8));
    const merged = mergedGraph(fp32, quantized, compareModels(fp32, quantized));
    expect(merged.model.graph!.node!.map((n) => n.opType)).toEqual(fp32.graph!.node!.map((n) => n.opType));
    // Its int8 weights feed Conv directly, so it would not type-check: it is a picture, never run. Its
    // structure is checked (every value defined once, before it is read) by python3-onnx's checker.
    const file = path.join(tempDir('merged-graph-'), 'merged.onnx');
    writeFileSync(file, encodeModel(merged.model));
    expect(runPython('import onnx, sys; onnx.checker.check_model(onnx.load(sys.argv[1])); print("ok")', [file]).trim()).toBe('ok');
  });
});
