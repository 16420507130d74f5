// `ip address` and the link printer (iproute2 6.1 ip/ipaddress.c: print_linkinfo,
// print_addrinfo, ipaddr_list_flush_or_save, ipaddr_modify). The kernel side of a dump is
// rtnl_fill_ifinfo / inet_fill_ifaddr / inet6_fill_ifaddr: what they would put in the message is
// read from the World here (a link dump first lets the dumping namespace allocate the nsids it
// reports, as peernet2id_alloc does).
import type { Kctx } from '../../kernel/machine.ts';
import type { Device, DevStats, Inet6Addr, InetAddr, Netns } from '../../kernel/types.ts';
import { RT_SCOPE, RT_TABLE, type Route } from '../../kernel/types.ts';
import { fibRemoveAt, insertRoute, RTPROT } from '../../protocols/ipv4/fib.ts';
import { kerr } from '../../kernel/errors.ts';
import { IFF, getNs, peernet2idAlloc } from '../../kernel/dev.ts';
import { inetDelIfa, inetInsertIfa } from '../../protocols/ipv4/devinet.ts';
import { inet6AddrAdd, inet6AddrDel } from '../../protocols/ipv6/addrconf.ts';
import { inPrefix, ipv4ToText, ipv6ToText, prefixMask, ipv6FromText } from '../../protocols/wire/addr.ts';
import {
  AF,
  Args,
  COLOR,
  familyColor,
  operstateColor,
  EXIT_M1,
  IpExit,
  PRINT_ANY,
  PRINT_FP,
  PRINT_JSON,
  devsSorted,
  die,
  duparg,
  duparg2,
  familyName,
  getAddr,
  getPrefix,
  getU32,
  invarg,
  llIndexToName,
  llNameToIndex,
  matches,
  nodev,
  rtnlGroupA2n,
  rtnlGroupN2a,
  rtscopeA2n,
  rtscopeN2a,
  sprintf1,
  talk,
  flushSelected,
  type InetPrefix,
  type Ip,
  type Printer, LINK_TYPES_USAGE } from './utils.ts';
import { iplinkUsage } from './link.ts';
import { nameFromNsid } from './netns.ts';

// ---------------------------------------------------------------- the link message (rtnl_fill_ifinfo)

const IFF_EXTRA = { DYNAMIC: 0x8000, AUTOMEDIA: 0x4000, PORTSEL: 0x2000, ECHO: 0x40000 } as const;

/** Promiscuity the user asked for (`ip link set X promisc on`: dev->gflags, what dev_get_flags
 *  reports), as opposed to a bridge port's or a packet socket's (tcpdump) counted promiscuity. */
function userPromisc(d: Device): boolean {
  return (d.gflags & IFF.PROMISC) !== 0;
}

/** dev_get_flags: RUNNING follows the operstate (netif_oper_up), LOWER_UP the carrier. */
export function linkFlags(d: Device): number {
  let f = d.kind === 'loopback' ? IFF.LOOPBACK : IFF.BROADCAST;
  // (the loopback's neighbours are NOARP, but lo itself never has IFF_NOARP)
  if (d.multicast ?? d.kind !== 'loopback') f |= IFF.MULTICAST;
  if (d.noarp && d.kind !== 'loopback') f |= IFF.NOARP;
  if (d.up) f |= IFF.UP;
  if (userPromisc(d)) f |= IFF.PROMISC;
  if (d.allmulti > 0) f |= IFF.ALLMULTI;
  if (d.up) {
    if (d.operstate === 'UP' || d.operstate === 'UNKNOWN') f |= IFF.RUNNING;
    if (d.carrier) f |= IFF.LOWER_UP;
  }
  return f;
}

/** dev_get_iflink: a veth's peer (0 once it has none), else the device itself. */
export function iflink(d: Device): number {
  if (d.kind === 'veth') return d.peer ? d.peer.ifindex : 0;
  return d.ifindex;
}

/** IFLA_LINK_NETNSID's namespace: the veth peer's when it lives elsewhere. */
function linkNet(d: Device, nsId: number): number | undefined {
  if (d.kind === 'veth' && d.peer && d.peer.ns !== nsId) return d.peer.ns;
  return undefined;
}

export interface LinkFilter {
  ifindex: number;
  family: number;
  oneline: boolean;
  showqueue: boolean;
  up: boolean;
  group: number;
  /** >0 a master ifindex, -1 nomaster */
  master: number;
  kind?: string;
  slaveKind?: string;
  label?: string;
  scope: number;
  scopemask: number;
  flags: number;
  flagmask: number;
  pfx?: InetPrefix;
  /** ip link (do_link) rather than ip address */
  doLink: boolean;
  /** the links come from an AF_INET6 link dump (inet6_fill_ifinfo): fewer attributes */
  inet6Dump?: boolean;
  flush: boolean;
}

export function newLinkFilter(ip: Ip, doLink: boolean): LinkFilter {
  return { ifindex: 0, family: ip.opts.family, oneline: ip.opts.oneline > 0, showqueue: true, up: false, group: -1, master: 0, scope: 0, scopemask: 0, flags: 0, flagmask: 0, doLink, flush: false };
}

/**
 * The devices a link dump (or RTM_GETLINK) of the current namespace reports, after the kernel
 * allocated in it the nsids of the peers' namespaces (rtnl_fill_link_netnsid).
 */
export function dumpLinks(ip: Ip, only?: number): { ns: Netns; devs: Device[] } {
  const nsId = ip.netns;
  // RTM_GETLINK of one device looks at that device only
  const which = (ns: Netns): Device[] => {
    if (only === undefined) return devsSorted(ns);
    const d = ns.devs[only];
    return d ? [d] : [];
  };
  const need = (ns: Netns): boolean =>
    which(ns).some((d) => {
      const peer = linkNet(d, nsId);
      return peer !== undefined && ip.m.world.netns[peer] !== undefined && ns.nsids[peer] === undefined;
    });
  const cur = ip.m.world.netns[nsId];
  if (cur && need(cur)) {
    ip.m.mutate((k: Kctx) => {
      const ns = k.w.netns[nsId];
      if (!ns) return;
      for (const d of which(ns)) {
        const peer = linkNet(d as Device, nsId);
        if (peer !== undefined && k.w.netns[peer]) peernet2idAlloc(k.w, nsId, peer);
      }
    });
  }
  const ns = ip.m.world.netns[nsId];
  if (!ns) throw new IpExit(1);
  return { ns, devs: which(ns) };
}

// ---------------------------------------------------------------- print_linkinfo

function printLinkFlags(p: Printer, flags0: number, mdown: boolean): void {
  let flags = flags0;
  p.openArray(PRINT_ANY, p.isJson() ? 'flags' : '<');
  if (flags & IFF.UP && !(flags & IFF.RUNNING)) p.string(PRINT_ANY, null, flags ? '%s,' : '%s', 'NO-CARRIER');
  flags &= ~IFF.RUNNING;
  const pf = (bit: number, name: string): void => {
    if (flags & bit) {
      flags &= ~bit;
      p.string(PRINT_ANY, null, flags ? '%s,' : '%s', name);
    }
  };
  pf(IFF.LOOPBACK, 'LOOPBACK');
  pf(IFF.BROADCAST, 'BROADCAST');
  pf(IFF.POINTOPOINT, 'POINTOPOINT');
  pf(IFF.MULTICAST, 'MULTICAST');
  pf(IFF.NOARP, 'NOARP');
  pf(IFF.ALLMULTI, 'ALLMULTI');
  pf(IFF.PROMISC, 'PROMISC');
  pf(IFF.MASTER, 'MASTER');
  pf(IFF.SLAVE, 'SLAVE');
  pf(IFF.DEBUG, 'DEBUG');
  pf(IFF_EXTRA.DYNAMIC, 'DYNAMIC');
  pf(IFF_EXTRA.AUTOMEDIA, 'AUTOMEDIA');
  pf(IFF_EXTRA.PORTSEL, 'PORTSEL');
  pf(IFF.NOTRAILERS, 'NOTRAILERS');
  pf(IFF.UP, 'UP');
  pf(IFF.LOWER_UP, 'LOWER_UP');
  pf(IFF.DORMANT, 'DORMANT');
  pf(IFF_EXTRA.ECHO, 'ECHO');
  if (flags) p.hex(PRINT_ANY, null, '%x', flags);
  if (mdown) p.string(PRINT_ANY, null, ',%s', 'M-DOWN');
  p.closeArray(PRINT_ANY, '> ');
}

