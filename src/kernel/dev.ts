// net/core/dev.c: the device table of a namespace — lookups, ifindex and name allocation,
// register/unregister, open/close (dev_change_flags), carrier, moving between namespaces.
// Protocol reactions (addresses, routes, neighbours, bridge ports) hang off netdevNotify, as
// they hang off the kernel's netdevice notifier chain.

import { kerr } from './errors.ts';
import type { Kctx } from './machine.ts';
import type { Device, DevKind, DevStats, Netns, World } from './types.ts';
import { devSysctls } from './sysctl.ts';
import { linkwatchFireEvent, linkwatchInitDev } from './link_watch.ts';
import { netdevNotify } from './notifier.ts';
import { deviceOps } from '../devices/ops.ts';
import { brSetMacAddress } from '../devices/bridge.ts';

export const IFF = {
  UP: 0x1,
  BROADCAST: 0x2,
  DEBUG: 0x4,
  LOOPBACK: 0x8,
  POINTOPOINT: 0x10,
  NOTRAILERS: 0x20,
  RUNNING: 0x40,
  NOARP: 0x80,
  PROMISC: 0x100,
  ALLMULTI: 0x200,
  MASTER: 0x400,
  SLAVE: 0x800,
  MULTICAST: 0x1000,
  LOWER_UP: 0x10000,
  DORMANT: 0x20000,
} as const;

export const ARPHRD = { ETHER: 1, LOOPBACK: 772 } as const;

export const IFNAMSIZ = 16;

/** dev->flags (sysfs `flags`), or with `withRunning` what dev_get_flags reports to ip. */
export function devFlags(d: Device, withRunning: boolean): number {
  let f = d.kind === 'loopback' ? IFF.LOOPBACK : IFF.BROADCAST;
  if (d.multicast) f |= IFF.MULTICAST;
  if (d.noarp) f |= IFF.NOARP;
  if (d.up) f |= IFF.UP;
  if (d.promiscuity > 0) f |= IFF.PROMISC;
  if (d.allmulti > 0) f |= IFF.ALLMULTI;
  if (withRunning && d.up && d.carrier) f |= IFF.RUNNING | IFF.LOWER_UP;
  return f;
}

export function emptyStats(): DevStats {
  return { rxBytes: 0, rxPackets: 0, rxErrors: 0, rxDropped: 0, rxMissed: 0, rxMcast: 0, txBytes: 0, txPackets: 0, txErrors: 0, txDropped: 0, txCarrier: 0, txCollisions: 0 };
}

export function getNs<W extends World | World>(w: W, id: number): W['netns'][number] {
  const ns = w.netns[id];
  if (!ns || ns.dead) throw kerr('EINVAL');
  return ns;
}

/** __dev_get_by_name: through the namespace's name index (dev_name_hash). */
export function devByName<N extends Netns | Netns>(ns: N, name: string): N['devs'][number] | undefined {
  return ns.devsByName.get(name) as N['devs'][number] | undefined;
}

/** list_netdevice: the device enters its namespace's tables and the machine's id index. */
function listNetdevice(w: World, nsId: number, ns: Netns, d: Device): void {
  ns.devs[d.ifindex] = d;
  ns.devsByName.set(d.name, d);
  w.devById.set(d.id, { ns: nsId, ifindex: d.ifindex });
}

/** unlist_netdevice */
function unlistNetdevice(w: World, ns: Netns, d: Device): void {
  delete ns.devs[d.ifindex];
  if (ns.devsByName.get(d.name) === d) ns.devsByName.delete(d.name);
  w.devById.delete(d.id);
}

export function devByIndex<N extends Netns | Netns>(ns: N, ifindex: number): N['devs'][number] | undefined {
  return ns.devs[ifindex] as N['devs'][number] | undefined;
}

/** dev_valid_name */
export function devValidName(name: string): boolean {
  return name.length > 0 && name.length < IFNAMSIZ && name !== '.' && name !== '..' && !/[/:\s]/.test(name);
}

/** dev_alloc_name: "veth%d" → the lowest free number in the namespace. */
export function devAllocName(ns: Netns | Netns, pattern: string, taken: string[] = []): string {
  if (!pattern.includes('%d')) return pattern;
  for (let i = 0; ; i++) {
    const n = pattern.replace('%d', String(i));
    if (!devByName(ns, n) && !taken.includes(n)) return n;
  }
}

/** dev_index_reserve: cyclic allocation from the last index handed out; freed numbers are not reused. */
export function devIndexReserve(ns: Netns, want?: number): number {
  if (want !== undefined && want !== 0) {
    if (ns.devs[want]) throw kerr('EEXIST');
    return want;
  }
  let i = ns.ifindexCursor;
  for (;;) {
    i = i >= 0x7fffffff ? 1 : i + 1;
    if (!ns.devs[i]) break;
  }
  ns.ifindexCursor = i;
  return i;
}

