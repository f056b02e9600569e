import type { ModelProto, ValueInfoProto } from '../../shared/onnx/types.js';
import { floatTensor, model, node } from './model-builder.js';

/** A float input whose dims are numbers or symbols, as an exporter writes dynamic axes. */
function input(name: string, dims: (number | string)[]): ValueInfoProto {
  return { name, type: { tensorType: { elemType: 1, shape: { dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) } } } };
}

const weights = (rows: number, cols: number) => floatTensor('w', [rows, cols], Array.from({ length: rows * cols }, (_, i) => ((i % 7) - 3) / 10));

/**
 * Two inputs that share a symbolic batch and sequence length, joined on the feature axis: Concat
 * needs both fed at the same batch and sequence, as attention masks beside token embeddings do.
 */
export function twoInputModel(): ModelProto {
  return model({
    node: [node('Concat', ['tokens', 'mask'], ['joined'], '/embed/Concat', { attribute: [{ name: 'axis', type: 2, i: 2 }] }), node('MatMul', ['joined', 'w'], ['y'], '/proj/MatMul')],
    input: [input('tokens', ['batch', 'sequence', 8]), input('mask', ['batch', 'sequence', 4])],
    output: [input('y', ['batch', 'sequence', 6])],
    initializer: [weights(12, 6)],
  });
}

/** The same, with the batch baked into a Reshape constant ([1, -1]): runs at batch 1 only. */
export function bakedBatchModel(): ModelProto {
  const m = twoInputModel();
  m.graph!.node!.push(node('Reshape', ['y', 'flat_shape'], ['flat'], '/head/Reshape'), node('Gemm', ['flat', 'head_w'], ['logits'], '/head/Gemm'));
  const flat = 16 * 6;
  m.graph!.initializer!.push(
    { name: 'flat_shape', dims: [2], dataType: 7, rawData: new Uint8Array(new BigInt64Array([1n, BigInt(flat)]).buffer) },
    floatTensor('head_w', [flat, 3], Array.from({ length: flat * 3 }, (_, i) => (i % 5) / 10)),
  );
  m.graph!.input = [input('tokens', ['batch', 16, 8]), input('mask', ['batch', 16, 4])];
  m.graph!.output = [input('logits', [1, 3])];
  return m;
}

