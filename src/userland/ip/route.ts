// `ip route` (iproute2 6.1 ip/iproute.c: iproute_modify, iproute_list_flush_or_save,
// iproute_get, print_route) over the emulated fib (net/ipv4/fib_frontend.c inet_rtm_newroute /
// inet_rtm_delroute / inet_dump_fib, fib_semantics.c fib_create_info, route.c inet_rtm_getroute).
import { NS_PER_SEC, type Kctx } from '../../kernel/machine.ts';
import type { Inet6Addr, Netns, Route, RouteType } from '../../kernel/types.ts';
import { RT_SCOPE, RT_TABLE } from '../../kernel/types.ts';
import { KernelError, kerr } from '../../kernel/errors.ts';
import { getNs } from '../../kernel/dev.ts';
import { fibCheckNh, fibLookup, fibRemoveFirst, fibTableDelete, fibTableInsert, routeLinkdown, type InsertMode } from '../../protocols/ipv4/fib.ts';
import { ipRouteOutput } from '../../protocols/ipv4/route.ts';
import { inPrefix, ipv4ToText, ipv6FromText, ipv6ToText, prefixMask } from '../../protocols/wire/addr.ts';
import {
  AF,
  Args,
  COLOR,
  familyColor,
  EXIT_M1,
  IpExit,
  PRINT_ANY,
  PRINT_FP,
  PRINT_JSON,
  RTN,
  devsSorted,
  die,
  duparg2,
  getAddr,
  getPrefix,
  getU32,
  invarg,
  llIndexToName,
  llNameToIndex,
  matches,
  nodev,
  readFamily,
  rtprotA2n,
  rtprotN2a,
  rtscopeA2n,
  rtscopeN2a,
  rttableA2n,
  rttableN2a,
  rtntypeA2n,
  rtntypeN2a,
  rtnlErrorText,
  talk,
  flushSelected,
  type InetPrefix,
  type Ip,
} from './utils.ts';

const TYPE_OF: Record<number, RouteType> = {
  [RTN.UNICAST]: 'unicast',
  [RTN.LOCAL]: 'local',
  [RTN.BROADCAST]: 'broadcast',
  [RTN.ANYCAST]: 'anycast',
  [RTN.MULTICAST]: 'multicast',
  [RTN.BLACKHOLE]: 'blackhole',
  [RTN.UNREACHABLE]: 'unreachable',
  [RTN.PROHIBIT]: 'prohibit',
  [RTN.THROW]: 'throw',
  [RTN.NAT]: 'nat',
};
const RTN_OF: Record<RouteType, number> = {
  unicast: RTN.UNICAST,
  local: RTN.LOCAL,
  broadcast: RTN.BROADCAST,
  anycast: RTN.ANYCAST,
  multicast: RTN.MULTICAST,
  blackhole: RTN.BLACKHOLE,
  unreachable: RTN.UNREACHABLE,
  prohibit: RTN.PROHIBIT,
  throw: RTN.THROW,
  nat: RTN.NAT,
};

/** fib_props[type].scope: the widest scope a route of this type may have. */
const TYPE_SCOPE: Record<number, number> = {
  [RTN.UNSPEC]: RT_SCOPE.nowhere,
  [RTN.UNICAST]: RT_SCOPE.universe,
  [RTN.LOCAL]: RT_SCOPE.host,
  [RTN.BROADCAST]: RT_SCOPE.link,
  [RTN.ANYCAST]: RT_SCOPE.link,
  [RTN.MULTICAST]: RT_SCOPE.universe,
  [RTN.BLACKHOLE]: RT_SCOPE.universe,
  [RTN.UNREACHABLE]: RT_SCOPE.universe,
  [RTN.PROHIBIT]: RT_SCOPE.universe,
  [RTN.THROW]: RT_SCOPE.universe,
  [RTN.NAT]: RT_SCOPE.nowhere,
};

/** Types whose lookups end in an error (fib_props[].error): no nexthop. */
function isErrorType(t: number): boolean {
  return t === RTN.BLACKHOLE || t === RTN.UNREACHABLE || t === RTN.PROHIBIT || t === RTN.THROW;
}

const RTNH_F_ONLINK = 4;
const RTNH_F_LINKDOWN = 16;
const RTM_F_CLONED = 0x200;
/** sysconf(_SC_CLK_TCK): the unit of times in rta_cacheinfo */
const USER_HZ = 100;
const RTCF = { LOCAL: 0x80000000, BROADCAST: 0x10000000, MULTICAST: 0x20000000, REDIRECTED: 0x00040000 } as const;

/** One RTM_NEWROUTE message as print_route sees it. */
interface RouteMsg {
  family: number;
  type: number;
  dst?: string;
  dstLen: number;
  hostLen: number;
  src?: string;
  srcLen?: number;
  tos: number;
  gateway?: string;
  oif?: number;
  table: number;
  protocol: number;
  scope: number;
  prefsrc?: string;
  priority?: number;
  flags: number;
  uid?: number;
  pref?: string;
  /** RTA_CACHEINFO's rta_expires (a cached route from a redirect), in clock ticks (USER_HZ) */
  expires?: number;
  /** the route itself, for flushes */
  route?: Route;
  v6?: { dst: Uint8Array };
}

interface RouteFilter {
  tb: number;
  cloned: boolean;
  protocol: number;
  protocolmask: number;
  scope: number;
  scopemask: number;
  typemask: number;
  tos: number;
  tosmask: number;
  oif: number;
  oifmask: number;
  metric: number;
  metricmask: number;
  rdst?: InetPrefix;
  mdst?: InetPrefix;
  rvia?: InetPrefix;
  rprefsrc?: InetPrefix;
  flush: boolean;
}

