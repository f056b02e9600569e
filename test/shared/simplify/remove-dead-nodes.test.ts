import { describe, expect, it } from 'vitest';
import { removeDeadNodes } from '../../../shared/simplify/remove-dead-nodes.js';
import { floatTensor, model, node, tensorValue } from '../../helpers/model-builder.js';
import { onnxCheck, opTypes, randomFeeds, relativeDifference, runOrt } from '../../helpers/onnx-oracles.js';

const ctx = { inputShapes: {} };

describe('dead-nodes pass', () => {
  it('drops a branch no output reads and weights no node reads, keeping inputs and what the output needs', async () => {
    const m = model({
      node: [
        node('Relu', ['x'], ['r']),
        node('Mul', ['r', 'unused_scale'], ['dead1']),
        node('Sigmoid', ['dead1'], ['dead2']),
        node('Add', ['r', 'bias'], ['y']),
      ],
      input: [tensorValue('x', [1, 4]), tensorValue('z', [1, 4])],
      output: [tensorValue('y', [1, 4])],
      initializer: [floatTensor('bias', [4], [1, 2, 3, 4]), floatTensor('unused_scale', [4], [2, 2, 2, 2]), floatTensor('orphan', [1], [7])],
      valueInfo: [tensorValue('dead2', [1, 4]), tensorValue('r', [1, 4])],
    });
    const { model: out, changed } = removeDeadNodes.run(m, ctx) as { model: typeof m; changed: number };
    expect(opTypes(out)).toEqual(['Relu', 'Add']);
    expect(out.graph!.initializer!.map((t) => t.name)).toEqual(['bias']);
    expect(out.graph!.input!.map((v) => v.name)).toEqual(['x', 'z']);
    expect(out.graph!.valueInfo!.map((v) => v.name)).toEqual(['r']);
    expect(changed).toBe(4);
    onnxCheck(out);
    const feeds = randomFeeds(m);
    expect(relativeDifference(await runOrt(m, feeds), await runOrt(out, feeds))).toBe(0);
    expect((removeDeadNodes.run(out, ctx) as { changed: number }).changed).toBe(0);
  });
});
