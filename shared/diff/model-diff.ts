import type { ModelProto, TensorProto } from '../onnx/types.js';
import { attributeValue } from './attribute-values.js';
import { diffSide, type DiffSide } from './diff-side.js';
import { initializerDifference, type InitializerDifference } from './initializer-difference.js';
import { matchNodes, valuesCorrespond } from './node-matching.js';
import type { ResolvedInput } from './qdq-folding.js';
import { dataTypeName } from '../onnx/data-types.js';

export interface DiffNodeRef {
  readonly name: string;
  readonly opType: string;
}

export interface AttributeChange {
  readonly name: string;
  /** Absent when the attribute is only on the other side. */
  readonly a?: string;
  readonly b?: string;
}

export interface InputChange {
  readonly index: number;
  readonly a: string;
  readonly b: string;
  /** Where each side's value comes from ('Conv /conv/Conv', 'initializer', 'graph input'): names alone can stay the same across a rewiring. */
  readonly fromA?: string;
  readonly fromB?: string;
}

/** What produces a value on one side, in words. */
function origin(side: DiffSide, tensor: string): string | undefined {
  if (!tensor) return undefined;
  const p = side.producer(tensor);
  if (p) return `${side.node(p[0]).opType ?? ''} ${side.node(p[0]).name ?? ''}`.trim();
  if (side.index.initializers.has(tensor)) return 'initializer';
  return side.graphInputs.includes(tensor) ? 'graph input' : undefined;
}

export interface NodeChange {
  readonly a: string;
  readonly b: string;
  readonly opType: string;
  readonly attributes?: AttributeChange[];
  readonly inputs?: InputChange[];
  readonly initializers?: InitializerDifference[];
}

export interface QuantizedNode {
  readonly node: string;
  readonly opType: string;
  readonly weight: boolean;
  readonly activation: boolean;
  /** The types its quantized weights and activations are stored as ('int8', 'uint8'). */
  readonly weightType?: string;
  readonly activationType?: string;
  /** Biases quantized with them (int32). */
  readonly biasType?: string;
}

export interface ModelDiff {
  readonly matched: number;
  readonly added: DiffNodeRef[];
  readonly removed: DiffNodeRef[];
  readonly changed: NodeChange[];
  readonly quantized: QuantizedNode[];
  readonly summary: string;
}

export interface DiffOptions {
  /** Bytes of initializers kept outside each file (external data), when the caller can read them. */
  readonly rawA?: (t: TensorProto) => Uint8Array | undefined;
  readonly rawB?: (t: TensorProto) => Uint8Array | undefined;
}

const ref = (side: DiffSide, i: number): DiffNodeRef => ({ name: side.node(i).name ?? '', opType: side.node(i).opType ?? '' });

function attributeChanges(A: DiffSide, ia: number, B: DiffSide, ib: number): AttributeChange[] {
  const values = (side: DiffSide, i: number) => new Map((side.node(i).attribute ?? []).map((a) => [a.name ?? '', attributeValue(a)]));
  const va = values(A, ia);
  const vb = values(B, ib);
  const changes: AttributeChange[] = [];
  for (const name of new Set([...va.keys(), ...vb.keys()])) {
    const a = va.get(name);
    const b = vb.get(name);
    if (a !== b) changes.push({ name, ...(a !== undefined ? { a } : {}), ...(b !== undefined ? { b } : {}) });
  }
  return changes;
}

function nodeChange(A: DiffSide, ia: number, B: DiffSide, ib: number, bToA: ReadonlyMap<number, number>): NodeChange | undefined {
  const na = A.node(ia);
  const nb = B.node(ib);
  const attributes = attributeChanges(A, ia, B, ib);
  const inputs: InputChange[] = [];
  const initializers: InitializerDifference[] = [];
  const xa = A.inputs.get(ia)!;
  const xb = B.inputs.get(ib)!;
  for (let k = 0; k < Math.max(xa.length, xb.length); k++) {
    const a = xa[k];
    const b = xb[k];
    if (!a || !b || !valuesCorrespond(a.tensor, b.tensor, A, B, bToA)) {
      const fromA = origin(A, a?.tensor ?? '');
      const fromB = origin(B, b?.tensor ?? '');
      inputs.push({ index: k, a: a?.tensor ?? '', b: b?.tensor ?? '', ...(fromA ? { fromA } : {}), ...(fromB ? { fromB } : {}) });
      continue;
    }
    // A quantized weight is the same weight at lower precision: that is reported as quantization.
    if (a.via === 'weight' || b.via === 'weight') continue;
    const ta = A.index.initializers.get(a.tensor);
    const tb = B.index.initializers.get(b.tensor);
    if (!ta || !tb) continue;
    const d = initializerDifference(ta, tb, A.raw?.(ta), B.raw?.(tb));
    if (d) initializers.push(d);
  }
  if (na.name === nb.name && attributes.length === 0 && inputs.length === 0 && initializers.length === 0) return undefined;
  return {
    a: na.name ?? '',
    b: nb.name ?? '',
    opType: nb.opType ?? '',
    ...(attributes.length ? { attributes } : {}),
    ...(inputs.length ? { inputs } : {}),
    ...(initializers.length ? { initializers } : {}),
  };
}