function resetFilter(): RouteFilter {
  return { tb: 0, cloned: false, protocol: 0, protocolmask: 0, scope: 0, scopemask: 0, typemask: 0, tos: 0, tosmask: 0, oif: 0, oifmask: 0, metric: 0, metricmask: 0, flush: false };
}

function usage(ip: Ip): never {
  ip.err(
    'Usage: ip route { list | flush } SELECTOR\n' +
      '       ip route save SELECTOR\n' +
      '       ip route restore\n' +
      '       ip route showdump\n' +
      '       ip route get [ ROUTE_GET_FLAGS ] ADDRESS\n' +
      '                            [ from ADDRESS iif STRING ]\n' +
      '                            [ oif STRING ] [ tos TOS ]\n' +
      '                            [ mark NUMBER ] [ vrf NAME ]\n' +
      '                            [ uid NUMBER ] [ ipproto PROTOCOL ]\n' +
      '                            [ sport NUMBER ] [ dport NUMBER ]\n' +
      '       ip route { add | del | change | append | replace } ROUTE\n' +
      'SELECTOR := [ root PREFIX ] [ match PREFIX ] [ exact PREFIX ]\n' +
      '            [ table TABLE_ID ] [ vrf NAME ] [ proto RTPROTO ]\n' +
      '            [ type TYPE ] [ scope SCOPE ]\n' +
      'ROUTE := NODE_SPEC [ INFO_SPEC ]\n' +
      'NODE_SPEC := [ TYPE ] PREFIX [ tos TOS ]\n' +
      '             [ table TABLE_ID ] [ proto RTPROTO ]\n' +
      '             [ scope SCOPE ] [ metric METRIC ]\n' +
      '             [ ttl-propagate { enabled | disabled } ]\n' +
      'INFO_SPEC := { NH | nhid ID } OPTIONS FLAGS [ nexthop NH ]...\n' +
      'NH := [ encap ENCAPTYPE ENCAPHDR ] [ via [ FAMILY ] ADDRESS ]\n' +
      '      [ dev STRING ] [ weight NUMBER ] NHFLAGS\n' +
      'FAMILY := [ inet | inet6 | mpls | bridge | link ]\n' +
      'OPTIONS := FLAGS [ mtu NUMBER ] [ advmss NUMBER ] [ as [ to ] ADDRESS ]\n' +
      '           [ rtt TIME ] [ rttvar TIME ] [ reordering NUMBER ]\n' +
      '           [ window NUMBER ] [ cwnd NUMBER ] [ initcwnd NUMBER ]\n' +
      '           [ ssthresh NUMBER ] [ realms REALM ] [ src ADDRESS ]\n' +
      '           [ rto_min TIME ] [ hoplimit NUMBER ] [ initrwnd NUMBER ]\n' +
      '           [ features FEATURES ] [ quickack BOOL ] [ congctl NAME ]\n' +
      '           [ pref PREF ] [ expires TIME ] [ fastopen_no_cookie BOOL ]\n' +
      'TYPE := { unicast | local | broadcast | multicast | throw |\n' +
      '          unreachable | prohibit | blackhole | nat }\n' +
      'TABLE_ID := [ local | main | default | all | NUMBER ]\n' +
      'SCOPE := [ host | link | global | NUMBER ]\n' +
      'NHFLAGS := [ onlink | pervasive ]\n' +
      'RTPROTO := [ kernel | boot | static | NUMBER ]\n' +
      'PREF := [ low | medium | high ]\n' +
      'TIME := NUMBER[s|ms]\n' +
      'BOOL := [1|0]\n' +
      'FEATURES := ecn\n' +
      'ENCAPTYPE := [ mpls | ip | ip6 | seg6 | seg6local | rpl | ioam6 | xfrm ]\n' +
      'ENCAPHDR := [ MPLSLABEL | SEG6HDR | SEG6LOCAL | IOAM6HDR | XFRMINFO ]\n' +
      'SEG6HDR := [ mode SEGMODE ] segs ADDR1,ADDRi,ADDRn [hmac HMACKEYID] [cleanup]\n' +
      'SEGMODE := [ encap | encap.red | inline | l2encap | l2encap.red ]\n' +
      'SEG6LOCAL := action ACTION [ OPTIONS ] [ count ]\n' +
      'ACTION := { End | End.X | End.T | End.DX2 | End.DX6 | End.DX4 |\n' +
      '            End.DT6 | End.DT4 | End.DT46 | End.B6 | End.B6.Encaps |\n' +
      '            End.BM | End.S | End.AS | End.AM | End.BPF }\n' +
      'OPTIONS := OPTION [ OPTIONS ]\n' +
      'OPTION := { flavors FLAVORS | srh SEG6HDR | nh4 ADDR | nh6 ADDR | iif DEV | oif DEV |\n' +
      '            table TABLEID | vrftable TABLEID | endpoint PROGNAME }\n' +
      'FLAVORS := { FLAVOR[,FLAVOR] }\n' +
      'FLAVOR := { psp | usp | usd | next-csid }\n' +
      'IOAM6HDR := trace prealloc type IOAM6_TRACE_TYPE ns IOAM6_NAMESPACE size IOAM6_TRACE_SIZE\n' +
      'XFRMINFO := if_id IF_ID [ link_dev LINK ]\n' +
      'ROUTE_GET_FLAGS := [ fibmatch ]\n',
  );
  throw new IpExit(EXIT_M1);
}

// ---------------------------------------------------------------- the messages of a dump

function v4Msg(ns: Netns, r: Route): RouteMsg {
  let flags = r.onlink ? RTNH_F_ONLINK : 0;
  if (routeLinkdown(ns, r)) flags |= RTNH_F_LINKDOWN;
  return {
    family: AF.INET,
    type: RTN_OF[r.type],
    dst: r.dstLen ? ipv4ToText(r.dst) : undefined,
    dstLen: r.dstLen,
    hostLen: 32,
    tos: r.tos,
    gateway: r.gateway !== undefined && r.gateway !== 0 ? ipv4ToText(r.gateway) : undefined,
    oif: r.dev,
    table: r.table,
    protocol: r.protocol,
    scope: r.scope,
    prefsrc: r.prefsrc !== undefined && r.prefsrc !== 0 ? ipv4ToText(r.prefsrc) : undefined,
    priority: r.priority || undefined,
    flags,
    route: r,
  };
}

