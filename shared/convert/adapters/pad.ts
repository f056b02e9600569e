import type { OpChange } from '../adapter.js';
import { constantInts, constantNumbers, hasInput, intsConstant, rankOf, tensorConstant } from '../adapter-helpers.js';
import { floatTensor } from '../constants.js';
import { floatAttr, floatAttribute, intsAttr, intsAttribute, stringAttr, withAttr, withoutAttrs } from '../node-attributes.js';

/** Pad-11 took pads and the constant value as inputs; Pad-18 added axes; Pad-19 added the wrap mode. */
export const PAD_CHANGES: OpChange[] = [
  {
    ops: ['Pad'],
    version: 11,
    up(node, ctx) {
      const pads = intsAttr(node, 'pads') ?? ctx.refuse(node, 'has no pads attribute');
      const input = node.input?.[0] ?? '';
      const inputs = [input, intsConstant(ctx, node, 'pads', pads)];
      const value = floatAttr(node, 'value');
      if (value !== undefined && value !== 0) inputs.push(tensorConstant(ctx, node, 'value', floatTensor([value], ctx.elemType(input) ?? 1, [])));
      return [{ ...withoutAttrs(node, 'pads', 'value'), input: inputs }];
    },
    down(node, ctx) {
      const pads = constantInts(ctx, node, 1, 'pads');
      let out = withAttr({ ...node, input: [node.input?.[0] ?? ''] }, intsAttribute('pads', pads));
      if (hasInput(node, 2)) {
        const value = constantNumbers(ctx, node, 2, 'constant value');
        if (value.length !== 1) ctx.refuse(node, 'has a constant value that is not a single number');
        out = withAttr(out, floatAttribute('value', value[0]!));
      }
      return [out];
    },
  },
  {
    ops: ['Pad'],
    version: 18,
    down(node, ctx) {
      if (!hasInput(node, 3)) return [node];
      const axes = constantInts(ctx, node, 3, 'axes');
      const pads = constantInts(ctx, node, 1, 'pads');
      const rank = rankOf(ctx, node, node.input![0]!, 'to spell its pads out for every axis');
      const full = Array.from({ length: 2 * rank }, () => 0n);
      axes.forEach((a, k) => {
        const axis = Number(a < 0n ? a + BigInt(rank) : a);
        full[axis] = pads[k]!;
        full[axis + rank] = pads[k + axes.length]!;
      });
      const inputs = [node.input![0]!, intsConstant(ctx, node, 'pads', full), node.input?.[2] ?? ''];
      while (inputs.at(-1) === '') inputs.pop();
      return [{ ...node, input: inputs }];
    },
  },
  {
    ops: ['Pad'],
    version: 19,
    down(node, ctx) {
      if (stringAttr(node, 'mode', 'constant') === 'wrap') ctx.refuse(node, "uses the 'wrap' mode, which older opsets do not have");
      return [node];
    },
  },
];
