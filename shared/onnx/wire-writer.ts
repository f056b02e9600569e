import type { Int64 } from './wire-reader.js';

const TWO_32 = 4294967296;

/** Bytes fields at least this long are passed through as their own chunk instead of being copied. */
export const LARGE_BYTES = 64 * 1024;

export function varintSize(lo: number, hi: number): number {
  if (hi === 0) {
    if (lo < 0x80) return 1;
    if (lo < 0x4000) return 2;
    if (lo < 0x200000) return 3;
    if (lo < 0x10000000) return 4;
    return 5;
  }
  if (hi < 0x8) return 5;
  if (hi < 0x400) return 6;
  if (hi < 0x20000) return 7;
  if (hi < 0x1000000) return 8;
  if (hi < 0x80000000) return 9;
  return 10;
}

/** Splits an int64 (number or bigint) into unsigned 32-bit halves of its two's complement. */
export function int64Halves(v: Int64): [lo: number, hi: number] {
  if (typeof v === 'bigint') {
    const u = BigInt.asUintN(64, v);
    return [Number(u & 0xffffffffn), Number(u >> 32n)];
  }
  if (v >= 0 && v < TWO_32) return [v, 0];
  const hi = Math.floor(v / TWO_32);
  const lo = v - hi * TWO_32;
  return [lo >>> 0, hi >>> 0];
}

export function int64Size(v: Int64): number {
  if (typeof v === 'number' && v >= 0 && v < 0x80) return 1;
  const [lo, hi] = int64Halves(v);
  return varintSize(lo, hi);
}

/** int32 values are sign-extended to 64 bits on the wire, as protobuf does. */
export function int32Size(v: number): number {
  return v < 0 ? 10 : varintSize(v >>> 0, 0);
}

/**
 * Writes protobuf wire primitives into a list of chunks. Large byte views (weights) are not copied:
 * they become chunks of their own, so saving a model streams the file's own buffers.
 */
export class WireWriter {
  readonly chunks: Uint8Array[] = [];
  private buf: Uint8Array;
  private view: DataView;
  private start = 0;
  private pos = 0;

  constructor(private readonly smallBytes: number) {
    this.buf = new Uint8Array(Math.max(16, smallBytes));
    this.view = new DataView(this.buf.buffer);
  }

  private ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    this.flush();
    this.buf = new Uint8Array(Math.max(n, 64 * 1024));
    this.view = new DataView(this.buf.buffer);
    this.start = this.pos = 0;
  }

  private flush(): void {
    if (this.pos > this.start) this.chunks.push(this.buf.subarray(this.start, this.pos));
    this.start = this.pos;
  }

  varint(lo: number, hi: number): void {
    this.ensure(10);
    const b = this.buf;
    while (hi !== 0 || lo > 0x7f) {
      b[this.pos++] = (lo & 0x7f) | 0x80;
      lo = ((lo >>> 7) | (hi << 25)) >>> 0;
      hi >>>= 7;
    }
    b[this.pos++] = lo;
  }

  uint32(v: number): void {
    if (v < 0x80 && this.pos < this.buf.length) this.buf[this.pos++] = v;
    else this.varint(v >>> 0, Math.floor(v / TWO_32));
  }

  int64(v: Int64): void {
    const [lo, hi] = int64Halves(v);
    this.varint(lo, hi);
  }

  int32(v: number): void {
    if (v < 0) this.varint(v >>> 0, 0xffffffff);
    else this.uint32(v);
  }

  float(v: number): void {
    this.ensure(4);
    this.view.setFloat32(this.pos, v, true);
    this.pos += 4;
  }

  double(v: number): void {
    this.ensure(8);
    this.view.setFloat64(this.pos, v, true);
    this.pos += 8;
  }

  bytes(v: Uint8Array): void {
    if (v.length >= LARGE_BYTES) {
      this.flush();
      this.chunks.push(v);
      return;
    }
    this.ensure(v.length);
    this.buf.set(v, this.pos);
    this.pos += v.length;
  }

  /** Writes a string known to be ASCII (the encoder checked) without a TextEncoder round trip. */
  ascii(s: string): void {
    if (s.length >= LARGE_BYTES) {
      this.bytes(new TextEncoder().encode(s));
      return;
    }
    this.ensure(s.length);
    const b = this.buf;
    for (let i = 0; i < s.length; i++) b[this.pos++] = s.charCodeAt(i);
  }

  finish(): Uint8Array[] {
    this.flush();
    return this.chunks;
  }
}
