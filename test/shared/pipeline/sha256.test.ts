import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { sha256Hex } from '../../../shared/pipeline/sha256.js';

describe('sha256Hex', () => {
  it('matches node:crypto on the FIPS examples, block edges and non-ASCII text', () => {
    // The FIPS 180-4 example digest of "abc".
    expect(sha256Hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    const texts = ['', 'abc', 'abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq', 'é ü 数字 🚀', ...[55, 56, 63, 64, 65, 119, 120, 1000].map((n) => 'x'.repeat(n))];
    for (const t of texts) expect(sha256Hex(t), JSON.stringify(t.slice(0, 20))).toBe(createHash('sha256').update(t, 'utf8').digest('hex'));
  });
});
