import type { OpChange } from '../adapter.js';
import { constantInts, intsConstant } from '../adapter-helpers.js';
import { intAttr, intAttribute, withAttr, withoutAttrs } from '../node-attributes.js';

/** TopK-10 takes k as an input; -11 adds largest/sorted and accepts a negative axis. */
export const TOP_K_CHANGES: OpChange[] = [
  {
    ops: ['TopK'],
    version: 10,
    up(node, ctx) {
      const k = intAttr(node, 'k', -1);
      if (k < 0) ctx.refuse(node, 'has no k attribute');
      return [{ ...withoutAttrs(node, 'k'), input: [node.input?.[0] ?? '', intsConstant(ctx, node, 'k', [k])] }];
    },
    down(node, ctx) {
      const k = constantInts(ctx, node, 1, 'k');
      if (k.length !== 1) ctx.refuse(node, 'has a k that is not a single number');
      return [withAttr({ ...node, input: [node.input?.[0] ?? ''] }, intAttribute('k', k[0]!))];
    },
  },
  {
    ops: ['TopK'],
    version: 11,
    down(node, ctx) {
      if (intAttr(node, 'largest', 1) !== 1) ctx.refuse(node, 'selects the smallest values (largest=0), which older opsets cannot do');
      // sorted=0 leaves the order unspecified, so the sorted order of older opsets is one valid answer.
      // (TopK has taken a negative axis since opset 1: it defaults to -1.)
      return [withoutAttrs(node, 'largest', 'sorted')];
    },
  },
];
