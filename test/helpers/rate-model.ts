// A model that runs only at one sample rate, as silero-vad does: checks need the user's value for it.
import type { ModelProto } from '../../shared/onnx/types.js';
import { floatTensor, model, node } from './model-builder.js';

/**
 * Picks a row of a table by sample rate: row sr - 16000, so only sr = 16000 runs (any other index is
 * out of range, as silero's other branches fail on a random rate). An Identity for simplify to remove.
 */
export function rateModel(opset: number): ModelProto {
  return model(
    {
      node: [node('Sub', ['sr', 'rate16k'], ['row']), node('Gather', ['table', 'row'], ['picked'], 'pick', { attribute: [{ name: 'axis', type: 2, i: 0 }] }), node('Mul', ['x', 'picked'], ['scaled']), node('Identity', ['scaled'], ['y'])],
      input: [{ name: 'x', type: { tensorType: { elemType: 1, shape: { dim: [{ dimParam: 'samples' }] } } } }, { name: 'sr', type: { tensorType: { elemType: 7, shape: { dim: [] } } } }],
      output: [{ name: 'y', type: { tensorType: { elemType: 1, shape: { dim: [{ dimParam: 'samples' }] } } } }],
      initializer: [{ name: 'rate16k', dims: [], dataType: 7, int64Data: [16000] }, floatTensor('table', [1, 1], [3])],
    },
    opset,
  );
}

