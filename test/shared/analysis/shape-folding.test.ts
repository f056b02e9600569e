import { writeFileSync } from 'node:fs';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { analyzeModel } from '../../../shared/analysis/cost-model.js';
import { MAX_SYMBOL_LENGTH } from '../../../shared/analysis/dims.js';
import { inferShapes } from '../../../shared/analysis/shape-inference.js';
import { encodeModel } from '../../../shared/onnx/encode.js';
import type { ModelProto, NodeProto, TensorProto } from '../../../shared/onnx/types.js';
import { floatTensor, model, node, tensorValue } from '../../helpers/model-builder.js';
import { tempDir } from '../../helpers/paths.js';

const int64 = (name: string, dims: number[], values: number[]): TensorProto => ({ name, dims, dataType: 7, int64Data: values });
const ints = (name: string, values: number[]) => ({ name, ints: values, type: 7 });
const int = (name: string, value: number) => ({ name, i: value, type: 2 });
const oneInt64: TensorProto = { dims: [1], dataType: 7, int64Data: [1] };

/**
 * torchvision's ViT class token as torch 1.13 exports `class_token.expand(n, -1, -1)`: the -1s are
 * replaced by 1 through ConstantOfShape -> Mul -> Equal -> Where before Expand, then Concat with the
 * patch tokens. Around it, other shape computations exporters write: a flatten through a computed
 * Reshape target, Range over a dim, Tile with computed repeats, a Resize to a computed size, a mask
 * from comparisons, Size, ReduceProd and Div of dims, Slice/Squeeze/Cast of shape vectors.
 */
function classTokenModel(): ModelProto {
  const nodes: NodeProto[] = [
    node('Shape', ['x'], ['x_shape']),
    node('Gather', ['x_shape', 'zero'], ['n'], 'gather_n', { attribute: [int('axis', 0)] }),
    node('Unsqueeze', ['n', 'axes0'], ['n1']),
    node('Concat', ['n1', 'minus1', 'minus1'], ['expand_request'], 'concat_request', { attribute: [int('axis', 0)] }),
    node('ConstantOfShape', ['three'], ['ones'], 'ones', { attribute: [{ name: 'value', t: oneInt64, type: 4 }] }),
    node('Mul', ['ones', 'minus1'], ['minus_ones']),
    node('Equal', ['expand_request', 'minus_ones'], ['is_minus1']),
    node('Where', ['is_minus1', 'ones', 'expand_request'], ['expand_shape']),
    node('Expand', ['class_token', 'expand_shape'], ['class_tokens']),
    node('Concat', ['class_tokens', 'x'], ['tokens'], 'concat_tokens', { attribute: [int('axis', 1)] }),
    // Flatten tokens x features through a computed target: [n, tokens * features].
    node('Shape', ['tokens'], ['tokens_shape']),
    node('Slice', ['tokens_shape', 'one', 'three'], ['inner_dims']),
    node('ReduceProd', ['inner_dims'], ['inner'], 'reduce_inner', { attribute: [int('keepdims', 1)] }),
    node('Concat', ['n1', 'inner'], ['flat_shape'], 'concat_flat', { attribute: [int('axis', 0)] }),
    node('Reshape', ['tokens', 'flat_shape'], ['flat']),
    // Positions 0..tokens-1 and a causal-style mask from comparisons.
    node('Gather', ['tokens_shape', 'one_scalar'], ['token_count'], 'gather_tokens', { attribute: [int('axis', 0)] }),
    node('Range', ['zero', 'token_count', 'one_scalar'], ['positions']),
    node('Unsqueeze', ['positions', 'axes1'], ['rows']),
    node('Unsqueeze', ['positions', 'axes0'], ['cols']),
    node('Less', ['cols', 'rows'], ['below']),
    node('Not', ['below'], ['not_below']),
    node('Greater', ['cols', 'rows'], ['above']),
    node('And', ['not_below', 'above'], ['strictly_above']),
    node('Cast', ['strictly_above'], ['mask_int'], 'cast_mask', { attribute: [int('to', 7)] }),
    node('ReduceSum', ['mask_int', 'axes1'], ['per_row'], 'sum_mask', { attribute: [int('keepdims', 0)] }),
    node('ReduceMax', ['per_row'], ['widest'], 'max_mask', { attribute: [int('keepdims', 1)] }),
    node('Max', ['widest', 'one'], ['widest_or_one']),
    node('ConstantOfShape', ['widest_or_one'], ['pad_row'], 'pad_row', { attribute: [{ name: 'value', t: { dims: [1], dataType: 1, floatData: new Float32Array([0]) }, type: 4 }] }),
    // Tile the tokens along the batch by a computed repeat count.
    node('Size', ['x_shape'], ['rank']),
    node('Sub', ['rank', 'one_scalar'], ['rank_minus1']),
    node('Unsqueeze', ['rank_minus1', 'axes0'], ['rank_minus1_1']),
    node('Concat', ['rank_minus1_1', 'one', 'one'], ['repeats'], 'concat_repeats', { attribute: [int('axis', 0)] }),
    node('Tile', ['tokens', 'repeats'], ['tiled']),
    // Resize an image to half its height and twice its width, from its own shape.
    node('Shape', ['image'], ['image_shape']),
    node('Slice', ['image_shape', 'zero1', 'two'], ['image_nc']),
    node('Slice', ['image_shape', 'two', 'four'], ['image_hw']),
    node('Mul', ['image_hw', 'hw_factor'], ['scaled_hw']),
    node('Div', ['scaled_hw', 'two'], ['new_hw']),
    node('Concat', ['image_nc', 'new_hw'], ['image_size'], 'concat_size', { attribute: [int('axis', 0)] }),
    node('Resize', ['image', '', '', 'image_size'], ['resized'], 'resize', { attribute: [{ name: 'mode', s: new TextEncoder().encode('nearest'), type: 3 }] }),
    node('Cast', ['image_hw'], ['image_hw_float'], 'cast_hw', { attribute: [int('to', 1)] }),
    node('Squeeze', ['widest', 'axes0'], ['widest_scalar']),
    node('Min', ['widest_scalar', 'n'], ['smaller']),
  ];
  return model(
    {
      node: nodes,
      input: [tensorValue('x', [2, 4, 6]), tensorValue('image', [1, 3, 6, 5])],
      output: [{ name: 'flat' }, { name: 'tiled' }, { name: 'resized' }, { name: 'pad_row' }, { name: 'image_hw_float' }, { name: 'smaller' }],
      initializer: [
        floatTensor('class_token', [1, 1, 6], [1, 2, 3, 4, 5, 6]),
        int64('zero', [], [0]),
        int64('one_scalar', [], [1]),
        int64('axes0', [1], [0]),
        int64('axes1', [1], [1]),
        int64('minus1', [1], [-1]),
        int64('one', [1], [1]),
        int64('zero1', [1], [0]),
        int64('two', [1], [2]),
        int64('three', [1], [3]),
        int64('four', [1], [4]),
        int64('hw_factor', [2], [1, 4]),
      ],
    },
    13,
  );
}

