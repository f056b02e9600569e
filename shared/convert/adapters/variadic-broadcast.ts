import type { OpChange } from '../adapter.js';

/** Max, Min, Mean and Sum broadcast their inputs from opset 8; before, every input had the same shape. */
export const VARIADIC_BROADCAST_CHANGES: OpChange[] = [
  {
    ops: ['Max', 'Min', 'Mean', 'Sum'],
    version: 8,
    down(node, ctx) {
      const shapes = (node.input ?? []).map((name) => ctx.shape(name));
      const first = JSON.stringify(shapes[0]);
      const known = shapes.every((s) => s && s.every((d) => typeof d === 'number'));
      if (!known || shapes.some((s) => JSON.stringify(s) !== first)) ctx.refuse(node, 'may broadcast inputs of different shapes, which opset 7 does not allow; give every input the same known shape first');
      return [node];
    },
  },
];
