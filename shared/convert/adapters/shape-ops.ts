import type { OpChange } from '../adapter.js';
import { constantInts, intsConstant } from '../adapter-helpers.js';
import { attr, intAttr, withoutAttrs } from '../node-attributes.js';

/** Reshape-14 added allowzero; Shape-15 added start/end. */
export const SHAPE_OP_CHANGES: OpChange[] = [
  {
    ops: ['Reshape'],
    version: 14,
    down(node, ctx) {
      if (intAttr(node, 'allowzero', 0) === 0) return [withoutAttrs(node, 'allowzero')];
      // allowzero only differs where the shape holds a 0 (kept as 0 instead of copied from the input).
      if (constantInts(ctx, node, 1, 'shape').some((d) => d === 0n)) ctx.refuse(node, 'keeps zeros in its target shape (allowzero=1), which older opsets read as "copy this dim"');
      return [withoutAttrs(node, 'allowzero')];
    },
  },
  {
    ops: ['Shape'],
    version: 15,
    down(node, ctx) {
      if (!attr(node, 'start') && !attr(node, 'end')) return [node];
      const output = node.output?.[0] ?? '';
      const whole = ctx.fresh(`${node.name || output}_whole`);
      const start = intAttr(node, 'start', 0);
      const end = attr(node, 'end') ? intAttr(node, 'end', 0) : Number.MAX_SAFE_INTEGER;
      return [
        { ...withoutAttrs(node, 'start', 'end'), output: [whole] },
        {
          name: ctx.fresh(`${node.name || output}_slice`),
          opType: 'Slice',
          input: [whole, intsConstant(ctx, node, 'start', [start]), intsConstant(ctx, node, 'end', [end]), intsConstant(ctx, node, 'axes', [0])],
          output: [output],
        },
      ];
    },
  },
];
