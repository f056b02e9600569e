import { DecodeError } from './decode-error.js';
import { messageSpec, type FieldSpec, type MessageSpec } from './schema.js';
import type { Message, ModelProto } from './types.js';
import { WireReader } from './wire-reader.js';

export interface DecodeLimits {
  /** Message nesting depth; real models stay far below (each subgraph level adds three). */
  maxDepth: number;
  /** Total messages decoded; bounds memory on hostile input made of many tiny messages. */
  maxMessages: number;
}

export const DEFAULT_LIMITS: DecodeLimits = { maxDepth: 100, maxMessages: 20_000_000 };

type Mutable = Record<string, unknown> & Message;

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Node's and Chromium's TextDecoder beat hand-built strings even for short names (measured). */
function readString(r: WireReader, len: number): string {
  const at = r.pos;
  try {
    return utf8.decode(r.bytes(len));
  } catch {
    throw new DecodeError('string is not valid UTF-8', at);
  }
}

class Decoder {
  private messages = 0;

  constructor(private readonly limits: DecodeLimits) {}

  message(r: WireReader, spec: MessageSpec, end: number, depth: number): Mutable {
    if (depth > this.limits.maxDepth) r.fail(`messages nested deeper than ${this.limits.maxDepth} levels`);
    if (++this.messages > this.limits.maxMessages) {
      r.fail(`more than ${this.limits.maxMessages} protobuf messages; refusing to decode to protect memory`);
    }
    const out: Mutable = {};
    const outerLimit = r.limit;
    r.limit = end;
    while (r.pos < end) {
      const fieldStart = r.pos;
      const tag = r.uint32();
      const no = Math.floor(tag / 8);
      const wireType = tag & 7;
      if (no === 0) r.fail('field number 0 is not allowed', fieldStart);
      const field = no < spec.byNumberDense.length ? spec.byNumberDense[no] : spec.byNumber.get(no);
      try {
        if (field && this.field(r, out, field, wireType, depth)) continue;
        r.skip(wireType, no, this.limits.maxDepth - depth);
      } catch (e) {
        if (e instanceof DecodeError) throw e.within(field ? fieldLabel(field, out) : `field ${no}`);
        throw e;
      }
      (out.$unknown ??= []).push(r.buf.subarray(fieldStart, r.pos));
    }
    r.limit = outerLimit;
    return out;
  }

  /** Decodes one occurrence of a known field; returns false when the wire type does not fit (kept as unknown). */
  private field(r: WireReader, out: Mutable, f: FieldSpec, wireType: number, depth: number): boolean {
    if (f.kind === 'message') {
      if (wireType !== 2) return false;
      const len = r.length();
      const child = this.message(r, f.messageSpec!, r.pos + len, depth + 1);
      if (f.repeated) listOf(out, f).push(child);
      else out[f.name] = child;
      return true;
    }
    if (f.kind === 'string' || f.kind === 'bytes') {
      if (wireType !== 2) return false;
      const len = r.length();
      const v = f.kind === 'string' ? readString(r, len) : r.bytes(len);
      if (f.repeated) listOf(out, f).push(v);
      else out[f.name] = v;
      return true;
    }
    const expected = scalarWireType(f);
    if (f.repeated && wireType === 2) {
      const len = r.length();
      this.packed(r, out, f, r.pos + len);
      return true;
    }
    if (wireType !== expected) return false;
    const v = readScalar(r, f);
    if (f.repeated) {
      if (f.typedArray) appendTyped(out, f, [v as number]);
      else listOf(out, f).push(v);
    } else out[f.name] = v;
    return true;
  }

  private packed(r: WireReader, out: Mutable, f: FieldSpec, end: number): void {
    if (f.typedArray) {
      const width = f.kind === 'float' ? 4 : 8;
      const bytes = end - r.pos;
      if (bytes % width !== 0) r.fail(`packed ${f.kind} data of ${bytes} bytes is not a multiple of ${width}`);
      // Copy: the view may be unaligned, and the array must not pin the file buffer's alignment.
      // (Buffer#slice would return a view, hence the explicit copy.)
      const copy = new Uint8Array(bytes);
      copy.set(r.buf.subarray(r.pos, end));
      const arr = width === 4 ? new Float32Array(copy.buffer, 0, bytes / 4) : new Float64Array(copy.buffer, 0, bytes / 8);
      r.pos = end;
      appendTyped(out, f, arr);
      return;
    }
    const list = listOf(out, f);
    const outerLimit = r.limit;
    r.limit = end;
    while (r.pos < end) list.push(readScalar(r, f));
    r.limit = outerLimit;
  }
}

function listOf(out: Mutable, f: FieldSpec): unknown[] {
  let list = out[f.name] as unknown[] | undefined;
  if (!list) out[f.name] = list = [];
  return list;
}

function fieldLabel(f: FieldSpec, out: Mutable): string {
  if (!f.repeated || f.kind !== 'message') return f.protoName;
  const list = out[f.name] as unknown[] | undefined;
  return `${f.protoName}[${list ? list.length : 0}]`;
}

function scalarWireType(f: FieldSpec): number {
  switch (f.kind) {
    case 'float':
      return 5;
    case 'double':
      return 1;
    default:
      return 0;
  }
}

function readScalar(r: WireReader, f: FieldSpec): unknown {
  switch (f.kind) {
    case 'int32':
      return r.int32();
    case 'int64':
      return r.int64();
    case 'uint64':
      return r.uint64();
    case 'bool':
      return r.int64() !== 0;
    case 'float':
      return r.float();
    case 'double':
      return r.double();
    default:
      throw new Error(`not a scalar kind: ${f.kind}`);
  }
}

function appendTyped(out: Mutable, f: FieldSpec, values: ArrayLike<number>): void {
  const Ctor = f.kind === 'float' ? Float32Array : Float64Array;
  const prev = out[f.name] as Float32Array | Float64Array | undefined;
  if (!prev) {
    out[f.name] = values instanceof Ctor ? values : Ctor.from(values);
    return;
  }
  const merged = new Ctor(prev.length + values.length);
  merged.set(prev);
  merged.set(values, prev.length);
  out[f.name] = merged;
}

/** Decodes any message of the schema from a byte view. Bytes fields become views into `bytes`. */
export function decodeMessage<T extends Message>(bytes: Uint8Array, messageName: string, limits = DEFAULT_LIMITS): T {
  const r = new WireReader(bytes);
  return new Decoder(limits).message(r, messageSpec(messageName), bytes.length, 0) as T;
}

/**
 * Decodes an ONNX model. Throws DecodeError (naming the field and byte offset) for bytes that are not
 * a protobuf ModelProto. Initializer bytes stay views into `bytes`, so keep that buffer alive.
 */
export function decodeModel(bytes: Uint8Array, limits = DEFAULT_LIMITS): ModelProto {
  if (bytes.length === 0) throw new DecodeError('the file is empty', 0);
  return decodeMessage<ModelProto>(bytes, 'ModelProto', limits);
}