/**
 * The IPv6 routes the kernel keeps for the emulated IPv6 addresses (addrconf_prefix_route,
 * addrconf_add_dev's ff00::/8, the /128 local routes). Not a table of the World: IPv6 routing is
 * not emulated, these are derived for listings.
 */
function v6Msgs(ns: Netns): RouteMsg[] {
  const main: { key: Uint8Array; m: RouteMsg }[] = [];
  const local: { key: Uint8Array; m: RouteMsg }[] = [];
  const seen = new Set<string>();
  for (const d of devsSorted(ns)) {
    if (!d.up) continue;
    for (const a of d.addrs6 as Inet6Addr[]) {
      const b = ipv6FromText(a.address);
      if (!b) continue;
      // the /128 local route is inserted when the address stops being tentative
      if (!a.tentative) local.push({ key: b, m: { family: AF.INET6, type: RTN.LOCAL, dst: a.address, dstLen: 128, hostLen: 128, tos: 0, oif: d.ifindex, table: RT_TABLE.local, protocol: 2, scope: 0, priority: 0, flags: 0, pref: 'medium', v6: { dst: b } } });
      if (a.prefixlen < 128 && d.kind !== 'loopback') {
        const net = new Uint8Array(b);
        for (let i = a.prefixlen; i < 128; i++) net[i >> 3]! &= ~(0x80 >> (i & 7));
        const text = ipv6ToText(net);
        const key = `${d.ifindex}/${text}/${a.prefixlen}`;
        if (!seen.has(key)) {
          seen.add(key);
          main.push({ key: net, m: { family: AF.INET6, type: RTN.UNICAST, dst: text, dstLen: a.prefixlen, hostLen: 128, tos: 0, oif: d.ifindex, table: RT_TABLE.main, protocol: 2, scope: 0, priority: 256, flags: 0, pref: 'medium', v6: { dst: net } } });
        }
      }
    }
    if (d.kind !== 'loopback' && d.addrs6.length > 0) {
      const ff = new Uint8Array(16);
      ff[0] = 0xff;
      local.push({ key: ff, m: { family: AF.INET6, type: RTN.MULTICAST, dst: 'ff00::', dstLen: 8, hostLen: 128, tos: 0, oif: d.ifindex, table: RT_TABLE.local, protocol: 2, scope: 0, priority: 256, flags: 0, pref: 'medium', v6: { dst: ff } } });
    }
  }
  const cmp = (x: { key: Uint8Array }, y: { key: Uint8Array }): number => {
    for (let i = 0; i < 16; i++) if (x.key[i] !== y.key[i]) return x.key[i]! - y.key[i]!;
    return 0;
  };
  main.sort(cmp);
  local.sort(cmp);
  return [...main.map((x) => x.m), ...local.map((x) => x.m)];
}

/** inet_dump_fib order: tables by their hash bucket, each in trie order. */
function dumpV4(ns: Netns): RouteMsg[] {
  const rs = ns.routes.map((r, i) => ({ r, i }));
  rs.sort((a, b) => (a.r.table & 255) - (b.r.table & 255) || a.r.table - b.r.table || a.i - b.i);
  return rs.map((x) => v4Msg(ns, x.r));
}

function prefixMatches(p: InetPrefix, family: number, addr: string | undefined, bits: number): boolean {
  if (bits <= 0) return true;
  if (family === AF.INET) {
    const a = addr ? ipv4FromDotted(addr) : 0;
    return inPrefix(a, p.v4, bits);
  }
  const x = addr ? ipv6FromText(addr) : new Uint8Array(16);
  const y = p.v6 ?? new Uint8Array(16);
  if (!x) return false;
  for (let bit = 0; bit < bits; bit++) {
    const m = 0x80 >> (bit & 7);
    if ((x[bit >> 3]! & m) !== (y[bit >> 3]! & m)) return false;
  }
  return true;
}

function ipv4FromDotted(s: string): number {
  return s.split('.').reduce((acc, x) => acc * 256 + Number(x), 0) >>> 0;
}

/** filter_nlmsg for IPv4 (and the derived IPv6) routes. */
function filterMsg(ip: Ip, f: RouteFilter, m: RouteMsg): boolean {
  if (ip.opts.family !== AF.UNSPEC && m.family !== ip.opts.family) return false;
  if (f.cloned !== ((m.flags & RTM_F_CLONED) !== 0)) return false;
  if (f.tb > 0 && f.tb !== m.table) return false;
  if ((f.protocol ^ m.protocol) & f.protocolmask) return false;
  if ((f.scope ^ m.scope) & f.scopemask) return false;
  if (f.typemask && !(f.typemask & (1 << m.type))) return false;
  if ((f.tos ^ m.tos) & f.tosmask) return false;
  if (f.rdst) {
    if ((f.rdst.family && m.family !== f.rdst.family) || f.rdst.bitlen > m.dstLen) return false;
  }
  if (f.mdst) {
    if ((f.mdst.family && m.family !== f.mdst.family) || (f.mdst.bitlen >= 0 && f.mdst.bitlen < m.dstLen)) return false;
  }
  if (f.rvia?.family) {
    if (m.family !== f.rvia.family) return false;
  }
  if (f.rprefsrc?.family && m.family !== f.rprefsrc.family) return false;
  if (f.rdst && !prefixMatches(f.rdst, m.family, m.dst, f.rdst.bitlen)) return false;
  if (f.mdst && !prefixMatches(f.mdst, m.family, m.dst, m.dstLen)) return false;
  if (f.rvia && f.rvia.bitlen > 0) {
    if (!m.gateway || !prefixMatches(f.rvia, m.family, m.gateway, f.rvia.bitlen)) return false;
  }
  if (f.rprefsrc && f.rprefsrc.bitlen > 0) {
    if (!prefixMatches(f.rprefsrc, m.family, m.prefsrc ?? (m.family === AF.INET ? '0.0.0.0' : '::'), f.rprefsrc.bitlen)) return false;
  }
  if (f.oifmask && ((m.oif ?? 0) ^ f.oif) & f.oifmask) return false;
  if (f.metricmask && ((m.priority ?? 0) ^ f.metric) & f.metricmask) return false;
  return true;
}

