import type { GraphProto, ModelProto, NodeProto, TensorProto, ValueInfoProto } from '../../shared/onnx/types.js';

/** Small hand-made models for tests that need a specific structure. */
export function tensorValue(name: string, dims: number[], elemType = 1): ValueInfoProto {
  return { name, type: { tensorType: { elemType, shape: { dim: dims.map((d) => ({ dimValue: d })) } } } };
}

export function node(opType: string, inputs: string[], outputs: string[], name = `${opType}_${outputs[0]}`, extra: Partial<NodeProto> = {}): NodeProto {
  return { input: inputs, output: outputs, name, opType, ...extra };
}

export function floatTensor(name: string, dims: number[], values: number[]): TensorProto {
  const raw = new Uint8Array(new Float32Array(values).buffer);
  return { name, dims, dataType: 1, rawData: raw };
}

export function model(graph: GraphProto, opset = 13, extra: Partial<ModelProto> = {}): ModelProto {
  return { irVersion: 8, opsetImport: [{ domain: '', version: opset }], producerName: 'onnx-studio-test', graph: { name: 'g', ...graph }, ...extra };
}

/** x -> Relu -> Add(bias) -> y: the smallest valid model with a weight. */
export function reluAddModel(): ModelProto {
  return model({
    node: [node('Relu', ['x'], ['r']), node('Add', ['r', 'bias'], ['y'])],
    input: [tensorValue('x', [1, 4])],
    output: [tensorValue('y', [1, 4])],
    initializer: [floatTensor('bias', [4], [1, 2, 3, 4])],
  });
}
