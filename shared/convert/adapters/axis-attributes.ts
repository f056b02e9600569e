import type { Adapter, OpChange } from '../adapter.js';
import { rankOf } from '../adapter-helpers.js';
import { intAttr, intAttribute, withAttr } from '../node-attributes.js';

/** Ops whose single `axis` attribute accepts negative values from opset 11 (rank taken from input 0). */
const AXIS_OPS = ['ArgMax', 'ArgMin', 'Compress', 'Concat', 'Flatten', 'Gather', 'OneHot', 'Scatter'];

const positiveAxis: Adapter = (node, ctx) => {
  const a = (node.attribute ?? []).find((x) => x.name === 'axis');
  if (!a) return [node];
  const axis = intAttr(node, 'axis', 0);
  if (axis >= 0) return [node];
  // OneHot adds an axis: its negative axis counts from the output's rank.
  const rank = rankOf(ctx, node, node.input![0]!, 'to make its negative axis positive') + (node.opType === 'OneHot' ? 1 : 0);
  return [withAttr(node, intAttribute('axis', axis + rank))];
};

export const AXIS_CHANGES: OpChange[] = [{ ops: AXIS_OPS, version: 11, down: positiveAxis }];
