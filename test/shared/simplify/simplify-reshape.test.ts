import { describe, expect, it } from 'vitest';
import type { ModelProto } from '../../../shared/onnx/types.js';
import { removeDeadNodes } from '../../../shared/simplify/remove-dead-nodes.js';
import { runToFixedPoint } from '../../../shared/simplify/run-passes.js';
import { simplifyReshape } from '../../../shared/simplify/simplify-reshape.js';
import { model, node, tensorValue } from '../../helpers/model-builder.js';
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
});
