import type { AttributeProto, Int64, NodeProto } from '../onnx/types.js';

/** AttributeProto.type values used by the adapters. */
export const ATTR = { FLOAT: 1, INT: 2, STRING: 3, TENSOR: 4, GRAPH: 5, FLOATS: 6, INTS: 7, STRINGS: 8, GRAPHS: 10 } as const;

const text = new TextDecoder();
const bytes = new TextEncoder();

export function attr(node: NodeProto, name: string): AttributeProto | undefined {
  return (node.attribute ?? []).find((a) => a.name === name);
}

export function hasAttr(node: NodeProto, name: string): boolean {
  return attr(node, name) !== undefined;
}

export function intAttr(node: NodeProto, name: string, fallback: number): number {
  const a = attr(node, name);
  return a?.i !== undefined ? Number(a.i) : fallback;
}

export function intsAttr(node: NodeProto, name: string): bigint[] | undefined {
  const a = attr(node, name);
  return a ? (a.ints ?? []).map((v) => BigInt(v)) : undefined;
}

export function floatAttr(node: NodeProto, name: string): number | undefined {
  return attr(node, name)?.f;
}

export function floatsAttr(node: NodeProto, name: string): number[] | undefined {
  const a = attr(node, name);
  return a ? [...(a.floats ?? [])] : undefined;
}

export function stringAttr(node: NodeProto, name: string, fallback: string): string {
  const a = attr(node, name);
  return a?.s !== undefined ? text.decode(a.s) : fallback;
}

/** A copy of the node without the named attributes (the node itself when it has none of them). */
export function withoutAttrs(node: NodeProto, ...names: string[]): NodeProto {
  const kept = (node.attribute ?? []).filter((a) => !names.includes(a.name ?? ''));
  return kept.length === (node.attribute ?? []).length ? node : { ...node, attribute: kept };
}

/** A copy of the node with one attribute set (replacing any of the same name). */
export function withAttr(node: NodeProto, a: AttributeProto): NodeProto {
  return { ...node, attribute: [...(node.attribute ?? []).filter((x) => x.name !== a.name), a] };
}

export const intAttribute = (name: string, i: Int64): AttributeProto => ({ name, type: ATTR.INT, i });
export const intsAttribute = (name: string, ints: readonly Int64[]): AttributeProto => ({ name, type: ATTR.INTS, ints: [...ints] });
export const floatAttribute = (name: string, f: number): AttributeProto => ({ name, type: ATTR.FLOAT, f });
export const floatsAttribute = (name: string, floats: readonly number[]): AttributeProto => ({ name, type: ATTR.FLOATS, floats: [...floats] });
export const stringAttribute = (name: string, s: string): AttributeProto => ({ name, type: ATTR.STRING, s: bytes.encode(s) });

/** The node's inputs with trailing empty (omitted optional) names dropped, as ONNX writes them. */
export function trimInputs(inputs: readonly string[]): string[] {
  const out = [...inputs];
  while (out.length > 0 && out.at(-1) === '') out.pop();
  return out;
}
