// `ip link` (iproute2 6.1 ip/iplink.c iplink_parse / iplink_modify, ip/link_veth.c,
// ip/iplink_bridge.c) and what the kernel does with the request (net/core/rtnetlink.c
// rtnl_newlink / do_setlink / rtnl_dellink), through the kernel API. `ip link show` is
// ip address's lister in link mode (addr.ts), as in iproute2.
import type { Kctx } from '../../kernel/machine.ts';
import type { Device, Netns } from '../../kernel/types.ts';
import { KernelError, kerr } from '../../kernel/errors.ts';
import { IFF, devAllocName, devByName, devIndexReserve, devChangeFlags, devChangeName, devChangeNetNamespace, devSetMacAddress, devSetMtu, getNs, unregisterNetdevice } from '../../kernel/dev.ts';
import { deviceOps } from '../../devices/ops.ts';
import { vethNewlink, type VethSpec } from '../../devices/veth.ts';
import { brAddBridge, brAddIf, brDelIf } from '../../devices/bridge.ts';
import { macIsValidUnicast } from '../../protocols/wire/addr.ts';
import {
  Args,
  EXIT_M1,
  IpExit,
  checkAltIfname,
  checkIfname,
  die,
  duparg,
  duparg2,
  getInteger,
  getU32,
  invarg,
  llAddrA2n,
  llNameToIndex,
  macText,
  matches,
  missarg,
  nodev,
  rtnlErrorText,
  rtnlGroupA2n,
  type Ip, LINK_TYPES_USAGE } from './utils.ts';
import { ipaddrListFlushOrSave } from './addr.ts';
import { netnsGetFd } from './netns.ts';

export function iplinkUsage(ip: Ip): never {
  ip.err(
    'Usage: ip link add [link DEV | parentdev NAME] [ name ] NAME\n' +
      '\t\t    [ txqueuelen PACKETS ]\n' +
      '\t\t    [ address LLADDR ]\n' +
      '\t\t    [ broadcast LLADDR ]\n' +
      '\t\t    [ mtu MTU ] [index IDX ]\n' +
      '\t\t    [ numtxqueues QUEUE_COUNT ]\n' +
      '\t\t    [ numrxqueues QUEUE_COUNT ]\n' +
      '\t\t    [ netns { PID | NAME } ]\n' +
      '\t\t    type TYPE [ ARGS ]\n' +
      '\n' +
      '\tip link delete { DEVICE | dev DEVICE | group DEVGROUP } type TYPE [ ARGS ]\n' +
      '\n' +
      '\tip link set { DEVICE | dev DEVICE | group DEVGROUP }\n' +
      '\t\t\t[ { up | down } ]\n' +
      '\t\t\t[ type TYPE ARGS ]\n' +
      '\t\t[ arp { on | off } ]\n' +
      '\t\t[ dynamic { on | off } ]\n' +
      '\t\t[ multicast { on | off } ]\n' +
      '\t\t[ allmulticast { on | off } ]\n' +
      '\t\t[ promisc { on | off } ]\n' +
      '\t\t[ trailers { on | off } ]\n' +
      '\t\t[ carrier { on | off } ]\n' +
      '\t\t[ txqueuelen PACKETS ]\n' +
      '\t\t[ name NEWNAME ]\n' +
      '\t\t[ address LLADDR ]\n' +
      '\t\t[ broadcast LLADDR ]\n' +
      '\t\t[ mtu MTU ]\n' +
      '\t\t[ netns { PID | NAME } ]\n' +
      '\t\t[ link-netns NAME | link-netnsid ID ]\n' +
      '\t\t[ alias NAME ]\n' +
      '\t\t[ vf NUM [ mac LLADDR ]\n' +
      '\t\t\t [ vlan VLANID [ qos VLAN-QOS ] [ proto VLAN-PROTO ] ]\n' +
      '\t\t\t [ rate TXRATE ]\n' +
      '\t\t\t [ max_tx_rate TXRATE ]\n' +
      '\t\t\t [ min_tx_rate TXRATE ]\n' +
      '\t\t\t [ spoofchk { on | off} ]\n' +
      '\t\t\t [ query_rss { on | off} ]\n' +
      '\t\t\t [ state { auto | enable | disable} ]\n' +
      '\t\t\t [ trust { on | off} ]\n' +
      '\t\t\t [ node_guid EUI64 ]\n' +
      '\t\t\t [ port_guid EUI64 ] ]\n' +
      '\t\t[ { xdp | xdpgeneric | xdpdrv | xdpoffload } { off |\n' +
      '\t\t\t  object FILE [ { section | program } NAME ] [ verbose ] |\n' +
      '\t\t\t  pinned FILE } ]\n' +
      '\t\t[ master DEVICE ][ vrf NAME ]\n' +
      '\t\t[ nomaster ]\n' +
      '\t\t[ addrgenmode { eui64 | none | stable_secret | random } ]\n' +
      '\t\t[ protodown { on | off } ]\n' +
      '\t\t[ protodown_reason PREASON { on | off } ]\n' +
      '\t\t[ gso_max_size BYTES ] | [ gso_max_segs PACKETS ]\n' +
      '\t\t[ gro_max_size BYTES ]\n' +
      '\n' +
      '\tip link show [ DEVICE | group GROUP ] [up] [master DEV] [vrf NAME] [type TYPE]\n' +
      '\t\t[nomaster]\n' +
      '\n' +
      '\tip link xstats type TYPE [ ARGS ]\n' +
      '\n' +
      '\tip link afstats [ dev DEVICE ]\n' +
      '\tip link property add dev DEVICE [ altname NAME .. ]\n' +
      '\tip link property del dev DEVICE [ altname NAME .. ]\n' +
      '\n' +
      '\tip link help [ TYPE ]\n' +
      '\n' +
      LINK_TYPES_USAGE,
  );
  throw new IpExit(EXIT_M1);
}