function printOperstate(ip: Ip, state: string): void {
  const p = ip.p;
  if (ip.opts.brief) p.cstring(PRINT_ANY, operstateColor(state), 'operstate', '%-14s ', state);
  else if (p.isJson()) p.string(PRINT_JSON, 'operstate', null, state);
  else p.fp(`state ${p.colorize(operstateColor(state), `${state} `)}`);
}

/** lib/utils.c print_name_and_link: `name@peer`, `name@ifN`, or the bare name; returns M-DOWN. */
function printNameAndLink(ip: Ip, fmt: string, ns: Netns, d: Device): boolean {
  const p = ip.p;
  let name = d.name;
  let mflag = false;
  const il = iflink(d);
  // nla_put_iflink: IFLA_LINK when it differs, and always for a link in another namespace
  if (il !== d.ifindex || linkNet(d, ns.id) !== undefined) {
    let link: string | null = null;
    if (il) {
      if (linkNet(d, ns.id) !== undefined) {
        if (p.isJson()) p.num(PRINT_JSON, 'link_index', '', il);
        else link = `if${il}`;
      } else {
        const peer = ns.devs[il];
        link = peer ? peer.name : `if${il}`;
        if (p.isJson()) {
          p.string(PRINT_JSON, 'link', null, link);
          link = null;
        }
        mflag = !(peer && linkFlags(peer) & IFF.UP);
      }
    } else if (p.isJson()) p.null(PRINT_JSON, 'link', '', null);
    else link = 'NONE';
    if (link) name = `${name}@${link}`;
  }
  p.cstring(PRINT_ANY, COLOR.IFNAME, 'ifname', fmt, name);
  return mflag;
}

function qdiscOf(d: Device): string {
  return d.everUp ? 'noqueue' : 'noop';
}

function macOf(d: Device): string {
  return d.mac;
}

/** glibc ether_ntoa_r: no leading zeros (as in bridge ids). */
function etherNtoa(mac: string): string {
  return mac
    .split(':')
    .map((x) => Number.parseInt(x, 16).toString(16))
    .join(':');
}

function bridgeIdText(prio: number, mac: string): string {
  return `${prio.toString(16).padStart(4, '0')}.${etherNtoa(mac)}`;
}

function printTimer(p: Printer, name: string, secs: number): void {
  const s = Math.floor(secs);
  const cs = Math.floor((secs - s) * 100 + 1e-9);
  if (p.isJson()) p.raw(name, `${s}.${String(cs).padStart(2, '0')}`);
  else p.fp(`${name} ${String(s).padStart(4)}.${String(cs).padStart(2, '0')} `);
}

function portsOfBridge(ns: Netns, br: Device): Device[] {
  return devsSorted(ns).filter((x) => x.master === br.ifindex && x.port);
}

/** bridge_print_opt (ip/iplink_bridge.c) for what the kernel reports of a bridge. */
function printBridgeOpt(ip: Ip, ns: Netns, br: Device): void {
  const p = ip.p;
  const b = br.bridge;
  if (!b) return;
  const u = (key: string, text: string, v: number): void => p.num(PRINT_ANY, key, `${text} %u `, v);
  u('forward_delay', 'forward_delay', b.forwardDelay);
  u('hello_time', 'hello_time', b.helloTime);
  u('max_age', 'max_age', b.maxAge);
  u('ageing_time', 'ageing_time', b.ageingTime);
  u('stp_state', 'stp_state', b.stpState);
  u('priority', 'priority', b.priority);
  u('vlan_filtering', 'vlan_filtering', b.vlanFiltering);
  const id = bridgeIdText(b.priority, b.bridgeId ?? '00:00:00:00:00:00');
  p.string(PRINT_ANY, 'bridge_id', 'bridge_id %s ', id);
  p.string(PRINT_ANY, 'root_id', 'designated_root %s ', id);
  u('root_port', 'root_port', 0);
  u('root_path_cost', 'root_path_cost', 0);
  u('topology_change', 'topology_change', 0);
  u('topology_change_detected', 'topology_change_detected', 0);
  printTimer(p, 'hello_timer', 0);
  printTimer(p, 'tcn_timer', 0);
  printTimer(p, 'topology_change_timer', 0);
  printTimer(p, 'gc_timer', 0);
  p.hex0x(PRINT_ANY, 'group_fwd_mask', 'group_fwd_mask %#llx ', 0);
  p.string(PRINT_ANY, 'group_addr', 'group_address %s ', '01:80:c2:00:00:00');
  u('mcast_snooping', 'mcast_snooping', b.mcastSnooping);
  u('no_linklocal_learn', 'no_linklocal_learn', 0);
  u('mcast_vlan_snooping', 'mcast_vlan_snooping', 0);
  u('mcast_router', 'mcast_router', 1);
  u('mcast_query_use_ifaddr', 'mcast_query_use_ifaddr', 0);
  u('mcast_querier', 'mcast_querier', 0);
  u('mcast_hash_elasticity', 'mcast_hash_elasticity', 16);
  u('mcast_hash_max', 'mcast_hash_max', 4096);
  u('mcast_last_member_cnt', 'mcast_last_member_count', 2);
  u('mcast_startup_query_cnt', 'mcast_startup_query_count', 2);
  u('mcast_last_member_intvl', 'mcast_last_member_interval', 100);
  u('mcast_membership_intvl', 'mcast_membership_interval', 26000);
  u('mcast_querier_intvl', 'mcast_querier_interval', 25500);
  u('mcast_query_intvl', 'mcast_query_interval', 12500);
  u('mcast_query_response_intvl', 'mcast_query_response_interval', 1000);
  u('mcast_startup_query_intvl', 'mcast_startup_query_interval', 3124);
  u('mcast_stats_enabled', 'mcast_stats_enabled', 0);
  u('mcast_igmp_version', 'mcast_igmp_version', 2);
  u('mcast_mld_version', 'mcast_mld_version', 1);
  u('nf_call_iptables', 'nf_call_iptables', b.nfCallIptables);
  u('nf_call_ip6tables', 'nf_call_ip6tables', 0);
  u('nf_call_arptables', 'nf_call_arptables', 0);
  void ns;
}

