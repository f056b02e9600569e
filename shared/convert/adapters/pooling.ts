import type { OpChange } from '../adapter.js';
import { intAttr, intsAttr, withoutAttrs } from '../node-attributes.js';
import type { NodeProto } from '../../onnx/types.js';
import type { AdapterContext } from '../adapter.js';

/** Refuses when the node uses the newer option; otherwise drops the option (written at its default), which the older opset does not know. */
function refuseIf(node: NodeProto, ctx: AdapterContext, cond: boolean, why: string, ...options: string[]): NodeProto[] {
  if (cond) ctx.refuse(node, why);
  return [withoutAttrs(node, ...options)];
}

const dilated = (node: NodeProto) => (intsAttr(node, 'dilations') ?? []).some((d) => d !== 1n);

/** Pooling gained options over the versions; going down, a node that uses one has no older equivalent. */
export const POOLING_CHANGES: OpChange[] = [
  { ops: ['MaxPool'], version: 8, down: (n, c) => refuseIf(n, c, (n.output?.[1] ?? '') !== '' || intAttr(n, 'storage_order', 0) !== 0, 'outputs indices or sets storage_order, which are new in opset 8', 'storage_order') },
  { ops: ['MaxPool'], version: 10, down: (n, c) => refuseIf(n, c, intAttr(n, 'ceil_mode', 0) !== 0 || dilated(n), 'uses ceil_mode or dilations, which are new in opset 10', 'ceil_mode', 'dilations') },
  { ops: ['AveragePool'], version: 10, down: (n, c) => refuseIf(n, c, intAttr(n, 'ceil_mode', 0) !== 0, 'uses ceil_mode, which is new in opset 10', 'ceil_mode') },
  { ops: ['AveragePool'], version: 19, down: (n, c) => refuseIf(n, c, dilated(n), 'uses dilations, which are new in opset 19', 'dilations') },
  { ops: ['LpPool'], version: 18, down: (n, c) => refuseIf(n, c, intAttr(n, 'ceil_mode', 0) !== 0 || dilated(n), 'uses ceil_mode or dilations, which are new in opset 18', 'ceil_mode', 'dilations') },
];