/** Link types iproute2 6.1 has a link_util for (so `type X args` is parsed by it, not rejected). */
const KNOWN_KINDS = new Set(['amt', 'bareudp', 'bond', 'bond_slave', 'bridge', 'bridge_slave', 'dsa', 'dummy', 'erspan', 'geneve', 'gre', 'gretap', 'gtp', 'ifb', 'ip6erspan', 'ip6gre', 'ip6gretap', 'ip6tnl', 'ipip', 'ipoib', 'ipvlan', 'ipvtap', 'macsec', 'macvlan', 'macvtap', 'netdevsim', 'nlmon', 'rmnet', 'sit', 'team', 'team_slave', 'vcan', 'veth', 'vlan', 'vrf', 'vti', 'vxcan', 'vxlan', 'wwan', 'xfrm', 'virt_wifi', 'can', 'hsr', 'ipoib', 'vti6', 'ip6vti', 'lowpan']);

/** The request iplink_parse builds (an ifinfomsg and its attributes). */
export interface LinkReq {
  /** ifi_flags / ifi_change */
  flags: number;
  change: number;
  ifindex: number;
  /** IFLA_IFNAME */
  name?: string;
  address?: Uint8Array;
  broadcast?: Uint8Array;
  txqlen?: number;
  mtu?: number;
  /** IFLA_NET_NS_FD (a namespace id) or IFLA_NET_NS_PID (then `nsPid`) */
  netns?: number;
  nsPid?: number;
  master?: number;
  alias?: string;
  group?: number;
  addrgenmode?: 'eui64' | 'none' | 'stable_secret' | 'random';
  newIfindex?: number;
  link?: number;
  carrier?: number;
  numtxqueues?: number;
  numrxqueues?: number;
  /** IFLA_LINKINFO */
  kind?: string;
  bridgeOpts?: BridgeOpts;
  peer?: LinkReq;
  /** flags iproute2 sends that the emulated devices cannot hold */
  unsupported?: string;
}

interface BridgeOpts {
  forwardDelay?: number;
  helloTime?: number;
  maxAge?: number;
  ageingTime?: number;
  stpState?: number;
  priority?: number;
  vlanFiltering?: number;
  mcastSnooping?: number;
  nfCallIptables?: number;
}

function onOff(ip: Ip, msg: string, val: string): number {
  ip.err(`Error: argument of "${msg}" must be "on" or "off", not "${val}"\n`);
  return -1;
}

const ADDR_GEN_MODES = ['eui64', 'none', 'stable_secret', 'random'] as const;

/**
 * iplink_parse: fills `req`, returns how many words it used (type and the rest are the kind's)
 * or -1 after printing an error; exits like iproute2 where it exits.
 */