/** bridge_slave_print_opt (ip/iplink_bridge_slave.c). */
function printBridgeSlaveOpt(ip: Ip, ns: Netns, d: Device): void {
  const p = ip.p;
  const port = d.port;
  const br = d.master !== undefined ? ns.devs[d.master] : undefined;
  if (!port || !br?.bridge) return;
  const portNo = port.portNo ?? portsOfBridge(ns, br).indexOf(d) + 1;
  const portId = ((port.priority << 10) | portNo) & 0xffff;
  const bid = bridgeIdText(br.bridge.priority, br.bridge.bridgeId ?? '00:00:00:00:00:00');
  p.string(PRINT_ANY, 'state', 'state %s ', port.state);
  p.num(PRINT_ANY, 'priority', 'priority %d ', port.priority);
  p.num(PRINT_ANY, 'cost', 'cost %d ', port.cost);
  p.onOff(PRINT_ANY, 'hairpin', 'hairpin %s ', false);
  p.onOff(PRINT_ANY, 'guard', 'guard %s ', false);
  p.onOff(PRINT_ANY, 'root_block', 'root_block %s ', false);
  p.onOff(PRINT_ANY, 'fastleave', 'fastleave %s ', false);
  p.onOff(PRINT_ANY, 'learning', 'learning %s ', port.learning);
  p.onOff(PRINT_ANY, 'flood', 'flood %s ', port.flood);
  p.hex0x(PRINT_ANY, 'id', 'port_id %#llx ', portId);
  p.hex0x(PRINT_ANY, 'no', 'port_no %#llx ', portNo);
  p.num(PRINT_ANY, 'designated_port', 'designated_port %u ', portId);
  p.num(PRINT_ANY, 'designated_cost', 'designated_cost %u ', 0);
  p.string(PRINT_ANY, 'bridge_id', 'designated_bridge %s ', bid);
  p.string(PRINT_ANY, 'root_id', 'designated_root %s ', bid);
  printTimer(p, 'hold_timer', 0);
  printTimer(p, 'message_age_timer', 0);
  printTimer(p, 'forward_delay_timer', 0);
  p.num(PRINT_ANY, 'topology_change_ack', 'topology_change_ack %u ', 0);
  p.num(PRINT_ANY, 'config_pending', 'config_pending %u ', 0);
  p.onOff(PRINT_ANY, 'proxy_arp', 'proxy_arp %s ', false);
  p.onOff(PRINT_ANY, 'proxy_arp_wifi', 'proxy_arp_wifi %s ', false);
  p.num(PRINT_ANY, 'multicast_router', 'mcast_router %u ', 1);
  p.string(PRINT_FP, null, 'mcast_fast_leave %s ', 'off');
  p.onOff(PRINT_ANY, 'mcast_flood', 'mcast_flood %s ', true);
  p.onOff(PRINT_ANY, 'bcast_flood', 'bcast_flood %s ', true);
  p.onOff(PRINT_ANY, 'mcast_to_unicast', 'mcast_to_unicast %s ', false);
  p.onOff(PRINT_ANY, 'neigh_suppress', 'neigh_suppress %s ', false);
  p.hex0x(PRINT_ANY, 'group_fwd_mask', 'group_fwd_mask %#llx ', 0);
  p.string(PRINT_ANY, 'group_fwd_mask_str', 'group_fwd_mask_str %s ', '0x0');
  p.onOff(PRINT_ANY, 'vlan_tunnel', 'vlan_tunnel %s ', false);
  p.onOff(PRINT_ANY, 'isolated', 'isolated %s ', false);
  p.onOff(PRINT_ANY, 'locked', 'locked %s ', false);
}

/** print_linktype: the IFLA_LINKINFO nest (kind, kind data, slave kind, slave data). */
function printLinktype(ip: Ip, ns: Netns, d: Device): void {
  const p = ip.p;
  p.openObject('linkinfo');
  if (d.kind === 'veth' || d.kind === 'bridge') {
    p.nl();
    p.string(PRINT_ANY, 'info_kind', '    %s ', d.kind);
    if (d.kind === 'bridge') {
      p.openObject('info_data');
      printBridgeOpt(ip, ns, d);
      p.closeObject();
    }
  }
  if (d.master !== undefined && d.port) {
    p.nl();
    p.string(PRINT_ANY, 'info_slave_kind', '    %s_slave ', 'bridge');
    p.openObject('info_slave_data');
    printBridgeSlaveOpt(ip, ns, d);
    p.closeObject();
  }
  p.closeObject();
}

function hasLinkinfo(d: Device): boolean {
  return d.kind === 'veth' || d.kind === 'bridge';
}

/** size_columns + print_num of print_stats64 */
function sizeColumns(cols: number[], human: boolean, ...vals: number[]): void {
  vals.forEach((v, i) => {
    if (human) return;
    let len = 1;
    for (let x = v; x > 9; x = Math.floor(x / 10)) len++;
    if (len > cols[i]!) cols[i] = len;
  });
}

function printNum(ip: Ip, width: number, count: number): void {
  const base = ip.opts.iec ? 1024 : 1000;
  if (!ip.opts.human || count < base) {
    ip.p.fp(`${String(count).padStart(width)} `);
    return;
  }
  const prefixes = 'kMGTPE';
  let pi = 0;
  let powi = 1;
  for (;;) {
    powi *= base;
    if (count / base < powi) break;
    if (pi + 1 >= prefixes.length) break;
    pi++;
  }
  let precision = 2;
  let powj = 1;
  for (; precision > 0; precision--) {
    powj *= 10;
    if (count / powi < powj) break;
  }
  const txt = `${(count / powi).toFixed(precision)}${prefixes[pi]}${ip.opts.iec ? 'i' : ''}`;
  ip.p.fp(`${txt.padStart(width)} `);
}

/** print_stats64 (6.1 layout) */
function printStats64(ip: Ip, s: DevStats, carrierChanges: number): void {
  const p = ip.p;
  const detail = ip.opts.stats > 1;
  if (p.isJson()) {
    p.openObject('stats64');
    p.openObject('rx');
    p.num(PRINT_JSON, 'bytes', '', s.rxBytes);
    p.num(PRINT_JSON, 'packets', '', s.rxPackets);
    p.num(PRINT_JSON, 'errors', '', s.rxErrors);
    p.num(PRINT_JSON, 'dropped', '', s.rxDropped);
    p.num(PRINT_JSON, 'over_errors', '', 0);
    p.num(PRINT_JSON, 'multicast', '', s.rxMcast);
    if (detail) {
      p.num(PRINT_JSON, 'length_errors', '', 0);
      p.num(PRINT_JSON, 'crc_errors', '', 0);
      p.num(PRINT_JSON, 'frame_errors', '', 0);
      p.num(PRINT_JSON, 'fifo_errors', '', 0);
      p.num(PRINT_JSON, 'missed_errors', '', s.rxMissed);
    }
    p.closeObject();
    p.openObject('tx');
    p.num(PRINT_JSON, 'bytes', '', s.txBytes);
    p.num(PRINT_JSON, 'packets', '', s.txPackets);
    p.num(PRINT_JSON, 'errors', '', s.txErrors);
    p.num(PRINT_JSON, 'dropped', '', s.txDropped);
    p.num(PRINT_JSON, 'carrier_errors', '', s.txCarrier);
    p.num(PRINT_JSON, 'collisions', '', s.txCollisions);
    if (detail) {
      p.num(PRINT_JSON, 'aborted_errors', '', 0);
      p.num(PRINT_JSON, 'fifo_errors', '', 0);
      p.num(PRINT_JSON, 'window_errors', '', 0);
      p.num(PRINT_JSON, 'heartbeat_errors', '', 0);
      p.num(PRINT_JSON, 'carrier_changes', '', carrierChanges);
    }
    p.closeObject();
    p.closeObject();
    return;
  }
  const human = ip.opts.human > 0;
  const cols = ['*X errors:'.length, 'packets'.length, 'errors'.length, 'dropped'.length, 'heartbt'.length, 'overrun'.length, 'compressed'.length, 'otherhost'.length];
  sizeColumns(cols, human, s.rxBytes, s.rxPackets, s.rxErrors, s.rxDropped, s.rxMissed, s.rxMcast, 0, 0);
  if (detail) sizeColumns(cols, human, 0, 0, 0, 0, 0, 0, 0, 0);
  sizeColumns(cols, human, s.txBytes, s.txPackets, s.txErrors, s.txDropped, s.txCarrier, s.txCollisions, 0, 0);
  if (detail) sizeColumns(cols, human, 0, 0, 0, 0, 0, 0, carrierChanges, 0);
  const c = (i: number): number => cols[i]!;
  const SL = p.SL;
  p.fp(`    RX: ${'bytes'.padStart(c(0) - 4)} ${'packets'.padStart(c(1))} ${'errors'.padStart(c(2))} ${'dropped'.padStart(c(3))} ${'missed'.padStart(c(4))} ${'mcast'.padStart(c(5))} ${''.padStart(c(6))}${SL}`);
  p.fp('    ');
  printNum(ip, c(0), s.rxBytes);
  printNum(ip, c(1), s.rxPackets);
  printNum(ip, c(2), s.rxErrors);
  printNum(ip, c(3), s.rxDropped);
  printNum(ip, c(4), s.rxMissed);
  printNum(ip, c(5), s.rxMcast);
  if (detail) {
    p.fp(SL);
    p.fp(`    RX errors:${''.padStart(c(0) - 10)} ${'length'.padStart(c(1))} ${'crc'.padStart(c(2))} ${'frame'.padStart(c(3))} ${'fifo'.padStart(c(4))} ${'overrun'.padStart(c(5))}${SL}`);
    p.fp(''.padStart(c(0) + 5));
    for (let i = 1; i <= 5; i++) printNum(ip, c(i), 0);
  }
  p.fp(SL);
  p.fp(`    TX: ${'bytes'.padStart(c(0) - 4)} ${'packets'.padStart(c(1))} ${'errors'.padStart(c(2))} ${'dropped'.padStart(c(3))} ${'carrier'.padStart(c(4))} ${'collsns'.padStart(c(5))} ${''.padStart(c(6))}${SL}`);
  p.fp('    ');
  printNum(ip, c(0), s.txBytes);
  printNum(ip, c(1), s.txPackets);
  printNum(ip, c(2), s.txErrors);
  printNum(ip, c(3), s.txDropped);
  printNum(ip, c(4), s.txCarrier);
  printNum(ip, c(5), s.txCollisions);
  if (detail) {
    p.fp(SL);
    p.fp(`    TX errors:${''.padStart(c(0) - 10)} ${'aborted'.padStart(c(1))} ${'fifo'.padStart(c(2))} ${'window'.padStart(c(3))} ${'heartbt'.padStart(c(4))} ${'transns'.padStart(c(5))}${SL}`);
    p.fp(''.padStart(c(0) + 5));
    for (let i = 1; i <= 4; i++) printNum(ip, c(i), 0);
    printNum(ip, c(5), carrierChanges);
  }
}

