// net/netfilter/nf_nat_core.c (+ nf_nat_proto.c): NAT binds a flow's source (SNAT, MASQUERADE)
// or destination (DNAT) on its first packet (nf_nat_setup_info); every later packet of the flow,
// either way, is rewritten from the stored tuples (nf_nat_packet), and ICMP errors about the
// flow have their quoted packet rewritten too (nf_nat_icmp_reply_translation).
import type { Kctx } from '../../kernel/machine.ts';
import type { CtEntry, CtTuple, Netns } from '../../kernel/types.ts';
import { checksumUpdate16, internetChecksum } from '../wire/checksum.ts';
import { ipv4HeaderLen, ipv4Proto, ipv4SetDst, ipv4SetSrc, ipv4TotalLength, IPPROTO_ICMP } from '../wire/ipv4.ts';
import { ICMP_REDIRECT } from '../wire/icmp.ts';
import { ctTupleTaken, invertTuple, IP_CT_IS_REPLY, IP_CT_RELATED, IP_CT_RELATED_REPLY, IPS_DST_NAT, IPS_DST_NAT_DONE, IPS_NAT_MASK, IPS_SRC_NAT, IPS_SRC_NAT_DONE, nfCtMove, tupleEqual } from './nf_conntrack_core.ts';
import { icmpIsError } from './nf_conntrack_proto_icmp.ts';
import { skbCopy } from '../../kernel/skbuff.ts';

export type NatManip = 'SRC' | 'DST';

/** An address range to map to (nf_nat_range2 for IPv4 without ports); random: --random. */
export interface NatRange {
  min: number;
  max: number;
  random?: boolean;
}

const rol32 = (x: number, r: number): number => ((x << r) | (x >>> (32 - r))) >>> 0;

/** jhash2 (include/linux/jhash.h) over 32-bit words. */
function jhash2(k: number[], initval: number): number {
  let a = (0xdeadbeef + (k.length << 2) + initval) >>> 0;
  let b = a;
  let c = a;
  let i = 0;
  let len = k.length;
  for (; len > 3; len -= 3, i += 3) {
    a = (a + k[i]!) >>> 0;
    b = (b + k[i + 1]!) >>> 0;
    c = (c + k[i + 2]!) >>> 0;
    a = ((a - c) ^ rol32(c, 4)) >>> 0; c = (c + b) >>> 0;
    b = ((b - a) ^ rol32(a, 6)) >>> 0; a = (a + c) >>> 0;
    c = ((c - b) ^ rol32(b, 8)) >>> 0; b = (b + a) >>> 0;
    a = ((a - c) ^ rol32(c, 16)) >>> 0; c = (c + b) >>> 0;
    b = ((b - a) ^ rol32(a, 19)) >>> 0; a = (a + c) >>> 0;
    c = ((c - b) ^ rol32(b, 4)) >>> 0; b = (b + a) >>> 0;
  }
  if (len === 0) return c;
  if (len >= 3) c = (c + k[i + 2]!) >>> 0;
  if (len >= 2) b = (b + k[i + 1]!) >>> 0;
  a = (a + k[i]!) >>> 0;
  c = ((c ^ b) - rol32(b, 14)) >>> 0;
  a = ((a ^ c) - rol32(c, 11)) >>> 0;
  b = ((b ^ a) - rol32(a, 25)) >>> 0;
  c = ((c ^ b) - rol32(b, 16)) >>> 0;
  a = ((a ^ c) - rol32(c, 4)) >>> 0;
  b = ((b ^ a) - rol32(a, 14)) >>> 0;
  c = ((c ^ b) - rol32(b, 24)) >>> 0;
  return c;
}

/** An IPv4 address as the kernel's u32 of its network-order bytes on a little-endian machine. */
const asLe32 = (a: number): number => (((a & 0xff) << 24) | ((a & 0xff00) << 8) | ((a >>> 8) & 0xff00) | (a >>> 24)) >>> 0;

/** find_best_ips_proto: one address of the range, chosen by a hash of the flow's addresses, so
 *  one client keeps one address. */
function bestIp(t: CtTuple, manip: NatManip, r: NatRange): number {
  if (r.min === r.max) return r.min;
  const own = manip === 'SRC' ? t.src : t.dst;
  // jhash2 over the whole nf_inet_addr (4 words, IPv4 in the first), seeded with the other
  // address, then reciprocal_scale onto the range
  const j = jhash2([asLe32(own), 0, 0, 0], asLe32(t.dst));
  const dist = (r.max - r.min + 1) >>> 0;
  return (r.min + Math.floor((j * dist) / 2 ** 32)) >>> 0;
}

/** find_appropriate_src: another flow from the same source address and id, already mapped into
 *  the range, lends its mapping (address and id) to `t`. */
function findAppropriateSrc(ns: Netns | Netns, cur: CtTuple, r: NatRange, t: CtTuple): boolean {
  for (const e of Object.values(ns.ct.entries)) {
    if (!(e.status & IPS_SRC_NAT) || e.orig.proto !== cur.proto || e.orig.src !== cur.src || e.orig.sport !== cur.sport) continue;
    const mapped = e.reply.dst;
    if (mapped < r.min || mapped > r.max) continue;
    t.src = mapped;
    t.sport = invertTuple(e.reply)!.sport;
    return true;
  }
  return false;
}

/** nf_nat_initialized */
export function natInitialized(e: CtEntry | CtEntry, manip: NatManip): boolean {
  return (e.status & (manip === 'SRC' ? IPS_SRC_NAT_DONE : IPS_DST_NAT_DONE)) !== 0;
}