export function iplinkParse(ip: Ip, argv: string[], req: LinkReq, create: boolean, out: { type?: string }): number {
  let name: string | undefined;
  let dev: string | undefined;
  let link: string | undefined;
  let qlen = -1;
  let mtu = -1;
  let netnsSet = false;
  let moveNetns = false;
  let index = 0;
  let group = -1;
  let addrLen = 0;
  const a = new Args(ip, argv);
  const total = argv.length;
  while (a.argc > 0) {
    const w = a.cur;
    if (w === 'up') {
      req.change |= IFF.UP;
      req.flags |= IFF.UP;
    } else if (w === 'down') {
      req.change |= IFF.UP;
      req.flags &= ~IFF.UP;
    } else if (w === 'name') {
      const v = a.next();
      if (name !== undefined) duparg(ip, 'name', v);
      if (!checkIfname(v)) invarg(ip, '"name" not a valid ifname', v);
      name = v;
      if (dev === undefined) dev = name;
    } else if (w === 'index') {
      const v = a.next();
      if (index) duparg(ip, 'index', v);
      index = Number.parseInt(v, 10) || 0;
      if (!/^\s*[+-]?\d/.test(v)) index = 0;
      if (index <= 0) invarg(ip, 'Invalid "index" value', v);
    } else if (matches(w, 'link')) {
      link = a.next();
    } else if (matches(w, 'address')) {
      const v = a.next();
      const b = llAddrA2n(ip, v);
      if (!b) return -1;
      req.address = b;
      addrLen = b.length;
    } else if (matches(w, 'broadcast') || w === 'brd') {
      const v = a.next();
      const b = llAddrA2n(ip, v);
      if (!b) return -1;
      req.broadcast = b;
    } else if (matches(w, 'txqueuelen') || w === 'qlen' || matches(w, 'txqlen')) {
      const v = a.next();
      if (qlen !== -1) duparg(ip, 'txqueuelen', v);
      const n = getInteger(v, 0);
      if (n === null) invarg(ip, 'Invalid "txqueuelen" value\n', v);
      qlen = n;
      req.txqlen = n >>> 0;
    } else if (w === 'mtu') {
      const v = a.next();
      if (mtu !== -1) duparg(ip, 'mtu', v);
      const n = getInteger(v, 0);
      if (n === null) invarg(ip, 'Invalid "mtu" value\n', v);
      mtu = n;
      req.mtu = n >>> 0;
    } else if (w === 'xdpgeneric' || w === 'xdpdrv' || w === 'xdpoffload' || w === 'xdp') {
      a.next();
      req.unsupported = 'xdp';
    } else if (w === 'netns') {
      const v = a.next();
      if (netnsSet) duparg(ip, 'netns', v);
      netnsSet = true;
      const ns = netnsGetFd(ip, v);
      if (ns !== undefined) req.netns = ns;
      else {
        const pid = getInteger(v, 0);
        if (pid === null) invarg(ip, 'Invalid "netns" value\n', v);
        req.nsPid = pid;
      }
      moveNetns = true;
    } else if (w === 'multicast' || w === 'allmulticast' || w === 'promisc' || w === 'trailers' || w === 'arp' || matches(w, 'dynamic')) {
      const v = a.next();
      const key = matches(w, 'dynamic') ? 'dynamic' : w;
      if (v !== 'on' && v !== 'off') return onOff(ip, key, v);
      const on = v === 'on';
      if (key === 'promisc') {
        req.change |= IFF.PROMISC;
        req.flags = on ? req.flags | IFF.PROMISC : req.flags & ~IFF.PROMISC;
      } else if (key === 'allmulticast') {
        req.change |= IFF.ALLMULTI;
        req.flags = on ? req.flags | IFF.ALLMULTI : req.flags & ~IFF.ALLMULTI;
      } else if (key === 'multicast') {
        req.change |= IFF.MULTICAST;
        req.flags = on ? req.flags | IFF.MULTICAST : req.flags & ~IFF.MULTICAST;
      } else if (key === 'arp') {
        req.change |= IFF.NOARP;
        req.flags = on ? req.flags & ~IFF.NOARP : req.flags | IFF.NOARP;
      } else if (key === 'trailers') {
        req.change |= IFF.NOTRAILERS;
        req.flags = on ? req.flags & ~IFF.NOTRAILERS : req.flags | IFF.NOTRAILERS;
      } else {
        req.change |= 0x8000;
        req.flags = on ? req.flags | 0x8000 : req.flags & ~0x8000;
      }
    } else if (w === 'carrier') {
      const v = a.next();
      if (v !== 'on' && v !== 'off') {
        ip.err(`Error: argument of "carrier" must be "on" or "off", not "${v}"\n`);
        return -1;
      }
      req.carrier = v === 'on' ? 1 : 0;
    } else if (w === 'vf') {
      const v = a.next();
      if (getInteger(v, 0) === null) invarg(ip, 'Invalid "vf" value\n', v);
      if (dev === undefined) missarg(ip, 'dev');
      req.unsupported = 'vf';
    } else if (matches(w, 'master')) {
      const v = a.next();
      const idx = llNameToIndex(ip, v);
      if (!idx) invarg(ip, 'Device does not exist\n', v);
      req.master = idx;
    } else if (w === 'vrf') {
      const v = a.next();
      invarg(ip, 'Not a valid VRF name\n', v);
    } else if (matches(w, 'nomaster')) {
      req.master = 0;
    } else if (matches(w, 'type')) {
      out.type = a.next();
      a.adv();
      break;
    } else if (matches(w, 'alias')) {
      const v = a.next();
      if (Buffer.byteLength(v) >= 256) invarg(ip, 'alias too long\n', v);
      req.alias = v;
    } else if (w === 'group') {
      const v = a.next();
      if (group !== -1) duparg(ip, 'group', v);
      const g = rtnlGroupA2n(v);
      if (g === null) invarg(ip, 'Invalid "group" value\n', v);
      group = g;
      req.group = g;
    } else if (w === 'mode') {
      const v = a.next();
      if (v.toLowerCase() !== 'default' && v.toLowerCase() !== 'dormant') invarg(ip, 'Invalid link mode\n', v);
    } else if (w === 'state') {
      const v = a.next();
      if (!['unknown', 'notpresent', 'down', 'lowerlayerdown', 'testing', 'dormant', 'up'].includes(v.toLowerCase())) invarg(ip, 'Invalid operstate\n', v);
      req.unsupported = 'state';
    } else if (matches(w, 'numtxqueues')) {
      const v = a.next();
      if (req.numtxqueues !== undefined) duparg(ip, 'numtxqueues', v);
      const n = getInteger(v, 0);
      if (n === null) invarg(ip, 'Invalid "numtxqueues" value\n', v);
      req.numtxqueues = n;
    } else if (matches(w, 'numrxqueues')) {
      const v = a.next();
      if (req.numrxqueues !== undefined) duparg(ip, 'numrxqueues', v);
      const n = getInteger(v, 0);
      if (n === null) invarg(ip, 'Invalid "numrxqueues" value\n', v);
      req.numrxqueues = n;
    } else if (matches(w, 'addrgenmode')) {
      const v = a.next();
      const mode = ADDR_GEN_MODES.find((x) => x === v.toLowerCase());
      if (!mode) invarg(ip, 'Invalid address generation mode\n', v);
      req.addrgenmode = mode;
    } else if (matches(w, 'link-netns') || matches(w, 'link-netnsid')) {
      a.next();
      req.unsupported = w;
    } else if (w === 'protodown' || w === 'gso_max_size' || w === 'gso_max_segs' || w === 'gro_max_size' || w === 'parentdev') {
      a.next();
      req.unsupported = w;
    } else if (w === 'protodown_reason') {
      a.next();
      a.next();
      req.unsupported = w;
    } else {
      let v = w;
      if (matches(w, 'help')) iplinkUsage(ip);
      if (w === 'dev') v = a.next();
      if (dev !== name) duparg2(ip, 'dev', v);
      if (!checkAltIfname(v)) invarg(ip, '"dev" not a valid ifname', v);
      dev = v;
    }
    a.adv();
  }
  const used = total - a.argc;

  if (name === undefined) name = dev;
  else if (dev === undefined) dev = name;

  if (dev !== undefined && addrLen && !create) {
    const idx = llNameToIndex(ip, dev);
    if (idx && ip.m.world.netns[ip.netns]?.devs[idx] && addrLen !== 6) {
      ip.err(`Invalid address length ${addrLen} - must be 6 bytes\n`);
      return -1;
    }
  }
  if (index && !create && !moveNetns) die(ip, 'index can be used only when creating devices or when moving device to another netns.\n');
  if (group !== -1 && dev === undefined) {
    if (a.argc) die(ip, `Garbage instead of arguments "${a.cur} ...". Try "ip link help".\n`);
    if (create) die(ip, 'group cannot be used when creating devices.\n');
    req.unsupported = 'group';
    return used;
  }
  if (!create) {
    if (dev === undefined) die(ip, 'Not enough information: "dev" argument is required.\n');
    req.ifindex = llNameToIndex(ip, dev);
    if (!req.ifindex) {
      nodev(ip, dev);
      return -1;
    }
    if (name === dev) name = undefined;
    if (index) req.newIfindex = index;
  } else {
    if (name !== dev) die(ip, 'both "name" and "dev" cannot be used when creating devices.\n');
    if (link !== undefined) {
      const li = llNameToIndex(ip, link);
      if (!li) {
        nodev(ip, link);
        return -1;
      }
      req.link = li;
    }
    req.ifindex = index;
  }
  if (name !== undefined) req.name = name;
  return used;
}

