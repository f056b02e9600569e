import { describe, expect, it } from 'vitest';
import { EngineError } from '../../../shared/api/errors.js';
import { encodeModel } from '../../../shared/onnx/encode.js';
import type { GraphProto, ModelProto } from '../../../shared/onnx/types.js';
import { simplifyModel } from '../../../electron/engine/simplify/simplify-model.js';
import { checkTransform } from '../../../electron/engine/transform-check.js';
import { floatTensor, model, node, tensorValue } from '../../helpers/model-builder.js';
import { onnxCheck, opTypes, randomFeeds, relativeDifference, runOrt } from '../../helpers/onnx-oracles.js';
import { int64Tensor, randomTensor, tensorAttr, torchPatternModel } from '../../helpers/torch-pattern-model.js';

describe('simplifyModel', () => {
  it('reduces a torch-style export to its compute ops, valid for python onnx and equal in ONNX Runtime', async () => {
    const m = torchPatternModel();
    const { model: out, report } = await simplifyModel(m);
    expect(opTypes(out)).toEqual(['Conv', 'Relu', 'Reshape', 'Unsqueeze', 'Concat', 'MatMul']);
    expect(out.graph!.output!.map((v) => v.name)).toEqual(['logits']);
    expect(out.graph!.input!.map((v) => v.name)).toEqual(['x']);
    // Every intermediate value has its shape stored.
    expect(out.graph!.valueInfo).toHaveLength(5);
    onnxCheck(out);
    const feeds = randomFeeds(m);
    const diff = relativeDifference(await runOrt(m, feeds), await runOrt(out, feeds));
    expect(diff).toBeLessThan(1e-5);
    expect(report.relativeDiff).toBeLessThan(1e-4);
    expect(report).toMatchObject({ nodesBefore: 24, nodesAfter: 6, initializersBefore: 8 });
    const changed = Object.fromEntries(report.passes.map((p) => [p.name, p.changed]));
    expect(changed).toMatchObject({ identity: 4, 'batch-norm': 1, casts: 2, 'shapes-to-constants': 1 });
    expect(changed['constant-folding']).toBeGreaterThan(0);
  });

  it('leaves the shape arithmetic of a dynamic batch in place, and folds it when the batch is fixed', async () => {
    const base = torchPatternModel();
    const dynamic: ModelProto = { ...base, graph: { ...base.graph, input: [{ name: 'x', type: { tensorType: { elemType: 1, shape: { dim: [{ dimParam: 'N' }, { dimValue: 3 }, { dimValue: 8 }, { dimValue: 8 }] } } } }], output: [{ name: 'logits', type: { tensorType: { elemType: 1, shape: { dim: [{ dimParam: 'N' }, { dimValue: 2 }, { dimValue: 5 }] } } } }] } };
    const kept = (await simplifyModel(dynamic)).model;
    expect(opTypes(kept)).toContain('Shape');
    expect(opTypes(kept)).toContain('Gather');
    const fixed = await simplifyModel(dynamic, { inputShapes: { x: [1, 3, 8, 8] } });
    expect(opTypes(fixed.model)).not.toContain('Shape');
    expect(fixed.model.graph!.input![0]!.type!.tensorType!.shape!.dim!.map((d) => d.dimValue)).toEqual([1, 3, 8, 8]);
    expect(fixed.report.inputDims).toEqual({ x: [1, 3, 8, 8] });
    // The output is declared at the fixed batch too, so a backend's parser sees static shapes end to end.
    expect(fixed.model.graph!.output![0]!.type!.tensorType!.shape!.dim!.map((d) => d.dimValue)).toEqual([1, 2, 5]);
    expect(kept.graph!.output![0]!.type!.tensorType!.shape!.dim![0]).toEqual({ dimParam: 'N' });
    onnxCheck(fixed.model);
  });

  it('never folds a random op, and keeps a blow-up (2 MiB from 8 bytes) as a computation', async () => {
    const m = model(
      {
        node: [
          node('RandomNormal', [], ['noise'], 'noise', { attribute: [{ name: 'shape', type: 7, ints: [1, 4] }, { name: 'seed', type: 1, f: 1 }] }),
          node('Mul', ['noise', 'zero'], ['silent']),
          node('Add', ['x', 'silent'], ['a']),
          node('ConstantOfShape', ['big_shape'], ['big'], 'big', { attribute: [tensorAttr('value', floatTensor('', [1], [0.5]))] }),
          node('ReduceSum', ['big'], ['sum'], 'sum', { attribute: [{ name: 'keepdims', type: 2, i: 0 }] }),
          node('Add', ['a', 'sum'], ['y']),
        ],
        input: [tensorValue('x', [1, 4])],
        output: [tensorValue('y', [1, 4])],
        initializer: [floatTensor('zero', [], [0]), int64Tensor('big_shape', [1], [512 * 1024])],
      },
      13,
    );
    const { model: out } = await simplifyModel(m);
    expect(opTypes(out)).toEqual(['RandomNormal', 'Mul', 'Add', 'ConstantOfShape', 'ReduceSum', 'Add']);
    onnxCheck(out);
  });

  it('folds through constant sequences, and keeps a sequence that something non-constant reads', async () => {
    const seqModel = (extend: boolean) =>
      model({
        node: [
          node('SequenceConstruct', ['a', 'b'], ['seq']),
          ...(extend ? [node('SequenceInsert', ['seq', 'x'], ['seq2'])] : []),
          node('ConcatFromSequence', [extend ? 'seq2' : 'seq'], ['ab'], 'concat', { attribute: [{ name: 'axis', type: 2, i: 0 }] }),
          node('ReduceSum', ['ab'], ['total'], 'sum', { attribute: [{ name: 'keepdims', type: 2, i: 1 }] }),
          node('Add', ['x', 'total'], ['y']),
        ],
        input: [tensorValue('x', [2])],
        output: [tensorValue('y', [2])],
        initializer: [floatTensor('a', [2], [1, 2]), floatTensor('b', [2], [3, 4])],
      });
    const folded = await simplifyModel(seqModel(false));
    expect(opTypes(folded.model)).toEqual(['Add']);
    expect(folded.report.maxAbsDiff).toBe(0);
    const kept = await simplifyModel(seqModel(true));
    expect(opTypes(kept.model)).toEqual(['SequenceConstruct', 'SequenceInsert', 'ConcatFromSequence', 'ReduceSum', 'Add']);
    expect(kept.report.maxAbsDiff).toBe(0);
  });

  it('folds Constant nodes of the main graph but leaves those inside If bodies', async () => {
    const body = (k: number): GraphProto => ({
      name: `branch${k}`,
      node: [node('Constant', [], [`c${k}`], `c${k}`, { attribute: [tensorAttr('value', floatTensor('', [1], [k]))] }), node('Add', ['x', `c${k}`], [`o${k}`])],
      output: [tensorValue(`o${k}`, [2])],
    });
    const m = model({
      node: [
        node('Constant', [], ['flag'], 'flag', { attribute: [tensorAttr('value', { dims: [], dataType: 9, rawData: Uint8Array.from([1]) })] }),
        node('Greater', ['x', 'x'], ['gt']),
        node('Cast', ['gt'], ['gt_f'], 'cast', { attribute: [{ name: 'to', type: 2, i: 1 }] }),
        node('ReduceMax', ['gt_f'], ['any'], 'any', { attribute: [{ name: 'keepdims', type: 2, i: 0 }] }),
        node('Cast', ['any'], ['any_b'], 'cast_b', { attribute: [{ name: 'to', type: 2, i: 9 }] }),
        node('Or', ['any_b', 'flag'], ['cond']),
        node('If', ['cond'], ['y'], 'if', { attribute: [{ name: 'then_branch', type: 5, g: body(1) }, { name: 'else_branch', type: 5, g: body(2) }] }),
      ],
      input: [tensorValue('x', [2])],
      output: [tensorValue('y', [2])],
    });
    const { model: out, report } = await simplifyModel(m);
    expect(opTypes(out)).not.toContain('Constant');
    expect(out.graph!.initializer!.map((t) => t.name)).toContain('flag');
    const If = out.graph!.node!.find((n) => n.opType === 'If')!;
    expect(If.attribute!.map((a) => a.g!.node!.map((n) => n.opType))).toEqual([['Constant', 'Add'], ['Constant', 'Add']]);
    expect(report.maxAbsDiff).toBe(0);
    onnxCheck(out);
  });

  it('writes the nodes of an unsorted export in topological order', async () => {
    const m = model({
      node: [node('Add', ['r', 'b'], ['y']), node('Relu', ['x'], ['r'])],
      input: [tensorValue('x', [2])],
      output: [tensorValue('y', [2])],
      initializer: [floatTensor('b', [2], [1, 2])],
    });
    const { model: out } = await simplifyModel(m);
    expect(opTypes(out)).toEqual(['Relu', 'Add']);
    onnxCheck(out);
  });

  it('refuses a model that no longer computes the same, and says by how much', async () => {
    const m = model({
      node: [node('Mul', ['x', 'w'], ['y'])],
      input: [tensorValue('x', [1, 4])],
      output: [tensorValue('y', [1, 4])],
      initializer: [randomTensor('w', [4], 1)],
    });
    const tampered = { ...m, graph: { ...m.graph, initializer: [randomTensor('w', [4], 2)] } };
    const check = await checkTransform(encodeModel(m), m, tampered);
    expect(check.passed).toBe(false);
    expect(check.relativeDiff).toBeGreaterThan(1e-2);
    const same = await checkTransform(encodeModel(m), m, m);
    expect(same).toMatchObject({ passed: true, maxAbsDiff: 0, relativeDiff: 0, inputDims: { x: [1, 4] } });
    // Checked against a different original, the (correct) simplification is refused, or kept with force.
    await expect(simplifyModel(m, { original: encodeModel(tampered) })).rejects.toThrow(/^The simplified model computes output 'y' differently from the original \(largest difference .*, so it was not written; leave passes out with --skip to find the one at fault, or pass --force to keep it anyway\.$/);
    const forced = await simplifyModel(m, { original: encodeModel(tampered), force: true });
    expect(forced.report.relativeDiff).toBeGreaterThan(1e-2);
  });

  it('refuses a result that bakes in a batch size a stale value_info claims, caught by the run at batch 2', async () => {
    const batch = { dimParam: 'N' };
    const m = model({
      node: [
        node('Relu', ['x'], ['r']),
        node('Shape', ['r'], ['s']),
        node('Gather', ['s', 'zero'], ['n'], 'gather', { attribute: [{ name: 'axis', type: 2, i: 0 }] }),
        node('Unsqueeze', ['n', 'axes'], ['nu']),
        node('Concat', ['nu', 'minus1'], ['shape'], 'concat', { attribute: [{ name: 'axis', type: 2, i: 0 }] }),
        node('Reshape', ['r', 'shape'], ['y']),
      ],
      input: [{ name: 'x', type: { tensorType: { elemType: 1, shape: { dim: [batch, { dimValue: 3 }, { dimValue: 4 }] } } } }],
      output: [{ name: 'y', type: { tensorType: { elemType: 1, shape: { dim: [batch, { dimValue: 12 }] } } } }],
      // As a tracer writes it: the batch it traced with, not the symbol.
      valueInfo: [tensorValue('r', [1, 3, 4])],
      initializer: [int64Tensor('zero', [], [0]), int64Tensor('axes', [1], [0]), int64Tensor('minus1', [1], [-1])],
    });
    await expect(simplifyModel(m)).rejects.toThrow(/^The simplified model computes output 'y' differently from the original \(largest difference Infinity/);
  });

  it('names unknown passes and inputs in one sentence', async () => {
    await expect(simplifyModel(torchPatternModel(), { skip: ['fold-everything'] })).rejects.toThrow(/^There is no simplify pass 'fold-everything'; the passes are: identity, casts, /);
    await expect(simplifyModel(torchPatternModel(), { inputShapes: { image: [1, 3, 8, 8] } })).rejects.toThrow(new EngineError('BAD_ARGUMENT', "The model has no input 'image'; its inputs are: x."));
  });

  it('skips the passes it is told to skip', async () => {
    const { model: out, report } = await simplifyModel(torchPatternModel(), { skip: ['batch-norm', 'constant-folding'] });
    expect(opTypes(out)).toContain('BatchNormalization');
    expect(opTypes(out)).toContain('Expand');
    expect(report.passes.find((p) => p.name === 'batch-norm')).toBeUndefined();
  });
});
