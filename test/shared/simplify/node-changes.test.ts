import { describe, expect, it } from 'vitest';
import type { GraphProto } from '../../../shared/onnx/types.js';
import { nodeChanges } from '../../../shared/simplify/node-changes.js';
import { floatTensor, node } from '../../helpers/model-builder.js';
import { tensorAttr } from '../../helpers/torch-pattern-model.js';

const clip = (bound: string) => node('Clip', ['x', bound], ['y'], 'clip');

describe('nodeChanges', () => {
  it('sees no change in a graph rebuilt with equal nodes and weights', () => {
    const g: GraphProto = { node: [node('Mul', ['x', 'w'], ['y'], 'mul')], initializer: [floatTensor('w', [2], [1, 2])] };
    const copy: GraphProto = { node: [node('Mul', ['x', 'w'], ['y'], 'mul')], initializer: [floatTensor('w', [2], [1, 2])] };
    expect(nodeChanges(g, copy)).toEqual({ added: [], changed: [], removed: [] });
  });

  it('a Constant folded into an initializer of the same value removes the Constant and leaves its reader alone', () => {
    const before: GraphProto = { node: [node('Constant', [], ['lo'], 'const', { attribute: [tensorAttr('value', floatTensor('', [], [0]))] }), clip('lo')] };
    const after: GraphProto = { node: [clip('lo')], initializer: [floatTensor('lo', [], [0])] };
    expect(nodeChanges(before, after)).toEqual({ added: [], changed: [], removed: ['const'] });
  });

  it('new weight bytes under the same name change the node that reads them (a folded BatchNormalization)', () => {
    const before: GraphProto = { node: [clip('lo')], initializer: [floatTensor('lo', [], [0])] };
    const after: GraphProto = { node: [clip('lo')], initializer: [floatTensor('lo', [], [0.5])] };
    expect(nodeChanges(before, after).changed).toEqual(['clip']);
  });

  it('matches unnamed nodes by the tensor they write and names an added one by its index, as the graph view does', () => {
    const before: GraphProto = { node: [{ opType: 'Relu', input: ['x'], output: ['a'] }, { opType: 'Neg', input: ['a'], output: ['y'] }] };
    const after: GraphProto = { node: [{ opType: 'Relu', input: ['x'], output: ['a'] }, { opType: 'Abs', input: ['a'], output: ['b'] }, { opType: 'Neg', input: ['b'], output: ['y'] }] };
    expect(nodeChanges(before, after)).toEqual({ added: ['#1'], changed: ['#2'], removed: [] });
  });
});
