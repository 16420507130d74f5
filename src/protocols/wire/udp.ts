// UDP (RFC 768) over IPv4: the checksum covers the pseudo-header, so parse and emit take the
// IPv4 source and destination. A zero checksum means "none" and is valid; a computed 0 is sent
// as 0xffff. The payload view ends at the UDP length (bytes after it are ignored, as udp_rcv
// trims them); a length past the buffer is `truncated`, below 8 `malformed`.
import { need, place, WireError } from './error.ts';
import { checksumVerifies, internetChecksum, pseudoHeaderSum } from './checksum.ts';

export const UDP_HLEN = 8;
const IPPROTO_UDP = 17;

export interface UdpRepr {
  srcPort: number;
  dstPort: number;
  payload: Uint8Array; // a view on parse
}

export interface UdpParsed extends UdpRepr {
  checksumValid: boolean;
}

export function udpLength(repr: UdpRepr): number {
  return UDP_HLEN + repr.payload.length;
}

export function udpParse(buf: Uint8Array, off: number, src: number, dst: number): UdpParsed {
  need(buf, off, UDP_HLEN, 'udp');
  const len = (buf[off + 4]! << 8) | buf[off + 5]!;
  if (len < UDP_HLEN) throw new WireError('malformed', `udp: length ${len} < 8`);
  need(buf, off, len, 'udp length');
  return {
    srcPort: (buf[off]! << 8) | buf[off + 1]!,
    dstPort: (buf[off + 2]! << 8) | buf[off + 3]!,
    payload: buf.subarray(off + UDP_HLEN, off + len),
    checksumValid: udpChecksumValid(buf, off, src, dst),
  };
}

/** Writes header and payload with the checksum computed; returns the UDP length. */
export function udpEmit(repr: UdpRepr, buf: Uint8Array, off: number, src: number, dst: number): number {
  const len = UDP_HLEN + repr.payload.length;
  if (len > 0xffff) throw new WireError('malformed', `udp: length ${len} > 65535`);
  need(buf, off, len, 'udp emit');
  buf[off] = (repr.srcPort >> 8) & 0xff;
  buf[off + 1] = repr.srcPort & 0xff;
  buf[off + 2] = (repr.dstPort >> 8) & 0xff;
  buf[off + 3] = repr.dstPort & 0xff;
  buf[off + 4] = len >> 8;
  buf[off + 5] = len & 0xff;
  buf[off + 6] = 0;
  buf[off + 7] = 0;
  place(repr.payload, buf, off + UDP_HLEN);
  const c = internetChecksum(buf, off, off + len, pseudoHeaderSum(src, dst, IPPROTO_UDP, len)) || 0xffff;
  buf[off + 6] = c >> 8;
  buf[off + 7] = c & 0xff;
  return len;
}

// ---- accessors (caller has checked 8 bytes are there)
export const udpSrcPort = (buf: Uint8Array, off = 0): number => (buf[off]! << 8) | buf[off + 1]!;
export const udpDstPort = (buf: Uint8Array, off = 0): number => (buf[off + 2]! << 8) | buf[off + 3]!;
export const udpLen = (buf: Uint8Array, off = 0): number => (buf[off + 4]! << 8) | buf[off + 5]!;
export const udpChecksum = (buf: Uint8Array, off = 0): number => (buf[off + 6]! << 8) | buf[off + 7]!;

/** Checksum zero (none) or verifying over pseudo-header + the UDP length field's bytes. */
export function udpChecksumValid(buf: Uint8Array, off: number, src: number, dst: number): boolean {
  if (udpChecksum(buf, off) === 0) return true;
  const len = udpLen(buf, off);
  return checksumVerifies(buf, off, off + len, pseudoHeaderSum(src, dst, IPPROTO_UDP, len));
}