export interface NewDevice {
  name: string;
  kind: DevKind;
  mac: string;
  addrAssignType: number;
  mtu?: number;
  minMtu?: number;
  maxMtu?: number;
  txqlen?: number;
  carrier: boolean;
  ifindex?: number;
}

/** alloc_netdev + register_netdevice. */
export function registerNetdevice(k: Kctx, nsId: number, nd: NewDevice): Device {
  const ns = getNs(k.w, nsId);
  if (devByName(ns, nd.name)) throw kerr('EEXIST');
  const ifindex = devIndexReserve(ns, nd.ifindex);
  const d: Device = {
    id: k.w.nextDevId++,
    ifindex,
    name: nd.name,
    kind: nd.kind,
    up: false,
    carrier: nd.carrier,
    operstate: 'UNKNOWN',
    everUp: false,
    mtu: nd.mtu ?? 1500,
    minMtu: nd.minMtu ?? 68,
    maxMtu: nd.maxMtu ?? 65535,
    txqlen: nd.txqlen ?? 1000,
    mac: nd.mac,
    broadcast: nd.kind === 'loopback' ? '00:00:00:00:00:00' : 'ff:ff:ff:ff:ff:ff',
    addrAssignType: nd.addrAssignType,
    group: 0,
    promiscuity: 0,
    allmulti: 0,
    noarp: false,
    gflags: 0,
    carrierChanges: 0,
    multicast: nd.kind !== 'loopback',
    addrs: [],
    addrs6: [],
    addrgenmode: 'eui64',
    sysctl: devSysctls(ns),
    stats: emptyStats(),
    numTxQueues: 1,
    numRxQueues: 1,
  };
  listNetdevice(k.w, nsId, ns, d);
  const dd = ns.devs[ifindex]!;
  linkwatchInitDev(k, nsId, dd);
  netdevNotify(k, nsId, dd, 'REGISTER');
  return dd;
}

/** unregister_netdevice: close, let every protocol forget the device, then drop it. */
export function unregisterNetdevice(k: Kctx, nsId: number, ifindex: number): void {
  // a dying namespace's devices are unregistered too (cleanup_net): no liveness check here
  const ns = k.w.netns[nsId];
  if (!ns) return;
  const d = ns.devs[ifindex];
  if (!d) return;
  devClose(k, nsId, d);
  netdevNotify(k, nsId, d, 'UNREGISTER');
  unlistNetdevice(k.w, ns, d);
}

/** dev_open (__dev_change_flags with IFF_UP). */
export function devOpen(k: Kctx, nsId: number, d: Device): void {
  if (d.up) return;
  d.up = true;
  d.everUp = true;
  deviceOps(d.kind).open?.(k, nsId, d);
  netdevNotify(k, nsId, d, 'UP');
}

/** dev_close. */
export function devClose(k: Kctx, nsId: number, d: Device): void {
  if (!d.up) return;
  netdevNotify(k, nsId, d, 'GOING_DOWN');
  deviceOps(d.kind).stop?.(k, nsId, d);
  d.up = false;
  netdevNotify(k, nsId, d, 'DOWN');
}

export function netifCarrierOn(k: Kctx, nsId: number, d: Device): void {
  if (d.carrier) return;
  d.carrier = true;
  d.carrierChanges++;
  linkwatchFireEvent(k, nsId, d);
}

export function netifCarrierOff(k: Kctx, nsId: number, d: Device): void {
  if (!d.carrier) return;
  d.carrier = false;
  d.carrierChanges++;
  linkwatchFireEvent(k, nsId, d);
}

/**
 * dev_change_flags: IFF_UP opens or closes the device; IFF_NOARP and IFF_MULTICAST are set as
 * asked; IFF_PROMISC and IFF_ALLMULTI are the user's requests (dev->gflags), each counted once
 * into the device's promiscuity/allmulti counters beside what bridges and captures ask for.
 */
export function devChangeFlags(k: Kctx, nsId: number, d: Device, flags: number, change: number): void {
  if (change & ~(IFF.UP | IFF.PROMISC | IFF.ALLMULTI | IFF.NOARP | IFF.MULTICAST)) throw kerr('EOPNOTSUPP');
  if (change & IFF.NOARP) d.noarp = (flags & IFF.NOARP) !== 0;
  if (change & IFF.MULTICAST) d.multicast = (flags & IFF.MULTICAST) !== 0;
  for (const bit of [IFF.PROMISC, IFF.ALLMULTI] as const) {
    if (!(change & bit) || !((flags ^ d.gflags) & bit)) continue;
    const inc = flags & bit ? 1 : -1;
    d.gflags ^= bit;
    if (bit === IFF.PROMISC) d.promiscuity += inc;
    else d.allmulti += inc;
  }
  if (change & IFF.UP) {
    if (flags & IFF.UP) devOpen(k, nsId, d);
    else devClose(k, nsId, d);
  }
}

/** dev_set_mac_address: NET_ADDR_SET from now on; a bridge pins its id, a port's bridge recalculates. */
export function devSetMacAddress(k: Kctx, nsId: number, d: Device, mac: string): void {
  if (d.kind === 'bridge') {
    brSetMacAddress(k, nsId, d, mac);
  } else {
    d.mac = mac;
    d.addrAssignType = 3;
  }
  netdevNotify(k, nsId, d, 'CHANGEADDR');
}