/** nf_nat_setup_info: bind the flow's source or destination into `range` (undefined: the null
 *  binding, nothing changes). An ICMP id already used by another flow's reply is moved. */
export function nfNatSetupInfo(k: Kctx, nsId: number, e: CtEntry | CtEntry, manip: NatManip, range: NatRange | undefined): void {
  if (natInitialized(e, manip)) return;
  // the tuple as the packet will look after the manips so far
  const cur = invertTuple(e.reply)!;
  if (range) {
    const ns = k.w.netns[nsId]!;
    const t: CtTuple = { ...cur };
    const own = manip === 'SRC' ? cur.src : cur.dst;
    if (manip === 'SRC' && !range.random && own >= range.min && own <= range.max) {
      // get_unique_tuple: a source already in the range stays as it is
    } else if (manip === 'SRC' && !range.random && findAppropriateSrc(ns, cur, range, t)) {
      // this source and id already have a mapping: flows from one client keep one address
    } else if (manip === 'SRC') t.src = bestIp(cur, manip, range);
    else t.dst = bestIp(cur, manip, range);
    const taken = (x: CtTuple): boolean => ctTupleTaken(ns, invertTuple(x)!);
    if (t.proto === IPPROTO_ICMP && (range.random || taken(t))) {
      // nf_nat_l4proto_unique_tuple: from a random offset (source manips), the first free id
      let off = manip === 'SRC' || range.random ? Math.floor(k.m.random(k.w) * 65536) : 0;
      for (let i = 0; i < 128; i++, off++) {
        t.sport = off & 0xffff;
        if (!taken(t)) break;
      }
    }
    if (!tupleEqual(t, cur)) {
      e.reply = invertTuple(t)!;
      e.status |= manip === 'SRC' ? IPS_SRC_NAT : IPS_DST_NAT;
    }
  }
  e.status |= manip === 'SRC' ? IPS_SRC_NAT_DONE : IPS_DST_NAT_DONE;
}

/** nf_nat_ipv4_manip_pkt: the header at `ip` (and an ICMP query's id) takes the tuple's source
 *  or destination. */
function manipPkt(frame: Uint8Array, ip: number, target: CtTuple, manip: NatManip, l4: boolean): void {
  if (manip === 'SRC') ipv4SetSrc(frame, ip, target.src);
  else ipv4SetDst(frame, ip, target.dst);
  if (!l4 || ipv4Proto(frame, ip) !== IPPROTO_ICMP) return;
  const o = ip + ipv4HeaderLen(frame, ip);
  if (frame.length < o + 8 || icmpIsError(frame[o]!)) return;
  // icmp_manip_pkt: the id is the tuple's "source port", whichever side is mapped
  const old = (frame[o + 4]! << 8) | frame[o + 5]!;
  const sum = checksumUpdate16((frame[o + 2]! << 8) | frame[o + 3]!, old, target.sport);
  frame[o + 2] = sum >> 8;
  frame[o + 3] = sum & 0xff;
  frame[o + 4] = target.sport >> 8;
  frame[o + 5] = target.sport & 0xff;
}

/** nf_nat_icmp_reply_translation: an ICMP error about the flow. The quoted packet is made to look
 *  like what the other side sent, the ICMP checksum redone, then the outer header translated. */
function icmpReplyTranslation(e: CtEntry | CtEntry, dir: 0 | 1, manip: NatManip, frame: Uint8Array, ip: number): void {
  const l4 = ip + ipv4HeaderLen(frame, ip);
  const other = dir === 0 ? e.reply : e.orig;
  manipPkt(frame, l4 + 8, other, manip === 'SRC' ? 'DST' : 'SRC', true);
  const end = ip + ipv4TotalLength(frame, ip);
  frame[l4 + 2] = frame[l4 + 3] = 0;
  const sum = internetChecksum(frame, l4, end);
  frame[l4 + 2] = sum >> 8;
  frame[l4 + 3] = sum & 0xff;
  const target = invertTuple(other)!;
  manipPkt(frame, ip, { ...target, proto: IPPROTO_ICMP }, manip, false);
}

/** nf_nat_packet (+ the ICMP error case of nf_nat_ipv4_fn): the packet rewritten for its flow's
 *  bindings, in a copy of the frame (the original may be shared with taps or other ports);
 *  null when it must be dropped. */
export function nfNatPacket(k: Kctx, e: CtEntry | CtEntry, ctinfo: number, manip: NatManip, frame: Uint8Array, ip: number): Uint8Array | null {
  const dir: 0 | 1 = ctinfo >= IP_CT_IS_REPLY ? 1 : 0;
  const related = (ctinfo === IP_CT_RELATED || ctinfo === IP_CT_RELATED_REPLY) && ipv4Proto(frame, ip) === IPPROTO_ICMP;
  // a redirect through a NAT would make the two sides talk past it
  const done = IPS_SRC_NAT_DONE | IPS_DST_NAT_DONE;
  if (related && frame[ip + ipv4HeaderLen(frame, ip)] === ICMP_REDIRECT && ((e.status & done) !== done || (e.status & IPS_NAT_MASK) !== 0)) return null;
  let statusbit = manip === 'SRC' ? IPS_SRC_NAT : IPS_DST_NAT;
  if (dir === 1) statusbit ^= IPS_NAT_MASK;
  if (!(e.status & statusbit)) return frame;
  const out = skbCopy(frame);
  nfCtMove(k, frame, out);
  if (related) icmpReplyTranslation(e, dir, manip, out, ip);
  else manipPkt(out, ip, invertTuple(dir === 0 ? e.reply : e.orig)!, manip, true);
  return out;
}