const BRIDGE_USAGE =
  'Usage: ... bridge [ fdb_flush ]\n' +
  '\t\t  [ forward_delay FORWARD_DELAY ]\n' +
  '\t\t  [ hello_time HELLO_TIME ]\n' +
  '\t\t  [ max_age MAX_AGE ]\n' +
  '\t\t  [ ageing_time AGEING_TIME ]\n' +
  '\t\t  [ stp_state STP_STATE ]\n' +
  '\t\t  [ priority PRIORITY ]\n' +
  '\t\t  [ group_fwd_mask MASK ]\n' +
  '\t\t  [ group_address ADDRESS ]\n' +
  '\t\t  [ no_linklocal_learn NO_LINKLOCAL_LEARN ]\n' +
  '\t\t  [ vlan_filtering VLAN_FILTERING ]\n' +
  '\t\t  [ vlan_protocol VLAN_PROTOCOL ]\n' +
  '\t\t  [ vlan_default_pvid VLAN_DEFAULT_PVID ]\n' +
  '\t\t  [ vlan_stats_enabled VLAN_STATS_ENABLED ]\n' +
  '\t\t  [ vlan_stats_per_port VLAN_STATS_PER_PORT ]\n' +
  '\t\t  [ mcast_snooping MULTICAST_SNOOPING ]\n' +
  '\t\t  [ mcast_vlan_snooping MULTICAST_VLAN_SNOOPING ]\n' +
  '\t\t  [ mcast_router MULTICAST_ROUTER ]\n' +
  '\t\t  [ mcast_query_use_ifaddr MCAST_QUERY_USE_IFADDR ]\n' +
  '\t\t  [ mcast_querier MULTICAST_QUERIER ]\n' +
  '\t\t  [ mcast_hash_elasticity HASH_ELASTICITY ]\n' +
  '\t\t  [ mcast_hash_max HASH_MAX ]\n' +
  '\t\t  [ mcast_last_member_count LAST_MEMBER_COUNT ]\n' +
  '\t\t  [ mcast_startup_query_count STARTUP_QUERY_COUNT ]\n' +
  '\t\t  [ mcast_last_member_interval LAST_MEMBER_INTERVAL ]\n' +
  '\t\t  [ mcast_membership_interval MEMBERSHIP_INTERVAL ]\n' +
  '\t\t  [ mcast_querier_interval QUERIER_INTERVAL ]\n' +
  '\t\t  [ mcast_query_interval QUERY_INTERVAL ]\n' +
  '\t\t  [ mcast_query_response_interval QUERY_RESPONSE_INTERVAL ]\n' +
  '\t\t  [ mcast_startup_query_interval STARTUP_QUERY_INTERVAL ]\n' +
  '\t\t  [ mcast_stats_enabled MCAST_STATS_ENABLED ]\n' +
  '\t\t  [ mcast_igmp_version IGMP_VERSION ]\n' +
  '\t\t  [ mcast_mld_version MLD_VERSION ]\n' +
  '\t\t  [ nf_call_iptables NF_CALL_IPTABLES ]\n' +
  '\t\t  [ nf_call_ip6tables NF_CALL_IP6TABLES ]\n' +
  '\t\t  [ nf_call_arptables NF_CALL_ARPTABLES ]\n' +
  '\n' +
  'Where: VLAN_PROTOCOL := { 802.1Q | 802.1ad }\n';

