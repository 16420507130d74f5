// IPv4 header (RFC 791). parse checks what ip_rcv_core checks (version 4, IHL >= 5, the header
// and total length inside the buffer, total length >= header) and reports the header checksum
// as a flag; the payload view ends at total length (Ethernet padding is left out).
import { need, place, WireError } from './error.ts';
import { ipv4Read, ipv4Write } from './addr.ts';
import { checksumUpdate16, checksumUpdate32, checksumVerifies, internetChecksum } from './checksum.ts';

export const IPV4_HLEN = 20;
export const IPV4_MAX_OPTIONS = 40;
export const IPPROTO_ICMP = 1;
export const IPPROTO_TCP = 6;
export const IPPROTO_UDP = 17;

export interface Ipv4Repr {
  tos: number; // DSCP << 2 | ECN
  id: number;
  dontFrag: boolean;
  moreFrags: boolean;
  fragOffset: number; // in 8-byte units, as on the wire (0..8191)
  ttl: number;
  protocol: number;
  src: number;
  dst: number;
  options: Uint8Array; // 0..40 bytes, a multiple of 4 (a view on parse)
  payload: Uint8Array; // a view on parse
}

export interface Ipv4Parsed extends Ipv4Repr {
  checksumValid: boolean;
}

export function ipv4HeaderLength(repr: Ipv4Repr): number {
  return IPV4_HLEN + repr.options.length;
}

export function ipv4Length(repr: Ipv4Repr): number {
  return IPV4_HLEN + repr.options.length + repr.payload.length;
}

export function ipv4Parse(buf: Uint8Array, off = 0): Ipv4Parsed {
  need(buf, off, IPV4_HLEN, 'ipv4');
  const vihl = buf[off]!;
  if (vihl >> 4 !== 4) throw new WireError('malformed', `ipv4: version ${vihl >> 4}`);
  const hl = (vihl & 15) * 4;
  if (hl < IPV4_HLEN) throw new WireError('malformed', `ipv4: header length ${hl}`);
  need(buf, off, hl, 'ipv4 header');
  const total = (buf[off + 2]! << 8) | buf[off + 3]!;
  if (total < hl) throw new WireError('malformed', `ipv4: total length ${total} < header ${hl}`);
  need(buf, off, total, 'ipv4 total length');
  const frag = (buf[off + 6]! << 8) | buf[off + 7]!;
  return {
    tos: buf[off + 1]!,
    id: (buf[off + 4]! << 8) | buf[off + 5]!,
    dontFrag: (frag & 0x4000) !== 0,
    moreFrags: (frag & 0x2000) !== 0,
    fragOffset: frag & 0x1fff,
    ttl: buf[off + 8]!,
    protocol: buf[off + 9]!,
    src: ipv4Read(buf, off + 12),
    dst: ipv4Read(buf, off + 16),
    options: buf.subarray(off + IPV4_HLEN, off + hl),
    payload: buf.subarray(off + hl, off + total),
    checksumValid: checksumVerifies(buf, off, off + hl),
  };
}

/** Writes header (checksum computed) and payload; returns total length. */
export function ipv4Emit(repr: Ipv4Repr, buf: Uint8Array, off = 0): number {
  const ol = repr.options.length;
  if (ol % 4 !== 0 || ol > IPV4_MAX_OPTIONS) {
    throw new WireError('malformed', `ipv4: options length ${ol} (must be a multiple of 4, at most 40)`);
  }
  const hl = IPV4_HLEN + ol;
  const total = hl + repr.payload.length;
  if (total > 0xffff) throw new WireError('malformed', `ipv4: total length ${total} > 65535`);
  need(buf, off, total, 'ipv4 emit');
  buf[off] = 0x40 | (hl >> 2);
  buf[off + 1] = repr.tos & 0xff;
  buf[off + 2] = total >> 8;
  buf[off + 3] = total & 0xff;
  buf[off + 4] = (repr.id >> 8) & 0xff;
  buf[off + 5] = repr.id & 0xff;
  const frag = (repr.dontFrag ? 0x4000 : 0) | (repr.moreFrags ? 0x2000 : 0) | (repr.fragOffset & 0x1fff);
  buf[off + 6] = frag >> 8;
  buf[off + 7] = frag & 0xff;
  buf[off + 8] = repr.ttl & 0xff;
  buf[off + 9] = repr.protocol & 0xff;
  buf[off + 10] = 0;
  buf[off + 11] = 0;
  ipv4Write(buf, off + 12, repr.src);
  ipv4Write(buf, off + 16, repr.dst);
  place(repr.options, buf, off + IPV4_HLEN);
  const c = internetChecksum(buf, off, off + hl);
  buf[off + 10] = c >> 8;
  buf[off + 11] = c & 0xff;
  place(repr.payload, buf, off + hl);
  return total;
}