/** print_link_stats (ip -s address): the counters after the addresses. */
function printLinkStats(ip: Ip, d: Device): void {
  printStats64(ip, d.stats, d.carrierChanges);
  ip.p.nl();
}

function printLinkinfoBrief(ip: Ip, ns: Netns, d: Device, f: LinkFilter): number {
  const p = ip.p;
  const mflag = printNameAndLink(ip, '%-16s ', ns, d);
  printOperstate(ip, d.up ? d.operstate : 'DOWN');
  if (f.family === AF.PACKET) {
    p.cstring(PRINT_ANY, COLOR.MAC, 'address', '%s ', macOf(d));
    printLinkFlags(p, linkFlags(d), mflag);
    p.string(PRINT_FP, null, '%s', '\n');
  }
  p.flush();
  return 0;
}

/**
 * A link of an AF_INET6 link dump (`ip -6 address`): inet6_fill_ifinfo sends the name, address,
 * MTU, IFLA_LINK only when it differs, and the operstate; iproute2 asks the queue length by ioctl.
 */
function printInet6Linkinfo(ip: Ip, ns: Netns, d: Device, f: LinkFilter, flags: number): number {
  const p = ip.p;
  let name = d.name;
  let mflag = false;
  const il = iflink(d);
  if (il !== d.ifindex) {
    if (il) {
      const peer = linkNet(d, ns.id) === undefined ? ns.devs[il] : undefined;
      const link = peer ? peer.name : `if${il}`;
      if (p.isJson()) p.string(PRINT_JSON, 'link', null, link);
      else name = `${name}@${link}`;
      mflag = !(peer && linkFlags(peer) & IFF.UP);
    } else if (p.isJson()) p.null(PRINT_JSON, 'link', '', null);
    else name = `${name}@NONE`;
  }
  p.cstring(PRINT_ANY, COLOR.IFNAME, 'ifname', '%s: ', name);
  printLinkFlags(p, flags, mflag);
  p.num(PRINT_ANY, 'mtu', 'mtu %u ', d.mtu);
  printOperstate(ip, d.up ? d.operstate : 'DOWN');
  if (f.showqueue && d.txqlen) p.num(PRINT_ANY, 'txqlen', 'qlen %d', d.txqlen | 0);
  if (ip.opts.details) {
    p.nl();
    p.string(PRINT_ANY, 'link_type', '    link/%s ', d.kind === 'loopback' ? 'loopback' : 'ether');
    p.cstring(PRINT_ANY, COLOR.MAC, 'address', '%s', macOf(d));
  }
  p.string(PRINT_FP, null, '%s', '\n');
  p.flush();
  return 1;
}

/** print_linkinfo: -1 filtered out, 0 printed nothing of the link, 1 printed. */
export function printLinkinfo(ip: Ip, ns: Netns, d: Device, f: LinkFilter): number {
  const p = ip.p;
  const flags = linkFlags(d);
  if (f.ifindex && d.ifindex !== f.ifindex) return -1;
  if (f.up && !(flags & IFF.UP)) return -1;
  if (f.label) return 0;
  if (f.group !== -1 && d.group !== f.group) return -1;
  if (d.master !== undefined) {
    if (f.master > 0 && d.master !== f.master) return -1;
  } else if (f.master > 0) return -1;
  if (f.master === -1 && d.master !== undefined) return -1;
  if (f.kind !== undefined && (!hasLinkinfo(d) || d.kind !== f.kind)) return -1;
  if (f.slaveKind !== undefined && !(hasLinkinfo(d) && d.port && f.slaveKind === 'bridge')) return -1;
  if (ip.opts.brief) return printLinkinfoBrief(ip, ns, d, f);
  const details = ip.opts.details > 0;

  p.num(PRINT_ANY, 'ifindex', '%d: ', d.ifindex);
  if (f.inet6Dump) return printInet6Linkinfo(ip, ns, d, f, flags);
  const mflag = printNameAndLink(ip, '%s: ', ns, d);
  printLinkFlags(p, flags, mflag);
  p.num(PRINT_ANY, 'mtu', 'mtu %u ', d.mtu);
  p.string(PRINT_ANY, 'qdisc', 'qdisc %s ', qdiscOf(d));
  if (d.master !== undefined) p.string(PRINT_ANY, 'master', 'master %s ', llIndexToName(ip, d.master));
  printOperstate(ip, d.up ? d.operstate : 'DOWN');
  if (f.doLink) p.string(PRINT_ANY, 'linkmode', 'mode %s ', 'DEFAULT');
  p.string(PRINT_ANY, 'group', 'group %s ', rtnlGroupN2a(ip, d.group));
  if (f.showqueue && d.txqlen) p.num(PRINT_ANY, 'txqlen', 'qlen %d', d.txqlen | 0);

  if (!f.family || f.family === AF.PACKET || details) {
    p.nl();
    p.string(PRINT_ANY, 'link_type', '    link/%s ', d.kind === 'loopback' ? 'loopback' : 'ether');
    p.cstring(PRINT_ANY, COLOR.MAC, 'address', '%s', macOf(d));
    p.string(PRINT_FP, null, ' brd ', null);
    p.cstring(PRINT_ANY, COLOR.MAC, 'broadcast', '%s', d.broadcast);
  }

  const peerNs = linkNet(d, ns.id);
  if (peerNs !== undefined) {
    const id = ns.nsids[peerNs] ?? -1;
    if (p.isJson()) p.num(PRINT_JSON, 'link_netnsid', '', id);
    else if (id >= 0) {
      const name = nameFromNsid(ip, id);
      if (name !== undefined) p.string(PRINT_FP, null, ' link-netns %s', name);
      else p.num(PRINT_FP, null, ' link-netnsid %d', id);
    } else p.string(PRINT_FP, null, ' link-netnsid %s', 'unknown');
  }

  if (details) {
    p.num(PRINT_ANY, 'promiscuity', ' promiscuity %u ', d.promiscuity);
    p.num(PRINT_ANY, 'allmulti', ' allmulti %u ', d.allmulti + (d.master !== undefined ? 1 : 0));
    p.num(PRINT_ANY, 'min_mtu', 'minmtu %u ', d.kind === 'loopback' ? 0 : d.minMtu);
    p.num(PRINT_ANY, 'max_mtu', 'maxmtu %u ', d.kind === 'loopback' ? 0 : d.maxMtu);
    if (hasLinkinfo(d)) printLinktype(ip, ns, d);
    if (f.doLink) p.string(PRINT_ANY, 'inet6_addr_gen_mode', 'addrgenmode %s ', d.addrgenmode);
    const q = d.kind === 'veth' ? Math.max(d.numTxQueues, 1) : 1;
    p.num(PRINT_ANY, 'num_tx_queues', 'numtxqueues %u ', d.kind === 'veth' ? q : d.numTxQueues || 1);
    p.num(PRINT_ANY, 'num_rx_queues', 'numrxqueues %u ', d.kind === 'veth' ? Math.max(d.numRxQueues, 1) : d.numRxQueues || 1);
    p.num(PRINT_ANY, 'gso_max_size', 'gso_max_size %u ', 65536);
    p.num(PRINT_ANY, 'gso_max_segs', 'gso_max_segs %u ', 65535);
    p.num(PRINT_ANY, 'tso_max_size', 'tso_max_size %u ', 524280);
    p.num(PRINT_ANY, 'tso_max_segs', 'tso_max_segs %u ', 65535);
    p.num(PRINT_ANY, 'gro_max_size', 'gro_max_size %u ', 65536);
  }

  if ((f.doLink || details) && d.alias !== undefined && d.alias !== '') {
    p.string(PRINT_FP, null, `${p.SL}    `, null);
    p.string(PRINT_ANY, 'ifalias', 'alias %s', d.alias);
  }

  if (f.doLink && ip.opts.stats) {
    p.nl();
    printStats64(ip, d.stats, d.carrierChanges);
  }
  p.string(PRINT_FP, null, '%s', '\n');
  p.flush();
  return 1;
}

