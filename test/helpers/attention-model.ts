import type { ModelProto } from '../../shared/onnx/types.js';
import { model, node, tensorValue } from './model-builder.js';
import { int64Tensor, intAttr, intsAttr, randomTensor } from './torch-pattern-model.js';

/**
 * One self-attention block as torch 1.13 exports nn.MultiheadAttention inside torchvision's ViT at a
 * static batch of 1: a class token joined to the patches, the sequence-first Transpose, one in-projection
 * sliced into queries, keys and values, each reshaped by a constant [seq, batch·heads, head_dim] that
 * baked the batch, attention, the constant Reshapes [seq·batch, embed] and [seq, batch, embed] back,
 * and a residual. x [1, 4, 8] (4 patches, embed 8, 2 heads of 4) -> y [1, 8].
 */
export function attentionBlockModel(): ModelProto {
  const shape = (name: string, values: number[]) => int64Tensor(name, [values.length], values);
  const perm = (ints: number[]) => ({ attribute: [intsAttr('perm', ints)] });
  const slice = (from: number, to: number, out: string) => node('Slice', ['proj', `start_${from}`, `end_${to}`, 'axis_2'], [out], `/attn/Slice_${out}`);
  return model(
    {
      node: [
        node('Expand', ['class_token', 'token_shape'], ['cls'], '/Expand'),
        node('Concat', ['cls', 'x'], ['seq'], '/Concat', { attribute: [intAttr('axis', 1)] }),
        node('Transpose', ['seq'], ['seq_first'], '/attn/Transpose', perm([1, 0, 2])),
        node('MatMul', ['seq_first', 'in_proj'], ['proj_raw'], '/attn/MatMul'),
        node('Add', ['proj_raw', 'in_bias'], ['proj'], '/attn/Add'),
        slice(0, 8, 'q_flat'),
        slice(8, 16, 'k_flat'),
        slice(16, 24, 'v_flat'),
        node('Reshape', ['q_flat', 'heads_shape'], ['q_heads'], '/attn/Reshape'),
        node('Reshape', ['k_flat', 'heads_shape'], ['k_heads'], '/attn/Reshape_1'),
        node('Reshape', ['v_flat', 'heads_shape'], ['v_heads'], '/attn/Reshape_2'),
        node('Transpose', ['q_heads'], ['q'], '/attn/Transpose_1', perm([1, 0, 2])),
        node('Transpose', ['k_heads'], ['k_t'], '/attn/Transpose_2', perm([1, 2, 0])),
        node('Transpose', ['v_heads'], ['v'], '/attn/Transpose_3', perm([1, 0, 2])),
        node('MatMul', ['q', 'k_t'], ['scores'], '/attn/MatMul_1'),
        node('Softmax', ['scores'], ['weights'], '/attn/Softmax', { attribute: [intAttr('axis', -1)] }),
        node('MatMul', ['weights', 'v'], ['context'], '/attn/MatMul_2'),
        node('Transpose', ['context'], ['context_seq'], '/attn/Transpose_4', perm([1, 0, 2])),
        node('Reshape', ['context_seq', 'rows_shape'], ['rows'], '/attn/Reshape_3'),
        node('Gemm', ['rows', 'out_proj', 'out_bias'], ['out_rows'], '/attn/Gemm', { attribute: [intAttr('transB', 1)] }),
        node('Reshape', ['out_rows', 'seq_shape'], ['out_seq'], '/attn/Reshape_4'),
        node('Transpose', ['out_seq'], ['attended'], '/attn/Transpose_5', perm([1, 0, 2])),
        node('Add', ['attended', 'seq'], ['residual'], '/Add'),
        node('ReduceMean', ['residual'], ['y'], '/ReduceMean', { attribute: [intsAttr('axes', [1]), intAttr('keepdims', 0)] }),
      ],
      input: [tensorValue('x', [1, 4, 8])],
      output: [tensorValue('y', [1, 8])],
      initializer: [
        randomTensor('class_token', [1, 1, 8], 11),
        shape('token_shape', [1, 1, 1]),
        randomTensor('in_proj', [8, 24], 12),
        randomTensor('in_bias', [24], 13),
        randomTensor('out_proj', [8, 8], 14),
        randomTensor('out_bias', [8], 15),
        shape('start_0', [0]), shape('end_8', [8]), shape('start_8', [8]), shape('end_16', [16]), shape('start_16', [16]), shape('end_24', [24]), shape('axis_2', [2]),
        shape('heads_shape', [5, 2, 4]),
        shape('rows_shape', [5, 8]),
        shape('seq_shape', [5, 1, 8]),
      ],
    },
    14,
  );
}
