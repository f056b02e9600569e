import type { OpChange } from '../adapter.js';
import { attr, intAttr, withoutAttrs } from '../node-attributes.js';
import { elementCount } from '../../model/tensor-info.js';

const OPS = ['QuantizeLinear', 'DequantizeLinear'];

/** -13 added per-axis scales; -19 saturate (float8); -21 blocked quantization and output_dtype. */
export const QUANTIZE_LINEAR_CHANGES: OpChange[] = [
  {
    ops: OPS,
    version: 13,
    down(node, ctx) {
      const scaleName = node.input?.[1] ?? '';
      const constant = ctx.constant(scaleName);
      const shape = ctx.shape(scaleName);
      const scalar = constant ? elementCount(constant.dims) === 1 : shape !== undefined && shape !== null && shape.every((d) => d === 1);
      if (!scalar) ctx.refuse(node, 'quantizes per channel (its scale is not a single value), which is new in opset 13');
      return [withoutAttrs(node, 'axis')];
    },
  },
  {
    ops: ['QuantizeLinear'],
    version: 19,
    // saturate only changes conversions to float8, which older opsets cannot target at all.
    down: (node) => [withoutAttrs(node, 'saturate')],
  },
  {
    ops: OPS,
    version: 21,
    down(node, ctx) {
      if (intAttr(node, 'block_size', 0) !== 0) ctx.refuse(node, 'quantizes in blocks (block_size), which is new in opset 21');
      if (attr(node, 'output_dtype') && intAttr(node, 'output_dtype', 0) !== 0) ctx.refuse(node, 'chooses its output type with output_dtype, which is new in opset 21; give it a zero point of that type instead');
      return [withoutAttrs(node, 'block_size', 'output_dtype')];
    },
  },
];
