// net/ipv4/fib_trie.c + fib_semantics.c: the tables of a namespace, as one list kept in the
// trie's dump order (key ascending; for one key, longer prefixes first; then tos descending,
// metric ascending, older first), and an index of it per table (fib_trie.ts) that lookups use:
// longest prefix, then that order. Every write to ns.routes goes through this file (insertRoute,
// fibRemoveAt, fibTableInsert's replace), which keeps the index and bumps rt_genid.
import { kerr } from '../../kernel/errors.ts';
import type { Device, Netns, Route, RouteType } from '../../kernel/types.ts';
import { RT_SCOPE, RT_TABLE } from '../../kernel/types.ts';
import { inPrefix, ipv4IsLbcast, ipv4IsMulticast, ipv4IsZeronet, prefixNetwork } from '../wire/addr.ts';
import { confAny } from '../../kernel/sysctl.ts';
import { fibIndex, fibIndexUpdate, fibTrieLookup, fibTrieTable, MASKS, type FibTrieTable } from './fib_trie.ts';
import { rtGenidBumpIpv4 } from './rt_cache.ts';

export const RTPROT = { unspec: 0, redirect: 1, kernel: 2, boot: 3, static: 4, dhcp: 16 } as const;

function order(a: Route, b: Route): number {
  if (a.table !== b.table) return b.table - a.table; // local (255) first, as lookups go
  if (a.dst !== b.dst) return (a.dst >>> 0) - (b.dst >>> 0);
  if (a.dstLen !== b.dstLen) return b.dstLen - a.dstLen;
  if (a.tos !== b.tos) return b.tos - a.tos;
  return a.priority - b.priority;
}

/** Same key for `ip route add` uniqueness (fib_table_insert's fa match). */
function sameKey(a: Route, b: Route): boolean {
  return a.table === b.table && a.dst === b.dst && a.dstLen === b.dstLen && a.tos === b.tos && a.priority === b.priority;
}

export type InsertMode = 'add' | 'replace' | 'change' | 'append' | 'prepend';

/** fib_table_insert */
export function fibTableInsert(ns: Netns, r: Route, mode: InsertMode = 'add'): void {
  const routes = ns.routes;
  fibNewTable(ns, r.table);
  const existing = routes.findIndex((x) => sameKey(x, r));
  if (existing >= 0) {
    if (mode === 'replace' || mode === 'change') {
      routes[existing] = r;
      fibRoutesChanged(ns, r);
      return;
    }
    if (mode === 'add') {
      // the kernel's own routes (fib_magic) are re-added silently when identical
      throw kerr('EEXIST');
    }
  } else if (mode === 'change') throw kerr('ENOENT');
  insertRoute(ns, r);
}

/** fib_new_table: a table exists from its first route on. */
export function fibNewTable(ns: Netns, table: number): void {
  if (table === RT_TABLE.main) ns.fibMain = true;
  else if (table === RT_TABLE.local) ns.fibLocal = true;
}

/** ns.routes changed at the key of `r`: the index follows, every cached lookup is stale. */
function fibRoutesChanged(ns: Netns, r: Route): void {
  fibIndexUpdate(ns, r);
  rtGenidBumpIpv4(ns);
}

/** Insert in dump order, after routes that compare equal (append). */
export function insertRoute(ns: Netns, r: Route): void {
  const routes = ns.routes;
  let i = 0;
  while (i < routes.length && order(routes[i]!, r) <= 0) i++;
  routes.splice(i, 0, r);
  fibRoutesChanged(ns, r);
}

/** Take the route at position `i` of ns.routes out of its table. */
export function fibRemoveAt(ns: Netns, i: number): Route {
  const r = ns.routes.splice(i, 1)[0]!;
  fibRoutesChanged(ns, r);
  return r;
}

/** Take out the first route `match` selects, if any. */
export function fibRemoveFirst(ns: Netns, match: (r: Route) => boolean): Route | undefined {
  const i = ns.routes.findIndex(match);
  return i < 0 ? undefined : fibRemoveAt(ns, i);
}

/** fib_table_delete: the first route matching every attribute given. */
export function fibTableDelete(ns: Netns, match: (r: Route) => boolean): Route {
  const i = ns.routes.findIndex((r) => match(r as Route));
  if (i < 0) throw kerr('ESRCH');
  return fibRemoveAt(ns, i);
}

