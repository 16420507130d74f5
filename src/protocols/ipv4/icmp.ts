// net/ipv4/icmp.c: answering echo requests (icmp_echo), sending errors (icmp_send) and handing
// ICMP to raw sockets (ping).
import type { Draft } from 'immer';
import type { Kctx } from '../../kernel/machine.ts';
import type { Device } from '../../kernel/types.ts';
import { sysctlInt } from '../../kernel/sysctl.ts';
import { ETH_HLEN } from '../wire/ethernet.ts';
import { IPV4_HLEN, IPPROTO_ICMP, ipv4Dst, ipv4HeaderLen, ipv4Src, ipv4TotalLength, ipv4Tos } from '../wire/ipv4.ts';
import { ICMP_DEST_UNREACH, ICMP_ECHO, ICMP_HOST_UNREACH, icmpEmit, icmpLength, icmpType, type IcmpRepr } from '../wire/icmp.ts';
import { ipv4IsLbcast, ipv4IsLoopback, ipv4IsMulticast } from '../wire/addr.ts';
import { NS_PER_MS } from '../../kernel/machine.ts';
import { ipRouteOutput, isLocalAddr } from './route.ts';
import { allocIpFrame, fillIpHeader, ipLocalOut } from './ip_output.ts';
import { rawV4Input } from './raw.ts';

/** Build and route an ICMP message from this namespace. */
function icmpPush(k: Kctx, nsId: number, dst: number, src: number | undefined, repr: IcmpRepr, tos: number): void {
  const ns = k.w.netns[nsId]!;
  let rt;
  try {
    rt = ipRouteOutput(ns, dst, { saddr: src });
  } catch {
    return;
  }
  const frame = allocIpFrame(icmpLength(repr));
  icmpEmit(repr, frame, ETH_HLEN + IPV4_HLEN);
  fillIpHeader(k, nsId, frame, { src: src ?? rt.src, dst, protocol: IPPROTO_ICMP, ttl: sysctlInt(ns, 'ipv4/ip_default_ttl'), tos, df: false });
  ipLocalOut(k, nsId, rt, frame);
}

/** icmp_rcv: `ip` is the offset of the IPv4 header in frame. */
export function icmpRcv(k: Kctx, nsId: number, _d: Draft<Device>, frame: Uint8Array, ip: number, brd: boolean): void {
  const hl = ipv4HeaderLen(frame, ip);
  const end = ip + ipv4TotalLength(frame, ip);
  const msg = frame.subarray(ip + hl, end);
  if (msg.length < 8) return;
  rawV4Input(k, nsId, frame.subarray(ip, end), IPPROTO_ICMP);
  if (icmpType(msg, 0) !== ICMP_ECHO) return;
  const ns = k.w.netns[nsId]!;
  if (sysctlInt(ns, 'ipv4/icmp_echo_ignore_all')) return;
  if (brd && sysctlInt(ns, 'ipv4/icmp_echo_ignore_broadcasts')) return;
  // icmp_echo → icmp_reply: same id, seq and data, from the address the request was sent to
  const reply = new Uint8Array(msg);
  reply[0] = 0;
  reply[2] = reply[3] = 0;
  const daddr = ipv4Dst(frame, ip);
  const src = brd || ipv4IsMulticast(daddr) || ipv4IsLbcast(daddr) ? undefined : daddr;
  const repr: IcmpRepr = { kind: 'echoReply', code: msg[1]!, id: (msg[4]! << 8) | msg[5]!, seq: (msg[6]! << 8) | msg[7]!, data: msg.subarray(8) };
  icmpPush(k, nsId, ipv4Src(frame, ip), src, repr, ipv4Tos(frame, ip));
}

/** XRLIM_BURST_FACTOR: a peer may receive this many limited errors in a row. */
const XRLIM_BURST_FACTOR = 6;

/** icmpv4_xrlim_allow → inet_peer_xrlim_allow: errors of the types in icmp_ratemask go to one
 *  destination at most once per icmp_ratelimit, with a burst of 6; never limited toward lo. */
function icmpv4XrlimAllow(k: Kctx, nsId: number, type: number, dst: number): boolean {
  const ns = k.w.netns[nsId]!;
  if (ipv4IsLoopback(dst) || isLocalAddr(ns, dst)) return true;
  if (!((sysctlInt(ns, 'ipv4/icmp_ratemask') >> type) & 1)) return true;
  const timeout = sysctlInt(ns, 'ipv4/icmp_ratelimit') * NS_PER_MS;
  if (timeout === 0) return true;
  const now = k.m.now;
  // a new peer starts with the whole burst
  const peer = (ns.icmpPeers[dst] ??= { tokens: XRLIM_BURST_FACTOR * timeout, last: now });
  let token = Math.min(peer.tokens + (now - peer.last), XRLIM_BURST_FACTOR * timeout);
  peer.last = now;
  const ok = token >= timeout;
  if (ok) token -= timeout;
  peer.tokens = token;
  return ok;
}

/** icmp_send: an error about the packet at `ip` in frame, back to its source. */
export function icmpSend(k: Kctx, nsId: number, frame: Uint8Array, ip: number, type: number, code: number, info = 0): void {
  const orig = frame.subarray(ip, ip + Math.min(ipv4TotalLength(frame, ip), 576 - 28));
  const src = ipv4Src(frame, ip);
  if (src === 0 || ipv4IsMulticast(src) || ipv4IsLbcast(src)) return;
  if (!icmpv4XrlimAllow(k, nsId, type, src)) return;
  const repr: IcmpRepr =
    type === ICMP_DEST_UNREACH
      ? { kind: 'destUnreachable', code, nextHopMtu: info, original: orig }
      : type === 11
        ? { kind: 'timeExceeded', code, original: orig }
        : { kind: 'redirect', code, gateway: info, original: orig };
  icmpPush(k, nsId, src, undefined, repr, 0xc0);
}

/** ipv4_link_failure: a packet whose next hop never resolved → host unreachable to its source. */
export function ipv4LinkFailure(k: Kctx, nsId: number, frame: Uint8Array): void {
  if (frame.length < ETH_HLEN + IPV4_HLEN) return;
  icmpSend(k, nsId, frame, ETH_HLEN, ICMP_DEST_UNREACH, ICMP_HOST_UNREACH);
}
