// net/ipv4/devinet.c: IPv4 addresses on devices (__inet_insert_ifa, __inet_del_ifa) and the
// loopback's 127.0.0.1 on NETDEV_UP (inetdev_event).
import type { Kctx } from '../../kernel/machine.ts';
import { kerr } from '../../kernel/errors.ts';
import type { Device, InetAddr, Netns } from '../../kernel/types.ts';
import { RT_SCOPE } from '../../kernel/types.ts';
import type { NetdevEvent } from '../../kernel/notifier.ts';
import { inPrefix, prefixNetwork } from '../wire/addr.ts';
import { fibAddIfaddr, fibDelIfaddr } from './fib_frontend.ts';
import { fibFlushDev } from './fib.ts';
import { neighFlushDev } from '../neighbour.ts';
import { confAny } from '../../kernel/sysctl.ts';

export interface NewAddr {
  local: number;
  address?: number;
  prefixlen: number;
  broadcast?: number;
  scope?: number;
  label?: string;
  metric?: number;
  noprefixroute?: boolean;
}

/** inet_ifa_match: is `a` in the subnet of ifa? */
function ifaMatch(ifa: InetAddr, a: number): boolean {
  return inPrefix(a, prefixNetwork(ifa.address, ifa.prefixlen), ifa.prefixlen);
}

/** The primary address that a secondary in this subnet hangs off. */
export function inetIfaByPrefix(d: Device | Device, prefix: number, len: number): InetAddr | undefined {
  return d.addrs.find((a) => !a.secondary && a.prefixlen === len && prefixNetwork(a.address, len) === prefix);
}

/** inet_rtm_newaddr → __inet_insert_ifa */
export function inetInsertIfa(k: Kctx, nsId: number, d: Device, na: NewAddr): void {
  const address = na.address ?? na.local;
  let secondary = false;
  for (const a of d.addrs) {
    if (a.prefixlen === na.prefixlen && ifaMatch(a, address)) {
      if (a.local === na.local) throw kerr('EEXIST', 'ipv4: Address already assigned');
      secondary = true;
    }
  }
  const ifa: InetAddr = {
    family: 4,
    local: na.local,
    address,
    prefixlen: na.prefixlen,
    broadcast: na.broadcast,
    scope: na.scope ?? RT_SCOPE.universe,
    label: na.label ?? d.name,
    secondary,
    metric: na.metric ?? 0,
    noprefixroute: na.noprefixroute ?? false,
  };
  // a primary goes after the last primary of the same or wider scope (host, link, global);
  // a secondary at the end
  if (secondary) d.addrs.push(ifa);
  else {
    let at = 0;
    d.addrs.forEach((a, i) => {
      if (!a.secondary && ifa.scope <= a.scope) at = i + 1;
    });
    d.addrs.splice(at, 0, ifa);
  }
  fibAddIfaddr(k, nsId, d, ifa);
}

/** inet_rtm_deladdr → __inet_del_ifa: deleting a primary takes its secondaries (promote_secondaries 0). */
export function inetDelIfa(k: Kctx, nsId: number, d: Device, match: (a: InetAddr) => boolean): void {
  const i = d.addrs.findIndex(match);
  if (i < 0) throw kerr('EADDRNOTAVAIL', 'ipv4: Address not found');
  const ifa = d.addrs[i]!;
  const gone: InetAddr[] = [ifa];
  if (!ifa.secondary) {
    const promote = confAny(k.w.netns[nsId]!, d, 'promote_secondaries');
    const subs = d.addrs.filter((a) => a.secondary && a.prefixlen === ifa.prefixlen && ifaMatch(ifa, a.address));
    if (promote && subs.length > 0) subs[0]!.secondary = false;
    else gone.push(...subs);
  }
  for (const a of gone) {
    const j = d.addrs.indexOf(a);
    if (j >= 0) d.addrs.splice(j, 1);
  }
  for (const a of gone) fibDelIfaddr(k, nsId, d, a);
  // fib_inetaddr_event: the last address gone disables IP on the device (fib_disable_ip):
  // every route through it, and its neighbours, go too
  if (d.addrs.length === 0) {
    fibFlushDev(k.w.netns[nsId]!, d.ifindex, () => true);
    neighFlushDev(k, nsId, d.ifindex, false);
  }
}

/** inetdev_event */
export function inetdevEvent(k: Kctx, nsId: number, d: Device, ev: NetdevEvent): void {
  if (ev === 'UP' && d.kind === 'loopback' && d.addrs.length === 0) {
    inetInsertIfa(k, nsId, d, { local: 0x7f000001, prefixlen: 8, scope: RT_SCOPE.host });
  }
  if (ev === 'UNREGISTER') {
    while (d.addrs.length > 0) inetDelIfa(k, nsId, d, () => true);
  }
}

/** inet_select_addr: a primary address of `d` in dst's subnet, else its first of scope ≤ `scope`,
 *  else any address of another device in the namespace. */
export function inetSelectAddr(ns: Netns | Netns, d: Device | Device | undefined, dst: number, scope: number): number {
  let addr = 0;
  if (d) {
    for (const a of d.addrs) {
      if (a.secondary || a.scope > scope) continue;
      if (!dst || inPrefix(dst, prefixNetwork(a.address, a.prefixlen), a.prefixlen)) return a.local;
      if (!addr) addr = a.local;
    }
    if (addr) return addr;
  }
  for (const other of Object.values(ns.devs)) {
    for (const a of other.addrs) if (!a.secondary && a.scope !== RT_SCOPE.link && a.scope <= scope && a.scope !== RT_SCOPE.host) return a.local;
  }
  return 0;
}