/** dev_set_mtu: within the device's limits, with the kernel's extack messages. */
export function devSetMtu(_k: Kctx, _nsId: number, d: Device, mtu: number): void {
  if (mtu < d.minMtu) throw kerr('EINVAL', 'mtu less than device minimum');
  if (mtu > d.maxMtu) throw kerr('EINVAL', 'mtu greater than device maximum');
  d.mtu = mtu;
}

/** dev_change_name */
export function devChangeName(k: Kctx, nsId: number, d: Device, name: string): void {
  if (name === d.name) return;
  const ns = getNs(k.w, nsId);
  // since 6.x a running device may be renamed too
  if (devByName(ns, name)) throw kerr('EEXIST');
  const old = d.name;
  ns.devsByName.delete(old);
  d.name = name;
  ns.devsByName.set(name, d);
  for (const a of d.addrs) if (a.label === old || a.label.startsWith(`${old}:`)) a.label = name + a.label.slice(old.length);
}

/**
 * __dev_change_net_namespace: close the device, unregister it from its namespace (it loses its
 * addresses, routes and neighbours), and register it in the target, keeping the ifindex if it
 * is free there. The target's allocation cursor does not move.
 */
export function devChangeNetNamespace(k: Kctx, nsId: number, d: Device, target: number, newName?: string): Device {
  const ns = getNs(k.w, nsId);
  const tns = getNs(k.w, target);
  if (target === nsId) return d;
  if (d.kind === 'loopback' || d.kind === 'bridge') throw kerr('EINVAL', 'The interface netns is immutable');
  const name = newName ?? d.name;
  if (devByName(tns, name)) throw kerr('EEXIST', 'An interface with the same name exists in the target netns');
  // the old namespace gets an id for the new one (peernet2id_alloc in the notification)
  peernet2idAlloc(k.w, nsId, target);
  devClose(k, nsId, d);
  netdevNotify(k, nsId, d, 'UNREGISTER');
  const moved: Device = { ...d };
  unlistNetdevice(k.w, ns, d);
  let ifindex = moved.ifindex;
  if (tns.devs[ifindex]) {
    ifindex = devIndexReserve(tns);
  }
  moved.ifindex = ifindex;
  moved.name = name;
  moved.addrs = [];
  moved.addrs6 = [];
  moved.everUp = false;
  // re-registered: its conf comes from the new namespace's defaults
  moved.sysctl = devSysctls(tns);
  delete moved.master;
  delete moved.port;
  listNetdevice(k.w, target, tns, moved);
  const md = tns.devs[ifindex]!;
  // the veth peer must now point at the new place
  deviceOps(md.kind).moved?.(k, nsId, target, md, d.ifindex);
  netdevNotify(k, target, md, 'REGISTER');
  return md;
}

/** peernet2id_alloc: the id namespace `nsId` uses for `peer`, allocating the lowest free one. */
export function peernet2idAlloc(w: World, nsId: number, peer: number): number {
  const ns = w.netns[nsId];
  if (!ns || nsId === peer) return -1;
  const have = ns.nsids[peer];
  if (have !== undefined) return have;
  const id = allocNetid(ns);
  setNetid(w, ns, peer, id);
  return id;
}

/** alloc_netid: the lowest id this namespace has not given to a peer yet (idr_alloc from 0).
 *  Every id below ns.nsidFree is taken, so the search starts there. */
export function allocNetid(ns: Netns | Netns): number {
  let id = ns.nsidFree;
  while (ns.nsidPeers.has(id)) id++;
  return id;
}

/** Record that namespace `ns` calls `peer` by `nsid` (the idr and its reverse). */
export function setNetid(w: World, ns: Netns, peer: number, nsid: number): void {
  ns.nsids[peer] = nsid;
  ns.nsidPeers.set(nsid, peer);
  if (nsid === ns.nsidFree) {
    let f = nsid + 1;
    while (ns.nsidPeers.has(f)) f++;
    ns.nsidFree = f;
  }
  w.netns[peer]?.nsidHolders.set(ns.id, true);
}

/** Forget the id `ns` has for `peer`, if any. */
export function unsetNetid(ns: Netns, peer: number): void {
  const nsid = ns.nsids[peer];
  if (nsid === undefined) return;
  delete ns.nsids[peer];
  ns.nsidPeers.delete(nsid);
  if (nsid < ns.nsidFree) ns.nsidFree = nsid;
}

/** A uniformly random locally administered unicast MAC (eth_hw_addr_random). */
export function randomMac(k: Kctx): string {
  const b: number[] = [];
  for (let i = 0; i < 6; i++) b.push(Math.floor(k.m.random(k.w) * 256));
  b[0] = (b[0]! & 0xfe) | 0x02;
  return b.map((x) => x.toString(16).padStart(2, '0')).join(':');
}
