// snapshot(): the whole state of a machine as a plain, frozen, JSON-serialisable value, named
// the way the tools name things (namespaces by their /run/netns name, devices by name,
// addresses and routes in iproute2's words), so a what-if diff reads like the tools' output.
// It is built from the kernel state on demand; later changes to the machine never reach it.
import type { Machine } from '../kernel/machine.ts';
import { NS_PER_SEC } from '../kernel/machine.ts';
import type { Netns, Route } from '../kernel/types.ts';
import { RT_TABLE } from '../kernel/types.ts';
import { newNetnsSysctls, devSysctls } from '../kernel/sysctl.ts';
import { ipv4ToText } from '../protocols/wire/addr.ts';
import { ruleSpec, chainNames } from '../userland/iptables/list.ts';
import { RTPROT_NAMES, RTSCOPE_NAMES, RTTABLE_NAMES } from '../userland/ip/utils.ts';

/** The name of the initial namespace in a snapshot (it has no /run/netns name). */
export const INIT_NS = '(init)';

export interface DeviceSnapshot {
  ifindex: number;
  kind: string;
  mac: string;
  mtu: number;
  /** IFF_UP */
  up: boolean;
  carrier: boolean;
  operstate: string;
  /** the bridge this device is a port of */
  master?: string;
  /** a veth's peer: `NS/DEV` */
  peer?: string;
  /** `10.0.0.1/24`, in the order `ip addr` lists them */
  addresses: string[];
}

export interface NamespaceSnapshot {
  /** the namespace's inode (what /proc/PID/ns/net shows) */
  id: number;
  devices: Record<string, DeviceSnapshot>;
  /** `ip route show table all` in short: one line per route */
  routes: string[];
  /** `10.0.0.2 dev va lladdr 02:… REACHABLE` */
  neighbours: string[];
  /** per bridge: `MAC port DEV [local|static]` */
  fdb: Record<string, string[]>;
  /** per table and chain: the policy and `iptables -S`'s rules with their counters */
  netfilter: Record<string, Record<string, { policy?: string; packets: number; bytes: number; rules: { rule: string; packets: number; bytes: number }[] }>>;
  /** `icmp 10.0.0.1 -> 10.0.0.2 id 7 | 10.0.0.2 -> 10.0.0.1` */
  conntrack: string[];
  /** sysctls whose value differs from the kernel's default, by their sysctl name */
  sysctls: Record<string, string>;
}

export interface MachineSnapshot {
  /** virtual seconds since boot */
  time: number;
  namespaces: Record<string, NamespaceSnapshot>;
}


function routeText(r: Route, devName: (ifindex: number) => string): string {
  const p: string[] = [];
  if (r.type !== 'unicast') p.push(r.type);
  p.push(r.dstLen === 0 && r.type === 'unicast' ? 'default' : r.dstLen === 32 ? ipv4ToText(r.dst) : `${ipv4ToText(r.dst)}/${r.dstLen}`);
  if (r.gateway !== undefined) p.push(`via ${ipv4ToText(r.gateway)}`);
  if (r.dev !== undefined) p.push(`dev ${devName(r.dev)}`);
  if (r.table !== RT_TABLE.main) p.push(`table ${RTTABLE_NAMES[r.table] ?? r.table}`);
  if (r.protocol !== 4 && r.protocol !== 3) p.push(`proto ${RTPROT_NAMES[r.protocol] ?? r.protocol}`);
  if (r.scope !== 0) p.push(`scope ${RTSCOPE_NAMES[r.scope] ?? r.scope}`);
  if (r.prefsrc !== undefined) p.push(`src ${ipv4ToText(r.prefsrc)}`);
  if (r.priority) p.push(`metric ${r.priority}`);
  if (r.tos) p.push(`tos 0x${r.tos.toString(16)}`);
  if (r.onlink) p.push('onlink');
  return p.join(' ');
}

/** sysctl(8)'s name of a /proc/sys/net key ("ipv4/conf/all/forwarding" → net.ipv4.conf.all.forwarding). */
const sysctlName = (key: string): string => `net.${key.replace(/\//g, '.')}`;

function deepFreeze<T>(v: T): T {
  if (v && typeof v === 'object' && !Object.isFrozen(v)) {
    Object.freeze(v);
    for (const x of Object.values(v)) deepFreeze(x);
  }
  return v;
}