// ---------------------------------------------------------------- addresses (inet_fill_ifaddr)

const IFA_F = { SECONDARY: 0x01, NODAD: 0x02, OPTIMISTIC: 0x04, DADFAILED: 0x08, HOMEADDRESS: 0x10, DEPRECATED: 0x20, TENTATIVE: 0x40, PERMANENT: 0x80, MANAGETEMPADDR: 0x100, NOPREFIXROUTE: 0x200, MCAUTOJOIN: 0x400, STABLE_PRIVACY: 0x800 } as const;

const IFA_FLAG_DATA: { name: string; mask: number; readonly: boolean; v6only: boolean }[] = [
  { name: 'secondary', mask: IFA_F.SECONDARY, readonly: true, v6only: false },
  { name: 'temporary', mask: IFA_F.SECONDARY, readonly: true, v6only: false },
  { name: 'nodad', mask: IFA_F.NODAD, readonly: false, v6only: true },
  { name: 'optimistic', mask: IFA_F.OPTIMISTIC, readonly: false, v6only: true },
  { name: 'dadfailed', mask: IFA_F.DADFAILED, readonly: true, v6only: true },
  { name: 'home', mask: IFA_F.HOMEADDRESS, readonly: false, v6only: true },
  { name: 'deprecated', mask: IFA_F.DEPRECATED, readonly: true, v6only: true },
  { name: 'tentative', mask: IFA_F.TENTATIVE, readonly: true, v6only: true },
  { name: 'permanent', mask: IFA_F.PERMANENT, readonly: true, v6only: true },
  { name: 'mngtmpaddr', mask: IFA_F.MANAGETEMPADDR, readonly: false, v6only: true },
  { name: 'noprefixroute', mask: IFA_F.NOPREFIXROUTE, readonly: false, v6only: false },
  { name: 'autojoin', mask: IFA_F.MCAUTOJOIN, readonly: false, v6only: false },
  { name: 'stable-privacy', mask: IFA_F.STABLE_PRIVACY, readonly: true, v6only: true },
];

/** One RTM_NEWADDR message. */
export interface AddrMsg {
  family: number;
  ifindex: number;
  prefixlen: number;
  scope: number;
  flags: number;
  local: string;
  /** IFA_ADDRESS when it differs from the local one (a peer) */
  peer?: string;
  broadcast?: string;
  label?: string;
  metric?: number;
  /** for the filters: the local address as a prefix */
  v4?: number;
  v6?: Uint8Array;
  src: InetAddr | Inet6Addr;
}

function v4Msg(d: Device, a: InetAddr): AddrMsg {
  const m: AddrMsg = {
    family: AF.INET,
    ifindex: d.ifindex,
    prefixlen: a.prefixlen,
    scope: a.scope,
    flags: IFA_F.PERMANENT | (a.secondary ? IFA_F.SECONDARY : 0) | ((a as InetAddr & { noprefixroute?: boolean }).noprefixroute ? IFA_F.NOPREFIXROUTE : 0),
    local: ipv4ToText(a.local),
    label: a.label,
    v4: a.local,
    src: a,
  };
  if (a.address !== a.local) m.peer = ipv4ToText(a.address);
  if (a.broadcast !== undefined && a.broadcast !== 0) m.broadcast = ipv4ToText(a.broadcast);
  if (a.metric) m.metric = a.metric;
  return m;
}

function v6Msg(d: Device, a: Inet6Addr): AddrMsg {
  return {
    family: AF.INET6,
    ifindex: d.ifindex,
    prefixlen: a.prefixlen,
    scope: a.scope,
    flags: IFA_F.PERMANENT | (a.tentative ? IFA_F.TENTATIVE : 0) | (a.nodad ? IFA_F.NODAD : 0) | (a.noprefixroute ? IFA_F.NOPREFIXROUTE : 0),
    local: a.address,
    v6: ipv6FromText(a.address) ?? undefined,
    src: a,
  };
}

/** An address dump of the namespace: per device (ifindex order) IPv4 then IPv6, as rtnl_dump_all does by family. */
export function dumpAddrs(ns: Netns, family: number): AddrMsg[] {
  const out: AddrMsg[] = [];
  const devs = devsSorted(ns);
  if (family === AF.UNSPEC || family === AF.INET) for (const d of devs) for (const a of d.addrs) out.push(v4Msg(d, a));
  if (family === AF.UNSPEC || family === AF.INET6) for (const d of devs) for (const a of d.addrs6) out.push(v6Msg(d, a));
  return out;
}

/** inet_addr_match_rta for the `to PREFIX` filter. */
function pfxMatch(pfx: InetPrefix | undefined, a: AddrMsg): boolean {
  if (!pfx || pfx.family === AF.UNSPEC || pfx.bitlen <= 0) return true;
  if (pfx.family !== a.family) return false;
  if (a.family === AF.INET) return inPrefix(a.v4!, pfx.v4, pfx.bitlen);
  const x = a.v6;
  const y = pfx.v6;
  if (!x || !y) return false;
  for (let bit = 0; bit < pfx.bitlen; bit++) {
    const byte = bit >> 3;
    const m = 0x80 >> (bit & 7);
    if ((x[byte]! & m) !== (y[byte]! & m)) return false;
  }
  return true;
}

function labelMatch(ip: Ip, f: LinkFilter, a: AddrMsg): boolean {
  if (!f.label) return true;
  const label = a.label ?? llIndexToName(ip, a.ifindex);
  return fnmatch(f.label, label);
}

/** fnmatch(3) without flags: * ? [...] and backslash escapes. */
export function fnmatch(pattern: string, s: string): boolean {
  let re = '^';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '*') re += '.*';
    else if (c === '?') re += '.';
    else if (c === '[') {
      const j = pattern.indexOf(']', i + 2);
      if (j < 0) re += '\\[';
      else {
        let body = pattern.slice(i + 1, j);
        if (body.startsWith('!')) body = `^${body.slice(1)}`;
        re += `[${body.replace(/\\/g, '\\\\')}]`;
        i = j;
      }
    } else if (c === '\\' && i + 1 < pattern.length) re += `\\${pattern[++i]}`;
    else re += c.replace(/[.+^${}()|\\/]/g, '\\$&');
  }
  return new RegExp(`${re}$`, 's').test(s);
}

function addrPasses(ip: Ip, f: LinkFilter, a: AddrMsg): boolean {
  if (f.ifindex && f.ifindex !== a.ifindex) return false;
  if ((f.scope ^ a.scope) & f.scopemask) return false;
  if ((f.flags ^ a.flags) & f.flagmask) return false;
  if (f.family && f.family !== a.family) return false;
  if (!labelMatch(ip, f, a)) return false;
  if (!pfxMatch(f.pfx, a)) return false;
  return true;
}