/** The shape of every value when ONNX Runtime runs the model: each node output is made a graph output. */
async function runtimeShapes(m: ModelProto, feeds: Record<string, ort.Tensor>): Promise<Map<string, number[]>> {
  const values = (m.graph!.node ?? []).flatMap((n) => n.output ?? []).filter(Boolean);
  const exposed: ModelProto = { ...m, graph: { ...m.graph!, output: values.map((name) => ({ name })) } };
  const file = path.join(tempDir(), 'exposed.onnx');
  writeFileSync(file, encodeModel(exposed));
  const session = await ort.InferenceSession.create(file);
  const results = await session.run(feeds);
  return new Map(values.map((name) => [name, [...results[name]!.dims]]));
}

const filled = (dims: number[]) => new ort.Tensor('float32', Float32Array.from({ length: dims.reduce((a, b) => a * b, 1) }, (_, i) => i % 5), dims);

describe('constant folding in shape inference', () => {
  it("infers every value of the ViT class-token pattern and other shape computations as ONNX Runtime computes them", async () => {
    const m = classTokenModel();
    const { facts, failed, unsupported } = inferShapes(m);
    expect(failed).toEqual([]);
    expect(unsupported).toEqual({});
    const actual = await runtimeShapes(m, { x: filled([2, 4, 6]), image: filled([1, 3, 6, 5]) });
    expect(actual.size).toBe(m.graph!.node!.length);
    const ours = new Map([...actual.keys()].map((name) => [name, facts.get(name)?.shape]));
    expect(ours).toEqual(actual);
  });

  it('folds the values the shape rules read: the Expand target, the Reshape target and the Resize sizes', () => {
    const { facts } = inferShapes(classTokenModel());
    expect(facts.get('expand_shape')!.value).toEqual([2, 1, 1]);
    expect(facts.get('flat_shape')!.value).toEqual([2, 30]);
    expect(facts.get('image_size')!.value).toEqual([1, 3, 3, 10]);
    // strictly_above is the upper triangle of a 5 x 5 matrix: 0 + 1 + ... + 4 positions per row.
    expect(facts.get('per_row')!.value).toEqual([4, 3, 2, 1, 0]);
  });

  it('keeps a symbolic batch through the class-token pattern', () => {
    const m = classTokenModel();
    const { facts } = inferShapes(m, { inputShapes: { x: ['batch', 4, 6] } });
    expect(facts.get('class_tokens')!.shape).toEqual(['batch', 1, 6]);
    expect(facts.get('tokens')!.shape).toEqual(['batch', 5, 6]);
    expect(facts.get('flat')!.shape).toEqual(['batch', 30]);
  });

  it('does not fold large tensors: a ConstantOfShape beyond the limit keeps its shape but no values', () => {
    const m = model({
      node: [node('ConstantOfShape', ['dims'], ['big'], 'big', { attribute: [{ name: 'value', t: oneInt64, type: 4 }] }), node('Shape', ['big'], ['s'])],
      input: [],
      output: [{ name: 's' }],
      initializer: [int64('dims', [2], [100, 100])],
    });
    const { facts } = inferShapes(m);
    expect(facts.get('big')!.shape).toEqual([100, 100]);
    expect(facts.get('big')!.value).toBeUndefined();
    expect(facts.get('s')!.value).toEqual([100, 100]);
  });
});

