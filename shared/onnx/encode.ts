import { messageSpec, type FieldSpec, type MessageSpec } from './schema.js';
import type { Int64, Message, ModelProto } from './types.js';
import { int32Size, int64Size, LARGE_BYTES, varintSize, WireWriter } from './wire-writer.js';

type Fields = Record<string, unknown> & Message;

const utf8 = new TextEncoder();

/**
 * Encodes messages in two passes: sizes first (every nested message needs its length before its
 * bytes), then the bytes. Fields go out in field-number order, as protobuf's own serializers write
 * them, so an unedited model usually re-encodes byte for byte; unknown fields follow the known ones.
 */
class Encoder {
  private readonly sizes = new Map<object, number>();
  private readonly encodedStrings = new Map<string, Uint8Array>();
  /** Bytes of large views that pass through uncopied; the rest sizes the writer's buffer. */
  largeBytes = 0;

  private stringBytes(s: string): number {
    for (let i = 0; i < s.length; i++) {
      if (s.charCodeAt(i) >= 0x80) {
        let enc = this.encodedStrings.get(s);
        if (!enc) this.encodedStrings.set(s, (enc = utf8.encode(s)));
        return enc.length;
      }
    }
    return s.length;
  }

  size(msg: Fields, spec: MessageSpec): number {
    const cached = this.sizes.get(msg);
    if (cached !== undefined) return cached;
    let total = 0;
    for (const f of spec.inOrder) {
      const v = msg[f.name];
      if (v === undefined) continue;
      total += this.fieldSize(f, v);
    }
    if (msg.$unknown) for (const u of msg.$unknown) total += u.length;
    this.sizes.set(msg, total);
    return total;
  }

  private fieldSize(f: FieldSpec, v: unknown): number {
    const tag = varintSize(f.no * 8, 0);
    if (!f.repeated) return tag + this.valueSize(f, v);
    const list = v as ArrayLike<unknown>;
    if (list.length === 0) return 0;
    if (f.packed) {
      let body = 0;
      for (let i = 0; i < list.length; i++) body += this.scalarSize(f, list[i]);
      return tag + varintSize(body, 0) + body;
    }
    let total = 0;
    for (let i = 0; i < list.length; i++) total += tag + this.valueSize(f, list[i]);
    return total;
  }

  private valueSize(f: FieldSpec, v: unknown): number {
    switch (f.kind) {
      case 'message': {
        const len = this.size(v as Fields, messageSpec(f.message!));
        return varintSize(len, 0) + len;
      }
      case 'string': {
        const len = this.stringBytes(v as string);
        return varintSize(len, 0) + len;
      }
      case 'bytes': {
        const len = (v as Uint8Array).length;
        if (len >= LARGE_BYTES) this.largeBytes += len;
        return varintSize(len, 0) + len;
      }
      default:
        return this.scalarSize(f, v);
    }
  }

  private scalarSize(f: FieldSpec, v: unknown): number {
    switch (f.kind) {
      case 'float':
        return 4;
      case 'double':
        return 8;
      case 'int32':
        return int32Size(v as number);
      case 'bool':
        return 1;
      default:
        return int64Size(v as Int64);
    }
  }

  write(w: WireWriter, msg: Fields, spec: MessageSpec): void {
    for (const f of spec.inOrder) {
      const v = msg[f.name];
      if (v === undefined) continue;
      if (!f.repeated) {
        w.uint32(f.no * 8 + wireType(f));
        this.writeValue(w, f, v);
        continue;
      }
      const list = v as ArrayLike<unknown>;
      if (list.length === 0) continue;
      if (f.packed) {
        let body = 0;
        for (let i = 0; i < list.length; i++) body += this.scalarSize(f, list[i]);
        w.uint32(f.no * 8 + 2);
        w.uint32(body);
        for (let i = 0; i < list.length; i++) this.writeScalar(w, f, list[i]);
        continue;
      }
      for (let i = 0; i < list.length; i++) {
        w.uint32(f.no * 8 + wireType(f));
        this.writeValue(w, f, list[i]);
      }
    }
    if (msg.$unknown) for (const u of msg.$unknown) w.bytes(u);
  }

  private writeValue(w: WireWriter, f: FieldSpec, v: unknown): void {
    switch (f.kind) {
      case 'message': {
        const spec = messageSpec(f.message!);
        w.uint32(this.size(v as Fields, spec));
        this.write(w, v as Fields, spec);
        return;
      }
      case 'string': {
        const s = v as string;
        const enc = this.encodedStrings.get(s);
        if (enc) {
          w.uint32(enc.length);
          w.bytes(enc);
        } else {
          w.uint32(s.length);
          w.ascii(s);
        }
        return;
      }
      case 'bytes':
        w.uint32((v as Uint8Array).length);
        w.bytes(v as Uint8Array);
        return;
      default:
        this.writeScalar(w, f, v);
    }
  }

  private writeScalar(w: WireWriter, f: FieldSpec, v: unknown): void {
    switch (f.kind) {
      case 'float':
        w.float(v as number);
        return;
      case 'double':
        w.double(v as number);
        return;
      case 'int32':
        w.int32(v as number);
        return;
      case 'bool':
        w.uint32(v ? 1 : 0);
        return;
      default:
        w.int64(v as Int64);
    }
  }
}

function wireType(f: FieldSpec): number {
  if (f.kind === 'message' || f.kind === 'string' || f.kind === 'bytes') return 2;
  if (f.kind === 'float') return 5;
  if (f.kind === 'double') return 1;
  return 0;
}

/** Encodes a message as chunks: small fields packed together, large byte views passed through uncopied. */
export function encodeMessageChunks(msg: Message, messageName: string): Uint8Array[] {
  const spec = messageSpec(messageName);
  const enc = new Encoder();
  const total = enc.size(msg as Fields, spec);
  const w = new WireWriter(total - enc.largeBytes);
  enc.write(w, msg as Fields, spec);
  return w.finish();
}

export function concatChunks(chunks: readonly Uint8Array[]): Uint8Array {
  if (chunks.length === 1) return chunks[0]!;
  let total = 0;
  for (const c of chunks) total += c.length;
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

export function encodeMessage(msg: Message, messageName: string): Uint8Array {
  return concatChunks(encodeMessageChunks(msg, messageName));
}

export function encodeModelChunks(model: ModelProto): Uint8Array[] {
  return encodeMessageChunks(model, 'ModelProto');
}

export function encodeModel(model: ModelProto): Uint8Array {
  return encodeMessage(model, 'ModelProto');
}
