// The Internet checksum (RFC 1071) and its incremental update (RFC 1624).
//
// Sums are ones'-complement sums of big-endian 16-bit words, folded to 16 bits and NOT
// complemented; the checksum field holds the complement. A range of odd length is padded with
// a zero byte. To chain ranges (pseudo-header, then header, then payload), pass the previous
// sum as `sum`; every range but the last must have even length.

/** Folds a sum of 16-bit words (any non-negative integer below 2^53) to 16 bits. */
export function fold(sum: number): number {
  while (sum > 0xffffffff) sum = (sum % 0x10000) + Math.floor(sum / 0x10000);
  sum = (sum & 0xffff) + (sum >>> 16);
  return (sum & 0xffff) + (sum >>> 16);
}

/** Ones'-complement sum of `buf[start..end)`, folded, plus `sum`. */
export function onesSum(buf: Uint8Array, start: number, end: number, sum = 0): number {
  let s = sum;
  let i = start;
  const even = end - ((end - start) & 1);
  for (; i < even; i += 2) s += (buf[i]! << 8) | buf[i + 1]!;
  if (i < end) s += buf[i]! << 8;
  return fold(s);
}

/** The value for a checksum field: complement of the sum of `buf[start..end)` (plus `sum`). */
export function internetChecksum(buf: Uint8Array, start: number, end: number, sum = 0): number {
  return ~onesSum(buf, start, end, sum) & 0xffff;
}

/** True when a range that contains its own checksum field sums to 0xffff (RFC 1071 check). */
export function checksumVerifies(buf: Uint8Array, start: number, end: number, sum = 0): boolean {
  return onesSum(buf, start, end, sum) === 0xffff;
}

/** Sum of the IPv4 pseudo-header (src, dst, zero, protocol, length) used by UDP and TCP. */
export function pseudoHeaderSum(src: number, dst: number, protocol: number, length: number): number {
  return fold((src >>> 16) + (src & 0xffff) + (dst >>> 16) + (dst & 0xffff) + protocol + length);
}

/** RFC 1624 eqn. 3: the checksum after one 16-bit word of the summed data changes old → new. */
export function checksumUpdate16(check: number, oldWord: number, newWord: number): number {
  return ~fold((~check & 0xffff) + (~oldWord & 0xffff) + (newWord & 0xffff)) & 0xffff;
}

/** The same for a 32-bit field (an address) on a 16-bit boundary. */
export function checksumUpdate32(check: number, oldValue: number, newValue: number): number {
  return ~fold(
    (~check & 0xffff) +
      (~(oldValue >>> 16) & 0xffff) + (~oldValue & 0xffff) +
      (newValue >>> 16) + (newValue & 0xffff),
  ) & 0xffff;
}
