// ICMP for IPv4 (RFC 792): echo, destination unreachable, redirect, time exceeded; any other
// type is kept as `other` with its 4 "rest of header" bytes. The checksum covers the whole
// message: computed on emit, reported as a flag on parse. A message is `len` bytes from `off`
// (by default to the end of `buf`, which is right for the payload view of ipv4Parse).
import { need, place, WireError } from './error.ts';
import { ipv4Read, ipv4Write } from './addr.ts';
import { checksumVerifies, internetChecksum } from './checksum.ts';

export const ICMP_HLEN = 8;
export const ICMP_ECHOREPLY = 0;
export const ICMP_DEST_UNREACH = 3;
export const ICMP_SOURCE_QUENCH = 4;
export const ICMP_REDIRECT = 5;
export const ICMP_ECHO = 8;
export const ICMP_TIME_EXCEEDED = 11;
export const ICMP_PARAMETERPROB = 12;
export const ICMP_TIMESTAMP = 13;
export const ICMP_ADDRESS = 17;
export const ICMP_ADDRESSREPLY = 18;
/** the highest type the kernel knows */
export const NR_ICMP_TYPES = 18;
// destination unreachable codes
export const ICMP_NET_UNREACH = 0;
export const ICMP_HOST_UNREACH = 1;
export const ICMP_PROT_UNREACH = 2;
export const ICMP_PORT_UNREACH = 3;
export const ICMP_FRAG_NEEDED = 4;
export const ICMP_SR_FAILED = 5;
export const ICMP_NET_UNKNOWN = 6;
export const ICMP_HOST_UNKNOWN = 7;
export const ICMP_NET_ANO = 9;
export const ICMP_HOST_ANO = 10;
export const ICMP_PKT_FILTERED = 13;
// redirect codes
export const ICMP_REDIR_NET = 0;
export const ICMP_REDIR_HOST = 1;
// time exceeded codes
export const ICMP_EXC_TTL = 0;
export const ICMP_EXC_FRAGTIME = 1;

export type IcmpRepr =
  | { kind: 'echoRequest' | 'echoReply'; code: number; id: number; seq: number; data: Uint8Array }
  /** bytes 4..5 are zero; 6..7 carry the next-hop MTU for code 4 (frag needed), else 0. */
  | { kind: 'destUnreachable'; code: number; nextHopMtu: number; original: Uint8Array }
  | { kind: 'timeExceeded'; code: number; original: Uint8Array }
  | { kind: 'redirect'; code: number; gateway: number; original: Uint8Array }
  /** any other type (never 0, 3, 5, 8, 11); `rest` is header bytes 4..7 as a uint32. */
  | { kind: 'other'; type: number; code: number; rest: number; data: Uint8Array };

export type IcmpParsed = IcmpRepr & { checksumValid: boolean };

function body(repr: IcmpRepr): Uint8Array {
  switch (repr.kind) {
    case 'echoRequest':
    case 'echoReply':
    case 'other':
      return repr.data;
    default:
      return repr.original;
  }
}

export function icmpLength(repr: IcmpRepr): number {
  return ICMP_HLEN + body(repr).length;
}

export function icmpParse(buf: Uint8Array, off = 0, len = buf.length - off): IcmpParsed {
  need(buf, off, ICMP_HLEN, 'icmp');
  need(buf, off, len, 'icmp');
  if (len < ICMP_HLEN) throw new WireError('truncated', `icmp: message length ${len} < 8`);
  const end = off + len;
  const type = buf[off]!;
  const code = buf[off + 1]!;
  const rest = buf.subarray(off + ICMP_HLEN, end);
  const checksumValid = checksumVerifies(buf, off, end);
  const w1 = (buf[off + 4]! << 8) | buf[off + 5]!;
  const w2 = (buf[off + 6]! << 8) | buf[off + 7]!;
  switch (type) {
    case ICMP_ECHO:
    case ICMP_ECHOREPLY:
      return { kind: type === ICMP_ECHO ? 'echoRequest' : 'echoReply', code, id: w1, seq: w2, data: rest, checksumValid };
    case ICMP_DEST_UNREACH:
      return { kind: 'destUnreachable', code, nextHopMtu: w2, original: rest, checksumValid };
    case ICMP_TIME_EXCEEDED:
      return { kind: 'timeExceeded', code, original: rest, checksumValid };
    case ICMP_REDIRECT:
      return { kind: 'redirect', code, gateway: ipv4Read(buf, off + 4), original: rest, checksumValid };
    default:
      return { kind: 'other', type, code, rest: ipv4Read(buf, off + 4), data: rest, checksumValid };
  }
}

/** Writes the message (checksum computed); returns its length. */
export function icmpEmit(repr: IcmpRepr, buf: Uint8Array, off = 0): number {
  const data = body(repr);
  const len = ICMP_HLEN + data.length;
  need(buf, off, len, 'icmp emit');
  let type: number;
  let r = 0; // bytes 4..7
  switch (repr.kind) {
    case 'echoRequest':
    case 'echoReply':
      type = repr.kind === 'echoRequest' ? ICMP_ECHO : ICMP_ECHOREPLY;
      r = (((repr.id & 0xffff) << 16) | (repr.seq & 0xffff)) >>> 0;
      break;
    case 'destUnreachable':
      type = ICMP_DEST_UNREACH;
      r = repr.nextHopMtu & 0xffff;
      break;
    case 'timeExceeded':
      type = ICMP_TIME_EXCEEDED;
      break;
    case 'redirect':
      type = ICMP_REDIRECT;
      r = repr.gateway;
      break;
    case 'other':
      type = repr.type;
      r = repr.rest;
      break;
  }
  buf[off] = type & 0xff;
  buf[off + 1] = repr.code & 0xff;
  buf[off + 2] = 0;
  buf[off + 3] = 0;
  ipv4Write(buf, off + 4, r);
  place(data, buf, off + ICMP_HLEN);
  const c = internetChecksum(buf, off, off + len);
  buf[off + 2] = c >> 8;
  buf[off + 3] = c & 0xff;
  return len;
}

// ---- accessors (caller has checked 8 bytes are there)
export const icmpType = (buf: Uint8Array, off = 0): number => buf[off]!;
export const icmpCode = (buf: Uint8Array, off = 0): number => buf[off + 1]!;
export const icmpChecksum = (buf: Uint8Array, off = 0): number => (buf[off + 2]! << 8) | buf[off + 3]!;
export const icmpEchoId = (buf: Uint8Array, off = 0): number => (buf[off + 4]! << 8) | buf[off + 5]!;
export const icmpEchoSeq = (buf: Uint8Array, off = 0): number => (buf[off + 6]! << 8) | buf[off + 7]!;
export const icmpGateway = (buf: Uint8Array, off = 0): number => ipv4Read(buf, off + 4);
export function icmpChecksumValid(buf: Uint8Array, off = 0, len = buf.length - off): boolean {
  return checksumVerifies(buf, off, off + len);
}
/** Where the quoted datagram of an error starts (and the echo data). */
export const ICMP_DATA_OFF = ICMP_HLEN;
