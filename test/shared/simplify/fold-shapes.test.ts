import { describe, expect, it } from 'vitest';
import type { ModelProto } from '../../../shared/onnx/types.js';
import { foldShapes } from '../../../shared/simplify/fold-shapes.js';
import { fixInputDims } from '../../../shared/simplify/fix-input-dims.js';
import { model, node, tensorValue } from '../../helpers/model-builder.js';
import { onnxCheck, opTypes, randomFeeds, relativeDifference, runOrt } from '../../helpers/onnx-oracles.js';
import { int64Tensor } from '../../helpers/torch-pattern-model.js';

function flattenByShape(batch: number | string): ModelProto {
  return model({
    node: [
      node('Shape', ['x'], ['s']),
      node('Gather', ['s', 'zero'], ['b'], 'gather', { attribute: [{ name: 'axis', type: 2, i: 0 }] }),
      node('Unsqueeze', ['b', 'axes'], ['bu']),
      node('Concat', ['bu', 'minus1'], ['shape'], 'concat', { attribute: [{ name: 'axis', type: 2, i: 0 }] }),
      node('Reshape', ['x', 'shape'], ['y']),
      node('Shape', ['x'], ['tail'], 'shape_tail', { attribute: [{ name: 'start', type: 2, i: -2 }] }),
    ],
    input: [{ name: 'x', type: { tensorType: { elemType: 1, shape: { dim: [typeof batch === 'number' ? { dimValue: batch } : { dimParam: batch }, { dimValue: 3 }, { dimValue: 4 }] } } } }],
    output: [{ name: 'y', type: { tensorType: { elemType: 1, shape: { dim: [typeof batch === 'number' ? { dimValue: batch } : { dimParam: batch }, { dimValue: 12 }] } } } }, tensorValue('tail', [2], 7)],
    initializer: [int64Tensor('zero', [], [0]), int64Tensor('axes', [1], [0]), int64Tensor('minus1', [1], [-1])],
  }, 15);
}

describe('shapes-to-constants pass', () => {
  it('turns Shape of a fully known value into a constant, honouring start/end', async () => {
    const m = flattenByShape(2);
    const { model: out, changed } = foldShapes.run(m, { inputShapes: {} }) as { model: ModelProto; changed: number };
    expect(changed).toBe(1); // the Shape writing graph output 'tail' stays: outputs are not turned into initializers
    expect(opTypes(out).filter((t) => t === 'Shape')).toHaveLength(1);
    expect(out.graph!.initializer!.find((t) => t.name === 's')!.dims).toEqual([3]);
    onnxCheck(out);
    const feeds = randomFeeds(m);
    expect(relativeDifference(await runOrt(m, feeds), await runOrt(out, feeds))).toBe(0);
  });

  it('leaves Shape of a dynamic batch alone, and folds it once the batch is fixed', () => {
    const dynamic = flattenByShape('batch');
    expect((foldShapes.run(dynamic, { inputShapes: {} }) as { changed: number }).changed).toBe(0);
    const fixed = fixInputDims(dynamic, { x: [5, 3, 4] });
    if (typeof fixed === 'string') throw new Error(fixed);
    expect(fixed.graph!.input![0]!.type!.tensorType!.shape!.dim![0]).toEqual({ dimValue: 5 });
    expect((foldShapes.run(fixed, { inputShapes: { x: [5, 3, 4] } }) as { changed: number }).changed).toBe(1);
    expect(fixInputDims(dynamic, { x: [5, 3] })).toBe("Input 'x' has 3 dimensions, but 2 were given.");
    expect(fixInputDims(dynamic, { image: [5, 3, 4] })).toBe("The model has no input 'image'; its inputs are: x.");
  });
});
