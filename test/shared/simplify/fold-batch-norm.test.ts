import { describe, expect, it } from 'vitest';
import type { AttributeProto, ModelProto } from '../../../shared/onnx/types.js';
import { foldBatchNorm } from '../../../shared/simplify/fold-batch-norm.js';
import { model, node, tensorValue } from '../../helpers/model-builder.js';
import { onnxCheck, opTypes, randomFeeds, relativeDifference, runOrt } from '../../helpers/onnx-oracles.js';
import { intAttr, intsAttr, randomTensor } from '../../helpers/torch-pattern-model.js';

const ctx = { inputShapes: {} };

function withBatchNorm(producer: string, inputs: string[], attrs: AttributeProto[], xDims: number[], yDims: number[], channels: number, extra: ModelProto['graph'] = {}): ModelProto {
  return model({
    node: [
      node(producer, inputs, ['p'], 'producer', { attribute: attrs }),
      node('BatchNormalization', ['p', 'scale', 'shift', 'mean', 'var'], ['y'], 'bn', { attribute: [{ name: 'epsilon', type: 1, f: 1e-3 }] }),
      ...(extra.node ?? []),
    ],
    input: [tensorValue('x', xDims)],
    output: [tensorValue('y', yDims), ...(extra.output ?? [])],
    initializer: [
      ...(extra.initializer ?? []),
      randomTensor('scale', [channels], 11, 0.2, 3),
      randomTensor('shift', [channels], 12, -2, 2),
      randomTensor('mean', [channels], 13, -1, 1),
      randomTensor('var', [channels], 14, 0.05, 4),
    ],
  });
}

async function expectFoldedAndEqual(m: ModelProto): Promise<ModelProto> {
  const { model: out, changed } = foldBatchNorm.run(m, ctx) as { model: ModelProto; changed: number };
  expect(changed).toBe(1);
  expect(opTypes(out)).not.toContain('BatchNormalization');
  expect(out.graph!.node![0]!.output).toEqual(['y']);
  onnxCheck(out);
  const feeds = randomFeeds(m);
  const before = await runOrt(m, feeds);
  const after = await runOrt(out, feeds);
  expect(relativeDifference(before, after)).toBeLessThan(1e-5);
  return out;
}

describe('batch-norm pass', () => {
  it('folds BatchNormalization into the Conv before it, with and without a bias', async () => {
    const conv = [intsAttr('pads', [1, 1, 1, 1]), intsAttr('kernel_shape', [3, 3])];
    await expectFoldedAndEqual(withBatchNorm('Conv', ['x', 'w', 'b'], conv, [1, 3, 6, 6], [1, 4, 6, 6], 4, { initializer: [randomTensor('w', [4, 3, 3, 3], 1), randomTensor('b', [4], 2)] }));
    await expectFoldedAndEqual(withBatchNorm('Conv', ['x', 'w'], conv, [1, 3, 6, 6], [1, 4, 6, 6], 4, { initializer: [randomTensor('w', [4, 3, 3, 3], 1)] }));
  });

  it('folds into a grouped ConvTranspose (output channels split across groups)', async () => {
    // Weight [C_in=4, C_out/group=3, 2, 2] with group 2: 6 output channels.
    await expectFoldedAndEqual(
      withBatchNorm('ConvTranspose', ['x', 'w', 'b'], [intAttr('group', 2), intsAttr('strides', [2, 2])], [1, 4, 3, 3], [1, 6, 6, 6], 6, { initializer: [randomTensor('w', [4, 3, 2, 2], 3), randomTensor('b', [6], 4)] }),
    );
  });

  it('folds into Gemm with transB, alpha and beta', async () => {
    const attrs = [intAttr('transB', 1), { name: 'alpha', type: 1, f: 0.5 }, { name: 'beta', type: 1, f: 2 }];
    await expectFoldedAndEqual(withBatchNorm('Gemm', ['x', 'w', 'c'], attrs, [3, 5], [3, 4], 4, { initializer: [randomTensor('w', [4, 5], 5), randomTensor('c', [4], 6)] }));
    await expectFoldedAndEqual(withBatchNorm('Gemm', ['x', 'w'], [], [3, 5], [3, 4], 4, { initializer: [randomTensor('w', [5, 4], 5)] }));
  });

  it('leaves the pair alone when something else reads the Conv output', () => {
    const m = withBatchNorm('Conv', ['x', 'w'], [intsAttr('kernel_shape', [1, 1])], [1, 2, 2, 2], [1, 2, 2, 2], 2, {
      initializer: [randomTensor('w', [2, 2, 1, 1], 1)],
      node: [node('Relu', ['p'], ['side'])],
      output: [tensorValue('side', [1, 2, 2, 2])],
    });
    expect((foldBatchNorm.run(m, ctx) as { changed: number }).changed).toBe(0);
  });
});
