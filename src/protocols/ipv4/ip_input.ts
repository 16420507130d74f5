// net/ipv4/ip_input.c + ip_forward.c: ip_rcv (sanity checks), the input route, local delivery
// (ip_local_deliver → raw sockets and icmp_rcv), forwarding (TTL, a redirect when the sender
// could have gone straight to the next hop, then out via it) or ip_error (no route); with the
// SNMP counters each step keeps.
import type { Kctx } from '../../kernel/machine.ts';
import type { Device, Netns } from '../../kernel/types.ts';
import { ETH_HLEN } from '../wire/ethernet.ts';
import { ipv4ToText } from '../wire/addr.ts';
import { ktrace } from '../../kernel/trace.ts';
import { ipv4ChecksumValid, ipv4DecTtl, ipv4Dst, ipv4HeaderLen, ipv4Proto, ipv4Src, ipv4TotalLength, ipv4Ttl, ipv4Version, IPPROTO_ICMP, IPV4_HLEN } from '../wire/ipv4.ts';
import { ICMP_DEST_UNREACH, ICMP_EXC_TTL, ICMP_NET_UNREACH, ICMP_TIME_EXCEEDED } from '../wire/icmp.ts';
import type { PktType } from '../../devices/rx.ts';
import { ipRouteInput } from './route.ts';
import { icmpRcv, icmpSend } from './icmp.ts';
import { rawV4Input } from './raw.ts';
import { ipOutput } from './ip_output.ts';
import { nfHookIpv4 } from '../netfilter/nf_hook.ts';
import { nfCtMove } from '../netfilter/nf_conntrack_core.ts';
import { nfBridgeUpPort } from '../netfilter/x_tables.ts';
import { ipIncStats, ipUpdPoStats, netIncStats, IPSTATS_MIB, IPSTATS_PO } from './snmp.ts';
import { HZ, inetGetpeer, jiffies } from './inetpeer.ts';
import { ipRtSendRedirect, mkrouteInputDoRedirect } from './redirect.ts';
import { skbCopy } from '../../kernel/skbuff.ts';

/** IPSTATS_MIB_NOECTPKTS + the ECN field */
const ECN_STATS = [IPSTATS_MIB.InNoECTPkts, IPSTATS_MIB.InECT1Pkts, IPSTATS_MIB.InECT0Pkts, IPSTATS_MIB.InCEPkts];
/** ip_rt_error_cost, ip_rt_error_burst: ip_error answers a sender once a second, 5 in a row */
const IP_RT_ERROR_COST = HZ;
const IP_RT_ERROR_BURST = 5 * HZ;

/** ip_rcv_core's checks: an IPv4 header (counted by ECN codepoint) with a good checksum, and the
 *  length it claims present in the frame. */
function ipRcvCore(ns: Netns, frame: Uint8Array, ip: number): boolean {
  const len = frame.length - ip;
  if (len < IPV4_HLEN || ipv4Version(frame, ip) !== 4) return ipHdrError(ns);
  const hl = ipv4HeaderLen(frame, ip);
  if (hl < IPV4_HLEN) return ipHdrError(ns);
  ipIncStats(ns, ECN_STATS[frame[ip + 1]! & 3]!);
  if (len < hl) return ipHdrError(ns);
  if (!ipv4ChecksumValid(frame, ip)) {
    ipIncStats(ns, IPSTATS_MIB.InCsumErrors);
    return ipHdrError(ns);
  }
  const total = ipv4TotalLength(frame, ip);
  if (len < total) {
    ipIncStats(ns, IPSTATS_MIB.InTruncatedPkts);
    return false;
  }
  return total >= hl || ipHdrError(ns);
}

function ipHdrError(ns: Netns): false {
  ipIncStats(ns, IPSTATS_MIB.InHdrErrors);
  return false;
}

const LOOPED_BACK = { kind: 'local', brd: true } as const;

