import { describe, expect, it } from 'vitest';
import { inferShapes } from '../../../shared/analysis/shape-inference.js';
import type { ModelProto } from '../../../shared/onnx/types.js';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { decodeModel } from '../../../shared/onnx/decode.js';
import { model, node } from '../../helpers/model-builder.js';
import { CONFORMANCE_ROOT } from '../../helpers/paths.js';

const int64 = (name: string, values: number[]) => ({ name, dims: [values.length], dataType: 7, int64Data: values });
const input = (name: string, dims: (number | string)[]) => ({
  name,
  type: { tensorType: { elemType: 1, shape: { dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) } } },
});

/** x[batch, 3, 4, 4] -> Flatten the torch way: Reshape(x, Concat(Gather(Shape(x), 0), [-1])) -> Gemm. */
function dynamicFlatten(): ModelProto {
  return model(
    {
      node: [
        node('Shape', ['x'], ['s']),
        node('Gather', ['s', 'zero'], ['b']),
        node('Unsqueeze', ['b', 'axes0'], ['b1']),
        node('Concat', ['b1', 'minus1'], ['target'], 'concat', { attribute: [{ name: 'axis', i: 0, type: 2 }] }),
        node('Reshape', ['x', 'target'], ['flat']),
        node('Gemm', ['flat', 'w'], ['y'], 'fc', { attribute: [{ name: 'transB', i: 1, type: 2 }] }),
      ],
      input: [input('x', ['batch', 3, 4, 4])],
      output: [{ name: 'y' }],
      initializer: [{ name: 'zero', dims: [], dataType: 7, int64Data: [0] }, int64('axes0', [0]), int64('minus1', [-1]), { name: 'w', dims: [10, 48], dataType: 1, rawData: new Uint8Array(1920) }],
    },
    13,
  );
}

describe('shape inference', () => {
  it('carries a symbolic batch through a folded shape computation', () => {
    const { facts, unsupported } = inferShapes(dynamicFlatten());
    expect(facts.get('target')!.value).toEqual(['batch', -1]);
    expect(facts.get('flat')!.shape).toEqual(['batch', 48]);
    expect(facts.get('y')!.shape).toEqual(['batch', 10]);
    expect(unsupported).toEqual({});
  });

  it('uses the dims the user gives for dynamic inputs', () => {
    const { facts } = inferShapes(dynamicFlatten(), { inputShapes: { x: [8, 3, 4, 4] } });
    expect(facts.get('y')!.shape).toEqual([8, 10]);
  });

  it('computes convolution and pooling sizes with pads, strides, dilations and ceil mode', () => {
    const m = model({
      node: [
        node('Conv', ['x', 'w'], ['c'], 'conv', { attribute: [{ name: 'strides', ints: [2, 2], type: 7 }, { name: 'pads', ints: [3, 3, 3, 3], type: 7 }] }),
        node('MaxPool', ['c'], ['p'], 'pool', { attribute: [{ name: 'kernel_shape', ints: [3, 3], type: 7 }, { name: 'strides', ints: [2, 2], type: 7 }, { name: 'ceil_mode', i: 1, type: 2 }] }),
      ],
      input: [input('x', [1, 3, 224, 224])],
      output: [{ name: 'p' }],
      initializer: [{ name: 'w', dims: [64, 3, 7, 7], dataType: 1, rawData: new Uint8Array(64 * 3 * 49 * 4) }],
    });
    const { facts } = inferShapes(m);
    expect(facts.get('c')!.shape).toEqual([1, 64, 112, 112]);
    expect(facts.get('p')!.shape).toEqual([1, 64, 56, 56]);
  });

  it('infers If outputs from both branches and Loop outputs from the body, without the declared shapes', () => {
    // test_loop11's trip count is a graph input, known only at run time: the scan axis stays unknown.
    for (const [test, expected] of [['test_if', [5]], ['test_loop11', [null, 1]]] as const) {
      const m = decodeModel(readFileSync(path.join(CONFORMANCE_ROOT, 'node', test, 'model.onnx')));
      const outputs = m.graph!.output!;
      const declared = outputs.map((o) => o.name!);
      for (const o of outputs) delete o.type; // nothing to fall back on
      const { facts } = inferShapes(m);
      const last = facts.get(declared.at(-1)!);
      expect(last?.shape, test).toEqual(expected);
    }
  });

  it('lists ops it has no rule for instead of guessing their outputs', () => {
    const m = model({ node: [node('Frobnicate', ['x'], ['y'], 'f', { domain: 'com.example' })], input: [input('x', [2])], output: [{ name: 'y' }] });
    const { facts, unsupported } = inferShapes(m);
    expect(unsupported).toEqual({ 'com.example.Frobnicate': 1 });
    expect(facts.has('y')).toBe(false);
  });
});
