import { byteSizeOf } from '../onnx/data-types.js';
import type { Int64, TensorProto, TypeProto } from '../onnx/types.js';
import { dataTypeName } from '../onnx/data-types.js';

/** A shape dim: a number, a symbol such as 'batch', or null when unknown. */
export type Dim = number | string | null;

export function toNumber(v: Int64 | undefined): number {
  return v === undefined ? 0 : Number(v);
}

export function elementCount(dims: readonly Int64[] | undefined): number {
  let n = 1;
  for (const d of dims ?? []) n *= Number(d);
  return n;
}

export function tensorByteSize(t: TensorProto): number {
  return byteSizeOf(t.dataType, elementCount(t.dims)) ?? t.rawData?.length ?? 0;
}

/** 'float32', 'sequence<float32>', 'map<int64, float32>', 'optional<...>'. */
export function typeString(t: TypeProto | undefined): string {
  if (!t) return 'unknown';
  if (t.tensorType) return dataTypeName(t.tensorType.elemType);
  if (t.sparseTensorType) return `sparse<${dataTypeName(t.sparseTensorType.elemType)}>`;
  if (t.sequenceType) return `sequence<${typeString(t.sequenceType.elemType)}>`;
  if (t.optionalType) return `optional<${typeString(t.optionalType.elemType)}>`;
  if (t.mapType) return `map<${dataTypeName(t.mapType.keyType)}, ${typeString(t.mapType.valueType)}>`;
  if (t.opaqueType) return `opaque<${t.opaqueType.domain ?? ''}.${t.opaqueType.name ?? ''}>`;
  return 'unknown';
}

/** The shape of a tensor type, or null when the file records no shape (rank unknown). */
export function shapeOf(t: TypeProto | undefined): Dim[] | null {
  const shape = t?.tensorType?.shape ?? t?.sparseTensorType?.shape;
  if (!shape) return null;
  return (shape.dim ?? []).map((d) => (d.dimValue !== undefined ? Number(d.dimValue) : d.dimParam ? d.dimParam : null));
}