// ---- accessors: read and write the header in place. The caller has checked the header is
// there (ipv4HeaderOk, or a parse earlier on the same bytes).

/** The checks ipv4Parse makes, without building a Repr (checksum not included). */
export function ipv4HeaderOk(buf: Uint8Array, off = 0, end = buf.length): boolean {
  if (off < 0 || off + IPV4_HLEN > end) return false;
  const vihl = buf[off]!;
  const hl = (vihl & 15) * 4;
  const total = (buf[off + 2]! << 8) | buf[off + 3]!;
  return vihl >> 4 === 4 && hl >= IPV4_HLEN && total >= hl && off + total <= end;
}

export const ipv4Version = (buf: Uint8Array, off = 0): number => buf[off]! >> 4;
/** Header length in bytes (IHL * 4): where the payload starts. */
export const ipv4HeaderLen = (buf: Uint8Array, off = 0): number => (buf[off]! & 15) * 4;
export const ipv4Tos = (buf: Uint8Array, off = 0): number => buf[off + 1]!;
export const ipv4TotalLength = (buf: Uint8Array, off = 0): number => (buf[off + 2]! << 8) | buf[off + 3]!;
export const ipv4Id = (buf: Uint8Array, off = 0): number => (buf[off + 4]! << 8) | buf[off + 5]!;
export const ipv4Df = (buf: Uint8Array, off = 0): boolean => (buf[off + 6]! & 0x40) !== 0;
export const ipv4Mf = (buf: Uint8Array, off = 0): boolean => (buf[off + 6]! & 0x20) !== 0;
/** Fragment offset in 8-byte units. */
export const ipv4FragOffset = (buf: Uint8Array, off = 0): number => ((buf[off + 6]! & 0x1f) << 8) | buf[off + 7]!;
/** MF set or offset non-zero (`ip_is_fragment`). */
export const ipv4IsFragment = (buf: Uint8Array, off = 0): boolean => ((buf[off + 6]! & 0x3f) | buf[off + 7]!) !== 0;
export const ipv4Ttl = (buf: Uint8Array, off = 0): number => buf[off + 8]!;
export const ipv4Proto = (buf: Uint8Array, off = 0): number => buf[off + 9]!;
export const ipv4Checksum = (buf: Uint8Array, off = 0): number => (buf[off + 10]! << 8) | buf[off + 11]!;
export const ipv4Src = (buf: Uint8Array, off = 0): number => ipv4Read(buf, off + 12);
export const ipv4Dst = (buf: Uint8Array, off = 0): number => ipv4Read(buf, off + 16);

export function ipv4ChecksumValid(buf: Uint8Array, off = 0): boolean {
  return checksumVerifies(buf, off, off + ipv4HeaderLen(buf, off));
}

function setCheck(buf: Uint8Array, off: number, c: number): void {
  buf[off + 10] = c >> 8;
  buf[off + 11] = c & 0xff;
}

/** Sets TTL and updates the header checksum incrementally (RFC 1624), as `ip_decrease_ttl`. */
export function ipv4SetTtl(buf: Uint8Array, off: number, ttl: number): void {
  const proto = buf[off + 9]!;
  const old = (buf[off + 8]! << 8) | proto;
  buf[off + 8] = ttl & 0xff;
  setCheck(buf, off, checksumUpdate16(ipv4Checksum(buf, off), old, ((ttl & 0xff) << 8) | proto));
}

/** TTL - 1 with the checksum updated; returns the new TTL. Caller checks TTL > 1 first. */
export function ipv4DecTtl(buf: Uint8Array, off = 0): number {
  const ttl = (buf[off + 8]! - 1) & 0xff;
  ipv4SetTtl(buf, off, ttl);
  return ttl;
}

export function ipv4SetTos(buf: Uint8Array, off: number, tos: number): void {
  const old = (buf[off]! << 8) | buf[off + 1]!;
  buf[off + 1] = tos & 0xff;
  setCheck(buf, off, checksumUpdate16(ipv4Checksum(buf, off), old, (buf[off]! << 8) | (tos & 0xff)));
}

/** Rewrite the source address with an incremental checksum update (NAT). Transport checksums
 * that cover the pseudo-header (UDP, TCP) need their own checksumUpdate32. */
export function ipv4SetSrc(buf: Uint8Array, off: number, a: number): void {
  const old = ipv4Src(buf, off);
  ipv4Write(buf, off + 12, a);
  setCheck(buf, off, checksumUpdate32(ipv4Checksum(buf, off), old, a >>> 0));
}

export function ipv4SetDst(buf: Uint8Array, off: number, a: number): void {
  const old = ipv4Dst(buf, off);
  ipv4Write(buf, off + 16, a);
  setCheck(buf, off, checksumUpdate32(ipv4Checksum(buf, off), old, a >>> 0));
}
