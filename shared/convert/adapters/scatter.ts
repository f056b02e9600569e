import type { OpChange } from '../adapter.js';
import { stringAttr } from '../node-attributes.js';

/** Scatter became ScatterElements at 11 (same meaning); reductions arrived at 16 (add, mul) and 18 (max, min). */
export const SCATTER_CHANGES: OpChange[] = [
  { ops: ['Scatter'], version: 11, up: (node) => [{ ...node, opType: 'ScatterElements' }] },
  {
    ops: ['ScatterElements'],
    version: 11,
    down: (node) => [{ ...node, opType: 'Scatter' }],
  },
  {
    ops: ['ScatterElements', 'ScatterND'],
    version: 16,
    down(node, ctx) {
      const reduction = stringAttr(node, 'reduction', 'none');
      if (reduction !== 'none') ctx.refuse(node, `combines updates with '${reduction}', which is new in opset 16`);
      return [{ ...node, attribute: (node.attribute ?? []).filter((a) => a.name !== 'reduction') }];
    },
  },
  {
    ops: ['ScatterElements', 'ScatterND'],
    version: 18,
    down(node, ctx) {
      const reduction = stringAttr(node, 'reduction', 'none');
      if (reduction === 'max' || reduction === 'min') ctx.refuse(node, `combines updates with '${reduction}', which is new in opset 18`);
      return [node];
    },
  },
];
