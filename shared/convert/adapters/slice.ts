import type { NodeProto } from '../../onnx/types.js';
import type { OpChange } from '../adapter.js';
import { constantInts, hasInput, intsConstant, positiveAxes, rankOf } from '../adapter-helpers.js';
import { intsAttr, intsAttribute, withAttr, withoutAttrs } from '../node-attributes.js';

/** Slice-10 took starts, ends and axes as inputs (and added steps); Slice-11 accepts negative axes. */
export const SLICE_CHANGES: OpChange[] = [
  {
    ops: ['Slice'],
    version: 10,
    up(node, ctx) {
      const starts = intsAttr(node, 'starts') ?? ctx.refuse(node, 'has no starts attribute');
      const ends = intsAttr(node, 'ends') ?? ctx.refuse(node, 'has no ends attribute');
      const axes = intsAttr(node, 'axes');
      const inputs = [node.input?.[0] ?? '', intsConstant(ctx, node, 'starts', starts), intsConstant(ctx, node, 'ends', ends)];
      if (axes) inputs.push(intsConstant(ctx, node, 'axes', axes));
      return [{ ...withoutAttrs(node, 'starts', 'ends', 'axes'), input: inputs }];
    },
    down(node, ctx) {
      const starts = constantInts(ctx, node, 1, 'starts');
      const ends = constantInts(ctx, node, 2, 'ends');
      let out: NodeProto = { ...node, input: [node.input?.[0] ?? ''] };
      if (hasInput(node, 4) && constantInts(ctx, node, 4, 'steps').some((s) => s !== 1n)) ctx.refuse(node, 'uses steps other than 1, which opset 9 cannot express');
      out = withAttr(withAttr(out, intsAttribute('starts', starts)), intsAttribute('ends', ends));
      if (hasInput(node, 3)) out = withAttr(out, intsAttribute('axes', constantInts(ctx, node, 3, 'axes')));
      return [out];
    },
  },
  {
    ops: ['Slice'],
    version: 11,
    down(node, ctx) {
      if (!hasInput(node, 3)) return [node];
      const axes = constantInts(ctx, node, 3, 'axes');
      if (axes.every((a) => a >= 0n)) return [node];
      const rank = rankOf(ctx, node, node.input![0]!, 'to make its negative axes positive');
      const inputs = [...node.input!];
      inputs[3] = intsConstant(ctx, node, 'axes', positiveAxes(axes, rank));
      return [{ ...node, input: inputs }];
    },
  },
];
