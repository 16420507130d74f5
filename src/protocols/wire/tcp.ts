// TCP (RFC 9293) header over IPv4: ports, sequence numbers, the data offset, the flag byte (CWR
// ECE URG ACK PSH RST SYN FIN, plus AE in the reserved nibble), window, urgent pointer and the
// raw option bytes. The checksum covers the IPv4 pseudo-header like UDP's. nsemu has no TCP
// stack: this module is what netfilter's tcp match and the LOG target read of a segment.
import { need, place, WireError } from './error.ts';
import { checksumVerifies, internetChecksum, pseudoHeaderSum } from './checksum.ts';

export const TCP_HLEN = 20;
const IPPROTO_TCP = 6;

export const TCP_FIN = 0x01;
export const TCP_SYN = 0x02;
export const TCP_RST = 0x04;
export const TCP_PSH = 0x08;
export const TCP_ACK = 0x10;
export const TCP_URG = 0x20;
export const TCP_ECE = 0x40;
export const TCP_CWR = 0x80;

export interface TcpRepr {
  srcPort: number;
  dstPort: number;
  seq: number;
  ack: number;
  /** byte 13: CWR ECE URG ACK PSH RST SYN FIN */
  flags: number;
  window: number;
  urgent: number;
  /** option bytes, a multiple of 4 long (at most 40) */
  options: Uint8Array;
  payload: Uint8Array;
}

export interface TcpParsed extends TcpRepr {
  checksumValid: boolean;
}

export function tcpLength(repr: TcpRepr): number {
  return TCP_HLEN + repr.options.length + repr.payload.length;
}

/** The segment at `off`, `len` bytes long (the IPv4 payload). */
export function tcpParse(buf: Uint8Array, off: number, len: number, src: number, dst: number): TcpParsed {
  need(buf, off, Math.max(len, TCP_HLEN), 'tcp');
  const doff = tcpDoff(buf, off);
  if (doff < TCP_HLEN || doff > len) throw new WireError('malformed', `tcp: data offset ${doff} outside 20..${len}`);
  return {
    srcPort: tcpSrcPort(buf, off),
    dstPort: tcpDstPort(buf, off),
    seq: tcpSeq(buf, off),
    ack: tcpAckSeq(buf, off),
    flags: tcpFlags(buf, off),
    window: tcpWindow(buf, off),
    urgent: tcpUrgPtr(buf, off),
    options: buf.subarray(off + TCP_HLEN, off + doff),
    payload: buf.subarray(off + doff, off + len),
    checksumValid: checksumVerifies(buf, off, off + len, pseudoHeaderSum(src, dst, IPPROTO_TCP, len)),
  };
}

/** Writes header, options and payload with the checksum computed; returns the segment length. */
export function tcpEmit(repr: TcpRepr, buf: Uint8Array, off: number, src: number, dst: number): number {
  if (repr.options.length % 4 !== 0 || repr.options.length > 40) throw new WireError('malformed', `tcp: ${repr.options.length} option bytes`);
  const doff = TCP_HLEN + repr.options.length;
  const len = doff + repr.payload.length;
  need(buf, off, len, 'tcp emit');
  const w16 = (at: number, v: number): void => {
    buf[at] = (v >> 8) & 0xff;
    buf[at + 1] = v & 0xff;
  };
  const w32 = (at: number, v: number): void => {
    w16(at, (v >>> 16) & 0xffff);
    w16(at + 2, v & 0xffff);
  };
  w16(off, repr.srcPort);
  w16(off + 2, repr.dstPort);
  w32(off + 4, repr.seq);
  w32(off + 8, repr.ack);
  buf[off + 12] = (doff / 4) << 4;
  buf[off + 13] = repr.flags & 0xff;
  w16(off + 14, repr.window);
  w16(off + 16, 0);
  w16(off + 18, repr.urgent);
  place(repr.options, buf, off + TCP_HLEN);
  place(repr.payload, buf, off + doff);
  w16(off + 16, internetChecksum(buf, off, off + len, pseudoHeaderSum(src, dst, IPPROTO_TCP, len)));
  return len;
}

// ---- accessors (caller has checked 20 bytes are there)
export const tcpSrcPort = (buf: Uint8Array, off = 0): number => (buf[off]! << 8) | buf[off + 1]!;
export const tcpDstPort = (buf: Uint8Array, off = 0): number => (buf[off + 2]! << 8) | buf[off + 3]!;
const u32 = (buf: Uint8Array, at: number): number => ((buf[at]! << 24) | (buf[at + 1]! << 16) | (buf[at + 2]! << 8) | buf[at + 3]!) >>> 0;
export const tcpSeq = (buf: Uint8Array, off = 0): number => u32(buf, off + 4);
export const tcpAckSeq = (buf: Uint8Array, off = 0): number => u32(buf, off + 8);
/** header length in bytes (doff * 4) */
export const tcpDoff = (buf: Uint8Array, off = 0): number => (buf[off + 12]! >> 4) * 4;
/** the reserved bits of the flag word (byte 12's low nibble; its lowest bit is AE) */
export const tcpReserved = (buf: Uint8Array, off = 0): number => buf[off + 12]! & 0x0f;
export const tcpFlags = (buf: Uint8Array, off = 0): number => buf[off + 13]!;
export const tcpWindow = (buf: Uint8Array, off = 0): number => (buf[off + 14]! << 8) | buf[off + 15]!;
export const tcpUrgPtr = (buf: Uint8Array, off = 0): number => (buf[off + 18]! << 8) | buf[off + 19]!;
