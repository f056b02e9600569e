import type { OpChange } from '../adapter.js';
import { intAttr, withoutAttrs } from '../node-attributes.js';

/**
 * BatchNormalization-9 dropped `spatial` (always per channel); -14 replaced the training outputs
 * (saved mean/variance) by training_mode. Conversions keep inference nodes and refuse training ones.
 */
export const BATCH_NORMALIZATION_CHANGES: OpChange[] = [
  {
    ops: ['BatchNormalization'],
    version: 9,
    up(node, ctx) {
      if (intAttr(node, 'spatial', 1) === 0) ctx.refuse(node, 'normalises per activation (spatial=0), which opset 9 and later cannot express');
      return [withoutAttrs(node, 'spatial', 'is_test')];
    },
  },
  {
    ops: ['BatchNormalization'],
    version: 14,
    up(node, ctx) {
      if ((node.output ?? []).slice(1).some((o) => o !== '')) ctx.refuse(node, 'produces training statistics, whose outputs change at opset 14; remove them first');
      return [{ ...node, output: [node.output?.[0] ?? ''] }];
    },
    down(node, ctx) {
      if (intAttr(node, 'training_mode', 0) !== 0) ctx.refuse(node, 'runs in training mode, which older opsets express differently');
      return [{ ...withoutAttrs(node, 'training_mode'), output: [node.output?.[0] ?? ''] }];
    },
  },
];
