import { describe, expect, it } from 'vitest';
import type { ModelProto } from '../../../shared/onnx/types.js';
import { shareInitializers } from '../../../shared/simplify/share-initializers.js';
import { floatTensor, model, node, tensorValue } from '../../helpers/model-builder.js';
import { onnxCheck, randomFeeds, relativeDifference, runOrt } from '../../helpers/onnx-oracles.js';

describe('shared-initializers pass', () => {
  it('shares initializers with the same type, dims and bytes, and only those', async () => {
    const m = model({
      node: [node('Add', ['x', 'a'], ['p']), node('Add', ['p', 'b'], ['q']), node('Add', ['q', 'c'], ['r']), node('Add', ['r', 'd'], ['y'])],
      input: [tensorValue('x', [2])],
      output: [tensorValue('y', [1, 2])],
      initializer: [
        floatTensor('a', [2], [1, 2]),
        floatTensor('b', [2], [1, 2]),
        floatTensor('c', [1, 2], [1, 2]),
        { name: 'd', dims: [2], dataType: 1, floatData: Float32Array.from([1, 3]) },
      ],
    });
    const { model: out, changed } = shareInitializers.run(m, { inputShapes: {} }) as { model: ModelProto; changed: number };
    expect(changed).toBe(1);
    expect(out.graph!.initializer!.map((t) => t.name)).toEqual(['a', 'c', 'd']);
    expect(out.graph!.node![1]!.input).toEqual(['p', 'a']);
    onnxCheck(out);
    const feeds = randomFeeds(m);
    expect(relativeDifference(await runOrt(m, feeds), await runOrt(out, feeds))).toBe(0);
  });
});