function printCacheFlags(ip: Ip, flags0: number): void {
  const p = ip.p;
  let flags = flags0 & ~0xffff;
  if (p.isJson()) {
    p.jw!.name('cache');
    p.jw!.startArray();
  } else {
    p.fp(`${p.SL}    cache `);
    if (flags === 0) return;
    p.fp('<');
  }
  const fl = (bit: number, name: string): void => {
    if ((flags & bit) >>> 0) {
      flags = (flags & ~bit) >>> 0;
      if (p.isJson()) p.jw!.string(name);
      else p.fp(`${name}${flags ? ',' : '> '}`);
    }
  };
  fl(RTCF.LOCAL, 'local');
  fl(0x00000200, 'reject');
  fl(RTCF.MULTICAST, 'mc');
  fl(RTCF.BROADCAST, 'brd');
  fl(RTCF.REDIRECTED, 'redirected');
  if (p.isJson()) p.jw!.endArray();
}

/** print_route */
function printRoute(ip: Ip, f: RouteFilter, m: RouteMsg): void {
  const p = ip.p;
  const details = ip.opts.details > 0;
  p.openObject(null);
  if ((m.type !== RTN.UNICAST || details) && (!f.typemask || f.typemask & (1 << m.type))) p.string(PRINT_ANY, 'type', '%s ', rtntypeN2a(ip, m.type));
  let dst: string;
  if (m.dst !== undefined) dst = m.dstLen !== m.hostLen ? `${m.dst}/${m.dstLen}` : m.dst;
  else if (m.dstLen) dst = `0/${m.dstLen} `;
  else dst = 'default';
  const fc = familyColor(m.family);
  p.cstring(PRINT_ANY, m.dst !== undefined ? fc : COLOR.NONE, 'dst', '%s ', dst);
  if (m.src !== undefined) p.cstring(PRINT_ANY, fc, 'from', 'from %s ', m.srcLen !== m.hostLen ? `${m.src}/${m.srcLen}` : m.src);
  if (m.tos && f.tosmask !== -1) p.string(PRINT_ANY, 'tos', 'tos %s ', `0x${m.tos.toString(16).padStart(2, '0')}`);
  if (m.gateway !== undefined && f.rvia?.bitlen !== m.hostLen) {
    if (p.isJson()) p.string(PRINT_JSON, 'gateway', null, m.gateway);
    else p.fp(`via ${p.colorize(fc, `${m.gateway} `)}`);
  }
  if (m.oif !== undefined && f.oifmask !== -1) {
    const name = llIndexToName(ip, m.oif);
    if (p.isJson()) p.string(PRINT_JSON, 'dev', null, name);
    else p.fp(`dev ${p.colorize(COLOR.IFNAME, `${name} `)}`);
  }
  if (m.table && (m.table !== RT_TABLE.main || details) && !f.tb) p.string(PRINT_ANY, 'table', 'table %s ', rttableN2a(ip, m.table));
  if (!(m.flags & RTM_F_CLONED)) {
    if ((m.protocol !== 3 || details) && f.protocolmask !== -1) p.string(PRINT_ANY, 'protocol', 'proto %s ', rtprotN2a(ip, m.protocol));
    if ((m.scope !== RT_SCOPE.universe || details) && f.scopemask !== -1) p.string(PRINT_ANY, 'scope', 'scope %s ', rtscopeN2a(ip, m.scope));
  }
  if (m.prefsrc !== undefined && f.rprefsrc?.bitlen !== m.hostLen) {
    if (p.isJson()) p.string(PRINT_JSON, 'prefsrc', null, m.prefsrc);
    else p.fp(`src ${p.colorize(fc, `${m.prefsrc} `)}`);
  }
  if (m.priority !== undefined && f.metricmask !== -1 && (m.family === AF.INET6 || m.priority)) p.num(PRINT_ANY, 'metric', 'metric %u ', m.priority);
  p.openArray(PRINT_JSON, p.isJson() ? 'flags' : '');
  if (m.flags & RTNH_F_ONLINK) p.string(PRINT_ANY, null, '%s ', 'onlink');
  if (m.flags & RTNH_F_LINKDOWN) p.string(PRINT_ANY, null, '%s ', 'linkdown');
  // rtm_flags carries the RTCF_* bits of a cached route too: RTCF_MULTICAST is RTM_F_OFFLOAD_FAILED
  if (m.flags & 0x4000) p.string(PRINT_ANY, null, '%s ', 'rt_offload');
  if (m.flags & 0x8000) p.string(PRINT_ANY, null, '%s ', 'rt_trap');
  if (m.flags & 0x20000000) p.string(PRINT_ANY, null, '%s ', 'rt_offload_failed');
  p.closeArray(PRINT_JSON, null);
  if (m.uid !== undefined) p.num(PRINT_ANY, 'uid', 'uid %u ', m.uid);
  if (m.family === AF.INET && m.flags & RTM_F_CLONED) {
    printCacheFlags(ip, m.flags);
    // print_rta_cacheinfo
    if (m.expires) p.num(PRINT_ANY, 'expires', 'expires %dsec ', Math.floor(m.expires / USER_HZ));
  }
  if (m.pref !== undefined) p.string(PRINT_ANY, 'pref', 'pref %s', m.pref);
  p.string(PRINT_FP, null, '\n', null);
  p.closeObject();
  p.flush();
}

