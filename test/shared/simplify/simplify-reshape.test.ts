import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import type { ModelProto } from '../../../shared/onnx/types.js';
import { removeDeadNodes } from '../../../shared/simplify/remove-dead-nodes.js';
import { runToFixedPoint } from '../../../shared/simplify/run-passes.js';
import { simplifyReshape } from '../../../shared/simplify/simplify-reshape.js';
import { floatTensor, model, node, tensorValue } from '../../helpers/model-builder.js';
import { onnxCheck, opTypes, randomFeeds, relativeDifference, runOrt } from '../../helpers/onnx-oracles.js';
import { int64Tensor } from '../../helpers/torch-pattern-model.js';

const ctx = { inputShapes: {} };

async function simplified(m: ModelProto): Promise<ModelProto> {
  const out = (await runToFixedPoint(m, [simplifyReshape, removeDeadNodes], [], ctx)).model;
  onnxCheck(out);
  const feeds = randomFeeds(m);
  expect(relativeDifference(await runOrt(m, feeds), await runOrt(out, feeds))).toBe(0);
  return out;
}

describe('reshape pass', () => {
  it('reads a Reshape of a Flatten/Reshape from the first input, and drops a Reshape to the same shape', async () => {
    const m = model({
      node: [
        node('Flatten', ['x'], ['f'], 'flatten', { attribute: [{ name: 'axis', type: 2, i: 1 }] }),
        node('Reshape', ['f', 's1'], ['r1']),
        node('Reshape', ['r1', 's2'], ['r2']),
        node('Relu', ['r2'], ['y']),
      ],
      input: [tensorValue('x', [2, 3, 4])],
      output: [tensorValue('y', [2, 12])],
      initializer: [int64Tensor('s1', [3], [4, 6, -1]), int64Tensor('s2', [2], [2, 12])],
    });
    const out = await simplified(m);
    expect(opTypes(out)).toEqual(['Reshape', 'Relu']);
    expect(out.graph!.node![0]!.input).toEqual(['x', 's2']);
    // With x at 2x12 already, the remaining Reshape changes nothing and goes too.
    const flat = await simplified({ ...m, graph: { ...m.graph, input: [tensorValue('x', [2, 12])] } });
    expect(opTypes(flat)).toEqual(['Relu']);
  });

  it('keeps the intermediate when the second shape copies its dims (a 0 entry)', async () => {
    const m = model({
      node: [node('Reshape', ['x', 's1'], ['r1']), node('Reshape', ['r1', 's2'], ['y'])],
      input: [tensorValue('x', [2, 3, 4])],
      output: [tensorValue('y', [6, 2, 2])],
      initializer: [int64Tensor('s1', [2], [6, 4]), int64Tensor('s2', [3], [0, 2, -1])],
    });
    const out = await simplified(m);
    expect(opTypes(out)).toEqual(['Reshape', 'Reshape']);
  });

  it('gives a Reshape whose target is computed from a data-sized tensor a constant target with -1, equal for kept boxes and for none', async () => {
    // boxes above a threshold (NonZero decides how many), then reshaped to [kept, 2, 2] from their own Shape.
    const m = model({
      node: [
        node('Greater', ['scores', 'threshold'], ['mask']),
        node('NonZero', ['mask'], ['where']),
        node('Squeeze', ['where', 'axes0'], ['kept_index']),
        node('Gather', ['boxes', 'kept_index'], ['kept'], 'gather', { attribute: [{ name: 'axis', type: 2, i: 0 }] }),
        node('Shape', ['kept'], ['kept_shape']),
        node('Gather', ['kept_shape', 'zero'], ['kept_count'], 'count', { attribute: [{ name: 'axis', type: 2, i: 0 }] }),
        node('Unsqueeze', ['kept_count', 'axes0'], ['kept_count1']),
        node('Concat', ['kept_count1', 'two_two'], ['target'], 'target', { attribute: [{ name: 'axis', type: 2, i: 0 }] }),
        node('Reshape', ['kept', 'target'], ['pairs']),
      ],
      input: [tensorValue('scores', [50]), tensorValue('boxes', [50, 4])],
      output: [{ name: 'pairs', type: { tensorType: { elemType: 1, shape: { dim: [{}, { dimValue: 2 }, { dimValue: 2 }] } } } }],
      initializer: [floatTensor('threshold', [], [0.5]), int64Tensor('axes0', [1], [0]), { name: 'zero', dims: [], dataType: 7, int64Data: [0] }, int64Tensor('two_two', [2], [2, 2])],
    });
    const out = (await runToFixedPoint(m, [simplifyReshape, removeDeadNodes], [], ctx)).model;
    onnxCheck(out);
    expect(opTypes(out)).toEqual(['Greater', 'NonZero', 'Squeeze', 'Gather', 'Reshape']);
    const reshape = out.graph!.node!.at(-1)!;
    const target = out.graph!.initializer!.find((t) => t.name === reshape.input![1])!;
    expect(Array.from(new BigInt64Array(target.rawData!.slice().buffer), Number)).toEqual([-1, 2, 2]);
    const boxes = new ort.Tensor('float32', Float32Array.from({ length: 200 }, (_, i) => i), [50, 4]);
    for (const keep of [0, 7]) {
      const scores = new ort.Tensor('float32', Float32Array.from({ length: 50 }, (_, i) => (i < keep ? 0.9 : 0.1)), [50]);
      const [a, b] = [await runOrt(m, { scores, boxes }), await runOrt(out, { scores, boxes })];
      expect(b['pairs']!.length).toBe(keep * 4);
      expect(b).toEqual(a);
    }
  });
});
