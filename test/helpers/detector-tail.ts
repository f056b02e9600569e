// A detector's tail, rebuilt small: the data decides how many boxes it keeps (issue 13's retinanet).
import type { ModelProto, NodeProto, TensorProto } from '../../shared/onnx/types.js';
import { floatTensor, model, node, tensorValue } from './model-builder.js';

const int64 = (name: string, dims: number[], values: number[]): TensorProto => ({ name, dims, dataType: 7, int64Data: values });
const int = (name: string, value: number) => ({ name, i: value, type: 2 });
const floatScalar = (name: string, value: number): TensorProto => ({ ...floatTensor(name, [], [value]) });
/** A float value of known rank and unknown dims. */
const floatOutput = (name: string, rank: number) => ({ name, type: { tensorType: { elemType: 1, shape: { dim: Array.from({ length: rank }, () => ({})) } } } });

/**
 * A detector's tail as torchvision exports it: scores above a threshold (NonZero, GatherND-like
 * Gather), then TopK with K = min(300, kept) from data and K = min(300, anchors) from the input shape,
 * a Slice of the kept boxes to a fixed count, a Slice to their own length read from Shape, and a Concat
 * of many kept lists (one per class) whose summed symbol grows too long to write out.
 */
export function detectorTail(): ModelProto {
  const nodes: NodeProto[] = [
    node('Greater', ['scores', 'threshold'], ['mask']),
    node('NonZero', ['mask'], ['where']),
    node('Squeeze', ['where', 'axes0'], ['kept_index']),
    node('Gather', ['scores', 'kept_index'], ['kept'], 'gather_kept', { attribute: [int('axis', 0)] }),
    node('Shape', ['kept'], ['kept_count']),
    node('Concat', ['k300', 'kept_count'], ['k_choices'], 'k_choices', { attribute: [int('axis', 0)] }),
    node('ReduceMin', ['k_choices'], ['k_data'], 'k_data', { attribute: [int('keepdims', 1)] }),
    node('TopK', ['kept', 'k_data'], ['top_data', 'top_data_index'], 'topk_data'),
    node('Shape', ['scores'], ['anchor_count']),
    node('Concat', ['k300', 'anchor_count'], ['k_shape_choices'], 'k_shape_choices', { attribute: [int('axis', 0)] }),
    node('ReduceMin', ['k_shape_choices'], ['k_shape'], 'k_shape', { attribute: [int('keepdims', 1)] }),
    node('TopK', ['scores', 'k_shape'], ['top_fixed', 'top_fixed_index'], 'topk_fixed'),
    node('Slice', ['kept', 'zero1', 'k150'], ['first150'], 'slice_150'),
    node('Slice', ['kept', 'zero1', 'kept_count'], ['whole'], 'slice_whole'),
    node('Concat', new Array<string>(12).fill('kept'), ['all_classes'], 'concat_classes', { attribute: [int('axis', 0)] }),
    // Graph outputs, so python3-onnx reports every value above in its value_info.
    node('Identity', ['top_data'], ['out_data']),
    node('Identity', ['top_fixed'], ['out_fixed']),
  ];
  return model(
    {
      node: nodes,
      input: [tensorValue('scores', [1000])],
      output: [floatOutput('out_data', 1), floatOutput('out_fixed', 1)],
      initializer: [floatScalar('threshold', 0.3), int64('axes0', [1], [0]), int64('k300', [1], [300]), int64('k150', [1], [150]), int64('zero1', [1], [0])],
    },
    13,
  );
}

