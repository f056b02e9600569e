import type { OpChange } from '../adapter.js';
import { constantInts, hasInput, intsConstant, rankOf } from '../adapter-helpers.js';
import { intAttr, intAttribute, intsAttr, intsAttribute, withAttr, withoutAttrs } from '../node-attributes.js';

/** Split-11 accepts a negative axis; -13 takes split sizes as an input; -18 needs num_outputs when they are absent. */
export const SPLIT_CHANGES: OpChange[] = [
  {
    ops: ['Split'],
    version: 11,
    down(node, ctx) {
      const axis = intAttr(node, 'axis', 0);
      if (axis >= 0) return [node];
      const rank = rankOf(ctx, node, node.input![0]!, 'to make its negative axis positive');
      return [withAttr(node, intAttribute('axis', axis + rank))];
    },
  },
  {
    ops: ['Split'],
    version: 13,
    up(node, ctx) {
      const split = intsAttr(node, 'split');
      if (!split) return [node];
      return [{ ...withoutAttrs(node, 'split'), input: [node.input?.[0] ?? '', intsConstant(ctx, node, 'split', split)] }];
    },
    down(node, ctx) {
      if (!hasInput(node, 1)) return [node];
      return [withAttr({ ...node, input: [node.input?.[0] ?? ''] }, intsAttribute('split', constantInts(ctx, node, 1, 'split sizes')))];
    },
  },
  {
    ops: ['Split'],
    version: 18,
    up(node) {
      if (hasInput(node, 1)) return [node];
      return [withAttr(node, intAttribute('num_outputs', (node.output ?? []).length))];
    },
    down(node, ctx) {
      const n = intAttr(node, 'num_outputs', 0);
      if (n === 0) return [node];
      const out = withoutAttrs(node, 'num_outputs');
      const input = node.input?.[0] ?? '';
      const rank = rankOf(ctx, node, input, 'to find the size it splits');
      const axis = intAttr(node, 'axis', 0);
      const dim = ctx.shape(input)?.[axis < 0 ? axis + rank : axis];
      if (typeof dim !== 'number') return ctx.refuse(node, 'splits an axis of unknown size into num_outputs parts, which older opsets only do evenly; fix that axis first');
      if (dim % n === 0) return [out];
      // Split-18 makes every part ceil(dim/n) long except a shorter last one; older opsets need the sizes spelled out.
      const size = Math.ceil(dim / n);
      const sizes = Array.from({ length: n }, (_, k) => Math.max(0, Math.min(size, dim - k * size)));
      return [{ ...out, input: [input, intsConstant(ctx, node, 'split', sizes)] }];
    },
  },
];