/** bridge_parse_opt for the options the emulated bridge keeps. */
function bridgeParseOpt(ip: Ip, argv: string[], req: LinkReq): number {
  const o: BridgeOpts = {};
  const a = new Args(ip, argv);
  const u32 = (what: string): number => {
    const v = a.next();
    const n = getU32(v, 0);
    if (n === null) invarg(ip, `invalid ${what}`, v);
    return n;
  };
  const small = (what: string, max: number): number => {
    const v = a.next();
    const n = getU32(v, 0);
    if (n === null || n > max) invarg(ip, `invalid ${what}`, v);
    return n;
  };
  while (a.argc > 0) {
    const w = a.cur;
    if (matches(w, 'forward_delay')) o.forwardDelay = u32('forward_delay');
    else if (matches(w, 'hello_time')) o.helloTime = u32('hello_time');
    else if (matches(w, 'max_age')) o.maxAge = u32('max_age');
    else if (matches(w, 'ageing_time')) o.ageingTime = u32('ageing_time');
    else if (matches(w, 'stp_state')) o.stpState = u32('stp_state');
    else if (matches(w, 'priority')) o.priority = small('priority', 0xffff);
    else if (matches(w, 'vlan_filtering')) o.vlanFiltering = small('vlan_filtering', 0xff);
    else if (matches(w, 'mcast_snooping')) o.mcastSnooping = small('mcast_snooping', 0xff);
    else if (matches(w, 'nf_call_iptables')) o.nfCallIptables = small('nf_call_iptables', 0xff);
    else if (matches(w, 'help')) {
      ip.err(BRIDGE_USAGE);
      throw new IpExit(EXIT_M1);
    } else {
      ip.err(`bridge: unknown command "${w}"?\n`);
      ip.err(BRIDGE_USAGE);
      return -1;
    }
    a.adv();
  }
  req.bridgeOpts = o;
  return 0;
}

