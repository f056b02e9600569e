import type { NodeProto } from '../../onnx/types.js';
import type { OpChange } from '../adapter.js';
import { rankOf } from '../adapter-helpers.js';
import { intAttr, intAttribute, intsAttribute, withAttr } from '../node-attributes.js';

const OPS = ['Softmax', 'LogSoftmax', 'Hardmax'];

/**
 * Before opset 13 these ops flatten the input to 2-D at `axis` (default 1) and normalise each row; from 13
 * they normalise along the one axis `axis` (default -1). The two agree when the axis is the last one;
 * otherwise the conversion spells the old meaning out (Flatten, op, Reshape back) or the new one
 * (Transpose the axis last, op, Transpose back).
 */
export const SOFTMAX_CHANGES: OpChange[] = [
  {
    ops: OPS,
    version: 11,
    down(node, ctx) {
      const axis = intAttr(node, 'axis', 1);
      if (axis >= 0) return [node];
      return [withAttr(node, intAttribute('axis', axis + rankOf(ctx, node, node.input![0]!, 'to make its negative axis positive')))];
    },
  },
  {
    ops: OPS,
    version: 13,
    up(node, ctx) {
      const input = node.input?.[0] ?? '';
      const output = node.output?.[0] ?? '';
      const axis = intAttr(node, 'axis', 1);
      if (axis === -1) return [node];
      const rank = rankOf(ctx, node, input, 'to keep its flatten-to-2-D meaning');
      const positive = axis < 0 ? axis + rank : axis;
      if (positive === rank - 1) return [withAttr(node, intAttribute('axis', -1))];
      const base = node.name || output;
      const flat = ctx.fresh(`${base}_2d`);
      const normalised = ctx.fresh(`${base}_2d_out`);
      const shape = ctx.fresh(`${base}_shape`);
      const nodes: NodeProto[] = [
        { name: ctx.fresh(`${base}_flatten`), opType: 'Flatten', input: [input], output: [flat], attribute: [intAttribute('axis', positive)] },
        { ...withAttr(node, intAttribute('axis', 1)), input: [flat], output: [normalised] },
        { name: ctx.fresh(`${base}_shape_of`), opType: 'Shape', input: [input], output: [shape] },
        { name: ctx.fresh(`${base}_reshape`), opType: 'Reshape', input: [normalised, shape], output: [output] },
      ];
      return nodes;
    },
    down(node, ctx) {
      const input = node.input?.[0] ?? '';
      const output = node.output?.[0] ?? '';
      const axis = intAttr(node, 'axis', -1);
      // Flattening at the last axis normalises each last-axis row: the same thing.
      if (axis === -1) return [withAttr(node, intAttribute('axis', -1))];
      const rank = rankOf(ctx, node, input, 'to express its single-axis meaning');
      const positive = axis < 0 ? axis + rank : axis;
      if (positive === rank - 1) return [withAttr(node, intAttribute('axis', positive))];
      const perm = Array.from({ length: rank }, (_, k) => k).filter((k) => k !== positive);
      perm.push(positive);
      const inverse = perm.map((_, k) => perm.indexOf(k));
      const base = node.name || output;
      const moved = ctx.fresh(`${base}_axis_last`);
      const normalised = ctx.fresh(`${base}_axis_last_out`);
      return [
        { name: ctx.fresh(`${base}_transpose_in`), opType: 'Transpose', input: [input], output: [moved], attribute: [intsAttribute('perm', perm)] },
        { ...withAttr(node, intAttribute('axis', rank - 1)), input: [moved], output: [normalised] },
        { name: ctx.fresh(`${base}_transpose_out`), opType: 'Transpose', input: [normalised], output: [output], attribute: [intsAttribute('perm', inverse)] },
      ];
    },
  },
];
