import { inferShapes } from '../analysis/shape-inference.js';
import type { NodeProto, TensorProto } from '../onnx/types.js';
import { interfaceNames, isOnnxOp, withGraph } from './graph-rewrite.js';
import { NO_CHANGE, type PassContext, type SimplifyPass } from './simplify-pass.js';

function int64Tensor(name: string, dims: number[], values: number[]): TensorProto {
  const data = BigInt64Array.from(values, (v) => BigInt(v));
  return { name, dims, dataType: 7, rawData: new Uint8Array(data.buffer) };
}

function intAttr(node: NodeProto, name: string): number | undefined {
  const i = node.attribute?.find((a) => a.name === name)?.i;
  return i === undefined ? undefined : Number(i);
}

/** Shape's start/end (opset 15) clamp like Python slices, negatives counting from the end. */
function sliceDims(dims: number[], start: number | undefined, end: number | undefined): number[] {
  const rank = dims.length;
  const clamp = (v: number) => Math.min(rank, Math.max(0, v < 0 ? v + rank : v));
  return dims.slice(clamp(start ?? 0), end === undefined ? rank : clamp(end));
}

/**
 * Shape and Size of a value whose shape is fully known (from the model's static dims or the dims the
 * user fixed) become int64 initializers, so the shape arithmetic downstream turns constant and folds.
 */
export const foldShapes: SimplifyPass = {
  name: 'shapes-to-constants',
  run(model, ctx: PassContext) {
    const graph = model.graph;
    if (!graph || !(graph.node ?? []).some((n) => isOnnxOp(n, 'Shape') || isOnnxOp(n, 'Size'))) return NO_CHANGE(model);
    const facts = inferShapes(model, { inputShapes: { ...ctx.inputShapes } }).facts;
    const outputs = interfaceNames(graph);
    const removed = new Set<NodeProto>();
    const added: TensorProto[] = [];
    for (const node of graph.node ?? []) {
      const isShape = isOnnxOp(node, 'Shape');
      if (!isShape && !isOnnxOp(node, 'Size')) continue;
      const input = node.input?.[0];
      const output = node.output?.[0];
      const shape = input ? facts.get(input)?.shape : undefined;
      if (!output || outputs.has(output) || !shape || !shape.every((d) => typeof d === 'number')) continue;
      const dims = shape as number[];
      if (isShape) {
        const values = sliceDims(dims, intAttr(node, 'start'), intAttr(node, 'end'));
        added.push(int64Tensor(output, [values.length], values));
      } else {
        added.push(int64Tensor(output, [], [dims.reduce((a, b) => a * b, 1)]));
      }
      removed.add(node);
    }
    if (removed.size === 0) return NO_CHANGE(model);
    const node = (graph.node ?? []).filter((n) => !removed.has(n));
    return { model: withGraph(model, { ...graph, node, initializer: [...(graph.initializer ?? []), ...added] }), changed: removed.size };
  },
};
