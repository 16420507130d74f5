// net/ipv4/icmp.c: receiving ICMP (icmp_rcv: echo requests answered by icmp_echo, redirects
// handed to the sockets that care, errors checked), and sending errors (icmp_send) with the
// per-host rate limit (icmpv4_xrlim_allow). The SNMP counters are counted where icmp.c does.
import type { Kctx } from '../../kernel/machine.ts';
import { ktrace } from '../../kernel/trace.ts';
import { ipv4ToText } from '../wire/addr.ts';
import type { Device, Netns } from '../../kernel/types.ts';
import { sysctlInt } from '../../kernel/sysctl.ts';
import { ETH_HLEN } from '../wire/ethernet.ts';
import { IPV4_HLEN, IPPROTO_ICMP, ipv4Dst, ipv4HeaderLen, ipv4Proto, ipv4Src, ipv4TotalLength, ipv4Tos } from '../wire/ipv4.ts';
import {
  ICMP_ADDRESS,
  ICMP_ADDRESSREPLY,
  ICMP_DEST_UNREACH,
  ICMP_ECHO,
  ICMP_ECHOREPLY,
  ICMP_FRAG_NEEDED,
  ICMP_HLEN,
  ICMP_HOST_UNREACH,
  ICMP_PARAMETERPROB,
  ICMP_REDIRECT,
  ICMP_SOURCE_QUENCH,
  ICMP_TIME_EXCEEDED,
  ICMP_TIMESTAMP,
  NR_ICMP_TYPES,
  icmpChecksumValid,
  icmpEmit,
  icmpLength,
  type IcmpRepr,
} from '../wire/icmp.ts';
import { ipv4IsLbcast, ipv4IsMulticast } from '../wire/addr.ts';
import { ipRouteOutput, isLocalAddr, type OutRoute } from './route.ts';
import { allocIpFrame, fillIpHeader, ipPushPendingFrames } from './ip_output.ts';
import { rawIcmpError } from './raw.ts';
import { icmpIncStats, icmpMsgInIncStats, ICMP_MIB } from './snmp.ts';
import { inetGetpeer, inetPeerXrlimAllow, msecsToJiffies } from './inetpeer.ts';
import { ipv4SkRedirect } from './redirect.ts';

type Ns = Netns;

/** icmp_pointers[].error: the types that are errors (an unknown type is taken for one too). */
function icmpIsError(type: number): boolean {
  return type > NR_ICMP_TYPES || [1, 2, 3, 4, 5, 6, 7, 9, 10, 11, 12].includes(type);
}

/** icmpv4_mask_allow: types outside icmp_ratemask (and "fragmentation needed") are not limited. */
function icmpv4MaskAllow(ns: Ns, type: number, code: number): boolean {
  if (type > NR_ICMP_TYPES) return true;
  if (type === ICMP_DEST_UNREACH && code === ICMP_FRAG_NEEDED) return true;
  return !((sysctlInt(ns, 'ipv4/icmp_ratemask') >> type) & 1);
}

/** icmpv4_xrlim_allow: a limited message goes to one host at most once per icmp_ratelimit, with
 *  a burst of 6 (inet_peer_xrlim_allow); never limited through lo. */
function icmpv4XrlimAllow(k: Kctx, nsId: number, rt: OutRoute, dst: number): boolean {
  const ns = k.w.netns[nsId]!;
  if (ns.devs[rt.dev]?.kind === 'loopback') return true;
  if (inetPeerXrlimAllow(k, inetGetpeer(k, nsId, dst), msecsToJiffies(sysctlInt(ns, 'ipv4/icmp_ratelimit')))) return true;
  icmpIncStats(ns, ICMP_MIB.OutRateLimitHost);
  return false;
}

/** icmp_push_reply: route an ICMP message from this namespace (`limited`: subject to the rate
 *  limit), build it and send it as the ICMP socket does. */
function icmpPush(k: Kctx, nsId: number, dst: number, src: number | undefined, repr: IcmpRepr, tos: number, limited: boolean): void {
  const ns = k.w.netns[nsId]!;
  let rt: OutRoute;
  try {
    rt = ipRouteOutput(ns, dst, { saddr: src, now: k.m.now });
  } catch {
    return;
  }
  if (limited && !icmpv4XrlimAllow(k, nsId, rt, dst)) return;
  const frame = allocIpFrame(icmpLength(repr));
  icmpEmit(repr, frame, ETH_HLEN + IPV4_HLEN);
  fillIpHeader(k, nsId, frame, { src: src ?? rt.src, dst, protocol: IPPROTO_ICMP, ttl: sysctlInt(ns, 'ipv4/ip_default_ttl'), tos, df: false });
  ipPushPendingFrames(k, nsId, rt, frame);
}

