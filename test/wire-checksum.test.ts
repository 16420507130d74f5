import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  checksumUpdate16, checksumUpdate32, checksumVerifies, fold, internetChecksum, onesSum, pseudoHeaderSum,
} from '../src/protocols/wire/checksum.ts';

// Straight from the RFC 1071 definition: 16-bit words, end-around carry on every add.
function reference(bytes: Uint8Array): number {
  let s = 0;
  for (let i = 0; i < bytes.length; i += 2) {
    s += (bytes[i]! << 8) | (bytes[i + 1] ?? 0);
    s = (s & 0xffff) + (s >>> 16);
  }
  return ~s & 0xffff;
}

describe('Internet checksum', () => {
  it('RFC 1071 §3 example: 00 01 f2 03 f4 f5 f6 f7 sums to ddf2', () => {
    const b = Uint8Array.of(0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7);
    expect(onesSum(b, 0, 8)).toBe(0xddf2);
    expect(internetChecksum(b, 0, 8)).toBe(0x220d);
  });

  it('matches the definition, any length, any range', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 300 }), fc.nat(10), (b, pre) => {
      const big = new Uint8Array(pre + b.length + 3);
      big.set(b, pre);
      expect(internetChecksum(big, pre, pre + b.length)).toBe(reference(b));
    }));
  });

  it('chaining with a start sum equals one pass (even split)', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 200 }), fc.nat(100), (b, k) => {
      const split = Math.min(k * 2, b.length - (b.length & 1));
      const chained = internetChecksum(b, split, b.length, onesSum(b, 0, split));
      expect(chained).toBe(internetChecksum(b, 0, b.length));
    }));
  });

  it('a range with its checksum written in verifies', () => {
    fc.assert(fc.property(fc.uint8Array({ minLength: 2, maxLength: 200 }), fc.nat(), (raw, p) => {
      const b = raw.slice();
      const at = (p % (b.length >> 1)) * 2;
      b[at] = 0;
      b[at + 1] = 0;
      const c = internetChecksum(b, 0, b.length);
      b[at] = c >> 8;
      b[at + 1] = c & 0xff;
      expect(checksumVerifies(b, 0, b.length)).toBe(true);
    }));
  });

  it('RFC 1624 incremental update equals a full recompute', () => {
    // The update is exact whenever the data is not all zeros (always true of real headers,
    // e.g. the IPv4 version byte); word 0 is kept non-zero here.
    fc.assert(fc.property(
      fc.uint8Array({ minLength: 4, maxLength: 60 }).filter((b) => b.length % 2 === 0),
      fc.nat(), fc.integer({ min: 0, max: 0xffff }),
      (raw, p, nw) => {
        const b = raw.slice();
        b[0] = b[0]! | 0x40;
        const at = 2 + (p % ((b.length - 2) >> 1)) * 2;
        const c = internetChecksum(b, 0, b.length);
        const old = (b[at]! << 8) | b[at + 1]!;
        b[at] = nw >> 8;
        b[at + 1] = nw & 0xff;
        expect(checksumUpdate16(c, old, nw)).toBe(internetChecksum(b, 0, b.length));
      }));
  });

  it('32-bit incremental update equals a full recompute', () => {
    fc.assert(fc.property(
      fc.uint8Array({ minLength: 8, maxLength: 40 }).filter((b) => b.length % 2 === 0),
      fc.integer({ min: 0, max: 0xffffffff }),
      (raw, nv) => {
        const b = raw.slice();
        b[0] = b[0]! | 0x40;
        const c = internetChecksum(b, 0, b.length);
        const old = ((b[4]! << 24) | (b[5]! << 16) | (b[6]! << 8) | b[7]!) >>> 0;
        b[4] = nv >>> 24; b[5] = (nv >>> 16) & 0xff; b[6] = (nv >>> 8) & 0xff; b[7] = nv & 0xff;
        expect(checksumUpdate32(c, old, nv)).toBe(internetChecksum(b, 0, b.length));
      }));
  });

  it('pseudo-header sum and fold', () => {
    expect(fold(0x1ffff)).toBe(1);
    expect(fold(0xffff)).toBe(0xffff);
    // 10.0.1.1 → 10.0.2.2, UDP, length 14: the value veth carried in the checksum field of a
    // locally sent datagram (CHECKSUM_PARTIAL), see wire-vectors.test.ts.
    expect(pseudoHeaderSum(0x0a000101, 0x0a000202, 17, 14)).toBe(0x1722);
  });
});