function vethUsage(ip: Ip): void {
  ip.err("Usage: ip link <options> type veth [peer <options>]\nTo get <options> type 'ip link add help'\n");
}

/** iplink_modify: parse, then one kernel request. */
function iplinkModify(ip: Ip, op: 'add' | 'set' | 'del', create: boolean, argv: string[]): number {
  const req: LinkReq = { flags: 0, change: 0, ifindex: 0 };
  const out: { type?: string } = {};
  const ret = iplinkParse(ip, argv, req, create, out);
  if (ret < 0) return ret;
  if (out.type !== undefined) {
    const type = out.type;
    req.kind = type;
    const rest = argv.slice(ret);
    if (type === 'veth' && rest.length > 0) {
      if (rest[0] !== 'peer') {
        vethUsage(ip);
        return -1;
      }
      const peer: LinkReq = { flags: 0, change: 0, ifindex: 0 };
      const pout: { type?: string } = {};
      const err = iplinkParse(ip, rest.slice(1), peer, true, pout);
      if (err < 0) return err;
      if (pout.type !== undefined) duparg(ip, 'type', rest[1 + err - 1] ?? pout.type);
      req.peer = peer;
    } else if (type === 'bridge' && rest.length > 0) {
      if (bridgeParseOpt(ip, rest, req)) return -1;
    } else if (rest.length > 0) {
      if (matches(rest[0]!, 'help')) iplinkUsage(ip);
      if (!KNOWN_KINDS.has(type)) {
        ip.err(`Garbage instead of arguments "${rest[0]} ...". Try "ip link help".\n`);
        return -1;
      }
      // a type iproute2 knows and whose options we do not parse: the kernel lacks it anyway
    }
  } else if (create) {
    ip.err('Not enough information: "type" argument is required\n');
    return -1;
  }
  if (req.unsupported && op !== 'del') {
    ip.err(`nsemu: "ip link ${op} … ${req.unsupported}" is not emulated\n`);
    return -2;
  }
  const nsId = ip.netns;
  const uid = ip.c.proc.uid;
  try {
    const late = ip.m.mutate((k) => {
      if (uid !== 0) throw kerr('EPERM');
      if (op === 'add') return rtnlNewlinkCreate(ip, k, nsId, req);
      if (op === 'set') rtnlSetlink(ip, k, nsId, req);
      else rtnlDellink(k, nsId, req);
      return undefined;
    });
    if (late) throw late;
  } catch (e) {
    if (e instanceof KernelError) {
      ip.p.flush();
      ip.err(rtnlErrorText(e));
      return -2;
    }
    throw e;
  }
  return 0;
}

/** get_net_ns_by_pid / by fd for IFLA_NET_NS_PID / _FD */
function targetNs(ip: Ip, k: Kctx, req: LinkReq): number | undefined {
  if (req.netns !== undefined) {
    if (!k.w.netns[req.netns] || k.w.netns[req.netns]!.dead) throw kerr('EINVAL');
    return req.netns;
  }
  if (req.nsPid !== undefined) {
    const p = ip.m.procs.get(req.nsPid);
    if (!p || p.exited) throw kerr('ESRCH');
    const ns = p === ip.c.proc ? ip.netns : p.netns;
    return ns;
  }
  return undefined;
}

function macString(b: Uint8Array | undefined): string | undefined {
  return b ? macText(b) : undefined;
}

/** eth_validate_addr and the length check of validate_linkmsg */
function checkNewMac(b: Uint8Array | undefined): void {
  if (!b) return;
  if (b.length < 6) throw kerr('EINVAL');
  if (!macIsValidUnicast(b)) throw kerr('EADDRNOTAVAIL');
}

/** A new device's MTU: veth_validate (plain EINVAL), else dev_validate_mtu (68..65535). */
function checkNewMtu(mtu: number | undefined, kind: string | undefined): void {
  if (mtu === undefined) return;
  if (kind === 'veth') {
    if (mtu < 68 || mtu > 65535) throw kerr('EINVAL');
    return;
  }
  if (mtu < 68) throw kerr('EINVAL', 'mtu less than device minimum');
  if (mtu > 65535) throw kerr('EINVAL', 'mtu greater than device maximum');
}

/** IFLA_IFNAME policy: at most IFNAMSIZ-1 characters. */
function checkNamePolicy(name: string | undefined): void {
  if (name !== undefined && Buffer.byteLength(name) > 15) throw kerr('EINVAL', 'Attribute failed policy validation');
}

