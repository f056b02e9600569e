/** TensorProto.DataType values of the ONNX IR, with element widths in bits (0 = variable, e.g. strings). */
export interface DataTypeInfo {
  readonly id: number;
  readonly name: string;
  readonly bits: number;
}

const TABLE: readonly DataTypeInfo[] = [
  { id: 0, name: 'undefined', bits: 0 },
  { id: 1, name: 'float32', bits: 32 },
  { id: 2, name: 'uint8', bits: 8 },
  { id: 3, name: 'int8', bits: 8 },
  { id: 4, name: 'uint16', bits: 16 },
  { id: 5, name: 'int16', bits: 16 },
  { id: 6, name: 'int32', bits: 32 },
  { id: 7, name: 'int64', bits: 64 },
  { id: 8, name: 'string', bits: 0 },
  { id: 9, name: 'bool', bits: 8 },
  { id: 10, name: 'float16', bits: 16 },
  { id: 11, name: 'float64', bits: 64 },
  { id: 12, name: 'uint32', bits: 32 },
  { id: 13, name: 'uint64', bits: 64 },
  { id: 14, name: 'complex64', bits: 64 },
  { id: 15, name: 'complex128', bits: 128 },
  { id: 16, name: 'bfloat16', bits: 16 },
  { id: 17, name: 'float8e4m3fn', bits: 8 },
  { id: 18, name: 'float8e4m3fnuz', bits: 8 },
  { id: 19, name: 'float8e5m2', bits: 8 },
  { id: 20, name: 'float8e5m2fnuz', bits: 8 },
  { id: 21, name: 'uint4', bits: 4 },
  { id: 22, name: 'int4', bits: 4 },
  { id: 23, name: 'float4e2m1', bits: 4 },
  { id: 24, name: 'float8e8m0', bits: 8 },
  { id: 25, name: 'uint2', bits: 2 },
  { id: 26, name: 'int2', bits: 2 },
];

const BY_ID = new Map(TABLE.map((t) => [t.id, t]));

export function dataTypeInfo(id: number | undefined): DataTypeInfo | undefined {
  return id === undefined ? undefined : BY_ID.get(id);
}

/** 'float32', or 'type 99' for a value this table does not know (kept, never guessed). */
export function dataTypeName(id: number | undefined): string {
  return dataTypeInfo(id)?.name ?? `type ${id ?? 'unset'}`;
}

/** Bytes taken by `elements` elements, rounding sub-byte types up as ONNX packs them. */
export function byteSizeOf(id: number | undefined, elements: number): number | undefined {
  const info = dataTypeInfo(id);
  if (!info || info.bits === 0) return undefined;
  return Math.ceil((elements * info.bits) / 8);
}