// ---------------------------------------------------------------- list / flush

function iprouteListFlush(ip: Ip, argv: string[], flush: boolean): number {
  let dumpFamily = ip.opts.family;
  const f = resetFilter();
  f.tb = RT_TABLE.main;
  if (flush && argv.length <= 0) {
    ip.err('"ip route flush" requires arguments.\n');
    return -1;
  }
  let od: string | undefined;
  let id: string | undefined;
  const a = new Args(ip, argv);
  while (a.argc > 0) {
    const w = a.cur;
    if (matches(w, 'table')) {
      const v = a.next();
      const t = rttableA2n(v);
      if (t === null) {
        if (v === 'all') f.tb = 0;
        else if (v === 'cache') f.cloned = true;
        else if (v === 'help') usage(ip);
        else invarg(ip, 'table id value is invalid\n', v);
      } else f.tb = t;
    } else if (matches(w, 'vrf')) {
      invarg(ip, 'Invalid VRF\n', a.next());
    } else if (matches(w, 'cached') || matches(w, 'cloned')) f.cloned = true;
    else if (w === 'tos' || matches(w, 'dsfield')) {
      const v = a.next();
      const t = getU32(v, 16);
      if (t === null || t > 255) invarg(ip, 'TOS value is invalid\n', v);
      f.tos = t;
      f.tosmask = -1;
    } else if (matches(w, 'protocol')) {
      const v = a.next();
      f.protocolmask = -1;
      let prot = rtprotA2n(v);
      if (prot === null) {
        if (v !== 'all') invarg(ip, 'invalid "protocol"\n', v);
        prot = 0;
        f.protocolmask = 0;
      }
      f.protocol = prot;
    } else if (matches(w, 'scope')) {
      const v = a.next();
      f.scopemask = -1;
      let scope = rtscopeA2n(v);
      if (scope === null) {
        if (v !== 'all') invarg(ip, 'invalid "scope"\n', v);
        scope = RT_SCOPE.nowhere;
        f.scopemask = 0;
      }
      f.scope = scope;
    } else if (matches(w, 'type')) {
      const v = a.next();
      const t = rtntypeA2n(v);
      if (t === null) invarg(ip, 'node type value is invalid\n', v);
      f.typemask = 1 << t;
    } else if (w === 'dev' || w === 'oif') od = a.next();
    else if (w === 'iif') id = a.next();
    else if (w === 'mark') {
      const v = a.next();
      if (getU32(v, 0) === null) invarg(ip, 'invalid mark value', v);
    } else if (matches(w, 'metric') || matches(w, 'priority') || w === 'preference') {
      const v = a.next();
      const m = getU32(v, 0);
      if (m === null) invarg(ip, '"metric" value is invalid\n', v);
      f.metric = m;
      f.metricmask = -1;
    } else if (w === 'via') {
      let v = a.next();
      let fam = readFamily(v);
      if (fam === AF.UNSPEC) fam = dumpFamily;
      else v = a.next();
      f.rvia = getPrefix(ip, v, fam);
    } else if (w === 'src') {
      f.rprefsrc = getPrefix(ip, a.next(), dumpFamily);
    } else if (matches(w, 'realms')) {
      a.next();
    } else if (matches(w, 'from')) {
      let v = a.next();
      if (matches(v, 'root') || matches(v, 'match')) v = a.next();
      else if (matches(v, 'exact')) v = a.next();
      getPrefix(ip, v, dumpFamily);
    } else {
      let v = w;
      if (matches(v, 'to')) v = a.next();
      if (matches(v, 'root')) {
        f.rdst = getPrefix(ip, a.next(), dumpFamily);
      } else if (matches(v, 'match')) {
        f.mdst = getPrefix(ip, a.next(), dumpFamily);
      } else {
        if (matches(v, 'exact')) v = a.next();
        f.mdst = getPrefix(ip, v, dumpFamily);
        f.rdst = f.mdst;
      }
    }
    a.adv();
  }
  if (dumpFamily === AF.UNSPEC && f.tb) dumpFamily = AF.INET;
  if (id !== undefined) {
    if (!llNameToIndex(ip, id)) {
      nodev(ip, id);
      return -1;
    }
  }
  if (od !== undefined) {
    const idx = llNameToIndex(ip, od);
    if (!idx) {
      nodev(ip, od);
      return -1;
    }
    f.oif = idx;
    f.oifmask = -1;
  }
  const collect = (): RouteMsg[] => {
    const n = ip.m.world.netns[ip.netns]!;
    const out: RouteMsg[] = [];
    if (f.cloned) return out;
    if (dumpFamily === AF.UNSPEC || dumpFamily === AF.INET) out.push(...dumpV4(n));
    if (dumpFamily === AF.UNSPEC || dumpFamily === AF.INET6) out.push(...v6Msgs(n));
    return out.filter((m) => filterMsg(ip, f, m));
  };
  if (flush) {
    f.flush = true;
    const sel = collect().filter((m) => m.family === AF.INET && m.route);
    return flushSelected(
      ip,
      sel,
      'entries',
      (m) => printRoute(ip, f, m),
      (k, nsId, m) => {
        fibRemoveFirst(getNs(k.w, nsId), (x) => sameRoute(x, m.route!));
      },
    );
  }
  ip.p.newJsonObj();
  for (const m of collect()) printRoute(ip, f, m);
  ip.p.deleteJsonObj();
  ip.p.flush();
  return 0;
}

