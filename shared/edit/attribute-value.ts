import { z } from 'zod';
import type { AttributeProto, TensorProto } from '../onnx/types.js';

/** An attribute value as an editor produces it; converted to AttributeProto with its ONNX type number. */
export const ATTRIBUTE_VALUE = z.discriminatedUnion('type', [
  z.object({ type: z.literal('INT'), value: z.number().int() }),
  z.object({ type: z.literal('FLOAT'), value: z.number().finite() }),
  z.object({ type: z.literal('STRING'), value: z.string().max(100_000) }),
  z.object({ type: z.literal('INTS'), value: z.array(z.number().int()).max(100_000) }),
  z.object({ type: z.literal('FLOATS'), value: z.array(z.number().finite()).max(100_000) }),
  z.object({ type: z.literal('STRINGS'), value: z.array(z.string().max(10_000)).max(10_000) }),
  z.object({
    type: z.literal('TENSOR'),
    value: z.object({ dataType: z.union([z.literal(1), z.literal(6), z.literal(7)]), dims: z.array(z.number().int().min(0)).max(16), values: z.array(z.number().finite()).max(1_000_000) }),
  }),
]);

export type AttributeValue = z.infer<typeof ATTRIBUTE_VALUE>;

const TYPE_NUMBER = { FLOAT: 1, INT: 2, STRING: 3, TENSOR: 4, FLOATS: 6, INTS: 7, STRINGS: 8 } as const;
const utf8 = new TextEncoder();

/** A small tensor from edited values: float32, int32 or int64, stored as raw little-endian bytes. */
export function tensorFromValues(name: string, dataType: 1 | 6 | 7, dims: number[], values: number[]): TensorProto {
  const count = dims.reduce((a, b) => a * b, 1);
  if (count !== values.length) throw new Error(`shape [${dims.join(', ')}] holds ${count} values, but ${values.length} were given`);
  const data = dataType === 1 ? Float32Array.from(values) : dataType === 6 ? Int32Array.from(values) : BigInt64Array.from(values.map((v) => BigInt(Math.trunc(v))));
  return { name, dataType, dims, rawData: new Uint8Array(data.buffer) };
}

export function toAttributeProto(name: string, v: AttributeValue): AttributeProto {
  const base = { name, type: TYPE_NUMBER[v.type] };
  switch (v.type) {
    case 'INT':
      return { ...base, i: v.value };
    case 'FLOAT':
      return { ...base, f: v.value };
    case 'STRING':
      return { ...base, s: utf8.encode(v.value) };
    case 'INTS':
      return { ...base, ints: v.value };
    case 'FLOATS':
      return { ...base, floats: v.value };
    case 'STRINGS':
      return { ...base, strings: v.value.map((s) => utf8.encode(s)) };
    case 'TENSOR':
      return { ...base, t: tensorFromValues('', v.value.dataType, v.value.dims, v.value.values) };
  }
}
