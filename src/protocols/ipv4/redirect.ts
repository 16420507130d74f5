// net/ipv4/route.c's ICMP redirects. A router that forwards a packet back out of the device it
// came in on, to a sender on that link, tells the sender the better next hop and still forwards
// (__mkroute_input's IPSKB_DOREDIRECT, ip_rt_send_redirect with its per-peer backoff). A host
// that hears it, while a socket of the quoted protocol is open, first resolves the new gateway;
// once that has an address, the redirect becomes a nexthop exception for the destination
// (__ip_do_redirect, update_or_create_fnhe) that output routes use until it expires.
import type { Kctx } from '../../kernel/machine.ts';
import { NS_PER_SEC } from '../../kernel/machine.ts';
import type { Device, Netns, Route } from '../../kernel/types.ts';
import { RT_TABLE } from '../../kernel/types.ts';
import { confAny, devInt, sysctlInt } from '../../kernel/sysctl.ts';
import { inPrefix, ipv4IsLbcast, ipv4IsMulticast, ipv4IsZeronet, ipv4Read } from '../wire/addr.ts';
import { ipv4Dst, ipv4HeaderLen, ipv4Src } from '../wire/ipv4.ts';
import { ICMP_HLEN, ICMP_REDIR_HOST, ICMP_REDIRECT } from '../wire/icmp.ts';
import { NUD_BIT, NUD_VALID, neighLookupCreate, neighStartResolve } from '../neighbour.ts';
import { fibLookup } from './fib.ts';
import { ipRouteOutput, type OutRoute } from './route.ts';
import { icmpSend } from './icmp.ts';
import { HZ, inetGetpeer, jiffies } from './inetpeer.ts';

/** ip_rt_redirect_number: after this many unheeded redirects a peer gets no more… */
const REDIRECT_NUMBER = 9;
/** …ip_rt_redirect_load (20 ms) apart, doubling each time… */
const REDIRECT_LOAD = HZ / 50;
/** …until it has sent nothing that needed one for ip_rt_redirect_silence (load << 10). */
const REDIRECT_SILENCE = REDIRECT_LOAD << 10;
/** ip_rt_gc_timeout: how long an accepted redirect lasts. */
const RT_GC_TIMEOUT = 300 * NS_PER_SEC;
/** the redirect codes __ip_do_redirect takes: net, host, and their TOS variants */
const ICMP_REDIR_HOSTTOS = 3;

/** inet_addr_onlink: `a` (and `b`, unless 0) within the subnet of one of the device's addresses. */
function inetAddrOnlink(d: Device | Device, a: number, b: number): boolean {
  return d.addrs.some((x) => inPrefix(a, x.address, x.prefixlen) && (!b || inPrefix(b, x.address, x.prefixlen)));
}

/** __mkroute_input's IPSKB_DOREDIRECT: the packet leaves by the device it came in on, the device
 *  sends redirects, and its sender is on that link (fib_validate_source found a device route to
 *  it there). */
export function mkrouteInputDoRedirect(ns: Netns | Netns, indev: Device | Device, src: number, rt: OutRoute): boolean {
  if (rt.dev !== indev.ifindex || !confAny(ns, indev, 'send_redirects')) return false;
  const rev = fibLookup(ns, src);
  if (rev?.type !== 'unicast' || rev.route.dev !== indev.ifindex || rev.route.gateway !== undefined) return false;
  return confAny(ns, indev, 'shared_media') || inetAddrOnlink(indev, src, rt.gateway ?? 0);
}

/** ip_rt_send_redirect: "Redirect Host" to the sender of the (already forwarded) packet at `ip`,
 *  naming the next hop `rt` uses. A peer gets the first REDIRECT_NUMBER with exponential backoff,
 *  then nothing until it has been silent for REDIRECT_SILENCE. */