describe('control flow on folded values', () => {
  it('takes the If branch a condition computed from shapes picks, as ONNX Runtime does', async () => {
    // if x.shape[1] == 4: flatten x to [2, 24] else keep it: the branches disagree on rank.
    const flattenBranch = { name: 'then', node: [node('Flatten', ['x'], ['then_out'])], output: [{ name: 'then_out' }] };
    const keepBranch = { name: 'else', node: [node('Identity', ['x'], ['else_out'])], output: [{ name: 'else_out' }] };
    const m = model({
      node: [
        node('Shape', ['x'], ['x_shape']),
        node('Gather', ['x_shape', 'one_scalar'], ['second'], 'gather_second', { attribute: [int('axis', 0)] }),
        node('Equal', ['second', 'four'], ['is_four']),
        node('If', ['is_four'], ['chosen'], 'if', { attribute: [{ name: 'then_branch', g: flattenBranch, type: 5 }, { name: 'else_branch', g: keepBranch, type: 5 }] }),
        node('Relu', ['chosen'], ['y']),
      ],
      input: [tensorValue('x', [2, 4, 6])],
      output: [{ name: 'y' }],
      initializer: [int64('one_scalar', [], [1]), int64('four', [], [4])],
    });
    const { facts } = inferShapes(m);
    const actual = await runtimeShapes(m, { x: filled([2, 4, 6]) });
    expect(facts.get('chosen')!.shape).toEqual(actual.get('chosen'));
    expect(facts.get('y')!.shape).toEqual([2, 24]);
  });
});

describe('folding on hostile models', () => {
  it('bounds symbolic expressions: 25 chained Mul(s, s) on a symbolic shape become unknown instead of 2^25-character names', () => {
    const steps = 25;
    const nodes: NodeProto[] = [node('Shape', ['x'], ['s0'])];
    for (let k = 1; k <= steps; k++) nodes.push(node('Mul', [`s${k - 1}`, `s${k - 1}`], [`s${k}`]));
    nodes.push(node('Reshape', ['x', `s${steps}`], ['y']));
    const m = model({ node: nodes, input: [{ name: 'x', type: { tensorType: { elemType: 1, shape: { dim: [{ dimParam: 'n' }] } } } }], output: [{ name: 'y' }] });
    const { facts, failed } = inferShapes(m);
    expect(failed).toEqual([]);
    expect(facts.get('s1')!.value).toEqual(['n*n']);
    const longest = Math.max(...[...facts.values()].flatMap((f) => [...(f.shape ?? []), ...(f.value ?? [])]).map((d) => String(d).length));
    expect(longest).toBeLessThanOrEqual(MAX_SYMBOL_LENGTH);
    expect(facts.get('y')!.shape).toEqual([null]);
  });
});

describe('costs of attention and patch embedding', () => {
  it('counts batched MatMul MACs over every batch and head, and the strided patch Conv over its kernel', () => {
    // One ViT-B/16 attention: scores [1, 12, 197, 64] x [1, 12, 64, 197], weighted sum [1, 12, 197, 197] x [1, 12, 197, 64].
    const m = model({
      node: [
        node('Conv', ['image', 'patch_w'], ['patches'], 'patch', { attribute: [ints('kernel_shape', [16, 16]), ints('strides', [16, 16])] }),
        node('MatMul', ['q', 'kt'], ['scores'], 'scores'),
        node('MatMul', ['scores', 'v'], ['context'], 'context'),
        node('MatMul', ['tokens', 'proj'], ['projected'], 'proj'),
      ],
      input: [tensorValue('image', [1, 3, 224, 224]), tensorValue('q', [1, 12, 197, 64]), tensorValue('kt', [1, 12, 64, 197]), tensorValue('v', [1, 12, 197, 64]), tensorValue('tokens', [197, 1, 768])],
      output: [{ name: 'patches' }, { name: 'context' }, { name: 'projected' }],
      initializer: [
        { name: 'patch_w', dims: [768, 3, 16, 16], dataType: 1, rawData: new Uint8Array(768 * 3 * 16 * 16 * 4) },
        { name: 'proj', dims: [768, 768], dataType: 1, rawData: new Uint8Array(768 * 768 * 4) },
      ],
    });
    const a = analyzeModel(m);
    const macs = Object.fromEntries(a.nodes.map((n) => [n.name, n.macs]));
    // By definition: each output element sums (reduced dim) products. Patch embedding: 14 x 14 x 768
    // outputs of 3 x 16 x 16 products each; each attention product: 12 heads x 197 x 197 x 64.
    expect(macs).toEqual({ patch: 196 * 768 * 768, scores: 12 * 197 * 197 * 64, context: 12 * 197 * 197 * 64, proj: 197 * 768 * 768 });
    expect(a.incomplete).toEqual([]);
  });
});
