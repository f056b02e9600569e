import type { NodeProto } from '../../onnx/types.js';
import type { OpChange } from '../adapter.js';
import { constantNumbers, hasInput, tensorConstant } from '../adapter-helpers.js';
import { floatTensor } from '../constants.js';
import { floatAttr, floatAttribute, withAttr, withoutAttrs } from '../node-attributes.js';

/** Clip-11 took min and max as (optional) scalar inputs instead of attributes. */
export const CLIP_CHANGES: OpChange[] = [
  {
    ops: ['Clip'],
    version: 11,
    up(node, ctx) {
      const input = node.input?.[0] ?? '';
      const type = ctx.elemType(input) ?? 1;
      const min = floatAttr(node, 'min');
      const max = floatAttr(node, 'max');
      if (min === undefined && max === undefined) return [withoutAttrs(node, 'min', 'max')];
      const inputs = [input, min === undefined ? '' : tensorConstant(ctx, node, 'min', floatTensor([min], type, []))];
      if (max !== undefined) inputs.push(tensorConstant(ctx, node, 'max', floatTensor([max], type, [])));
      return [{ ...withoutAttrs(node, 'min', 'max'), input: inputs }];
    },
    down(node, ctx) {
      let out: NodeProto = { ...node, input: [node.input?.[0] ?? ''] };
      for (const [index, name] of [[1, 'min'], [2, 'max']] as const) {
        if (!hasInput(node, index)) continue;
        const v = constantNumbers(ctx, node, index, `${name} bound`);
        if (v.length !== 1) ctx.refuse(node, `has a ${name} bound that is not a single number`);
        out = withAttr(out, floatAttribute(name, v[0]!));
      }
      return [out];
    },
  },
];