function printIfaFlags(p: Printer, family: number, flags0: number): void {
  let flags = flags0;
  for (const fd of IFA_FLAG_DATA) {
    if (fd.mask === IFA_F.PERMANENT) {
      if (!(flags & fd.mask)) p.bool(PRINT_ANY, 'dynamic', 'dynamic ', true);
    } else if (flags & fd.mask) {
      if (fd.mask === IFA_F.SECONDARY && family === AF.INET6) p.bool(PRINT_ANY, 'temporary', 'temporary ', true);
      else {
        p.string(PRINT_FP, null, '%s ', fd.name);
        p.bool(PRINT_JSON, fd.name, '', true);
      }
    }
    flags &= ~fd.mask;
  }
  if (flags) {
    if (p.isJson()) p.string(PRINT_JSON, 'ifa_flags', null, sprintf1('%02x', flags));
    else p.fp(sprintf1('flags %02x ', flags));
  }
}

/** print_addrinfo for one address message. */
export function printAddrinfo(ip: Ip, f: LinkFilter, a: AddrMsg, echo = false): void {
  const p = ip.p;
  if (!ip.opts.brief) {
    if (f.oneline || f.flush || echo) {
      const dev = llIndexToName(ip, a.ifindex);
      if (p.isJson()) {
        p.num(PRINT_JSON, 'index', '', a.ifindex);
        p.string(PRINT_JSON, 'dev', null, dev);
      } else p.fp(`${a.ifindex}: ${dev}`);
    }
    p.string(PRINT_ANY, 'family', '    %s ', familyName(a.family));
  }
  const fc = familyColor(a.family);
  p.cstring(PRINT_ANY, fc, 'local', '%s', a.local);
  if (a.peer !== undefined) {
    p.string(PRINT_FP, null, ' %s ', 'peer');
    p.cstring(PRINT_ANY, fc, 'address', '%s', a.peer);
  }
  p.num(PRINT_ANY, 'prefixlen', '/%d ', a.prefixlen);
  if (a.metric !== undefined) p.num(PRINT_ANY, 'metric', 'metric %u ', a.metric);
  if (ip.opts.brief) return;
  if (a.broadcast !== undefined) {
    p.string(PRINT_FP, null, '%s ', 'brd');
    p.cstring(PRINT_ANY, fc, 'broadcast', '%s ', a.broadcast);
  }
  p.string(PRINT_ANY, 'scope', 'scope %s ', rtscopeN2a(ip, a.scope));
  printIfaFlags(p, a.family, a.flags);
  if (a.label !== undefined) p.string(PRINT_ANY, 'label', '%s', a.label);
  p.nl();
  p.string(PRINT_FP, null, '       valid_lft ', null);
  p.num(PRINT_JSON, 'valid_life_time', '', 4294967295);
  p.string(PRINT_FP, null, '%s', 'forever');
  p.string(PRINT_FP, null, ' preferred_lft ', null);
  p.num(PRINT_JSON, 'preferred_life_time', '', 4294967295);
  p.string(PRINT_FP, null, '%s', 'forever');
  p.string(PRINT_FP, null, '%s', '\n');
  p.flush();
}

function printSelectedAddrinfo(ip: Ip, f: LinkFilter, d: Device, addrs: AddrMsg[]): void {
  const p = ip.p;
  p.openArray(PRINT_JSON, 'addr_info');
  for (const a of addrs) {
    if (a.ifindex !== d.ifindex || (f.family && f.family !== a.family)) continue;
    if (f.up && !(linkFlags(d) & IFF.UP)) continue;
    if (!addrPasses(ip, f, a)) continue;
    p.openObject(null);
    printAddrinfo(ip, f, a);
    p.closeObject();
  }
  p.closeArray(PRINT_JSON, null);
  if (ip.opts.brief) {
    p.string(PRINT_FP, null, '%s', '\n');
    p.flush();
  }
}

function usage(ip: Ip, doLink: boolean): never {
  if (doLink) iplinkUsage(ip);
  ip.err(
    'Usage: ip address {add|change|replace} IFADDR dev IFNAME [ LIFETIME ]\n' +
      '                                                      [ CONFFLAG-LIST ]\n' +
      '       ip address del IFADDR dev IFNAME [mngtmpaddr]\n' +
      '       ip address {save|flush} [ dev IFNAME ] [ scope SCOPE-ID ]\n' +
      '                            [ to PREFIX ] [ FLAG-LIST ] [ label LABEL ] [up]\n' +
      '       ip address [ show [ dev IFNAME ] [ scope SCOPE-ID ] [ master DEVICE ]\n' +
      '                         [ nomaster ]\n' +
      '                         [ type TYPE ] [ to PREFIX ] [ FLAG-LIST ]\n' +
      '                         [ label LABEL ] [up] [ vrf NAME ] ]\n' +
      '       ip address {showdump|restore}\n' +
      'IFADDR := PREFIX | ADDR peer PREFIX\n' +
      '          [ broadcast ADDR ] [ anycast ADDR ]\n' +
      '          [ label IFNAME ] [ scope SCOPE-ID ] [ metric METRIC ]\n' +
      'SCOPE-ID := [ host | link | global | NUMBER ]\n' +
      'FLAG-LIST := [ FLAG-LIST ] FLAG\n' +
      'FLAG  := [ permanent | dynamic | secondary | primary |\n' +
      '           [-]tentative | [-]deprecated | [-]dadfailed | temporary |\n' +
      '           CONFFLAG-LIST ]\n' +
      'CONFFLAG-LIST := [ CONFFLAG-LIST ] CONFFLAG\n' +
      'CONFFLAG  := [ home | nodad | mngtmpaddr | noprefixroute | autojoin ]\n' +
      'LIFETIME := [ valid_lft LFT ] [ preferred_lft LFT ]\n' +
      'LFT := forever | SECONDS\n' +
      LINK_TYPES_USAGE,
  );
  throw new IpExit(EXIT_M1);
}

/** get_filter: a FLAG-LIST word; false if it is not one. */
function getFilter(f: LinkFilter, arg0: string): boolean {
  let arg = arg0;
  let inv = false;
  if (arg.startsWith('-')) {
    inv = true;
    arg = arg.slice(1);
  }
  if (arg === 'dynamic') {
    inv = !inv;
    arg = 'permanent';
  } else if (arg === 'primary') {
    inv = !inv;
    arg = 'secondary';
  }
  const fd = IFA_FLAG_DATA.find((x) => x.name === arg);
  if (!fd) return false;
  if (inv) f.flags &= ~fd.mask;
  else f.flags |= fd.mask;
  f.flagmask |= fd.mask;
  return true;
}

const IPADD_LIST = 0;
const IPADD_FLUSH = 1;

