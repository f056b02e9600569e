import { DecodeError } from './decode-error.js';

export type Int64 = number | bigint;

const TWO_32 = 4294967296;

/**
 * Reads protobuf wire primitives from a byte view. Every read checks the bytes left first, so
 * truncated or hostile input fails with a DecodeError instead of reading past the end.
 */
export class WireReader {
  pos: number;
  /** End of the innermost message being read; no read may cross it. */
  limit: number;
  private view: DataView;

  constructor(
    readonly buf: Uint8Array,
    start = 0,
    end = buf.length,
  ) {
    this.pos = start;
    this.limit = end;
    this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  }

  fail(problem: string, at = this.pos): never {
    throw new DecodeError(problem, at);
  }

  private byte(): number {
    if (this.pos >= this.limit) this.fail('unexpected end of data inside a varint');
    return this.buf[this.pos++]!;
  }

  /** Varint as two unsigned 32-bit halves, written to `halves`. */
  private varintHalves(halves: [number, number]): void {
    const start = this.pos;
    let lo = 0;
    let b = 0;
    for (let shift = 0; shift < 28; shift += 7) {
      b = this.byte();
      lo |= (b & 0x7f) << shift;
      if (b < 0x80) {
        halves[0] = lo >>> 0;
        halves[1] = 0;
        return;
      }
    }
    b = this.byte();
    lo |= (b & 0x0f) << 28;
    let hi = (b & 0x7f) >> 4;
    if (b < 0x80) {
      halves[0] = lo >>> 0;
      halves[1] = hi >>> 0;
      return;
    }
    for (let shift = 3; shift < 38; shift += 7) {
      b = this.byte();
      hi |= (b & 0x7f) << shift;
      if (b < 0x80) {
        halves[0] = lo >>> 0;
        halves[1] = hi >>> 0;
        return;
      }
    }
    this.fail('varint longer than 10 bytes', start);
  }

  private readonly halves: [number, number] = [0, 0];

  /** Small non-negative varints (tags, lengths) on the fast path; larger ones checked. */
  uint32(): number {
    const b = this.pos < this.limit ? this.buf[this.pos]! : 0x80;
    if (b < 0x80 && this.pos < this.limit) {
      this.pos++;
      return b;
    }
    this.varintHalves(this.halves);
    if (this.halves[1] !== 0) return this.halves[0] + this.halves[1] * TWO_32;
    return this.halves[0];
  }

  int64(): Int64 {
    this.varintHalves(this.halves);
    const [lo, hi] = this.halves;
    if (hi === 0) return lo;
    const signedHi = hi | 0;
    const n = signedHi * TWO_32 + lo;
    if (Number.isSafeInteger(n)) return n;
    return BigInt.asIntN(64, (BigInt(hi) << 32n) | BigInt(lo));
  }

  uint64(): Int64 {
    this.varintHalves(this.halves);
    const [lo, hi] = this.halves;
    const n = hi * TWO_32 + lo;
    if (Number.isSafeInteger(n)) return n;
    return (BigInt(hi) << 32n) | BigInt(lo);
  }

  /** int32 and enums: negative values arrive as 10-byte varints; the low 32 bits hold the value. */
  int32(): number {
    this.varintHalves(this.halves);
    return this.halves[0] | 0;
  }

  float(): number {
    this.need(4);
    const v = this.view.getFloat32(this.pos, true);
    this.pos += 4;
    return v;
  }

  double(): number {
    this.need(8);
    const v = this.view.getFloat64(this.pos, true);
    this.pos += 8;
    return v;
  }

  /** Reads a length prefix and checks that the bytes it claims are there. */
  length(): number {
    const at = this.pos;
    const len = this.uint32();
    if (len > this.limit - this.pos) {
      this.fail(`length ${len} is larger than the ${this.limit - this.pos} bytes left`, at);
    }
    return len;
  }

  need(n: number): void {
    if (n > this.limit - this.pos) this.fail(`needs ${n} bytes but only ${this.limit - this.pos} are left`);
  }

  /** A view into the buffer, not a copy. */
  bytes(len: number): Uint8Array {
    const v = this.buf.subarray(this.pos, this.pos + len);
    this.pos += len;
    return v;
  }

  /** Skips one field of any wire type; groups are walked with a nesting limit. */
  skip(wireType: number, fieldNo: number, depth: number): void {
    switch (wireType) {
      case 0:
        this.varintHalves(this.halves);
        return;
      case 1:
        this.need(8);
        this.pos += 8;
        return;
      case 2: {
        // Not `this.pos += this.length()`: that reads pos before length() moves it past the prefix.
        const len = this.length();
        this.pos += len;
        return;
      }
      case 5:
        this.need(4);
        this.pos += 4;
        return;
      case 3: {
        if (depth <= 0) this.fail('groups nested too deeply');
        for (;;) {
          const at = this.pos;
          const tag = this.uint32();
          const wt = tag & 7;
          if (wt === 4) {
            if (tag >>> 3 !== fieldNo) this.fail('end-group tag does not match its start-group', at);
            return;
          }
          this.skip(wt, tag >>> 3, depth - 1);
        }
      }
      default:
        this.fail(`invalid wire type ${wireType}`);
    }
  }
}
