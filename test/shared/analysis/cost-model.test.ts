import { describe, expect, it } from 'vitest';
import { analyzeModel } from '../../../shared/analysis/cost-model.js';
import { model, node, tensorValue } from '../../helpers/model-builder.js';

describe('cost model', () => {
  it('frees each activation after its last consumer and finds the peak', () => {
    // x[1,1024] -> Relu -> a -> Relu -> b -> Add(a, b) -> y: a lives until the Add.
    const m = model({
      node: [node('Relu', ['x'], ['a'], 'r1'), node('Relu', ['a'], ['b'], 'r2'), node('Add', ['a', 'b'], ['y'], 'add')],
      input: [tensorValue('x', [1, 1024])],
      output: [tensorValue('y', [1, 1024])],
    });
    const a = analyzeModel(m);
    const kb4 = 4096;
    // After r1: x + a. After r2: a + b (x freed after r1). After add: a, b, y live until freed -> 3 tensors.
    expect(a.totals.peakActivationBytes).toBe(3 * kb4);
    expect(a.totals.peakNode).toBe('add');
    expect(a.totals.activationBytes).toBe(3 * kb4);
    expect(a.nodes.map((n) => n.flops)).toEqual([1024, 1024, 1024]);
    expect(a.nodes[2]!.bytesMoved).toBe(3 * kb4);
  });

  it('counts a symbolic batch as incomplete rather than guessing', () => {
    const m = model({ node: [node('Relu', ['x'], ['y'], 'r')], input: [{ name: 'x', type: { tensorType: { elemType: 1, shape: { dim: [{ dimParam: 'batch' }, { dimValue: 8 }] } } } }], output: [{ name: 'y' }] });
    expect(analyzeModel(m).incomplete).toEqual(['r']);
    expect(analyzeModel(m, { inputShapes: { x: [2, 8] } }).totals.flops).toBe(16);
  });
});
