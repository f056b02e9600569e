import type { Dim } from '../analysis/dims.js';
import type { NodeProto, TensorProto } from '../onnx/types.js';

/**
 * What an adapter may ask about the graph around the node it rewrites. Facts come from the model as it
 * stood before the current one-version step; names are unique across the whole model.
 */
export interface AdapterContext {
  /** The version the step leaves and the one it enters (they differ by one). */
  readonly from: number;
  readonly to: number;
  /** The values of an input when it is a constant (initializer or Constant output), else undefined. */
  constant(name: string): TensorProto | undefined;
  /** Shape of a value when known (null: rank unknown, undefined: nothing known). */
  shape(name: string): Dim[] | null | undefined;
  /** Element type of a value when known. */
  elemType(name: string): number | undefined;
  /** A new Constant node's output holding the tensor; the node is placed before the adapted node. */
  addConstant(base: string, tensor: TensorProto): string;
  /** A name not yet used in the model, derived from base. */
  fresh(base: string): string;
  /** Throws the refusal: a sentence naming the node. */
  refuse(node: NodeProto, why: string): never;
}

/**
 * An adapter rewrites one node across one version step; it returns the node(s) that replace it (extra
 * nodes it needs come first, in order). Returning the node itself means nothing had to change.
 */
export type Adapter = (node: NodeProto, ctx: AdapterContext) => NodeProto[];

/**
 * A breaking change to some operators at `version`: `up` rewrites a node from version-1 to version,
 * `down` from version to version-1.
 */
export interface OpChange {
  ops: readonly string[];
  version: number;
  up?: Adapter;
  down?: Adapter;
}

/** A node's display name in refusals. */
export function nodeLabel(node: NodeProto): string {
  return node.name ? `${node.opType ?? ''} node '${node.name}'` : `${node.opType ?? ''} node producing '${node.output?.[0] ?? ''}'`;
}
