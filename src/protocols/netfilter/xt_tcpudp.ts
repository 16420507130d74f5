// net/netfilter/xt_tcpudp.c: the tcp match (source/destination port ranges, the flag byte under
// a mask, a TCP option kind) and the udp match (port ranges). Fragments after the first never
// match; a header too short to read drops the packet (hotdrop), as does a TCP fragment at
// offset 1 (it could rewrite the flags of the first).
import type { NfMatch } from '../../kernel/types.ts';
import { ipv4FragOffset, ipv4HeaderLen, ipv4TotalLength } from '../wire/ipv4.ts';
import { TCP_HLEN, tcpDoff, tcpDstPort, tcpFlags, tcpSrcPort } from '../wire/tcp.ts';
import { UDP_HLEN, udpDstPort, udpSrcPort } from '../wire/udp.ts';
import type { XtPkt } from './x_tables.ts';

export const XT_TCP_INV_SRCPT = 0x01;
export const XT_TCP_INV_DSTPT = 0x02;
export const XT_TCP_INV_FLAGS = 0x04;
export const XT_TCP_INV_OPTION = 0x08;
export const XT_UDP_INV_SRCPT = 0x01;
export const XT_UDP_INV_DSTPT = 0x02;

type TcpMatch = Extract<NfMatch, { name: 'tcp' }>;
type UdpMatch = Extract<NfMatch, { name: 'udp' }>;

const portMatch = (range: [number, number], port: number, invert: boolean): boolean => (port >= range[0] && port <= range[1]) !== invert;

/** par->thoff and the end of the datagram (skb->len), or null for a non-first fragment. */
function transport(p: XtPkt): { thoff: number; end: number } | null {
  const { frame, ip } = p;
  if (ipv4FragOffset(frame, ip) !== 0) return null;
  return { thoff: ip + ipv4HeaderLen(frame, ip), end: Math.min(frame.length, ip + ipv4TotalLength(frame, ip)) };
}

/** tcp_find_option: walk the options (kinds 0 and 1 are one byte, others carry a length). */
function tcpFindOption(frame: Uint8Array, from: number, optlen: number, option: number, invert: boolean): boolean {
  for (let i = 0; i < optlen; ) {
    const kind = frame[from + i]!;
    if (kind === option) return !invert;
    i += kind < 2 ? 1 : frame[from + i + 1] || 1;
  }
  return invert;
}

export function tcpMt(p: XtPkt, m: TcpMatch): boolean {
  const t = transport(p);
  if (!t) {
    if (ipv4FragOffset(p.frame, p.ip) === 1) p.hotdrop = true;
    return false;
  }
  const { frame } = p;
  if (t.thoff + TCP_HLEN > t.end) {
    p.hotdrop = true;
    return false;
  }
  if (!portMatch(m.spts, tcpSrcPort(frame, t.thoff), (m.invflags & XT_TCP_INV_SRCPT) !== 0)) return false;
  if (!portMatch(m.dpts, tcpDstPort(frame, t.thoff), (m.invflags & XT_TCP_INV_DSTPT) !== 0)) return false;
  if (((tcpFlags(frame, t.thoff) & m.flgMask) === m.flgCmp) === ((m.invflags & XT_TCP_INV_FLAGS) !== 0)) return false;
  if (m.option) {
    const doff = tcpDoff(frame, t.thoff);
    const optlen = doff - TCP_HLEN;
    if (doff < TCP_HLEN || t.thoff + doff > t.end) {
      p.hotdrop = true;
      return false;
    }
    if (!tcpFindOption(frame, t.thoff + TCP_HLEN, optlen, m.option, (m.invflags & XT_TCP_INV_OPTION) !== 0)) return false;
  }
  return true;
}

export function udpMt(p: XtPkt, m: UdpMatch): boolean {
  const t = transport(p);
  if (!t) return false;
  if (t.thoff + UDP_HLEN > t.end) {
    p.hotdrop = true;
    return false;
  }
  return portMatch(m.spts, udpSrcPort(p.frame, t.thoff), (m.invflags & XT_UDP_INV_SRCPT) !== 0) && portMatch(m.dpts, udpDstPort(p.frame, t.thoff), (m.invflags & XT_UDP_INV_DSTPT) !== 0);
}
