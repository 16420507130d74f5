// net/netfilter/nf_conntrack_core.c: nf_conntrack_in (find the packet's flow or start an
// unconfirmed one, and say how the packet relates to it: ctinfo), nf_conntrack_confirm (insert
// the flow into the namespace's table once its first packet has made it through), expiry in
// virtual time. The hooks run only in namespaces where a rule needs conntrack (nf_ct_netns_get).
import type { Kctx } from '../../kernel/machine.ts';
import { NS_PER_SEC } from '../../kernel/machine.ts';
import type { CtEntry, CtTuple, Netns } from '../../kernel/types.ts';
import { ipv4Dst, ipv4HeaderLen, ipv4Proto, ipv4Src, IPPROTO_ICMP } from '../wire/ipv4.ts';
import { ICMP_CT_TIMEOUT, icmpInvertTuple, icmpIsError, icmpIsNew, icmpPktToTuple } from './nf_conntrack_proto_icmp.ts';

/** enum ip_conntrack_info */
export const IP_CT_ESTABLISHED = 0;
export const IP_CT_RELATED = 1;
export const IP_CT_NEW = 2;
export const IP_CT_IS_REPLY = 3;
export const IP_CT_ESTABLISHED_REPLY = 3;
export const IP_CT_RELATED_REPLY = 4;

/** enum ip_conntrack_status bits */
export const IPS_SEEN_REPLY = 1 << 1;
export const IPS_CONFIRMED = 1 << 3;
export const IPS_SRC_NAT = 1 << 4;
export const IPS_DST_NAT = 1 << 5;
export const IPS_NAT_MASK = IPS_SRC_NAT | IPS_DST_NAT;
export const IPS_SRC_NAT_DONE = 1 << 7;
export const IPS_DST_NAT_DONE = 1 << 8;

/** nf_ct_generic_timeout: every protocol without a tracker of its own */
const GENERIC_TIMEOUT = 600 * NS_PER_SEC;

type AnyNs = Netns | Netns;

/** What a packet carries of conntrack (skb->_nfct): the entry — confirmed (by id) or still
 *  unconfirmed (`fresh`, inserted by nf_conntrack_confirm) — and the ctinfo (IP_CT_*). */
export interface SkbNfct {
  ns: number;
  ctinfo: number;
  id: number;
  fresh?: CtEntry;
}

/** skb->_nfct: the frame carries its conntrack reference itself (a property of the frame's
 *  object, as the kernel keeps it in the sk_buff); a copy of the frame starts without one
 *  (nfCtMove hands it over), and so do a fork's copies of frames in flight. */
const NFCT = Symbol('skb->_nfct');
type Skb = Uint8Array & { [NFCT]?: SkbNfct };
const skbGet = (frame: Uint8Array): SkbNfct | undefined => (frame as Skb)[NFCT];
const skbSet = (frame: Uint8Array, c: SkbNfct): void => void ((frame as Skb)[NFCT] = c);

export function tupleKey(t: CtTuple): string {
  return `${t.proto}/${t.src}/${t.dst}/${t.sport}/${t.dport}`;
}

export function tupleEqual(a: CtTuple, b: CtTuple): boolean {
  return a.proto === b.proto && a.src === b.src && a.dst === b.dst && a.sport === b.sport && a.dport === b.dport;
}

/** nf_ct_invert_tuple */
export function invertTuple(t: CtTuple): CtTuple | undefined {
  if (t.proto === IPPROTO_ICMP) return icmpInvertTuple(t);
  return { src: t.dst, dst: t.src, proto: t.proto, sport: t.dport, dport: t.sport };
}

/** nf_ct_get_tuple for the IPv4 header at `ip`. Protocols without a tracker are keyed by address
 *  and protocol only (nf_conntrack_proto_generic). */
export function pktToTuple(frame: Uint8Array, ip: number): CtTuple {
  const src = ipv4Src(frame, ip);
  const dst = ipv4Dst(frame, ip);
  const proto = ipv4Proto(frame, ip);
  if (proto === IPPROTO_ICMP) return icmpPktToTuple(frame, ip + ipv4HeaderLen(frame, ip), src, dst);
  return { src, dst, proto, sport: 0, dport: 0 };
}

function timeoutOf(proto: number): number {
  return proto === IPPROTO_ICMP ? ICMP_CT_TIMEOUT : GENERIC_TIMEOUT;
}

/** nf_ct_delete: out of the table and its hash. */
export function ctDelete(ns: Netns, id: number): void {
  const e = ns.ct.entries[id];
  if (!e) return;
  delete ns.ct.hash[tupleKey(e.orig)];
  delete ns.ct.hash[tupleKey(e.reply)];
  delete ns.ct.entries[id];
}