function summarize(d: Omit<ModelDiff, 'summary'>, leftInFloat: Map<string, number>): string {
  const parts: string[] = [];
  const byOp = new Map<string, number>();
  for (const q of d.quantized) byOp.set(q.opType, (byOp.get(q.opType) ?? 0) + 1);
  for (const [op, n] of byOp) {
    const float = leftInFloat.get(op) ?? 0;
    parts.push(`${n} ${op} quantized${float ? `, ${float} left in float` : ''}`);
  }
  parts.push(`${d.matched} nodes matched`, `${d.added.length} added`, `${d.removed.length} removed`, `${d.changed.length} changed`);
  return parts.join('; ');
}

/** A diff together with what it was computed from, for views that draw it on the graph. */
export interface ModelComparison {
  readonly diff: ModelDiff;
  readonly A: DiffSide;
  readonly B: DiffSide;
  readonly aToB: ReadonlyMap<number, number>;
  readonly bToA: ReadonlyMap<number, number>;
  /** B's node index -> how it changed, for matched nodes that did. */
  readonly changedAt: ReadonlyMap<number, NodeChange>;
  /** B's node index -> how it is quantized, for matched nodes that B runs quantized and A does not. */
  readonly quantizedAt: ReadonlyMap<number, QuantizedNode>;
}

const INT32 = 6;

/**
 * The types quantized inputs of one kind are stored as ('int8', or 'int8/uint8' where they differ).
 * A weight stored as int32 is a bias (its scale is the input's times the weight's), reported apart.
 */
function typesOf(inputs: readonly ResolvedInput[], kind: 'weight' | 'bias' | 'activation'): string | undefined {
  const via = kind === 'activation' ? 'activation' : 'weight';
  const names = new Set<string>();
  for (const r of inputs) {
    if (r.via !== via || r.quantizedType === undefined || (kind === 'bias') !== (r.quantizedType === INT32 && kind !== 'activation')) continue;
    names.add(dataTypeName(r.quantizedType));
  }
  return names.size ? [...names].join('/') : undefined;
}

/**
 * What changed from model A to model B: nodes matched by name and then by structure, added and
 * removed nodes, attribute, input and initializer changes of matched nodes, and the float nodes of A
 * that B runs quantized (Q/DQ pairs read as annotations of the node they wrap).
 */
export function compareModels(a: ModelProto, b: ModelProto, options: DiffOptions = {}): ModelComparison {
  const A = diffSide(a.graph ?? {}, options.rawA);
  const B = diffSide(b.graph ?? {}, options.rawB);
  const { aToB, bToA } = matchNodes(A, B);
  const changedAt = new Map<number, NodeChange>();
  const quantizedAt = new Map<number, QuantizedNode>();
  const notQuantized = new Map<string, number>();
  for (const ib of B.core) {
    const ia = bToA.get(ib);
    if (ia === undefined) continue;
    const change = nodeChange(A, ia, B, ib, bToA);
    if (change) changedAt.set(ib, change);
    const viaA = A.inputs.get(ia)!.some((r) => r.via);
    const xb = B.inputs.get(ib)!;
    const op = B.node(ib).opType ?? '';
    if (!viaA && xb.some((r) => r.via)) {
      const weightType = typesOf(xb, 'weight');
      const activationType = typesOf(xb, 'activation');
      const biasType = typesOf(xb, 'bias');
      quantizedAt.set(ib, {
        node: B.node(ib).name ?? '',
        opType: op,
        weight: xb.some((r) => r.via === 'weight'),
        activation: xb.some((r) => r.via === 'activation'),
        ...(weightType ? { weightType } : {}),
        ...(activationType ? { activationType } : {}),
        ...(biasType ? { biasType } : {}),
      });
    } else notQuantized.set(op, (notQuantized.get(op) ?? 0) + 1);
  }
  const quantized = [...quantizedAt.values()];
  const quantizedOps = new Set(quantized.map((q) => q.opType));
  const leftInFloat = new Map([...notQuantized].filter(([op]) => quantizedOps.has(op)));
  const result = {
    matched: bToA.size,
    added: B.core.filter((i) => !bToA.has(i)).map((i) => ref(B, i)),
    removed: A.core.filter((i) => !aToB.has(i)).map((i) => ref(A, i)),
    changed: [...changedAt.values()],
    quantized,
  };
  return { diff: { ...result, summary: summarize(result, leftInFloat) }, A, B, aToB, bToA, changedAt, quantizedAt };
}

/** What changed from model A to model B (see compareModels): the JSON of `onnx-studio diff`. */
export function diffModels(a: ModelProto, b: ModelProto, options: DiffOptions = {}): ModelDiff {
  return compareModels(a, b, options).diff;
}