export function ipRtSendRedirect(k: Kctx, nsId: number, frame: Uint8Array, ip: number, rt: OutRoute): void {
  const ns = k.w.netns[nsId]!;
  const out = ns.devs[rt.dev];
  if (!out || !confAny(ns, out, 'send_redirects')) return;
  const peer = inetGetpeer(k, nsId, ipv4Src(frame, ip));
  const now = jiffies(k);
  if (now > peer.rateLast + REDIRECT_SILENCE) {
    peer.rateTokens = 0;
    peer.nRedirects = 0;
  }
  if (peer.nRedirects >= REDIRECT_NUMBER) {
    peer.rateLast = now;
    return;
  }
  if (peer.nRedirects === 0 || now > peer.rateLast + (REDIRECT_LOAD << peer.nRedirects)) {
    icmpSend(k, nsId, frame, ip, ICMP_REDIRECT, ICMP_REDIR_HOST, rt.nexthop);
    peer.rateLast = now;
    peer.nRedirects++;
  }
}

/** ipv4_sk_redirect → __ip_do_redirect: a redirect (its IPv4 header at `ip`) that arrived on `d`,
 *  for the flow a raw socket bound to `oif` (0: none) sends. It is taken only from the gateway
 *  the route uses now, naming an acceptable new one. */
export function ipv4SkRedirect(k: Kctx, nsId: number, d: Device, frame: Uint8Array, ip: number, oif: number): void {
  const ns = k.w.netns[nsId]!;
  const icmp = ip + ipv4HeaderLen(frame, ip);
  const inner = icmp + ICMP_HLEN;
  if ((frame[icmp + 1]! & 7) > ICMP_REDIR_HOSTTOS) return;
  const newGw = ipv4Read(frame, icmp + 4);
  const oldGw = ipv4Src(frame, ip);
  const daddr = ipv4Dst(frame, inner);
  let rt: OutRoute;
  try {
    rt = ipRouteOutput(ns, daddr, { oif: oif || undefined, saddr: ipv4Src(frame, inner), now: k.m.now });
  } catch {
    return;
  }
  if (rt.gateway !== oldGw) return;
  // IN_DEV_RX_REDIRECTS: a forwarding device needs conf/all and its own accept_redirects, a host either
  const accept = devInt(d, 'ipv4/forwarding') ? sysctlInt(ns, 'ipv4/conf/all/accept_redirects') !== 0 && devInt(d, 'ipv4/accept_redirects') !== 0 : confAny(ns, d, 'accept_redirects');
  if (newGw === oldGw || !accept || ipv4IsMulticast(newGw) || ipv4IsLbcast(newGw) || ipv4IsZeronet(newGw)) return;
  if (!confAny(ns, d, 'shared_media')) {
    if (!inetAddrOnlink(d, newGw, oldGw)) return;
    // ip_fib_check_default: secure redirects may only name a gateway a route via the device has
    if (confAny(ns, d, 'secure_redirects') && !ns.routes.some((r) => r.dev === d.ifindex && r.gateway === newGw)) return;
  } else if ((fibLookup(ns, newGw, { table: RT_TABLE.local })?.type ?? 'unicast') !== 'unicast') return;
  const outDev = ns.devs[rt.dev];
  if (!outDev) return;
  const n = neighLookupCreate(k, nsId, outDev, newGw);
  if (!(NUD_BIT[n.state] & NUD_VALID)) {
    // neigh_event_send: the new gateway must answer first; a later redirect makes the exception
    if (n.state === 'NONE' || n.state === 'FAILED') neighStartResolve(k, nsId, outDev, n);
    return;
  }
  const res = fibLookup(ns, daddr, { oif: oif || undefined });
  if (res) updateOrCreateFnhe(res.route as Route, daddr, newGw, k.m.now + RT_GC_TIMEOUT);
}

/** update_or_create_fnhe (the gateway part). */
function updateOrCreateFnhe(r: Route, daddr: number, gw: number, expires: number): void {
  (r.fnhe ??= {})[daddr >>> 0] = { gw, expires };
}
