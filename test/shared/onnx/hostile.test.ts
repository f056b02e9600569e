import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DecodeError } from '../../../shared/onnx/decode-error.js';
import { decodeModel } from '../../../shared/onnx/decode.js';
import { encodeModel } from '../../../shared/onnx/encode.js';
import { deeplyNested } from '../../helpers/hostile-bytes.js';
import { DIGITS, SHAPES } from '../../helpers/paths.js';

/** A small deterministic PRNG, so a failing mutation can be reproduced from its seed. */
function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Decoding must either succeed (and re-encode) or throw DecodeError; any other outcome is a bug. */
function decodesSafely(bytes: Uint8Array): 'ok' | 'rejected' {
  try {
    const m = decodeModel(bytes);
    encodeModel(m);
    return 'ok';
  } catch (e) {
    if (e instanceof DecodeError) return 'rejected';
    throw e;
  }
}

describe('decoding hostile bytes', () => {
  const digits = new Uint8Array(readFileSync(DIGITS));

  it('rejects an empty file, a lying length prefix and 10,000-deep nesting with DecodeError', () => {
    expect(() => decodeModel(new Uint8Array())).toThrow(DecodeError);
    expect(() => decodeModel(new Uint8Array([0x3a, 0xff, 0xff, 0xff, 0x7f, 1, 2]))).toThrow(/length 268435455 is larger than the 2 bytes left/);
    expect(() => decodeModel(deeplyNested(10_000))).toThrow(/nested deeper than 100 levels/);
  });

  it('names the field path and byte offset of the problem', () => {
    const truncated = digits.subarray(0, 5000);
    try {
      decodeModel(truncated);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(DecodeError);
      expect((e as DecodeError).message).toMatch(/at byte \d+ in graph/);
    }
  });

  it('handles every truncation of a real model', () => {
    let rejected = 0;
    for (let len = 1; len < digits.length; len += 97) if (decodesSafely(digits.subarray(0, len)) === 'rejected') rejected++;
    expect(rejected).toBeGreaterThan(0);
  });

  it('survives 3,000 random byte mutations of each fixture model (fuzz)', () => {
    for (const file of [DIGITS, SHAPES]) {
      const original = new Uint8Array(readFileSync(file));
      const random = prng(file.length);
      const outcomes = { ok: 0, rejected: 0 };
      for (let i = 0; i < 3000; i++) {
        const mutated = original.slice();
        const edits = 1 + Math.floor(random() * 8);
        for (let k = 0; k < edits; k++) mutated[Math.floor(random() * mutated.length)] = Math.floor(random() * 256);
        const cut = random() < 0.2 ? Math.floor(random() * mutated.length) : mutated.length;
        outcomes[decodesSafely(mutated.subarray(0, cut))]++;
      }
      expect(outcomes.ok + outcomes.rejected).toBe(3000);
      expect(outcomes.rejected).toBeGreaterThan(0);
    }
  });

  it('rejects random bytes without crashing', () => {
    const random = prng(42);
    for (let i = 0; i < 2000; i++) {
      const bytes = new Uint8Array(1 + Math.floor(random() * 512));
      for (let k = 0; k < bytes.length; k++) bytes[k] = Math.floor(random() * 256);
      decodesSafely(bytes);
    }
  });
});
