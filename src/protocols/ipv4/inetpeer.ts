// net/ipv4/inetpeer.c: the long-lived state a namespace keeps per remote host. Three rate
// limiters read and write the same two fields of it — icmpv4_xrlim_allow (ICMP errors),
// ip_error (no-route errors) and ip_rt_send_redirect — so one of them can silence another.
// They count in jiffies, as the kernel does: events less than a tick apart are simultaneous.
import type { Kctx } from '../../kernel/machine.ts';
import { NS_PER_SEC } from '../../kernel/machine.ts';
import type { InetPeer } from '../../kernel/types.ts';

/** CONFIG_HZ of the reference kernel (Debian's 6.x builds: 250). */
export const HZ = 250;

/** The tick count of virtual time. */
export function jiffies(k: Kctx): number {
  return Math.floor((k.m.now * HZ) / NS_PER_SEC);
}

/** msecs_to_jiffies: rounded up. */
export function msecsToJiffies(ms: number): number {
  return Math.ceil((ms * HZ) / 1000);
}

/** XRLIM_BURST_FACTOR: a peer may receive this many limited errors in a row. */
const XRLIM_BURST_FACTOR = 6;

/** inet_getpeer_v4 (create): a new peer's rate_last lies 60 s back, "enough high so that the
 *  first calculation of tokens is at its maximum". */
export function inetGetpeer(k: Kctx, nsId: number, addr: number): InetPeer {
  const peers = k.w.netns[nsId]!.icmpPeers;
  return (peers[addr >>> 0] ??= { rateTokens: 0, rateLast: jiffies(k) - 60 * HZ, nRedirects: 0 });
}

/** inet_peer_xrlim_allow: a token bucket of `timeout` jiffies per message, XRLIM_BURST_FACTOR deep. */
export function inetPeerXrlimAllow(k: Kctx, peer: InetPeer, timeout: number): boolean {
  const now = jiffies(k);
  let token = peer.rateTokens + (now - peer.rateLast);
  peer.rateLast = now;
  token = Math.min(token, XRLIM_BURST_FACTOR * timeout);
  const ok = token >= timeout;
  if (ok) token -= timeout;
  peer.rateTokens = token;
  return ok;
}
