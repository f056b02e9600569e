import type { OpChange } from '../adapter.js';
import { constantOfNode } from '../constant-node.js';

const FLOAT_TYPES = [1, 10, 11];

/** Constant-9 took every element type (before: floats only); -11 added sparse_value; -12 the value_float/_floats/_int/_ints/_string(s) shortcuts. */
export const CONSTANT_CHANGES: OpChange[] = [
  {
    ops: ['Constant'],
    version: 9,
    down(node, ctx) {
      const t = constantOfNode(node);
      if (t && !FLOAT_TYPES.includes(t.dataType ?? 0)) ctx.refuse(node, 'holds a non-float tensor, which Constant before opset 9 cannot');
      return [node];
    },
  },
  {
    ops: ['Constant'],
    version: 11,
    down(node, ctx) {
      if ((node.attribute ?? []).some((a) => a.name === 'sparse_value')) ctx.refuse(node, 'holds a sparse tensor, which is new in opset 11');
      return [node];
    },
  },
  {
    ops: ['Constant'],
    version: 12,
    down(node, ctx) {
      const a = node.attribute?.[0];
      if (!a || a.name === 'value' || a.name === 'sparse_value') return [node];
      const t = constantOfNode(node);
      if (!t) ctx.refuse(node, `holds its value in '${a.name ?? ''}', which is new in opset 12 and has no numeric tensor form here`);
      return [{ ...node, attribute: [{ name: 'value', type: 4, t }] }];
    },
  },
];
