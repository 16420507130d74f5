// net/ipv4/fib_frontend.c: the routes addresses bring along (fib_add_ifaddr / fib_del_ifaddr,
// through fib_magic) and what happens to routes when a device goes down or away.
import type { Kctx } from '../../kernel/machine.ts';
import type { Device, InetAddr, Route, RouteType } from '../../kernel/types.ts';
import { RT_SCOPE, RT_TABLE } from '../../kernel/types.ts';
import type { NetdevEvent } from '../../kernel/notifier.ts';
import { prefixBroadcast, prefixNetwork, ipv4IsZeronet } from '../wire/addr.ts';
import { fibFlushDev, fibNewTable, fibRemoveAt, insertRoute, RTPROT } from './fib.ts';
import { rtGenidBumpIpv4 } from './rt_cache.ts';
import { inetIfaByPrefix } from './devinet.ts';

function fibMagic(k: Kctx, nsId: number, add: boolean, type: RouteType, dst: number, len: number, d: Device, prefsrc: number, metric: number): void {
  const ns = k.w.netns[nsId]!;
  const r: Route = {
    table: type === 'unicast' ? RT_TABLE.main : RT_TABLE.local,
    type,
    dst,
    dstLen: len,
    tos: 0,
    priority: metric,
    protocol: RTPROT.kernel,
    scope: type === 'local' ? RT_SCOPE.host : RT_SCOPE.link,
    prefsrc,
    dev: d.ifindex,
    onlink: false,
  };
  const same = (x: Route): boolean => x.table === r.table && x.type === r.type && x.dst === r.dst && x.dstLen === r.dstLen && x.dev === r.dev && x.prefsrc === r.prefsrc && x.priority === r.priority;
  const i = ns.routes.findIndex((x) => same(x as Route));
  if (add) {
    fibNewTable(ns, r.table);
    if (i < 0) insertRoute(ns, r);
  } else if (i >= 0) fibRemoveAt(ns, i);
}

/** fib_add_ifaddr */
export function fibAddIfaddr(k: Kctx, nsId: number, d: Device, ifa: InetAddr): void {
  // a new address changes source selection and __ip_dev_find even where it adds no route
  rtGenidBumpIpv4(k.w.netns[nsId]);
  const prefix = prefixNetwork(ifa.address, ifa.prefixlen);
  let prim = ifa;
  if (ifa.secondary) {
    const p = inetIfaByPrefix(d, prefix, ifa.prefixlen);
    if (!p) return;
    prim = p;
  }
  fibMagic(k, nsId, true, 'local', ifa.local, 32, d, prim.local, 0);
  if (!d.up) return;
  if (ifa.broadcast !== undefined && ifa.broadcast !== 0 && ifa.broadcast !== 0xffffffff) {
    fibMagic(k, nsId, true, 'broadcast', ifa.broadcast, 32, d, prim.local, 0);
  }
  if (!ipv4IsZeronet(prefix) && !ifa.secondary && (prefix !== ifa.local || ifa.prefixlen < 32)) {
    if (!ifa.noprefixroute) fibMagic(k, nsId, true, d.kind === 'loopback' ? 'local' : 'unicast', prefix, ifa.prefixlen, d, prim.local, ifa.metric);
    if (ifa.prefixlen < 31) fibMagic(k, nsId, true, 'broadcast', prefixBroadcast(ifa.address, ifa.prefixlen), 32, d, prim.local, 0);
  }
}

/** fib_del_ifaddr: its routes go, and so does every route that used it as source. */
export function fibDelIfaddr(k: Kctx, nsId: number, d: Device, ifa: InetAddr): void {
  const ns = k.w.netns[nsId]!;
  rtGenidBumpIpv4(ns);
  const prefix = prefixNetwork(ifa.address, ifa.prefixlen);
  // keep the local route if another address of the namespace still is this local address
  const stillLocal = Object.values(ns.devs).some((x) => x.addrs.some((a) => a.local === ifa.local));
  for (let i = ns.routes.length - 1; i >= 0; i--) {
    const r = ns.routes[i] as Route;
    const mine =
      r.protocol === RTPROT.kernel &&
      r.dev === d.ifindex &&
      ((r.type === 'local' && r.dst === ifa.local && r.dstLen === 32 && !stillLocal) ||
        (!ifa.secondary && (r.type === 'unicast' || r.type === 'local') && r.dst === prefix && r.dstLen === ifa.prefixlen && r.prefsrc === ifa.local) ||
        (r.type === 'broadcast' && r.prefsrc === ifa.local && !d.addrs.some((a) => a.local === ifa.local)));
    if (mine || (r.prefsrc === ifa.local && !stillLocal)) fibRemoveAt(ns, i);
  }
}

/** fib_netdev_event */
export function fibNetdevEvent(k: Kctx, nsId: number, d: Device, ev: NetdevEvent): void {
  const ns = k.w.netns[nsId];
  if (!ns) return;
  // rt_cache_flush: a device registered, going away, up, down, or its carrier changed
  // (NETDEV_CHANGE); any of these can change the answer of a lookup
  rtGenidBumpIpv4(ns);
  switch (ev) {
    case 'UP':
      for (const a of d.addrs) fibAddIfaddr(k, nsId, d, a);
      break;
    case 'DOWN':
      // every route through the device dies, except host-scope ones (the local routes)
      fibFlushDev(ns, d.ifindex, (r) => r.type !== 'local');
      break;
    case 'UNREGISTER':
      fibFlushDev(ns, d.ifindex, () => true);
      break;
    default:
      break;
  }
}