/** icmp_rcv: `ip` is the offset of the IPv4 header in frame; raw sockets have had their copy. */
export function icmpRcv(k: Kctx, nsId: number, d: Device, frame: Uint8Array, ip: number, brd: boolean): void {
  const ns = k.w.netns[nsId]!;
  const msg = frame.subarray(ip + ipv4HeaderLen(frame, ip), ip + ipv4TotalLength(frame, ip));
  icmpIncStats(ns, ICMP_MIB.InMsgs);
  if (!icmpChecksumValid(msg)) {
    icmpIncStats(ns, ICMP_MIB.InCsumErrors);
    icmpIncStats(ns, ICMP_MIB.InErrors);
    return;
  }
  if (msg.length < ICMP_HLEN) return icmpIncStats(ns, ICMP_MIB.InErrors);
  const type = msg[0]!;
  if (k.m.tracer) ktrace(k, nsId, d.name, 'icmp_rcv', frame, `type ${type} code ${msg[1]}`);
  icmpMsgInIncStats(ns, type);
  if (brd) {
    // RFC 1122: echo and timestamp requests to a broadcast may be ignored, the rest must be
    const request = type === ICMP_ECHO || type === ICMP_TIMESTAMP;
    if (request ? sysctlInt(ns, 'ipv4/icmp_echo_ignore_broadcasts') : type !== ICMP_ADDRESS && type !== ICMP_ADDRESSREPLY) return icmpIncStats(ns, ICMP_MIB.InErrors);
  }
  // echo replies are for ping's datagram sockets (ping_rcv); nsemu's ping reads a raw one
  if (type === ICMP_ECHOREPLY) return;
  if (type > NR_ICMP_TYPES) return icmpIncStats(ns, ICMP_MIB.InErrors);
  switch (type) {
    case ICMP_ECHO:
      return icmpEcho(k, nsId, frame, ip, msg, brd);
    case ICMP_REDIRECT:
      return icmpRedirect(k, nsId, d, frame, ip, msg);
    case ICMP_DEST_UNREACH:
    case ICMP_SOURCE_QUENCH:
    case ICMP_TIME_EXCEEDED:
    case ICMP_PARAMETERPROB:
      return icmpUnreach(ns, msg);
  }
}

/** The quoted packet must show an IP header and 8 bytes of what it carried (icmp_unreach,
 *  icmp_redirect, icmp_socket_deliver). */
function quoteOk(msg: Uint8Array): boolean {
  const inner = msg.subarray(ICMP_HLEN);
  return inner.length >= IPV4_HLEN && (inner[0]! & 0x0f) >= 5 && inner.length >= ipv4HeaderLen(inner, 0) + 8;
}

/** icmp_unreach: the sockets that care (ping's raw one) have their copy; a bad quote is an error. */
function icmpUnreach(ns: Ns, msg: Uint8Array): void {
  if (!quoteOk(msg)) icmpIncStats(ns, ICMP_MIB.InErrors);
}

/** icmp_redirect → icmp_socket_deliver → raw_icmp_error: every raw socket of the quoted
 *  protocol applies the redirect (raw_err → ipv4_sk_redirect). */
function icmpRedirect(k: Kctx, nsId: number, d: Device, frame: Uint8Array, ip: number, msg: Uint8Array): void {
  if (!quoteOk(msg)) return icmpIncStats(k.w.netns[nsId]!, ICMP_MIB.InErrors);
  for (const sock of rawIcmpError(k, nsId, ipv4Proto(msg, ICMP_HLEN), d.ifindex)) ipv4SkRedirect(k, nsId, d, frame, ip, sock.bindDev);
}

/** icmp_echo → icmp_reply: same id, seq and data, from the address the request was sent to. */
function icmpEcho(k: Kctx, nsId: number, frame: Uint8Array, ip: number, msg: Uint8Array, brd: boolean): void {
  if (sysctlInt(k.w.netns[nsId]!, 'ipv4/icmp_echo_ignore_all')) return;
  const daddr = ipv4Dst(frame, ip);
  const src = brd || ipv4IsMulticast(daddr) || ipv4IsLbcast(daddr) ? undefined : daddr;
  const repr: IcmpRepr = { kind: 'echoReply', code: msg[1]!, id: (msg[4]! << 8) | msg[5]!, seq: (msg[6]! << 8) | msg[7]!, data: msg.subarray(8) };
  icmpPush(k, nsId, ipv4Src(frame, ip), src, repr, ipv4Tos(frame, ip), false);
}

/** icmp_send: an error about the packet at `ip` in frame, back to its source. */
export function icmpSend(k: Kctx, nsId: number, frame: Uint8Array, ip: number, type: number, code: number, info = 0): void {
  const src = ipv4Src(frame, ip);
  if (src === 0 || ipv4IsMulticast(src) || ipv4IsLbcast(src)) return;
  // never an error about an ICMP error
  if (ipv4Proto(frame, ip) === IPPROTO_ICMP) {
    const inner = frame[ip + ipv4HeaderLen(frame, ip)];
    if (inner === undefined || icmpIsError(inner)) return;
  }
  if (k.m.tracer) ktrace(k, nsId, undefined, 'icmp_send', frame, `type ${type} code ${code} to ${ipv4ToText(src)}`);
  const orig = frame.subarray(ip, ip + Math.min(ipv4TotalLength(frame, ip), 576 - 28));
  const repr: IcmpRepr =
    type === ICMP_DEST_UNREACH
      ? { kind: 'destUnreachable', code, nextHopMtu: info, original: orig }
      : type === ICMP_TIME_EXCEEDED
        ? { kind: 'timeExceeded', code, original: orig }
        : { kind: 'redirect', code, gateway: info, original: orig };
  // an error's TOS: the packet's, with precedence "internetwork control"
  const tos = (ipv4Tos(frame, ip) & 0x1e) | 0xc0;
  // __icmp_send: about a packet addressed to us (RTCF_LOCAL), the error comes from the address
  // it was sent to; otherwise the route back picks one
  const ns = k.w.netns[nsId]!;
  const dst = ipv4Dst(frame, ip);
  icmpPush(k, nsId, src, isLocalAddr(ns, dst) ? dst : undefined, repr, tos, !icmpv4MaskAllow(ns, type, code));
}

/** ipv4_link_failure: a packet whose next hop never resolved → host unreachable to its source. */
export function ipv4LinkFailure(k: Kctx, nsId: number, frame: Uint8Array): void {
  if (frame.length < ETH_HLEN + IPV4_HLEN) return;
  icmpSend(k, nsId, frame, ETH_HLEN, ICMP_DEST_UNREACH, ICMP_HOST_UNREACH);
}
