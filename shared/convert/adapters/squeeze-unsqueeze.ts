import type { OpChange } from '../adapter.js';
import { constantInts, hasInput, intsConstant, positiveAxes, rankOf } from '../adapter-helpers.js';
import { intsAttr, intsAttribute, withAttr, withoutAttrs } from '../node-attributes.js';

/** Squeeze/Unsqueeze-11 accept negative axes; -13 take axes as an input. */
export const SQUEEZE_CHANGES: OpChange[] = [
  {
    ops: ['Squeeze', 'Unsqueeze'],
    version: 11,
    down(node, ctx) {
      const axes = intsAttr(node, 'axes');
      if (!axes || axes.every((a) => a >= 0n)) return [node];
      const inputRank = rankOf(ctx, node, node.input![0]!, 'to make its negative axes positive');
      const rank = node.opType === 'Unsqueeze' ? inputRank + axes.length : inputRank;
      return [withAttr(node, intsAttribute('axes', positiveAxes(axes, rank)))];
    },
  },
  {
    ops: ['Squeeze', 'Unsqueeze'],
    version: 13,
    up(node, ctx) {
      const axes = intsAttr(node, 'axes');
      if (!axes) {
        if (node.opType === 'Unsqueeze') ctx.refuse(node, 'has no axes attribute');
        return [node];
      }
      return [{ ...withoutAttrs(node, 'axes'), input: [node.input?.[0] ?? '', intsConstant(ctx, node, 'axes', axes)] }];
    },
    down(node, ctx) {
      const out = { ...node, input: [node.input?.[0] ?? ''] };
      if (!hasInput(node, 1)) return [out];
      return [withAttr(out, intsAttribute('axes', constantInts(ctx, node, 1, 'axes')))];
    },
  },
];