/**
 * rtnl_newlink, creating: the dev lookup (NLM_F_EXCL), the kind, then ops->newlink. Returns an
 * error that must be reported after committing what the kernel already did.
 */
function rtnlNewlinkCreate(ip: Ip, k: Kctx, nsId: number, req: LinkReq): KernelError | undefined {
  checkNamePolicy(req.name);
  if (req.peer) checkNamePolicy(req.peer.name);
  const ns = getNs(k.w, nsId);
  if (req.ifindex > 0 ? ns.devs[req.ifindex] : req.name !== undefined && devByName(ns, req.name)) throw kerr('EEXIST');
  if (req.kind !== 'veth' && req.kind !== 'bridge') throw kerr('EOPNOTSUPP', 'Unknown device type');
  const dest = targetNs(ip, k, req) ?? nsId;
  const dns = getNs(k.w, dest);
  if (req.name !== undefined && devByName(dns, req.name)) throw kerr('EEXIST');
  if (req.ifindex > 0 && dns.devs[req.ifindex]) throw kerr('EEXIST');
  checkNewMac(req.address);
  checkNewMtu(req.mtu, req.kind);
  let d: Device;
  if (req.kind === 'veth') {
    // veth_newlink: without `peer`, the peer takes the device's own attributes
    const pr = req.peer;
    const pattrs = pr ?? { ...req, name: undefined, address: undefined, ifindex: 0 };
    const peerNs = pr ? (targetNs(ip, k, pr) ?? nsId) : dest;
    if (pr) {
      // veth_newlink configures the peer before the pair is linked: veth_open finds no peer,
      // and the peer it had registered is gone again (its ifindex stays used)
      if (pr.change & IFF.UP && pr.flags & IFF.UP) {
        devIndexReserve(getNs(k.w, targetNs(ip, k, pr) ?? nsId), pr.ifindex && req.ifindex ? pr.ifindex : undefined);
        return kerr('ENOTCONN');
      }
      checkNewMac(pr.address);
      checkNewMtu(pr.mtu, 'veth');
    }
    const pns = getNs(k.w, peerNs);
    const peerIndex = pr && req.ifindex ? pr.ifindex : undefined;
    if (peerIndex && pns.devs[peerIndex]) throw kerr('EEXIST');
    if (pattrs.name !== undefined && devByName(pns, pattrs.name)) throw kerr('EEXIST');
    const devSpec: VethSpec = { name: req.name, ifindex: req.ifindex || undefined, mac: macString(req.address), mtu: req.mtu, txqlen: req.txqlen };
    const peerSpec: VethSpec = { name: pattrs.name, ifindex: peerIndex || undefined, mac: macString(pattrs.address), mtu: pattrs.mtu, txqlen: pattrs.txqlen };
    d = vethNewlink(k, dest, devSpec, peerNs, peerSpec);
    if (pr) {
      const peer = k.w.netns[peerNs]?.devs[d.peer!.ifindex];
      if (peer) {
        if (pr.group !== undefined) peer.group = pr.group;
      }
    }
  } else {
    const name = req.name ?? devAllocName(dns, 'bridge%d');
    d = brAddBridge(k, dest, name, { mac: macString(req.address), ifindex: req.ifindex || undefined, mtu: req.mtu });
    if (req.txqlen !== undefined) d.txqlen = req.txqlen;
    if (req.bridgeOpts) applyBridgeOpts(d, req.bridgeOpts);
  }
  if (req.group !== undefined) d.group = req.group;
  if (req.addrgenmode) d.addrgenmode = req.addrgenmode;
  // rtnl_configure_link: the flags, then IFLA_MASTER
  devChangeFlags(k, dest, d, req.flags, req.change);
  if (req.master !== undefined) doSetMaster(k, dest, d, req.master);
  return undefined;
}

function applyBridgeOpts(d: Device, o: BridgeOpts): void {
  const b = d.bridge;
  if (!b) throw kerr('EOPNOTSUPP');
  if (o.forwardDelay !== undefined) b.forwardDelay = o.forwardDelay;
  if (o.helloTime !== undefined) b.helloTime = o.helloTime;
  if (o.maxAge !== undefined) b.maxAge = o.maxAge;
  if (o.ageingTime !== undefined) b.ageingTime = o.ageingTime;
  if (o.stpState !== undefined) b.stpState = o.stpState ? 1 : 0;
  if (o.priority !== undefined) b.priority = o.priority;
  if (o.vlanFiltering !== undefined) b.vlanFiltering = o.vlanFiltering ? 1 : 0;
  if (o.mcastSnooping !== undefined) b.mcastSnooping = o.mcastSnooping ? 1 : 0;
  if (o.nfCallIptables !== undefined) b.nfCallIptables = o.nfCallIptables ? 1 : 0;
}