function sameRoute(a: Route, b: Route): boolean {
  return a.table === b.table && a.type === b.type && a.dst === b.dst && a.dstLen === b.dstLen && a.tos === b.tos && a.priority === b.priority && a.protocol === b.protocol && a.scope === b.scope && a.prefsrc === b.prefsrc && a.gateway === b.gateway && a.dev === b.dev && a.onlink === b.onlink;
}

// ---------------------------------------------------------------- add / del / change / replace / append

const RTM_NEWROUTE = 24;
const RTM_DELROUTE = 25;
const NLM = { REPLACE: 0x100, EXCL: 0x200, CREATE: 0x400, APPEND: 0x800 } as const;

function iprouteModify(ip: Ip, cmd: number, flags: number, argv: string[]): number {
  let family: number = ip.opts.family;
  let table: number = RT_TABLE.main;
  let protocol = cmd !== RTM_DELROUTE ? 3 : 0;
  let scope: number = cmd !== RTM_DELROUTE ? RT_SCOPE.universe : RT_SCOPE.nowhere;
  let type: number = cmd !== RTM_DELROUTE ? RTN.UNICAST : RTN.UNSPEC;
  let dev: string | undefined;
  let gw: InetPrefix | undefined;
  let dst: InetPrefix | undefined;
  let prefsrc: InetPrefix | undefined;
  let metric: number | undefined;
  let tos = 0;
  let onlink = false;
  let gwOk = false;
  let nhsOk = false;
  let scopeOk = false;
  let tableOk = false;
  const a = new Args(ip, argv);
  while (a.argc > 0) {
    const w = a.cur;
    if (w === 'src') {
      prefsrc = getAddr(ip, a.next(), family);
      if (family === AF.UNSPEC) family = prefsrc.family;
    } else if (w === 'as') {
      let v = a.next();
      if (v === 'to') v = a.next();
      getAddr(ip, v, family);
    } else if (w === 'via') {
      if (gwOk) invarg(ip, 'use nexthop syntax to specify multiple via\n', w);
      gwOk = true;
      let v = a.next();
      let fam = readFamily(v);
      if (fam === AF.UNSPEC) fam = family;
      else v = a.next();
      gw = getAddr(ip, v, fam);
      if (family === AF.UNSPEC) family = gw.family;
    } else if (w === 'from') {
      const p = getPrefix(ip, a.next(), family);
      if (family === AF.UNSPEC) family = p.family;
    } else if (w === 'tos' || matches(w, 'dsfield')) {
      const v = a.next();
      const t = getU32(v, 16);
      if (t === null || t > 255) invarg(ip, '"tos" value is invalid\n', v);
      tos = t;
    } else if (w === 'expires') {
      const v = a.next();
      if (getU32(v, 0) === null) invarg(ip, '"expires" value is invalid\n', v);
    } else if (matches(w, 'metric') || matches(w, 'priority') || w === 'preference') {
      const v = a.next();
      const m = getU32(v, 0);
      if (m === null) invarg(ip, '"metric" value is invalid\n', v);
      metric = m;
    } else if (w === 'scope') {
      const v = a.next();
      const s = rtscopeA2n(v);
      if (s === null) invarg(ip, 'invalid "scope" value\n', v);
      scope = s;
      scopeOk = true;
    } else if (['mtu', 'hoplimit', 'advmss', 'rtt', 'rto_min', 'rttvar'].includes(w) || matches(w, 'reordering') || matches(w, 'window') || matches(w, 'cwnd') || matches(w, 'initcwnd') || matches(w, 'initrwnd') || matches(w, 'ssthresh') || matches(w, 'congctl') || matches(w, 'quickack') || matches(w, 'fastopen_no_cookie') || matches(w, 'features')) {
      let v = a.next();
      if (v === 'lock') v = a.next();
      void v;
      ip.err(`nsemu: route metric "${w}" is not emulated\n`);
      return -2;
    } else if (matches(w, 'realms')) {
      a.next();
    } else if (w === 'onlink') onlink = true;
    else if (w === 'nexthop') {
      nhsOk = true;
      break;
    } else if (w === 'nhid') {
      const v = a.next();
      if (getU32(v, 0) === null) invarg(ip, '"id" value is invalid\n', v);
      ip.err('Error: Nexthop id does not exist.\n');
      return -2;
    } else if (matches(w, 'protocol')) {
      const v = a.next();
      const pr = rtprotA2n(v);
      if (pr === null) invarg(ip, '"protocol" value is invalid\n', v);
      protocol = pr;
    } else if (matches(w, 'table')) {
      const v = a.next();
      const t = rttableA2n(v);
      if (t === null) invarg(ip, '"table" value is invalid\n', v);
      table = t;
      tableOk = true;
    } else if (matches(w, 'vrf')) {
      invarg(ip, 'Invalid VRF\n', a.next());
    } else if (w === 'dev' || w === 'oif') dev = a.next();
    else if (matches(w, 'pref')) {
      a.next();
    } else if (w === 'encap' || w === 'ttl-propagate') {
      ip.err(`nsemu: route option "${w}" is not emulated\n`);
      return -2;
    } else {
      let v = w;
      if (v === 'to') v = a.next();
      const t = rtntypeA2n(v);
      if ((v[0]! < '0' || v[0]! > '9') && t !== null) {
        v = a.next();
        type = t;
      }
      if (matches(v, 'help')) usage(ip);
      if (dst) duparg2(ip, 'to', v);
      dst = getPrefix(ip, v, family);
      if (family === AF.UNSPEC) family = dst.family;
    }
    a.adv();
  }
  if (!dst) usage(ip);
  let oif = 0;
  if (dev !== undefined) {
    oif = llNameToIndex(ip, dev);
    if (!oif) {
      nodev(ip, dev);
      return -1;
    }
  }
  if (nhsOk) {
    ip.err('nsemu: multipath routes (nexthop) are not emulated\n');
    return -2;
  }
  if (family === AF.UNSPEC) family = AF.INET;
  if (!tableOk && (type === RTN.LOCAL || type === RTN.BROADCAST || type === RTN.NAT || type === RTN.ANYCAST)) table = RT_TABLE.local;
  if (!scopeOk) {
    if (family === AF.INET6) scope = RT_SCOPE.universe;
    else if (type === RTN.LOCAL || type === RTN.NAT) scope = RT_SCOPE.host;
    else if (type === RTN.BROADCAST || type === RTN.MULTICAST || type === RTN.ANYCAST) scope = RT_SCOPE.link;
    else if (type === RTN.UNICAST || type === RTN.UNSPEC) {
      if (cmd === RTM_DELROUTE) scope = RT_SCOPE.nowhere;
      else if (!gwOk) scope = RT_SCOPE.link;
    }
  }
  if (family === AF.INET6) {
    ip.err('nsemu: IPv6 routes are not emulated\n');
    return -2;
  }
  const nsId = ip.netns;
  const uid = ip.c.proc.uid;
  const d = dst;
  talk(ip, (k: Kctx) => {
    if (uid !== 0) throw kerr('EPERM');
    const ns = getNs(k.w, nsId);
    const plen = d.bitlen;
    if (plen < 32 && (d.v4 & ~prefixMask(plen)) >>> 0) throw kerr('EINVAL', 'Invalid prefix for given prefix length');
    if (cmd === RTM_DELROUTE) {
      fibTableDelete(ns, (r) => {
        if (r.table !== table || r.dst !== (d.v4 & prefixMask(plen)) >>> 0 || r.dstLen !== plen || r.tos !== tos) return false;
        if (type && RTN_OF[r.type] !== type) return false;
        if (scope !== RT_SCOPE.nowhere && r.scope !== scope) return false;
        if (prefsrc && r.prefsrc !== prefsrc.v4) return false;
        if (protocol && r.protocol !== protocol) return false;
        if (metric && r.priority !== metric) return false;
        if (oif && r.dev !== oif) return false;
        if (gw && r.gateway !== gw.v4) return false;
        return true;
      });
      return;
    }
    if (type > RTN.NAT || type === RTN.UNSPEC) throw kerr('EINVAL', 'Invalid route type');
    if (TYPE_SCOPE[type]! > scope) throw kerr('EINVAL', 'Invalid scope');
    const route: Route = {
      table,
      type: TYPE_OF[type]!,
      dst: d.v4,
      dstLen: plen,
      tos,
      priority: metric ?? 0,
      protocol,
      scope,
      onlink,
    };
    if (prefsrc) route.prefsrc = prefsrc.v4;
    if (gw && gw.v4) route.gateway = gw.v4;
    if (oif) route.dev = oif;
    if (isErrorType(type)) {
      if (gw || oif) throw kerr('EINVAL', 'Gateway, device and multipath can not be specified for this route type');
    } else if (scope === RT_SCOPE.host) {
      if (gw) throw kerr('EINVAL', 'Route with host scope can not have a gateway');
      if (!oif || !ns.devs[oif]) throw kerr('ENODEV');
    } else {
      if (gw?.v4 === 0 && gw) throw kerr('EINVAL', 'Invalid gateway address');
      if (!gw && !oif) throw kerr('ENODEV');
      fibCheckNh(ns, route);
    }
    if (route.prefsrc !== undefined && !(type === RTN.LOCAL && route.dstLen === 32 && route.dst === route.prefsrc)) {
      const t = fibLookup(ns, route.prefsrc, { table: RT_TABLE.local });
      if (!t || t.type !== 'local') throw kerr('EINVAL', 'Invalid prefsrc address');
    }
    let mode: InsertMode;
    if (flags & NLM.REPLACE) mode = flags & NLM.CREATE ? 'replace' : 'change';
    else if (flags & NLM.APPEND) mode = 'append';
    else if (flags & NLM.EXCL) mode = 'add';
    else mode = 'prepend';
    fibTableInsert(ns as Netns, route, mode);
  });
  return 0;
}