export interface FibResult {
  route: Route;
  type: RouteType;
}

/** RTNH_F_LINKDOWN: the nexthop's device has no carrier (host-scope nexthops are never marked). */
export function routeLinkdown(ns: Netns | Netns, r: Route): boolean {
  if (r.dev === undefined || r.type === 'local') return false;
  const d = ns.devs[r.dev];
  return !!d && !d.carrier;
}

const NO_OPTS: { oif?: number; table?: number } = {};

/**
 * fib_table_lookup on one table: the longest prefix covering `dst`, then the first of its
 * aliases (tos, priority, age order) whose nexthop goes out of `oif` (if given) and is not
 * linkdown where the device ignores such routes; a prefix with no usable alias falls back to
 * the next shorter one.
 */
function fibTableLookup(ns: Netns, tb: FibTrieTable | undefined, dst: number, oif: number | undefined): FibResult | undefined {
  if (!tb) return undefined;
  const lens = tb.lens;
  for (let i = 0; i < lens.length; i++) {
    const len = lens[i]!;
    const b = tb.byLen[len]!.get((dst & MASKS[len]!) >>> 0);
    if (!b) continue;
    for (let j = 0; j < b.length; j++) {
      const r = b[j]!;
      if (r.dev !== undefined) {
        if (oif !== undefined && r.dev !== oif) continue;
        if (r.type !== 'local') {
          const d = ns.devs[r.dev];
          if (d && !d.carrier && confAny(ns, d, 'ignore_routes_with_linkdown')) continue;
        }
      }
      return { route: r, type: r.type };
    }
  }
  return undefined;
}

/** fib_lookup: table local, then main, then default (the default rules); longest prefix wins. */
export function fibLookup(ns: Netns | Netns, dst: number, opts: { oif?: number; table?: number } = NO_OPTS): FibResult | undefined {
  const tables = fibIndex(ns).tables;
  if (opts.table !== undefined) return fibTableLookup(ns, tables.get(opts.table), dst, opts.oif);
  return (
    fibTableLookup(ns, tables.get(RT_TABLE.local), dst, opts.oif) ??
    fibTableLookup(ns, tables.get(RT_TABLE.main), dst, opts.oif) ??
    fibTableLookup(ns, tables.get(RT_TABLE.default), dst, opts.oif)
  );
}

/** Route types that have a nexthop device. */
export function typeHasNexthop(t: RouteType): boolean {
  return t === 'unicast' || t === 'local' || t === 'broadcast' || t === 'multicast' || t === 'anycast';
}

/**
 * fib_check_nh: a gateway must be reachable through a link-scope route (unless onlink);
 * a device route needs its device up.
 */
export function fibCheckNh(ns: Netns, r: Route): void {
  if (r.gateway !== undefined && r.gateway !== 0) {
    if (r.onlink) {
      const d = r.dev !== undefined ? ns.devs[r.dev] : undefined;
      if (!d) throw kerr('ENODEV', 'Nexthop device required for onlink');
      if (!d.up) throw kerr('ENETDOWN', 'Nexthop device is not up');
      if (inetAddrTypeDevTable(ns, d.ifindex, r.gateway) !== 'unicast') throw kerr('EINVAL', 'Nexthop has invalid gateway');
      return;
    }
    // resolve the gateway in the route's table (or main), scope ≥ link, ignoring link state
    const res = lookupForGateway(ns, r.gateway, r.table);
    if (!res || (res.type !== 'unicast' && res.type !== 'local') || res.route.scope > RT_SCOPE.link && res.type !== 'local') throw kerr('EINVAL', 'Nexthop has invalid gateway');
    if (res.type === 'unicast' && res.route.gateway !== undefined) throw kerr('EINVAL', 'Nexthop has invalid gateway');
    const dev = res.type === 'local' ? r.dev ?? res.route.dev : res.route.dev;
    if (r.dev !== undefined && dev !== r.dev && res.type !== 'local') throw kerr('EINVAL', 'Nexthop has invalid gateway');
    if (r.dev === undefined) r.dev = dev;
    const d = r.dev !== undefined ? ns.devs[r.dev] : undefined;
    if (!d) throw kerr('EINVAL', 'Nexthop has invalid gateway');
    // the gateway resolved (a local address on a down device): ENETDOWN without a message
    if (!d.up) throw kerr('ENETDOWN');
    return;
  }
  if (r.dev === undefined) throw kerr('EINVAL', 'Nexthop device required for onlink');
  const d = ns.devs[r.dev];
  if (!d) throw kerr('ENODEV');
  if (!d.up) throw kerr('ENETDOWN', 'Device for nexthop is not up');
}

