import type { ModelProto, ValueInfoProto } from '../onnx/types.js';
import { NameAllocator } from '../quantize/graph-names.js';
import { defaultOpset } from './graph-opset.js';

export interface BakedPostprocess {
  readonly model: ModelProto;
  readonly scores: string;
  readonly classes: string;
}

/**
 * Appends Softmax and TopK to a classifier's first output: the model then also returns the K best
 * probabilities and their class indices (int64), so serving code need not re-implement either.
 */
export function bakeTopK(model: ModelProto, k: number): BakedPostprocess {
  const graph = model.graph ?? {};
  if (!Number.isInteger(k) || k < 1) throw new Error(`topk needs a whole number K of at least 1, not ${k}`);
  const opset = defaultOpset(model);
  if (opset < 11) throw new Error(`baking TopK needs opset 11 or later, and the model declares opset ${opset}; convert it first with 'onnx-studio convert MODEL -o OUT --opset 13'`);
  const output = graph.output?.[0];
  if (!output?.name) throw new Error('the model has no output to append Softmax and TopK to');
  const dims = output.type?.tensorType?.shape?.dim;
  if (output.type?.tensorType?.elemType !== 1) throw new Error(`output '${output.name}' is not float32 class scores, so Softmax and TopK do not apply`);
  if (!dims || dims.length !== 2) throw new Error(`output '${output.name}' must be batch x classes (rank 2) for Softmax and TopK; it has rank ${dims?.length ?? 'unknown'}`);
  const classes = dims[1]?.dimValue !== undefined ? Number(dims[1].dimValue) : undefined;
  if (classes !== undefined && k > classes) throw new Error(`topk:${k} asks for more classes than the model's ${classes}`);
  const names = new NameAllocator(graph);
  const probs = names.fresh(`${output.name}_probabilities`);
  const kName = names.fresh('postprocess/k');
  const scores = names.fresh(`${output.name}_top${k}_scores`);
  const indices = names.fresh(`${output.name}_top${k}_classes`);
  const value = (name: string, elemType: number): ValueInfoProto => ({ name, type: { tensorType: { elemType, shape: { dim: [dims[0]!, { dimValue: k }] } } } });
  return {
    scores,
    classes: indices,
    model: {
      ...model,
      graph: {
        ...graph,
        node: [
          ...(graph.node ?? []),
          { name: names.fresh('postprocess/Softmax'), opType: 'Softmax', input: [output.name], output: [probs], attribute: [{ name: 'axis', type: 2, i: 1 }] },
          { name: names.fresh('postprocess/TopK'), opType: 'TopK', input: [probs, kName], output: [scores, indices], attribute: [{ name: 'axis', type: 2, i: 1 }] },
        ],
        initializer: [...(graph.initializer ?? []), { name: kName, dataType: 7, dims: [1], rawData: new Uint8Array(new BigInt64Array([BigInt(k)]).buffer) }],
        output: [...(graph.output ?? []), value(scores, 1), value(indices, 7)],
      },
    },
  };
}
