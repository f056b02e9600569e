import type { NodeProto } from '../../onnx/types.js';
import type { Adapter, OpChange } from '../adapter.js';
import { constantInts, hasInput, intsConstant, positiveAxes, rankOf } from '../adapter-helpers.js';
import { intAttr, intsAttr, intsAttribute, withAttr, withoutAttrs } from '../node-attributes.js';

const OTHER_REDUCERS = ['ReduceL1', 'ReduceL2', 'ReduceLogSum', 'ReduceLogSumExp', 'ReduceMax', 'ReduceMean', 'ReduceMin', 'ReduceProd', 'ReduceSumSquare'];

/** axes attribute -> input (reducing over all axes when absent, as before: noop_with_empty_axes stays 0). */
const axesToInput: Adapter = (node, ctx) => {
  const axes = intsAttr(node, 'axes');
  if (!axes) return [node];
  return [{ ...withoutAttrs(node, 'axes'), input: [node.input?.[0] ?? '', intsConstant(ctx, node, 'axes', axes)] }];
};

/** axes input -> attribute; with noop_with_empty_axes set and no axes the node passes its input through. */
const axesToAttribute: Adapter = (node, ctx) => {
  const noop = intAttr(node, 'noop_with_empty_axes', 0) === 1;
  const base: NodeProto = { ...withoutAttrs(node, 'noop_with_empty_axes'), input: [node.input?.[0] ?? ''] };
  const axes = hasInput(node, 1) ? constantInts(ctx, node, 1, 'axes') : [];
  if (axes.length === 0) return [noop ? { ...base, opType: 'Identity', attribute: [] } : base];
  return [withAttr(base, intsAttribute('axes', axes))];
};

/** Reductions accept negative axes from opset 11. */
const positiveAxesAttribute: Adapter = (node, ctx) => {
  const axes = intsAttr(node, 'axes');
  if (!axes || axes.every((a) => a >= 0n)) return [node];
  const rank = rankOf(ctx, node, node.input![0]!, 'to make its negative axes positive');
  return [withAttr(node, intsAttribute('axes', positiveAxes(axes, rank)))];
};

export const REDUCE_CHANGES: OpChange[] = [
  { ops: ['ReduceSum', ...OTHER_REDUCERS], version: 11, down: positiveAxesAttribute },
  { ops: ['ReduceSum'], version: 13, up: axesToInput, down: axesToAttribute },
  { ops: OTHER_REDUCERS, version: 18, up: axesToInput, down: axesToAttribute },
];