/** inet_addr_type_dev_table: the gateway's type in the local table as the device sees it. No
 *  local table yet (no address, lo down) leaves RTN_UNSPEC: an onlink gateway is then invalid. */
function inetAddrTypeDevTable(ns: Netns, dev: number, a: number): RouteType | 'unspec' {
  if (ipv4IsZeronet(a) || ipv4IsLbcast(a)) return 'broadcast';
  if (ipv4IsMulticast(a)) return 'multicast';
  if (!ns.fibLocal) return 'unspec';
  const res = fibLookup(ns, a, { table: RT_TABLE.local });
  return res && res.route.dev === dev ? res.type : 'unicast';
}

/** fib_check_nh_v4_gw's lookup: the route's own table first, else (no match there) the full
 *  lookup, local then main — nexthops may well live in main while the route goes elsewhere. */
function lookupForGateway(ns: Netns, gw: number, table: number): FibResult | undefined {
  const scan = (tab: number): Route | undefined => {
    const tb = fibTrieTable(ns, tab);
    return tb && fibTrieLookup(tb, gw);
  };
  if (table !== RT_TABLE.main && table !== RT_TABLE.local) {
    const r = scan(table);
    if (r) return { route: r, type: r.type };
  }
  for (const tab of [RT_TABLE.local, RT_TABLE.main]) {
    const r = scan(tab);
    if (r) return { route: r, type: r.type };
  }
  return undefined;
}

/** Remove every route whose nexthop is `dev` and that `pred` selects (fib_sync_down_dev + fib_flush). */
export function fibFlushDev(ns: Netns, dev: number, pred: (r: Route) => boolean): void {
  for (let i = ns.routes.length - 1; i >= 0; i--) {
    const r = ns.routes[i] as Route;
    if (r.dev === dev && pred(r)) fibRemoveAt(ns, i);
  }
}

/** A connected-route helper for callers that need a device's subnet membership. */
export function devHasSubnet(d: Device | Device, a: number): boolean {
  return d.addrs.some((x) => inPrefix(a, prefixNetwork(x.address, x.prefixlen), x.prefixlen));
}

/** An IPv4 address as /proc prints a __be32 with %08X on a little-endian machine. */
const hexBe32 = (a: number): number => (((a & 0xff) << 24) | ((a & 0xff00) << 8) | ((a >>> 8) & 0xff00) | (a >>> 24)) >>> 0;

/** fib_route_seq_show: /proc/net/route, the main table without broadcast/multicast routes, each
 *  line padded to 127 columns; nothing at all before the table exists. */
export function fibRouteSeqShow(ns: Netns): string {
  if (!ns.fibMain) return '';
  const hex = (n: number, w: number): string => n.toString(16).toUpperCase().padStart(w, '0');
  let out = `${'Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT'.padEnd(127)}\n`;
  for (const r of ns.routes) {
    if (r.table !== RT_TABLE.main || r.type === 'broadcast' || r.type === 'multicast') continue;
    const mask = r.dstLen === 0 ? 0 : (0xffffffff << (32 - r.dstLen)) >>> 0;
    // fib_flag_trans: RTF_UP, RTF_GATEWAY, RTF_HOST, RTF_REJECT for unreachable/prohibit
    let flags = 0x1;
    if (r.gateway !== undefined) flags |= 0x2;
    if (r.dstLen === 32) flags |= 0x4;
    if (r.type === 'unreachable' || r.type === 'prohibit') flags |= 0x200;
    const dev = r.dev !== undefined ? (ns.devs[r.dev]?.name ?? '*') : '*';
    const line = `${dev}\t${hex(hexBe32(r.dst), 8)}\t${hex(hexBe32(r.gateway ?? 0), 8)}\t${hex(flags, 4)}\t0\t0\t${r.priority}\t${hex(hexBe32(mask), 8)}\t0\t0\t0`;
    out += `${line.padEnd(127)}\n`;
  }
  return out;
}