/** ipaddr_list_flush_or_save */
export function ipaddrListFlushOrSave(ip: Ip, argv: string[], action: number, doLink: boolean): number {
  const f = newLinkFilter(ip, doLink);
  if (doLink) f.family = AF.PACKET;
  const p = ip.p;
  if (action === IPADD_FLUSH) {
    if (argv.length <= 0) {
      ip.err('Flush requires arguments.\n');
      return -1;
    }
    if (f.family === AF.PACKET) {
      ip.err('Cannot flush link addresses.\n');
      return -1;
    }
  }
  let filterDev: string | undefined;
  const a = new Args(ip, argv);
  while (a.argc > 0) {
    const w = a.cur;
    if (w === 'to') {
      const v = a.next();
      const pfx = getPrefix(ip, v, f.family);
      f.pfx = pfx;
      if (f.family === AF.UNSPEC) f.family = pfx.family;
    } else if (w === 'scope') {
      const v = a.next();
      f.scopemask = -1;
      let scope = rtscopeA2n(v);
      if (scope === null) {
        if (v !== 'all') invarg(ip, 'invalid "scope"\n', v);
        scope = RT_SCOPE.nowhere;
        f.scopemask = 0;
      }
      f.scope = scope;
    } else if (w === 'up') f.up = true;
    else if (getFilter(f, w)) {
      // a flag filter
    } else if (w === 'label') f.label = a.next();
    else if (w === 'group') {
      const v = a.next();
      const g = rtnlGroupA2n(v);
      if (g === null) invarg(ip, 'Invalid "group" value\n', v);
      f.group = g;
    } else if (w === 'master') {
      const v = a.next();
      const idx = llNameToIndex(ip, v);
      if (!idx) invarg(ip, 'Device does not exist\n', v);
      f.master = idx;
    } else if (w === 'vrf') {
      const v = a.next();
      invarg(ip, 'Not a valid VRF name\n', v);
    } else if (w === 'nomaster') f.master = -1;
    else if (w === 'type') {
      const v = a.next();
      if (v.endsWith('_slave') && v.length >= '_slave'.length) f.slaveKind = v.slice(0, -'_slave'.length);
      else f.kind = v;
    } else {
      let dev = w;
      if (w === 'dev') dev = a.next();
      else if (matches(w, 'help')) usage(ip, doLink);
      if (filterDev !== undefined) duparg2(ip, 'dev', dev);
      filterDev = dev;
    }
    a.adv();
  }
  if (filterDev !== undefined) {
    f.ifindex = llNameToIndex(ip, filterDev);
    if (f.ifindex <= 0 || !ip.m.world.netns[ip.netns]?.devs[f.ifindex]) {
      ip.err(`Device "${filterDev}" does not exist.\n`);
      return -1;
    }
  }
  if (action === IPADD_FLUSH) return ipaddrFlush(ip, f);

  p.newJsonObj();
  const { ns, devs } = dumpLinks(ip, f.ifindex || undefined);
  if (filterDev !== undefined && f.group === -1 && doLink) {
    // iplink_get: one RTM_GETLINK, printed whatever the other filters say
    const d = devs[0]!;
    p.openObject(null);
    printLinkinfo(ip, ns, d, { ...f, ifindex: 0, up: f.up, kind: f.kind, slaveKind: f.slaveKind });
    p.closeObject();
    p.deleteJsonObj();
    p.flush();
    return 0;
  }
  let links = devs;
  // without a device, `ip -6 address` dumps links with family AF_INET6 (addrconf's handler)
  if (f.family === AF.INET6 && !f.ifindex) f.inet6Dump = true;
  let addrs: AddrMsg[] = [];
  let noLink = false;
  if (f.family !== AF.PACKET) {
    if (f.oneline) noLink = true;
    addrs = dumpAddrs(ns, f.family).filter((x) => !f.ifindex || x.ifindex === f.ifindex);
    // ipaddr_filter: keep links with a matching address (or none at all, when any family will do)
    links = links.filter((d) => {
      let missing = true;
      for (const x of addrs) {
        if (x.ifindex !== d.ifindex) continue;
        missing = false;
        if (f.family && f.family !== x.family) continue;
        if ((f.scope ^ x.scope) & f.scopemask) continue;
        if ((f.flags ^ x.flags) & f.flagmask) continue;
        if (!labelMatch(ip, f, x)) continue;
        if (!pfxMatch(f.pfx, x)) continue;
        return true;
      }
      return missing && (f.family === AF.UNSPEC || f.family === AF.PACKET);
    });
  }
  for (const d of links) {
    p.openObject(null);
    let res = 0;
    if (ip.opts.brief || !noLink) res = printLinkinfo(ip, ns, d, f);
    if (res >= 0 && f.family !== AF.PACKET) printSelectedAddrinfo(ip, f, d, addrs);
    if (res > 0 && !doLink && ip.opts.stats) printLinkStats(ip, d);
    p.closeObject();
  }
  p.deleteJsonObj();
  p.flush();
  return 0;
}

/** ipaddr_flush: delete every address the filter selects (secondaries may go with their primary). */
function ipaddrFlush(ip: Ip, f: LinkFilter): number {
  f.flush = true;
  const ns = ip.m.world.netns[ip.netns]!;
  const sel = dumpAddrs(ns, f.family).filter((a) => addrPasses(ip, f, a));
  return flushSelected(
    ip,
    sel,
    'addresses',
    (a) => printAddrinfo(ip, f, a),
    (k, nsId, a) => {
      const d = getNs(k.w, nsId).devs[a.ifindex];
      if (!d) return;
      if (a.family === AF.INET) {
        const src = a.src as InetAddr;
        const same = (x: InetAddr): boolean => x.local === src.local && x.prefixlen === src.prefixlen && x.address === src.address;
        if (d.addrs.some(same)) inetDelIfa(k, nsId, d, same);
      } else {
        const src = a.src as Inet6Addr;
        if (d.addrs6.some((x) => x.address === src.address)) inet6AddrDel(d, src.address);
      }
    },
    1,
  );
}

// ---------------------------------------------------------------- ipaddr_modify

const RTM_NEWADDR = 20;
const RTM_DELADDR = 21;
const NLM_F = { REPLACE: 0x100, EXCL: 0x200, CREATE: 0x400 } as const;

function defaultScope(lcl: InetPrefix | undefined): number {
  if (lcl && lcl.family === AF.INET && lcl.bytelen >= 1 && lcl.v4 >>> 24 === 127) return RT_SCOPE.host;
  return 0;
}