/** do_set_master */
function doSetMaster(k: Kctx, nsId: number, d: Device, ifindex: number): void {
  const ns = getNs(k.w, nsId);
  const cur = d.master !== undefined ? ns.devs[d.master] : undefined;
  if (cur) {
    if (cur.ifindex === ifindex) return;
    if (ifindex === 0 || cur.kind === 'bridge') brDelIf(k, nsId, cur, d);
  }
  if (!ifindex) return;
  const upper = ns.devs[ifindex];
  if (!upper) throw kerr('EINVAL');
  if (upper.kind !== 'bridge') throw kerr('EOPNOTSUPP');
  brAddIf(k, nsId, upper, d);
}

/** do_setlink, in the kernel's order. */
function rtnlSetlink(ip: Ip, k: Kctx, nsId0: number, req: LinkReq): void {
  let nsId = nsId0;
  const ns = getNs(k.w, nsId);
  let d = ns.devs[req.ifindex];
  if (!d) throw kerr('ENODEV');
  if (req.kind !== undefined) {
    // changelink: only a bridge has options to change
    if (req.bridgeOpts) {
      if (d.kind !== 'bridge' || req.kind !== 'bridge') throw kerr('EOPNOTSUPP');
      applyBridgeOpts(d, req.bridgeOpts);
    } else if (req.peer) throw kerr('EOPNOTSUPP');
  }
  const target = targetNs(ip, k, req);
  if (target !== undefined) {
    d = devChangeNetNamespace(k, nsId, d, target, req.name);
    nsId = target;
  }
  if (req.address) {
    if (!macIsValidUnicast(req.address)) throw kerr('EADDRNOTAVAIL');
    devSetMacAddress(k, nsId, d, macText(req.address));
  }
  if (req.mtu !== undefined) devSetMtu(k, nsId, d, req.mtu);
  if (req.group !== undefined) d.group = req.group;
  if (req.name !== undefined && req.name !== d.name) {
    checkNamePolicy(req.name);
    devChangeName(k, nsId, d, req.name);
  }
  if (req.alias !== undefined) {
    if (req.alias === '') delete d.alias;
    else d.alias = req.alias;
  }
  if (req.change || req.flags) devChangeFlags(k, nsId, d, req.flags, req.change);
  if (req.master !== undefined) doSetMaster(k, nsId, d, req.master);
  if (req.carrier !== undefined) throw kerr('EOPNOTSUPP');
  if (req.txqlen !== undefined) d.txqlen = req.txqlen;
  if (req.addrgenmode) d.addrgenmode = req.addrgenmode;
}

/** rtnl_dellink: devices without rtnl_link_ops (lo) cannot be deleted. */
function rtnlDellink(k: Kctx, nsId: number, req: LinkReq): void {
  const ns = getNs(k.w, nsId);
  const d = ns.devs[req.ifindex];
  if (!d) throw kerr('ENODEV');
  if (d.kind === 'loopback') throw kerr('EOPNOTSUPP');
  deviceOps(d.kind).dellink?.(k, nsId, d);
  unregisterNetdevice(k, nsId, d.ifindex);
}

export async function doIplink(ip: Ip, argv: string[]): Promise<number> {
  if (argv.length < 1) return ipaddrListFlushOrSave(ip, [], 0, true);
  const cmd = argv[0]!;
  const rest = argv.slice(1);
  if (matches(cmd, 'add')) return iplinkModify(ip, 'add', true, rest);
  if (matches(cmd, 'set') || matches(cmd, 'change')) return iplinkModify(ip, 'set', false, rest);
  if (matches(cmd, 'replace')) {
    ip.err('nsemu: "ip link replace" is not emulated\n');
    return -2;
  }
  if (matches(cmd, 'delete')) return iplinkModify(ip, 'del', false, rest);
  if (matches(cmd, 'show') || matches(cmd, 'lst') || matches(cmd, 'list')) return ipaddrListFlushOrSave(ip, rest, 0, true);
  if (matches(cmd, 'xstats') || matches(cmd, 'afstats') || matches(cmd, 'property')) {
    ip.err(`nsemu: "ip link ${cmd}" is not emulated\n`);
    return -1;
  }
  if (matches(cmd, 'help')) {
    if (rest[0] === 'veth') {
      ip.p.fp("Usage: ip link <options> type veth [peer <options>]\nTo get <options> type 'ip link add help'\n");
      return 0;
    }
    if (rest[0] === 'bridge') {
      ip.p.fp(BRIDGE_USAGE);
      return 0;
    }
    iplinkUsage(ip);
  }
  return die(ip, `Command "${cmd}" is unknown, try "ip link help".\n`);
}

export type { Netns };