/** The table's live entries in id order, after reaping the expired ones (the gc worker). */
export function ctLive(ns: Netns, now: number): CtEntry[] {
  const out: CtEntry[] = [];
  for (const e of Object.values(ns.ct.entries)) {
    if (e.expires <= now) ctDelete(ns, e.id);
    else out.push(e);
  }
  return out;
}

/** __nf_conntrack_find_get: the live flow a tuple belongs to, and in which direction. */
export function ctFind(ns: Netns, now: number, t: CtTuple): { e: CtEntry; dir: 0 | 1 } | undefined {
  const h = ns.ct.hash[tupleKey(t)];
  if (h === undefined) return undefined;
  const e = ns.ct.entries[h >> 1];
  if (!e) return undefined;
  if (e.expires <= now) {
    ctDelete(ns, e.id);
    return undefined;
  }
  return { e, dir: (h & 1) as 0 | 1 };
}

/** The packet's conntrack reference in this namespace (nf_ct_get), if it has one. */
export function nfCtGet(k: Kctx, nsId: number, frame: Uint8Array): { c: SkbNfct; e: CtEntry | CtEntry } | undefined {
  const c = skbGet(frame);
  if (!c || c.ns !== nsId) return undefined;
  const e = c.fresh ?? k.w.netns[nsId]?.ct.entries[c.id];
  return e ? { c, e } : undefined;
}

/** nf_conntrack_in: attach the packet to its flow (ICMP errors to the flow they quote). A packet
 *  that fits no flow and cannot start one stays without conntrack: `-m state` calls it INVALID. */
export function nfConntrackIn(k: Kctx, nsId: number, frame: Uint8Array, ip: number): void {
  const ns = k.w.netns[nsId]!;
  if (ns.ct.users === 0) return;
  // looped back locally: it still carries the flow it was sent with
  if (skbGet(frame)?.ns === nsId) return;
  const now = k.m.now;
  const t = pktToTuple(frame, ip);
  if (t.proto === IPPROTO_ICMP && icmpIsError(t.dport >> 8)) {
    // nf_conntrack_inet_error: the quoted header's tuple, inverted, is the flow's
    const inner = ip + ipv4HeaderLen(frame, ip) + 8;
    if (frame.length < inner + 20 + 8) return;
    const quoted = invertTuple(pktToTuple(frame, inner));
    const f = quoted && ctFind(ns, now, quoted);
    if (f) skbSet(frame, { ns: nsId, id: f.e.id, ctinfo: f.dir ? IP_CT_RELATED_REPLY : IP_CT_RELATED });
    return;
  }
  const f = ctFind(ns, now, t);
  if (f) {
    let ctinfo: number;
    if (f.dir === 1) {
      ctinfo = IP_CT_ESTABLISHED_REPLY;
      f.e.status |= IPS_SEEN_REPLY;
    } else ctinfo = f.e.status & IPS_SEEN_REPLY ? IP_CT_ESTABLISHED : IP_CT_NEW;
    f.e.expires = now + timeoutOf(t.proto);
    skbSet(frame, { ns: nsId, id: f.e.id, ctinfo });
    return;
  }
  if (t.proto === IPPROTO_ICMP && !icmpIsNew(t.dport >> 8)) return;
  const reply = invertTuple(t);
  if (!reply) return;
  const fresh: CtEntry = { id: 0, orig: t, reply, status: 0, expires: now + timeoutOf(t.proto) };
  skbSet(frame, { ns: nsId, id: 0, ctinfo: IP_CT_NEW, fresh });
}

/** __nf_conntrack_confirm: the first packet made it through; its flow enters the table. */
export function nfConntrackConfirm(k: Kctx, nsId: number, frame: Uint8Array): void {
  const c = skbGet(frame);
  if (!c?.fresh || c.ns !== nsId) return;
  const ns = k.w.netns[nsId]!;
  const e = c.fresh;
  c.fresh = undefined;
  // nf_ct_resolve_clash: a flow confirmed meanwhile with the same tuple wins
  if (ns.ct.hash[tupleKey(e.orig)] !== undefined || ns.ct.hash[tupleKey(e.reply)] !== undefined) return;
  e.id = ns.ct.nextId++;
  e.status |= IPS_CONFIRMED;
  ns.ct.entries[e.id] = e;
  ns.ct.hash[tupleKey(e.orig)] = e.id * 2;
  ns.ct.hash[tupleKey(e.reply)] = e.id * 2 + 1;
  c.id = e.id;
}

/** Hand the packet's conntrack reference to a copy of it (the skb was cloned or unshared). */
export function nfCtMove(k: Kctx, from: Uint8Array, to: Uint8Array): void {
  const c = skbGet(from);
  if (c) skbSet(to, c);
}

/** Is the tuple already some flow's reply (nf_conntrack_tuple_taken, for NAT's unique tuple)? */
export function ctTupleTaken(ns: AnyNs, reply: CtTuple): boolean {
  return ns.ct.hash[tupleKey(reply)] !== undefined;
}
