import { describe, expect, it } from 'vitest';
import * as ort from 'onnxruntime-node';
import type { GraphProto, ModelProto } from '../../../shared/onnx/types.js';
import { removeIdentity } from '../../../shared/simplify/remove-identity.js';
import { runToFixedPoint } from '../../../shared/simplify/run-passes.js';
import { removeDeadNodes } from '../../../shared/simplify/remove-dead-nodes.js';
import { floatTensor, model, node, tensorValue } from '../../helpers/model-builder.js';
import { onnxCheck, opTypes, randomFeeds, relativeDifference, runOrt } from '../../helpers/onnx-oracles.js';
import { randomTensor } from '../../helpers/torch-pattern-model.js';

const ctx = { inputShapes: {} };

describe('identity pass', () => {
  it('removes Identity chains of weights and inference Dropout, and keeps graph output names', async () => {
    const m = model({
      node: [
        node('Identity', ['w'], ['w1']),
        node('Identity', ['w1'], ['w2']),
        node('MatMul', ['x', 'w2'], ['h']),
        node('Dropout', ['h'], ['d']),
        node('Relu', ['d'], ['r']),
        node('Identity', ['r'], ['y']),
      ],
      input: [tensorValue('x', [2, 4])],
      output: [tensorValue('y', [2, 3])],
      initializer: [randomTensor('w', [4, 3], 1)],
    });
    const out = (await runToFixedPoint(m, [removeIdentity, removeDeadNodes], [], ctx)).model;
    expect(opTypes(out)).toEqual(['MatMul', 'Relu']);
    expect(out.graph!.node![0]!.input).toEqual(['x', 'w']);
    // The graph output keeps its name: Relu now writes it.
    expect(out.graph!.node![1]!.output).toEqual(['y']);
    expect(out.graph!.output!.map((v) => v.name)).toEqual(['y']);
    onnxCheck(out);
    const feeds = randomFeeds(m);
    expect(relativeDifference(await runOrt(m, feeds), await runOrt(out, feeds))).toBe(0);
  });

  it('renames a removed Identity output where an If branch reads it from the outer graph', async () => {
    const branch = (op: string): GraphProto => ({ name: op, node: [node(op, ['x', 'w1'], [`${op}_out`])], output: [tensorValue(`${op}_out`, [2])] });
    const m = model({
      node: [
        node('Identity', ['w'], ['w1']),
        node('If', ['cond'], ['y'], 'if', { attribute: [{ name: 'then_branch', type: 5, g: branch('Add') }, { name: 'else_branch', type: 5, g: branch('Mul') }] }),
      ],
      input: [tensorValue('x', [2]), tensorValue('cond', [], 9)],
      output: [tensorValue('y', [2])],
      initializer: [floatTensor('w', [2], [3, 5])],
    });
    const out = (await runToFixedPoint(m, [removeIdentity, removeDeadNodes], [], ctx)).model;
    expect(opTypes(out)).toEqual(['If']);
    expect(out.graph!.node![0]!.attribute!.map((a) => a.g!.node![0]!.input)).toEqual([['x', 'w'], ['x', 'w']]);
    onnxCheck(out);
    for (const c of [0, 1]) {
      const feeds = { x: new ort.Tensor('float32', Float32Array.from([1, 2]), [2]), cond: new ort.Tensor('bool', Uint8Array.from([c]), []) };
      expect(await runOrt(out, feeds)).toEqual(await runOrt(m, feeds));
    }
  });

  it('keeps an Identity from a graph input to an output, a Dropout in training mode and one whose mask is read', () => {
    const m: ModelProto = model(
      {
        node: [
          node('Identity', ['x'], ['y']),
          node('Dropout', ['x', 'ratio', 'training'], ['t']),
          node('Dropout', ['x'], ['d', 'mask']),
          node('Cast', ['mask'], ['maskf'], 'cast', { attribute: [{ name: 'to', type: 2, i: 1 }] }),
          node('Add', ['t', 'd'], ['s']),
          node('Add', ['s', 'maskf'], ['z']),
        ],
        input: [tensorValue('x', [2, 3]), tensorValue('training', [], 9)],
        output: [tensorValue('y', [2, 3]), tensorValue('z', [2, 3])],
        initializer: [floatTensor('ratio', [], [0.5])],
      },
      13,
    );
    const result = removeIdentity.run(m, ctx) as { model: ModelProto; changed: number };
    expect(result.changed).toBe(0);
    expect(result.model).toBe(m);
  });
});