function namespaceSnapshot(m: Machine, ns: Netns, nsName: (id: number) => string): NamespaceSnapshot {
  const devs = Object.values(ns.devs).sort((a, b) => a.ifindex - b.ifindex);
  const devName = (i: number): string => ns.devs[i]?.name ?? `if${i}`;
  const devices: Record<string, DeviceSnapshot> = {};
  for (const d of devs) {
    const s: DeviceSnapshot = {
      ifindex: d.ifindex,
      kind: d.kind,
      mac: d.mac,
      mtu: d.mtu,
      up: d.up,
      carrier: d.carrier,
      operstate: d.operstate,
      addresses: d.addrs.map((a) => (a.address !== a.local ? `${ipv4ToText(a.local)} peer ${ipv4ToText(a.address)}/${a.prefixlen}` : `${ipv4ToText(a.local)}/${a.prefixlen}`)),
    };
    if (d.master !== undefined) s.master = devName(d.master);
    if (d.peer) s.peer = `${nsName(d.peer.ns)}/${m.world.netns[d.peer.ns]?.devs[d.peer.ifindex]?.name ?? `if${d.peer.ifindex}`}`;
    devices[d.name] = s;
  }
  const routes = ns.routes.map((r) => routeText(r, devName)).sort();
  const neighbours = [...ns.neigh.values()]
    .map((n) => `${ipv4ToText(n.ip)} dev ${devName(n.dev)}${n.lladdr ? ` lladdr ${n.lladdr}` : ''} ${n.state}`)
    .sort();
  const fdb: Record<string, string[]> = {};
  for (const br of devs) {
    if (!br.bridge) continue;
    fdb[br.name] = [...br.bridge.fdb.values()]
      .map((e) => `${e.mac} port ${devName(e.port)}${e.local ? ' local' : e.static ? ' static' : ''}`)
      .sort();
  }
  const netfilter: NamespaceSnapshot['netfilter'] = {};
  for (const [tname, t] of Object.entries(ns.nf)) {
    if (!t) continue;
    const chains: NamespaceSnapshot['netfilter'][string] = {};
    for (const c of chainNames(t)) {
      const ch = t[c]!;
      chains[c] = { packets: ch.pkts, bytes: ch.bytes, rules: ch.rules.map((r) => ({ rule: ruleSpec(c, r), packets: r.pkts, bytes: r.bytes })) };
      if (ch.policy) chains[c].policy = ch.policy;
    }
    netfilter[tname] = chains;
  }
  const tuple = (t: { src: number; dst: number; proto: number; sport: number; dport: number }): string =>
    t.proto === 1 ? `${ipv4ToText(t.src)} -> ${ipv4ToText(t.dst)} id ${t.sport}` : `${ipv4ToText(t.src)}:${t.sport} -> ${ipv4ToText(t.dst)}:${t.dport}`;
  const conntrack = Object.values(ns.ct.entries)
    .map((e) => `proto ${e.orig.proto} ${tuple(e.orig)} | ${tuple(e.reply)}`)
    .sort();
  const sysctls: Record<string, string> = {};
  const nsDefaults = newNetnsSysctls(undefined);
  for (const [k, v] of Object.entries(ns.sysctl)) if (k in nsDefaults && nsDefaults[k] !== v) sysctls[sysctlName(k)] = v;
  const devDefaults = devSysctls({ sysctl: nsDefaults } as Netns);
  for (const d of devs)
    for (const [k, v] of Object.entries(d.sysctl)) {
      if (devDefaults[k] === v) continue;
      const [fam, key] = [k.slice(0, k.indexOf('/')), k.slice(k.indexOf('/') + 1)];
      sysctls[sysctlName(fam === 'neigh' ? `ipv4/neigh/${d.name}/${key}` : `${fam}/conf/${d.name}/${key}`)] = v;
    }
  return { id: ns.id, devices, routes, neighbours, fdb, netfilter, conntrack, sysctls };
}

/** The machine's state now, as a frozen value (see MachineSnapshot). */
export function snapshotOf(m: Machine): MachineSnapshot {
  const w = m.world;
  const names = new Map<number, string>();
  names.set(w.initNs, INIT_NS);
  // /run/netns lists newest first; a namespace with two names is known by its first
  for (const e of [...w.netnsNames].reverse()) if (!names.has(e.ns)) names.set(e.ns, e.name);
  const nsName = (id: number): string => names.get(id) ?? `netns:${id}`;
  const namespaces: Record<string, NamespaceSnapshot> = {};
  const live = Object.values(w.netns).filter((ns) => !ns.dead).sort((a, b) => a.id - b.id);
  for (const ns of live) namespaces[nsName(ns.id)] = namespaceSnapshot(m, ns, nsName);
  return deepFreeze({ time: m.now / NS_PER_SEC, namespaces });
}
