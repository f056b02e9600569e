import type { AttributeProto, ModelProto, TensorProto } from '../../shared/onnx/types.js';
import { seededRandom } from '../../shared/model/seeded-random.js';
import { floatTensor, model, node, tensorValue } from './model-builder.js';

export function int64Tensor(name: string, dims: number[], values: number[]): TensorProto {
  return { name, dims, dataType: 7, rawData: new Uint8Array(BigInt64Array.from(values, BigInt).buffer) };
}

export function randomTensor(name: string, dims: number[], seed: number, lo = -1, hi = 1): TensorProto {
  const next = seededRandom(seed);
  const n = dims.reduce((a, b) => a * b, 1);
  return floatTensor(name, dims, Array.from({ length: n }, () => lo + (hi - lo) * next()));
}

export const intAttr = (name: string, i: number): AttributeProto => ({ name, type: 2, i });
export const intsAttr = (name: string, ints: number[]): AttributeProto => ({ name, type: 7, ints });
export const tensorAttr = (name: string, t: TensorProto): AttributeProto => ({ name, type: 4, t });

/**
 * A small model with the patterns a PyTorch export is full of, in the way torch writes them: weights
 * read through chains of Identity nodes, a Conv followed by BatchNormalization, Dropout, the batch
 * size taken by Shape -> Gather -> Unsqueeze -> Concat -> Reshape, a class token broadcast with
 * ConstantOfShape/Expand, Constant nodes and a Cast round trip. Input x [1,3,8,8], output logits [1,2,5].
 */
export function torchPatternModel(): ModelProto {
  const constant = (out: string, t: TensorProto) => node('Constant', [], [out], `/Constant_${out}`, { attribute: [tensorAttr('value', { ...t, name: undefined })] });
  return model(
    {
      node: [
        node('Identity', ['conv.weight'], ['onnx::Conv_w1'], 'Identity_0'),
        node('Identity', ['onnx::Conv_w1'], ['onnx::Conv_w2'], 'Identity_1'),
        node('Identity', ['fc.weight'], ['onnx::MatMul_w'], 'Identity_2'),
        node('Conv', ['x', 'onnx::Conv_w2', 'conv.bias'], ['/conv/Conv_output_0'], '/conv/Conv', { attribute: [intsAttr('pads', [1, 1, 1, 1]), intsAttr('kernel_shape', [3, 3])] }),
        node('BatchNormalization', ['/conv/Conv_output_0', 'bn.weight', 'bn.bias', 'bn.running_mean', 'bn.running_var'], ['/bn/BatchNormalization_output_0'], '/bn/BatchNormalization', { attribute: [{ name: 'epsilon', type: 1, f: 1e-5 }] }),
        node('Relu', ['/bn/BatchNormalization_output_0'], ['/relu/Relu_output_0'], '/relu/Relu'),
        node('Dropout', ['/relu/Relu_output_0'], ['/dropout/Dropout_output_0'], '/dropout/Dropout'),
        node('Shape', ['/dropout/Dropout_output_0'], ['/Shape_output_0'], '/Shape'),
        constant('/Constant_output_0', int64Tensor('', [], [0])),
        node('Gather', ['/Shape_output_0', '/Constant_output_0'], ['/Gather_output_0'], '/Gather', { attribute: [intAttr('axis', 0)] }),
        constant('/Constant_1_output_0', int64Tensor('', [1], [0])),
        node('Unsqueeze', ['/Gather_output_0', '/Constant_1_output_0'], ['/Unsqueeze_output_0'], '/Unsqueeze'),
        constant('/Constant_2_output_0', int64Tensor('', [1], [-1])),
        node('Concat', ['/Unsqueeze_output_0', '/Constant_2_output_0'], ['/Concat_output_0'], '/Concat', { attribute: [intAttr('axis', 0)] }),
        node('Reshape', ['/dropout/Dropout_output_0', '/Concat_output_0'], ['/Reshape_output_0'], '/Reshape'),
        constant('/Constant_3_output_0', int64Tensor('', [1], [3])),
        node('ConstantOfShape', ['/Constant_3_output_0'], ['/ConstantOfShape_output_0'], '/ConstantOfShape', { attribute: [tensorAttr('value', int64Tensor('', [1], [1]))] }),
        node('Expand', ['class_token', '/ConstantOfShape_output_0'], ['/Expand_output_0'], '/Expand'),
        node('Unsqueeze', ['/Reshape_output_0', '/Constant_4_output_0'], ['/Unsqueeze_1_output_0'], '/Unsqueeze_1'),
        constant('/Constant_4_output_0', int64Tensor('', [1], [1])),
        node('Concat', ['/Expand_output_0', '/Unsqueeze_1_output_0'], ['/Concat_1_output_0'], '/Concat_1', { attribute: [intAttr('axis', 1)] }),
        node('Cast', ['/Concat_1_output_0'], ['/Cast_output_0'], '/Cast', { attribute: [intAttr('to', 11)] }),
        node('Cast', ['/Cast_output_0'], ['/Cast_1_output_0'], '/Cast_1', { attribute: [intAttr('to', 1)] }),
        node('MatMul', ['/Cast_1_output_0', 'onnx::MatMul_w'], ['logits'], '/fc/MatMul'),
      ].sort((a, b) => (a.opType === 'Constant' ? -1 : 0) - (b.opType === 'Constant' ? -1 : 0)),
      input: [tensorValue('x', [1, 3, 8, 8])],
      output: [tensorValue('logits', [1, 2, 5])],
      initializer: [
        randomTensor('conv.weight', [4, 3, 3, 3], 1),
        randomTensor('conv.bias', [4], 2),
        randomTensor('bn.weight', [4], 3, 0.5, 1.5),
        randomTensor('bn.bias', [4], 4),
        randomTensor('bn.running_mean', [4], 5),
        randomTensor('bn.running_var', [4], 6, 0.2, 2),
        randomTensor('class_token', [1, 1, 256], 7),
        randomTensor('fc.weight', [256, 5], 8),
      ],
    },
    14,
  );
}
