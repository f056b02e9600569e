import type { OpChange } from '../adapter.js';
import { constantInts, hasInput, intsConstant, rankOf } from '../adapter-helpers.js';
import { intAttr, intAttribute, withAttr, withoutAttrs } from '../node-attributes.js';

/** DFT-20 takes the axis as an (optional) input, defaulting to -2; DFT-17 took an attribute defaulting to 1. */
export const DFT_CHANGES: OpChange[] = [
  {
    ops: ['DFT'],
    version: 20,
    up(node, ctx) {
      const axis = intAttr(node, 'axis', 1);
      return [{ ...withoutAttrs(node, 'axis'), input: [node.input?.[0] ?? '', node.input?.[1] ?? '', intsConstant(ctx, node, 'axis', [axis], [])] }];
    },
    down(node, ctx) {
      const input = node.input?.[0] ?? '';
      let axis: number;
      if (hasInput(node, 2)) {
        const values = constantInts(ctx, node, 2, 'axis');
        axis = Number(values[0] ?? 0);
      } else {
        axis = -2;
      }
      // DFT-17's axis counts over the signal dims, the last dim being the real/imaginary pair.
      if (axis < 0) axis += rankOf(ctx, node, input, 'to make its negative axis positive');
      const out = { ...node, input: [input, ...(hasInput(node, 1) ? [node.input![1]!] : [])] };
      return [withAttr(out, intAttribute('axis', axis))];
    },
  },
];
