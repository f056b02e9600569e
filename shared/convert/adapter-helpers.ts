import type { NodeProto, TensorProto } from '../onnx/types.js';
import type { AdapterContext } from './adapter.js';
import { int64Tensor, intValues, numberValues } from './constants.js';

/** The rank of a value, or the refusal saying the conversion needs it. */
export function rankOf(ctx: AdapterContext, node: NodeProto, name: string, why: string): number {
  const shape = ctx.shape(name);
  if (!shape) ctx.refuse(node, `needs the rank of '${name}' ${why}, and it is not known; give the model's inputs fixed ranks first`);
  return shape.length;
}

/** Axes made non-negative (opsets before 11 do not accept negative axes). */
export function positiveAxes(axes: readonly bigint[], rank: number): bigint[] {
  return axes.map((a) => (a < 0n ? a + BigInt(rank) : a));
}

/** A constant input's integer values, or the refusal saying it must be constant at the target opset. */
export function constantInts(ctx: AdapterContext, node: NodeProto, index: number, what: string): bigint[] {
  const name = node.input?.[index] ?? '';
  const t = name ? ctx.constant(name) : undefined;
  const values = t ? intValues(t) : undefined;
  if (!values) ctx.refuse(node, `takes its ${what} from the computed tensor '${name}', but opset ${ctx.to} needs them as a constant attribute`);
  return values;
}

/** A constant input's numbers, or the refusal. */
export function constantNumbers(ctx: AdapterContext, node: NodeProto, index: number, what: string): number[] {
  const name = node.input?.[index] ?? '';
  const t = name ? ctx.constant(name) : undefined;
  const values = t ? numberValues(t) : undefined;
  if (!values) ctx.refuse(node, `takes its ${what} from the computed tensor '${name}', but opset ${ctx.to} needs it as a constant attribute`);
  return values;
}

/** Whether input i is given (present and not the empty name of an omitted optional input). */
export function hasInput(node: NodeProto, index: number): boolean {
  return (node.input?.[index] ?? '') !== '';
}

/** Adds an int64 constant and returns its name. */
export function intsConstant(ctx: AdapterContext, node: NodeProto, what: string, values: readonly (number | bigint)[], dims?: number[]): string {
  return ctx.addConstant(`${node.name || node.opType || 'node'}_${what}`, int64Tensor(values, dims));
}

/** Adds a constant tensor named after the node and returns its name. */
export function tensorConstant(ctx: AdapterContext, node: NodeProto, what: string, tensor: TensorProto): string {
  return ctx.addConstant(`${node.name || node.opType || 'node'}_${what}`, tensor);
}
