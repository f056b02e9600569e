import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { validateModel } from '../../../shared/graph/validate.js';
import { decodeModel } from '../../../shared/onnx/decode.js';
import type { ModelProto } from '../../../shared/onnx/types.js';
import { model, node, reluAddModel, tensorValue } from '../../helpers/model-builder.js';
import { registry } from '../../helpers/op-registry.js';
import { DIGITS, SHAPES } from '../../helpers/paths.js';

const codes = (m: ModelProto) => validateModel(m, registry).map((p) => p.code);

describe('validateModel', () => {
  it.each([DIGITS, SHAPES])('finds no problem in the fixture %s', (file) => {
    expect(validateModel(decodeModel(readFileSync(file)), registry)).toEqual([]);
  });

  it('names a dangling input with its node', () => {
    const m = reluAddModel();
    m.graph!.node![1]!.input = ['r', 'missing_bias'];
    const problems = validateModel(m, registry);
    expect(problems.map((p) => p.code)).toEqual(['dangling-input']);
    expect(problems[0]!.message).toContain("'missing_bias'");
    expect(problems[0]!.message).toContain('Add_y');
  });

  it('reports duplicate outputs, a cycle, an unknown op and a missing opset import together', () => {
    const m = model({
      node: [
        node('Relu', ['x', 'c'], ['a']),
        node('Neg', ['a'], ['b']),
        node('Abs', ['b'], ['c']), // c feeds the first node: a cycle a -> b -> c -> a
        node('Sigmoid', ['x'], ['b'], 'second_b'), // b produced twice
        node('FrobnicateOp', ['x'], ['f']), // not an ONNX op
        node('Custom', ['x'], ['g'], 'custom', { domain: 'com.example' }), // domain not imported
      ],
      input: [tensorValue('x', [2])],
      output: [tensorValue('a', [2])],
    });
    expect(new Set(codes(m))).toEqual(new Set(['duplicate-output', 'cycle', 'unknown-op', 'missing-opset-import']));
    const cycle = validateModel(m, registry).find((p) => p.code === 'cycle')!;
    expect(cycle.message).toContain('Relu_a');
  });

  it('flags an op used before the opset that introduced it', () => {
    const m = model({ node: [node('LayerNormalization', ['x', 's'], ['y'])], input: [tensorValue('x', [2]), tensorValue('s', [2])], output: [tensorValue('y', [2])] }, 13);
    const problems = validateModel(m, registry);
    expect(problems.map((p) => p.code)).toEqual(['op-too-new']);
    expect(problems[0]!.message).toContain('opset 17');
  });

  it('lets subgraphs read outer-scope values but catches dangling names inside them', () => {
    const body = (reads: string) => ({ name: 'b', node: [node('Identity', [reads], ['out'])], output: [tensorValue('out', [2])] });
    const withIf = (reads: string) =>
      model({
        node: [node('If', ['cond'], ['y'], 'if0', { attribute: [{ name: 'then_branch', type: 5, g: body(reads) }, { name: 'else_branch', type: 5, g: body(reads) }] })],
        input: [tensorValue('cond', [], 9), tensorValue('x', [2])],
        output: [tensorValue('y', [2])],
      });
    expect(codes(withIf('x'))).toEqual([]);
    const problems = validateModel(withIf('nowhere'), registry);
    expect(problems.map((p) => p.code)).toEqual(['dangling-input', 'dangling-input']);
    expect(problems[0]!.graphPath).toBe('main/if0/then_branch');
  });

  it('accepts calls to local functions and checks their bodies', () => {
    const m = model(
      { node: [node('MyAct', ['x'], ['y'], 'call', { domain: 'local' })], input: [tensorValue('x', [2])], output: [tensorValue('y', [2])] },
      13,
      { functions: [{ name: 'MyAct', domain: 'local', input: ['a'], output: ['b'], node: [node('Relu', ['a'], ['b']), node('Neg', ['zzz'], ['q'])], opsetImport: [{ domain: '', version: 13 }] }] },
    );
    m.opsetImport!.push({ domain: 'local', version: 1 });
    const problems = validateModel(m, registry);
    expect(problems.map((p) => [p.code, p.graphPath])).toEqual([['dangling-input', 'function local:MyAct']]);
  });

  it('reports a model without graph, ir_version or opset import', () => {
    expect(new Set(codes({}))).toEqual(new Set(['no-ir-version', 'missing-opset-import', 'no-graph']));
  });
});