// ---------------------------------------------------------------- get

function iprouteGet(ip: Ip, argv: string[]): number {
  let family = ip.opts.family;
  let dst: InetPrefix | undefined;
  let from: InetPrefix | undefined;
  let idev: string | undefined;
  let odev: string | undefined;
  let fibmatch = false;
  let uid: number | undefined;
  let addressFound = false;
  const a = new Args(ip, argv);
  while (a.argc > 0) {
    const w = a.cur;
    if (w === 'tos' || matches(w, 'dsfield')) {
      const v = a.next();
      const t = getU32(v, 16);
      if (t === null || t > 255) invarg(ip, 'TOS value is invalid\n', v);
    } else if (matches(w, 'from')) {
      const v = a.next();
      if (matches(v, 'help')) usage(ip);
      from = getPrefix(ip, v, family);
      if (family === AF.UNSPEC) family = from.family;
    } else if (matches(w, 'iif')) idev = a.next();
    else if (matches(w, 'mark')) {
      const v = a.next();
      if (getU32(v, 0) === null) invarg(ip, 'invalid mark value', v);
    } else if (matches(w, 'oif') || w === 'dev') odev = a.next();
    else if (matches(w, 'notify') || matches(w, 'connected')) {
      // nothing the emulated kernel would answer differently
    } else if (matches(w, 'vrf')) invarg(ip, 'Invalid VRF\n', a.next());
    else if (matches(w, 'uid')) {
      const v = a.next();
      const u = getU32(v, 0);
      if (u === null) invarg(ip, 'invalid UID\n', v);
      uid = u;
    } else if (matches(w, 'fibmatch')) fibmatch = true;
    else if (w === 'as') {
      let v = a.next();
      if (v === 'to') v = a.next();
      getAddr(ip, v, family);
    } else if (matches(w, 'sport') || matches(w, 'dport') || matches(w, 'ipproto')) {
      a.next();
    } else {
      let v = w;
      if (v === 'to') v = a.next();
      if (matches(v, 'help')) usage(ip);
      dst = getPrefix(ip, v, family);
      if (family === AF.UNSPEC) family = dst.family;
      if (dst.family === AF.INET && dst.bitlen !== 32) ip.err(`Warning: /${dst.bitlen} as prefix is invalid, only /32 (or none) is supported.\n`);
      else if (dst.family === AF.INET6 && dst.bitlen !== 128) ip.err(`Warning: /${dst.bitlen} as prefix is invalid, only /128 (or none) is supported.\n`);
      addressFound = true;
    }
    a.adv();
  }
  if (!addressFound || !dst) {
    ip.err('need at least a destination address\n');
    return -1;
  }
  let oif: number | undefined;
  if (idev !== undefined) {
    if (!llNameToIndex(ip, idev)) {
      nodev(ip, idev);
      return -1;
    }
  }
  if (odev !== undefined) {
    oif = llNameToIndex(ip, odev);
    if (!oif) {
      nodev(ip, odev);
      return -1;
    }
  }
  if (family === AF.INET6) {
    ip.err('RTNETLINK answers: Network is unreachable\n');
    return -2;
  }
  if (idev !== undefined) {
    ip.err('nsemu: "ip route get … iif" (input routes) is not emulated\n');
    return -2;
  }
  const ns = ip.m.world.netns[ip.netns]!;
  const f = resetFilter();
  f.cloned = true;
  const daddr = dst.v4;
  const saddr = from?.v4;
  let m: RouteMsg;
  try {
    if (oif !== undefined && !ns.devs[oif]) throw kerr('ENODEV');
    const res = ipRouteOutput(ns, daddr, { oif, saddr, now: ip.m.now });
    if (fibmatch) {
      const fr = fibLookup(ns, daddr, { oif });
      if (!fr) throw kerr('ENETUNREACH');
      const rm = v4Msg(ns, fr.route);
      f.cloned = false;
      ip.p.newJsonObj();
      printRoute(ip, f, rm);
      ip.p.deleteJsonObj();
      return 0;
    }
    let cflags = RTM_F_CLONED;
    if (res.type === 'local') cflags |= RTCF.LOCAL;
    if (res.type === 'broadcast') cflags |= RTCF.BROADCAST | RTCF.LOCAL;
    if (res.type === 'multicast') cflags |= RTCF.MULTICAST;
    if (res.fnhe) cflags |= RTCF.REDIRECTED;
    m = {
      family: AF.INET,
      type: RTN_OF[res.type] ?? RTN.UNICAST,
      dst: ipv4ToText(daddr),
      dstLen: 32,
      hostLen: 32,
      tos: 0,
      gateway: res.gateway ? ipv4ToText(res.gateway) : undefined,
      oif: res.dev,
      table: RT_TABLE.main,
      protocol: 0,
      scope: 0,
      // no source at all (a device without addresses): the kernel sends no RTA_PREFSRC
      prefsrc: (saddr !== undefined && saddr === res.src) || res.src === 0 ? undefined : ipv4ToText(res.src),
      flags: cflags,
      uid: uid ?? ip.c.proc.uid,
      // the time left (jiffies_delta_to_clock_t)
      expires: res.fnhe ? Math.floor(((res.fnhe.expires - ip.m.now) * USER_HZ) / NS_PER_SEC) : undefined,
    };
    if (saddr !== undefined) {
      m.src = ipv4ToText(saddr);
      m.srcLen = 32;
    }
  } catch (e) {
    if (e instanceof KernelError) {
      ip.err(rtnlErrorText(e));
      return -2;
    }
    throw e;
  }
  ip.p.newJsonObj();
  f.tb = 0;
  printRoute(ip, f, m);
  ip.p.deleteJsonObj();
  return 0;
}

