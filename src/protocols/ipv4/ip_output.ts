// net/ipv4/ip_output.c: build the IPv4 header of a local packet and send it toward its next
// hop (ip_local_out → ip_output → ip_finish_output2 → the neighbour layer).
import type { Kctx } from '../../kernel/machine.ts';
import { ktrace } from '../../kernel/trace.ts';
import { ipv4ToText } from '../wire/addr.ts';
import type { Device } from '../../kernel/types.ts';
import { ETH_HLEN, ETH_P_IP } from '../wire/ethernet.ts';
import { ipv4Dst, ipv4Emit, ipv4Proto, ipv4TotalLength, IPV4_HLEN, IPPROTO_ICMP } from '../wire/ipv4.ts';
import { fillEthHeader, devQueueXmit, neighKey, neighOutput } from '../neighbour.ts';
import { ipRouteOutput, type OutRoute } from './route.ts';
import { nfHookIpv4 } from '../netfilter/nf_hook.ts';
import { icmpOutCount, ipIncStats, ipUpdPoStats, IPSTATS_MIB, IPSTATS_PO } from './snmp.ts';
import { allocSkb, skbCopy } from '../../kernel/skbuff.ts';
import { devLoopbackXmit } from '../../devices/rx.ts';
import { nfCtMove } from '../netfilter/nf_conntrack_core.ts';

/** Options of the headers nsemu builds: none (shared, never written). */
const NO_OPTIONS = new Uint8Array(0);

/** A frame with room for the Ethernet header, the IPv4 header and `payloadLen` bytes. */
export function allocIpFrame(payloadLen: number): Uint8Array {
  const f = allocSkb(ETH_HLEN + IPV4_HLEN + payloadLen);
  f[12] = ETH_P_IP >> 8;
  f[13] = ETH_P_IP & 0xff;
  return f;
}

/** The next IP id of a namespace (the kernel's ip_idents are per destination and random-seeded). */
export function nextIpId(k: Kctx, nsId: number): number {
  const ns = k.w.netns[nsId]!;
  if (ns.ipId === 0) ns.ipId = 1 + Math.floor(k.m.random(k.w) * 0xfffe);
  ns.ipId = (ns.ipId + 1) & 0xffff;
  return ns.ipId;
}

export interface IpHeaderOpts {
  src: number;
  dst: number;
  protocol: number;
  ttl: number;
  tos?: number;
  df: boolean;
  id?: number;
}

/** Fill the IPv4 header of a frame made by allocIpFrame (payload already in place). */
export function fillIpHeader(k: Kctx, nsId: number, frame: Uint8Array, o: IpHeaderOpts): void {
  const payload = frame.subarray(ETH_HLEN + IPV4_HLEN);
  ipv4Emit(
    {
      tos: o.tos ?? 0,
      id: o.id ?? (o.df ? 0 : nextIpId(k, nsId)),
      dontFrag: o.df,
      moreFrags: false,
      fragOffset: 0,
      ttl: o.ttl,
      protocol: o.protocol,
      src: o.src,
      dst: o.dst,
      options: NO_OPTIONS,
      payload,
    },
    frame,
    ETH_HLEN,
  );
}

/** ip_push_pending_frames: a socket's datagram is made (__ip_make_skb counts the ICMP message
 *  in it) and sent (ip_send_skb). */
export function ipPushPendingFrames(k: Kctx, nsId: number, rt: OutRoute, frame: Uint8Array): boolean {
  if (ipv4Proto(frame, ETH_HLEN) === IPPROTO_ICMP) icmpOutCount(k.w.netns[nsId]!, frame[ETH_HLEN + IPV4_HLEN]!);
  return ipLocalOut(k, nsId, rt, frame);
}

/** ip_local_out: a locally generated packet passes the OUTPUT hook, then goes out. False when
 *  the hook dropped it: sendmsg then fails with EPERM. */
export function ipLocalOut(k: Kctx, nsId: number, rt: OutRoute, frame: Uint8Array): boolean {
  const ns = k.w.netns[nsId]!;
  ipIncStats(ns, IPSTATS_MIB.OutRequests);
  const dst = ipv4Dst(frame, ETH_HLEN);
  // NF_HOOK: with no table and no conntrack user in the namespace, no hook is registered
  const f = ns.nfHooks ? nfHookIpv4(k, nsId, 'OUTPUT', frame, ETH_HLEN, undefined, ns.devs[rt.dev]) : frame;
  if (!f) {
    // the hook's verdict is ip_send_skb's error
    ipIncStats(ns, IPSTATS_MIB.OutDiscards);
    return false;
  }
  let route = rt;
  if (ipv4Dst(f, ETH_HLEN) !== dst) {
    // ip_route_me_harder: DNAT in OUTPUT changed the destination; route it again
    try {
      route = ipRouteOutput(ns, ipv4Dst(f, ETH_HLEN));
    } catch {
      return true;
    }
  }
  ipOutput(k, nsId, route, f);
  return true;
}

/** ip_finish_output2: local, broadcast or via the neighbour of the next hop. */
export function ipOutput(k: Kctx, nsId: number, rt: OutRoute, skb: Uint8Array): void {
  const ns = k.w.netns[nsId]!;
  const d = ns.devs[rt.dev];
  if (!d) return;
  if (k.m.tracer) ktrace(k, nsId, d.name, 'ip_output', skb, `${rt.type}${rt.nexthop !== ipv4Dst(skb, ETH_HLEN) ? ` via ${ipv4ToText(rt.nexthop)}` : ''} dev ${d.name}`);
  // ip_output's POSTROUTING: SNAT/MASQUERADE, then conntrack confirms the flow
  const frame = ns.nfHooks ? nfHookIpv4(k, nsId, 'POSTROUTING', skb, ETH_HLEN, undefined, d, rt.nexthop) : skb;
  if (!frame) return;
  const len = ipv4TotalLength(frame, ETH_HLEN);
  if (rt.type === 'multicast') ipUpdPoStats(ns, IPSTATS_PO.OutMcast, len);
  else if (rt.type === 'broadcast') ipUpdPoStats(ns, IPSTATS_PO.OutBcast, len);
  ipUpdPoStats(ns, IPSTATS_PO.Out, len);
  // ip_mc_output: the host hears its own broadcasts (a copy sharing the packet's conntrack)
  if (rt.type === 'broadcast' && d.kind !== 'loopback') {
    const copy = skbCopy(frame);
    if (ns.nfHooks) nfCtMove(k, frame, copy);
    devLoopbackXmit(k, d, copy);
  }
  if (d.kind === 'loopback') {
    // __ipv4_neigh_lookup_noref keys loopback neighbours by 0.0.0.0: one NOARP entry appears
    const key = neighKey(d.ifindex, 0);
    if (!ns.neigh.has(key)) ns.neigh.set(key, { ip: 0, dev: d.ifindex, lladdr: '00:00:00:00:00:00', state: 'NOARP', probes: 0, confirmed: k.m.now, updated: k.m.now, used: k.m.now, timerGen: 0 });
    fillEthHeader(frame, '00:00:00:00:00:00', '00:00:00:00:00:00');
    devQueueXmit(k, nsId, d, frame);
    return;
  }
  if (rt.type === 'broadcast' || rt.type === 'multicast') {
    fillEthHeader(frame, 'ff:ff:ff:ff:ff:ff', d.mac);
    devQueueXmit(k, nsId, d, frame);
    return;
  }
  neighOutput(k, nsId, d as Device, rt.nexthop, frame);
}
