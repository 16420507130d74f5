// net/core/net_namespace.c: creating namespaces (setup_net), naming them under /run/netns
// (iproute2's bind mounts), and tearing them down when the last reference goes (cleanup_net,
// which runs from a workqueue: the devices vanish a little after `ip netns del`).
import { kerr } from './errors.ts';
import type { Kctx, Machine } from './machine.ts';
import type { Netns, World } from './types.ts';
import { newSnmp } from './snmp.ts';
import { newNetnsSysctls } from './sysctl.ts';
import { loopbackNetInit } from '../devices/loopback.ts';
import { deviceOps } from '../devices/ops.ts';
import { allocNetid, setNetid, unregisterNetdevice, unsetNetid } from './dev.ts';

/** Delay between the last reference going and the namespace's devices being gone. */
export const NETNS_CLEANUP_DELAY_NS = 50_000_000;

/** setup_net: a namespace with only `lo`, down. Returns its inode number. */
export function netnsCreate(k: Kctx): number {
  const id = k.w.nextInode++;
  const init = k.w.netns[k.w.initNs];
  const ns: Netns = {
    id,
    ifindexCursor: 0,
    devs: {},
    devsByName: new Map(),
    nsids: {},
    nsidPeers: new Map(),
    nsidFree: 0,
    nsidHolders: new Map(),
    names: [],
    sysctl: newNetnsSysctls(init?.sysctl),
    routes: [],
    fibMain: false,
    fibLocal: false,
    neigh: new Map(),
    pneigh: new Map(),
    icmpPeers: {},
    nf: {},
    ct: { users: 0, entries: {}, hash: {}, nextId: 1 },
    nfHooks: false,
    procRefs: 0,
    ipId: 0,
    snmp: newSnmp(),
    icmpmsg: {},
    netstat: {},
    dead: false,
  };
  k.w.netns[id] = ns;
  loopbackNetInit(k, id);
  return id;
}

/** `ip netns add NAME`: a new namespace bind-mounted at /run/netns/NAME (listed newest first). */
export function netnsAddNamed(k: Kctx, name: string): number {
  if (k.w.netnsByName.has(name)) throw kerr('EEXIST');
  const id = netnsCreate(k);
  addName(k.w, name, id);
  return id;
}

/** `ip netns attach NAME PID`: one more /run/netns name for an existing namespace. */
export function netnsAttachName(k: Kctx, name: string, id: number): void {
  if (k.w.netnsByName.has(name)) throw kerr('EEXIST');
  if (!k.w.netns[id]) throw kerr('EINVAL');
  addName(k.w, name, id);
}

function addName(w: World, name: string, id: number): void {
  w.netnsNames.unshift({ name, ns: id });
  w.netnsByName.set(name, id);
  w.netns[id]!.names.unshift(name);
}

/** rtnl_net_newid (`ip netns set NAME NSID|auto`): give `peer` an id in namespace `nsId`. */
export function rtnlNetNewid(k: Kctx, nsId: number, peer: number, nsid: number | 'auto'): void {
  const ns = k.w.netns[nsId];
  if (!ns) throw kerr('EINVAL');
  if (ns.nsids[peer] !== undefined) throw kerr('EEXIST', 'Peer netns already has a nsid assigned');
  if (nsid === 'auto') {
    setNetid(k.w, ns, peer, allocNetid(ns));
    return;
  }
  if (ns.nsidPeers.has(nsid)) throw kerr('EEXIST', 'The specified nsid is already used');
  setNetid(k.w, ns, peer, nsid);
}

/** `ip netns del NAME`: unmount the name; the namespace dies once nothing else holds it. */
export function netnsDelNamed(k: Kctx, name: string): void {
  const id = k.w.netnsByName.get(name);
  if (id === undefined) throw kerr('ENOENT');
  const i = k.w.netnsNames.findIndex((e) => e.name === name);
  k.w.netnsNames.splice(i, 1);
  k.w.netnsByName.delete(name);
  const ns = k.w.netns[id];
  if (ns) ns.names.splice(ns.names.indexOf(name), 1);
  netnsPut(k, id);
}

/** Drop a reference; schedule cleanup_net when none is left (no name, no process inside). */
export function netnsPut(k: Kctx, id: number): void {
  const ns = k.w.netns[id];
  if (!ns || ns.dead || id === k.w.initNs) return;
  if (ns.names.length > 0) return;
  if (processesIn(k.m, id) > 0) return;
  ns.dead = true;
  k.m.schedule(NETNS_CLEANUP_DELAY_NS, (k2) => cleanupNet(k2, id));
}

function processesIn(m: Machine, id: number): number {
  let n = 0;
  for (const p of m.procs.values()) if (p.netns === id && !p.exited) n++;
  return n;
}

/** cleanup_net: unregister every device (each veth takes its peer along), forget the ids. */
function cleanupNet(k: Kctx, id: number): void {
  const ns = k.w.netns[id];
  if (!ns) return;
  ns.dead = false; // let unregister run through the normal paths
  for (const d of Object.values(ns.devs).sort((a, b) => a.ifindex - b.ifindex)) {
    const cur = ns.devs[d.ifindex];
    if (!cur) continue;
    deviceOps(cur.kind).dellink?.(k, id, cur);
    unregisterNetdevice(k, id, cur.ifindex);
  }
  delete k.w.netns[id];
  // the namespaces that had an id for it forget it; those it had ids for forget that it did
  for (const other of ns.nsidHolders.keys()) {
    const o = k.w.netns[other];
    if (o) unsetNetid(o, id);
  }
  for (const peer of Object.keys(ns.nsids)) k.w.netns[Number(peer)]?.nsidHolders.delete(id);
}

/** The /run/netns name of a namespace, if it has one. */
export function netnsName(w: World | World, id: number): string | undefined {
  return w.netns[id]?.names[0];
}

/** peernet2id: the id `nsId` has for `peer`, without allocating. */
export function peernet2id(w: World | World, nsId: number, peer: number): number | undefined {
  return w.netns[nsId]?.nsids[peer];
}