export function doIproute(ip: Ip, argv: string[]): number {
  if (argv.length < 1) return iprouteListFlush(ip, [], false);
  const cmd = argv[0]!;
  const rest = argv.slice(1);
  if (matches(cmd, 'add')) return iprouteModify(ip, RTM_NEWROUTE, NLM.CREATE | NLM.EXCL, rest);
  if (matches(cmd, 'change') || cmd === 'chg') return iprouteModify(ip, RTM_NEWROUTE, NLM.REPLACE, rest);
  if (matches(cmd, 'replace')) return iprouteModify(ip, RTM_NEWROUTE, NLM.CREATE | NLM.REPLACE, rest);
  if (matches(cmd, 'prepend')) return iprouteModify(ip, RTM_NEWROUTE, NLM.CREATE, rest);
  if (matches(cmd, 'append')) return iprouteModify(ip, RTM_NEWROUTE, NLM.CREATE | NLM.APPEND, rest);
  if (matches(cmd, 'test')) return iprouteModify(ip, RTM_NEWROUTE, NLM.EXCL, rest);
  if (matches(cmd, 'delete')) return iprouteModify(ip, RTM_DELROUTE, 0, rest);
  if (matches(cmd, 'list') || matches(cmd, 'show') || matches(cmd, 'lst')) return iprouteListFlush(ip, rest, false);
  if (matches(cmd, 'get')) return iprouteGet(ip, rest);
  if (matches(cmd, 'flush')) return iprouteListFlush(ip, rest, true);
  if (matches(cmd, 'save') || matches(cmd, 'restore') || matches(cmd, 'showdump')) {
    ip.err(`nsemu: "ip route ${cmd}" is not emulated\n`);
    return -1;
  }
  if (matches(cmd, 'help')) usage(ip);
  return die(ip, `Command "${cmd}" is unknown, try "ip route help".\n`);
}