/** ip_rcv */
export function ipRcv(k: Kctx, nsId: number, d: Device, rxFrame: Uint8Array, pt: PktType): void {
  if (pt === 'otherhost') {
    if (k.m.tracer) ktrace(k, nsId, d.name, 'ip_rcv', rxFrame, undefined, `not for this host (PACKET_OTHERHOST on ${d.name})`);
    return;
  }
  const ip = ETH_HLEN;
  const ns = k.w.netns[nsId]!;
  ipUpdPoStats(ns, IPSTATS_PO.In, rxFrame.length - ip);
  if (k.m.tracer) ktrace(k, nsId, d.name, 'ip_rcv', rxFrame);
  if (!ipRcvCore(ns, rxFrame, ip)) {
    if (k.m.tracer) ktrace(k, nsId, d.name, 'ip_rcv_core', rxFrame, undefined, 'bad IPv4 header');
    return;
  }
  // PREROUTING: conntrack, and DNAT before the route is chosen; not again for a frame a bridge
  // passed up after br_netfilter ran it (ip_sabotage_in)
  const sabotaged = ns.nfHooks && nfBridgeUpPort(k, nsId, rxFrame, d) !== undefined;
  const frame = sabotaged || !ns.nfHooks ? rxFrame : nfHookIpv4(k, nsId, 'PREROUTING', rxFrame, ip, d);
  if (!frame) return;
  // a looped-back copy keeps the route it was sent by (a local broadcast): no input lookup,
  // which would call its source, one of ours, a martian
  const v = pt === 'loopback' ? LOOPED_BACK : ipRouteInput(ns, ipv4Dst(frame, ip), ipv4Src(frame, ip), d, k.m.now);
  if (k.m.tracer) traceRouteInput(k, nsId, d, frame, ip, v);
  switch (v.kind) {
    case 'drop':
      // ip_error on a device that does not forward: EHOSTUNREACH, counted only
      if (v.reason === 'noforward') ipIncStats(ns, IPSTATS_MIB.InAddrErrors);
      else if (v.reason === 'rpfilter') netIncStats(ns, 'IPReversePathFilter');
      return;
    case 'unreachable':
      ipError(k, nsId, frame, ip, v.code);
      return;
    case 'local': {
      if (v.brd) ipUpdPoStats(ns, IPSTATS_PO.InBcast, ipv4TotalLength(frame, ip));
      const f = ns.nfHooks ? nfHookIpv4(k, nsId, 'INPUT', frame, ip, d) : frame;
      if (f) ipLocalDeliver(k, nsId, d, f, ip, v.brd);
      return;
    }
    case 'forward': {
      // ip_forward: TTL expiry answers with time exceeded; otherwise decrement and send on
      if (ipv4Ttl(frame, ip) <= 1) {
        if (k.m.tracer) ktrace(k, nsId, d.name, 'ip_forward', frame, undefined, `time to live exceeded (ttl ${ipv4Ttl(frame, ip)})`);
        ipIncStats(ns, IPSTATS_MIB.InHdrErrors);
        icmpSend(k, nsId, frame, ip, ICMP_TIME_EXCEEDED, ICMP_EXC_TTL);
        return;
      }
      ipIncStats(ns, IPSTATS_MIB.ForwDatagrams);
      const out = skbCopy(frame);
      if (ns.nfHooks) nfCtMove(k, frame, out);
      ipv4DecTtl(out, ip);
      // the sender could reach the next hop itself: tell it so, and forward all the same
      if (mkrouteInputDoRedirect(ns, d, ipv4Src(frame, ip), v.route)) ipRtSendRedirect(k, nsId, out, ip, v.route);
      if (!nfHookIpv4(k, nsId, 'FORWARD', out, ip, d, k.w.netns[nsId]!.devs[v.route.dev])) return;
      ipOutput(k, nsId, v.route, out);
      return;
    }
  }
}

const DROP_REASON: Record<string, (src: string, dev: string) => string> = {
  martian: (src, dev) => `martian source ${src} on ${dev}`,
  noroute: () => 'fib lookup: no route',
  noforward: (_src, dev) => `not for this host, and ${dev} does not forward (net.ipv4.conf.${dev}.forwarding=0)`,
  rpfilter: (src, dev) => `rp_filter: the reverse path to ${src} is not through ${dev}`,
};

/** The input route's verdict, for the trace. */
function traceRouteInput(k: Kctx, nsId: number, d: Device, frame: Uint8Array, ip: number, v: ReturnType<typeof ipRouteInput>): void {
  const src = ipv4ToText(ipv4Src(frame, ip));
  if (v.kind === 'drop') ktrace(k, nsId, d.name, 'ip_route_input', frame, undefined, DROP_REASON[v.reason]!(src, d.name));
  else if (v.kind === 'unreachable') ktrace(k, nsId, d.name, 'ip_route_input', frame, `unreachable (ICMP code ${v.code})`, 'fib lookup: route of an unreachable type');
  else if (v.kind === 'local') ktrace(k, nsId, d.name, 'ip_route_input', frame, v.brd ? 'local broadcast' : 'local');
  else ktrace(k, nsId, d.name, 'ip_route_input', frame, `forward to ${k.w.netns[nsId]!.devs[v.route.dev]?.name ?? v.route.dev}${v.route.nexthop !== ipv4Dst(frame, ip) ? ` via ${ipv4ToText(v.route.nexthop)}` : ''}`);
}

/** ip_error on a forwarding device: the sender hears of it (net unreachable is counted) at most
 *  once a second, 5 in a row — a budget kept in the inet_peer that icmp_send's limit draws on too. */
function ipError(k: Kctx, nsId: number, frame: Uint8Array, ip: number, code: number): void {
  const ns = k.w.netns[nsId]!;
  if (code === ICMP_NET_UNREACH) ipIncStats(ns, IPSTATS_MIB.InNoRoutes);
  const peer = inetGetpeer(k, nsId, ipv4Src(frame, ip));
  const now = jiffies(k);
  const tokens = Math.min(peer.rateTokens + (now - peer.rateLast), IP_RT_ERROR_BURST);
  peer.rateLast = now;
  const send = tokens >= IP_RT_ERROR_COST;
  peer.rateTokens = send ? tokens - IP_RT_ERROR_COST : tokens;
  if (send) icmpSend(k, nsId, frame, ip, ICMP_DEST_UNREACH, code);
}

/** ip_local_deliver_finish → ip_protocol_deliver_rcu: raw sockets get their copy, then the
 *  protocol's handler; a protocol nsemu has none for counts as delivered when a raw socket took it. */
function ipLocalDeliver(k: Kctx, nsId: number, d: Device, frame: Uint8Array, ip: number, brd: boolean): void {
  const proto = ipv4Proto(frame, ip);
  if (k.m.tracer) ktrace(k, nsId, d.name, 'ip_local_deliver', frame);
  const raw = rawV4Input(k, nsId, frame.subarray(ip, ip + ipv4TotalLength(frame, ip)), proto);
  if (proto === IPPROTO_ICMP) icmpRcv(k, nsId, d, frame, ip, brd);
  else if (!raw) return;
  ipIncStats(k.w.netns[nsId]!, IPSTATS_MIB.InDelivers);
}