function ipaddrModify(ip: Ip, cmd: number, flags: number, argv: string[]): number {
  let family = ip.opts.family;
  let dev: string | undefined;
  let label: string | undefined;
  let lcl: InetPrefix | undefined;
  let lclArg = '';
  let peer: InetPrefix | undefined;
  let brdLen = 0;
  let brd: InetPrefix | undefined;
  let scope = 0;
  let scoped = false;
  let metric: number | undefined;
  let prefixlen = 0;
  let ifaFlags = 0;
  let validLft: string | undefined;
  let preferredLft: string | undefined;
  const a = new Args(ip, argv);
  while (a.argc > 0) {
    const w = a.cur;
    if (w === 'peer' || w === 'remote') {
      const v = a.next();
      if (peer) duparg(ip, 'peer', v);
      peer = getPrefix(ip, v, family);
      if (family === AF.UNSPEC) family = peer.family;
      prefixlen = peer.bitlen;
    } else if (matches(w, 'broadcast') || w === 'brd') {
      const v = a.next();
      if (brdLen) duparg(ip, 'broadcast', v);
      if (v === '+') brdLen = -1;
      else if (v === '-') brdLen = -2;
      else {
        brd = getAddr(ip, v, family);
        if (family === AF.UNSPEC) family = brd.family;
        brdLen = brd.bytelen;
      }
    } else if (w === 'anycast') {
      const v = a.next();
      const any = getAddr(ip, v, family);
      if (family === AF.UNSPEC) family = any.family;
    } else if (w === 'scope') {
      const v = a.next();
      const s = rtscopeA2n(v);
      if (s === null) invarg(ip, 'invalid scope value.', v);
      scope = s;
      scoped = true;
    } else if (w === 'dev') dev = a.next();
    else if (w === 'label') label = a.next();
    else if (matches(w, 'metric') || matches(w, 'priority') || matches(w, 'preference')) {
      const v = a.next();
      const m = getU32(v, 0);
      if (m === null) invarg(ip, '"metric" value is invalid\n', v);
      metric = m;
    } else if (matches(w, 'valid_lft')) {
      if (validLft !== undefined) duparg(ip, 'valid_lft', w);
      validLft = a.next();
      if (validLft !== 'forever' && getU32(validLft, 0) === null) invarg(ip, 'valid_lft value', validLft);
    } else if (matches(w, 'preferred_lft')) {
      if (preferredLft !== undefined) duparg(ip, 'preferred_lft', w);
      preferredLft = a.next();
      if (preferredLft !== 'forever' && getU32(preferredLft, 0) === null) invarg(ip, 'preferred_lft value', preferredLft);
    } else if (IFA_FLAG_DATA.some((x) => x.name === w)) {
      const fd = IFA_FLAG_DATA.find((x) => x.name === w)!;
      if (fd.readonly) ip.err(`Warning: ${fd.name} option is not mutable from userspace\n`);
      else if (fd.v6only && family !== AF.INET6) ip.err(`Warning: ${fd.name} option can be set only for IPv6 addresses\n`);
      else ifaFlags |= fd.mask;
    } else {
      let v = w;
      if (w === 'local') v = a.next();
      if (matches(v, 'help')) usage(ip, false);
      if (lcl) duparg2(ip, 'local', v);
      lclArg = v;
      lcl = getPrefix(ip, v, family);
      if (family === AF.UNSPEC) family = lcl.family;
    }
    a.adv();
  }
  if (dev === undefined) {
    ip.err('Not enough information: "dev" argument is required.\n');
    return -1;
  }
  let address: InetPrefix | undefined = peer;
  let wildcard = false;
  if (!peer && lcl) {
    if (cmd === RTM_DELADDR && lcl.family === AF.INET && !lcl.lenSpecified) {
      ip.err(
        'Warning: Executing wildcard deletion to stay compatible with old scripts.\n' +
          `         Explicitly specify the prefix length (${lclArg}/${lcl.bytelen * 8}) to avoid this warning.\n` +
          '         This special behaviour is likely to disappear in further releases,\n' +
          '         fix your scripts!\n',
      );
      wildcard = true;
    } else address = lcl;
  }
  if (prefixlen === 0 && lcl) prefixlen = lcl.bitlen;
  if (brdLen < 0 && cmd !== RTM_DELADDR) {
    if (family !== AF.INET) {
      ip.err('Broadcast can be set only for IPv4 addresses\n');
      return -1;
    }
    const base = address ?? lcl;
    if (base && base.bitlen <= 30) {
      const hostmask = ~prefixMask(base.bitlen) >>> 0;
      const v = brdLen === -1 ? (base.v4 | hostmask) >>> 0 : (base.v4 & ~hostmask) >>> 0;
      brd = { ...base, v4: v };
    } else brd = undefined;
  }
  if (!scoped && cmd !== RTM_DELADDR) scope = defaultScope(lcl);
  const ifindex = llNameToIndex(ip, dev);
  const ns0 = ip.m.world.netns[ip.netns];
  if (!ifindex || !ns0?.devs[ifindex]) return nodev(ip, dev);
  if (validLft !== undefined || preferredLft !== undefined) {
    const vl = validLft === undefined || validLft === 'forever' ? 0xffffffff : getU32(validLft, 0)!;
    const pl = preferredLft === undefined || preferredLft === 'forever' ? 0xffffffff : getU32(preferredLft, 0)!;
    if (!vl) {
      ip.err('valid_lft is zero\n');
      return -1;
    }
    if (vl < pl) {
      ip.err('preferred_lft is greater than valid_lft\n');
      return -1;
    }
  }
  if (ifaFlags & IFA_F.MCAUTOJOIN) {
    ip.err('autojoin needs multicast address\n');
    return -1;
  }
  const nsId = ip.netns;
  const uid = ip.c.proc.uid;
  talk(ip, (k) => {
    if (uid !== 0) throw kerr('EPERM');
    // no address at all: a request of family AF_UNSPEC, which rtnetlink has no handler for
    if (family !== AF.INET && family !== AF.INET6) throw kerr('EOPNOTSUPP');
    const ns = getNs(k.w, nsId);
    const d = ns.devs[ifindex];
    if (!d) throw kerr('ENODEV');
    if (family === AF.INET6) {
      inet6Modify(k, nsId, d, cmd, flags, lcl, address, prefixlen, scoped ? scope : undefined, ifaFlags);
      return;
    }
    if (cmd === RTM_DELADDR) {
      // inet_rtm_deladdr: the first address that matches every attribute given
      const local = lcl?.v4;
      const addr = address?.v4;
      inetDelIfa(k, nsId, d, (x) => {
        if (local !== undefined && x.local !== local) return false;
        if (label !== undefined && x.label !== label) return false;
        if (addr !== undefined && !wildcard && (prefixlen !== x.prefixlen || !inPrefix(addr, x.address, x.prefixlen))) return false;
        return true;
      });
      return;
    }
    if (!lcl) throw kerr('EINVAL', 'ipv4: Local address is not supplied');
    if (prefixlen > 32) throw kerr('EINVAL', 'ipv4: Invalid prefix length');
    const addrV = (address ?? lcl).v4;
    // find_matching_ifa: NLM_F_REPLACE updates an address in place
    const existing = d.addrs.find((x) => x.prefixlen === prefixlen && inPrefix(x.address, addrV, prefixlen) && x.local === lcl!.v4);
    if (existing) {
      if (flags & NLM_F.EXCL || !(flags & NLM_F.REPLACE)) throw kerr('EEXIST', 'ipv4: Address already assigned');
      if (metric !== undefined && metric !== existing.metric) fibModifyPrefixMetric(k, nsId, d, existing, metric);
      return;
    }
    inetInsertIfa(k, nsId, d as Device, {
      local: lcl.v4,
      address: addrV,
      prefixlen,
      broadcast: brd?.v4,
      scope,
      label,
      metric,
      noprefixroute: (ifaFlags & IFA_F.NOPREFIXROUTE) !== 0,
    });
  });
  return 0;
}

/** fib_modify_prefix_metric: a new metric moves the address's prefix route to it. */
function fibModifyPrefixMetric(k: Kctx, nsId: number, d: Device, ifa: InetAddr, metric: number): void {
  const ns = getNs(k.w, nsId);
  const prefix = (ifa.address & prefixMask(ifa.prefixlen)) >>> 0;
  const i = ns.routes.findIndex((r) => r.table === RT_TABLE.main && r.protocol === RTPROT.kernel && r.dev === d.ifindex && r.dst === prefix && r.dstLen === ifa.prefixlen && r.prefsrc === ifa.local && r.priority === ifa.metric);
  ifa.metric = metric;
  if (i < 0) return;
  const r = { ...(ns.routes[i] as Route), priority: metric };
  fibRemoveAt(ns, i);
  insertRoute(ns, r);
}

/** inet6_rtm_newaddr / inet6_rtm_deladdr */
function inet6Modify(k: Kctx, nsId: number, d: Device, cmd: number, flags: number, lcl: InetPrefix | undefined, address: InetPrefix | undefined, prefixlen: number, scope: number | undefined, ifaFlags: number): void {
  const pfx = address ?? lcl;
  if (!pfx?.v6) throw kerr('EINVAL');
  const text = ipv6ToText(pfx.v6);
  if (cmd === RTM_DELADDR) return inet6AddrDel(d, text);
  if (flags & NLM_F.EXCL && d.addrs6.some((x) => x.address === text)) throw kerr('EEXIST');
  inet6AddrAdd(k, nsId, d, { address: text, prefixlen: prefixlen > 0 ? prefixlen : 128, scope, nodad: (ifaFlags & IFA_F.NODAD) !== 0, noprefixroute: (ifaFlags & IFA_F.NOPREFIXROUTE) !== 0 }, (flags & NLM_F.REPLACE) !== 0);
}

export function doIpaddr(ip: Ip, argv: string[]): number {
  if (argv.length < 1) return ipaddrListFlushOrSave(ip, [], IPADD_LIST, false);
  const cmd = argv[0]!;
  const rest = argv.slice(1);
  if (matches(cmd, 'add')) return ipaddrModify(ip, RTM_NEWADDR, NLM_F.CREATE | NLM_F.EXCL, rest);
  if (matches(cmd, 'change') || cmd === 'chg') return ipaddrModify(ip, RTM_NEWADDR, NLM_F.REPLACE, rest);
  if (matches(cmd, 'replace')) return ipaddrModify(ip, RTM_NEWADDR, NLM_F.CREATE | NLM_F.REPLACE, rest);
  if (matches(cmd, 'delete')) return ipaddrModify(ip, RTM_DELADDR, 0, rest);
  if (matches(cmd, 'list') || matches(cmd, 'show') || matches(cmd, 'lst')) return ipaddrListFlushOrSave(ip, rest, IPADD_LIST, false);
  if (matches(cmd, 'flush')) return ipaddrListFlushOrSave(ip, rest, IPADD_FLUSH, false);
  if (matches(cmd, 'save') || matches(cmd, 'showdump') || matches(cmd, 'restore')) {
    ip.err(`nsemu: "ip address ${cmd}" is not emulated\n`);
    return -1;
  }
  if (matches(cmd, 'help')) usage(ip, false);
  return die(ip, `Command "${cmd}" is unknown, try "ip address help".\n`);
}

export { printStats64 };
