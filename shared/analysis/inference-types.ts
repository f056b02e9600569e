import type { AttributeProto, NodeProto } from '../onnx/types.js';
import type { Dim } from './dims.js';

/** What inference knows of a value: element type, shape (null = rank unknown) and, for small integer tensors, the values. */
export interface ValueFacts {
  elemType: number;
  shape: Dim[] | null;
  /**
   * Known contents of small integer tensors, flattened. Entries may be symbols, so a shape computed
   * from a dynamic input (Shape -> Gather -> Concat -> Reshape) keeps 'batch' instead of losing it.
   */
  value?: Dim[];
}

export interface InferContext {
  node: NodeProto;
  opset: number;
  /** Facts about the node's i-th input; undefined when absent or not yet known. */
  input(i: number): ValueFacts | undefined;
  attr(name: string): AttributeProto | undefined;
  int(name: string, fallback: number): number;
  ints(name: string): number[] | undefined;
  float(name: string, fallback: number): number;
  string(name: string, fallback: string): string;
  /** Records the largest size a data-dependent dim can take (Slice keeps at most its end, NonZero at most every element). */
  bound(dim: Dim, max: number): void;
}

/** Facts for each output; an undefined entry means 'not inferred'. */
export type InferResult = (ValueFacts | undefined)[];

export type InferFn = (ctx: InferContext) => InferResult;
