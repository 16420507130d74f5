// Open vSwitch in normal mode, userspace (netdev) datapath: what the kernel sees of it and the
// switch itself. ovs-vswitchd opens a tap per bridge (its internal port) plus the `ovs-netdev`
// tap of the datapath, sets every port PROMISC (not UP), and receives and sends the ports'
// frames through packet sockets — here a packet tap on each port (src/capture/taps.ts), so
// tcpdump on a port sees what OVS sends. The switching is the NORMAL action: a MAC-learning
// switch (ofproto-dpif-xlate.c xlate_normal, lib/mac-learning.c) with 300 s ageing.
// The configuration (the OVSDB) lives in the machine's side tables: it is userspace state.
import { Machine, type Kctx } from '../kernel/machine.ts';
import type { Device } from '../kernel/types.ts';
import { devByName, devChangeFlags, IFF, randomMac, registerNetdevice, unregisterNetdevice } from '../kernel/dev.ts';
import { findDevById } from '../kernel/link_watch.ts';
import { machineTaps, runTaps, type Tap } from '../capture/taps.ts';
import { macIsMulticast, macToText } from '../protocols/wire/addr.ts';
import type { DeviceOps } from './ops.ts';
import { deviceOps } from './ops.ts';
import { skbCopy } from '../kernel/skbuff.ts';

/** a tap device: frames the host sends go to the user program holding it (here: dropped) */
export const tunOps: DeviceOps = {
  xmit(_k, _nsId, d) {
    d.stats.txDropped++;
  },
};

export interface OvsPort {
  name: string;
  uuid: string;
  ifaceUuid: string;
  internal: boolean;
  /** OpenFlow port number (the bridge's own internal port is LOCAL = 65534) */
  ofport: number;
  /** the kernel device once vswitchd has opened it */
  devId?: number;
}

export interface OvsBridge {
  name: string;
  uuid: string;
  datapathType: string;
  ports: OvsPort[];
  /** mac-learning table: MAC → { ofport, last seen (ns) } */
  mac: Map<string, { ofport: number; seen: number }>;
}

export interface OvsState {
  dbFile?: string;
  /** ovsdb-server running, with this socket */
  server?: { remote: string; pid: number };
  /** ovs-vswitchd running in this namespace */
  vswitchd?: { netns: number; pid: number };
  initialized: boolean;
  rootUuid: string;
  ovsVersion?: string;
  bridges: OvsBridge[];
  nextUuid: number;
  /** the ovs-netdev tap's device id */
  netdevId?: number;
  taps: Map<number, Tap>;
}

export const OVS_VERSION = '3.1.0';
/** lib/mac-learning.h MAC_ENTRY_DEFAULT_IDLE_TIME */
export const OVS_MAC_IDLE = 300;
/** userspace switching latency of one frame */
const OVS_LATENCY = 20_000;

export function ovsState(m: Machine): OvsState {
  let s = m.side.get('ovs') as OvsState | undefined;
  if (!s) {
    s = { initialized: false, rootUuid: '', bridges: [], nextUuid: 1, taps: new Map() };
    s.rootUuid = newUuid(s);
    m.side.set('ovs', s);
  }
  return s;
}

export function newUuid(s: OvsState): string {
  const n = s.nextUuid++;
  const h = n.toString(16).padStart(12, '0');
  return `6e73656d-7500-4000-8000-${h}`;
}

function findDev(k: Kctx, nsId: number, id: number | undefined): Device | undefined {
  if (id === undefined) return undefined;
  const f = findDevById(k, id);
  return f && f.ns === nsId ? f.dev : undefined;
}

/** ovs-vswitchd's bridge_reconfigure: open what the database asks for, close what it no longer does. */
export function ovsReconfigure(k: Kctx, s: OvsState): void {
  const vs = s.vswitchd;
  if (!vs) return;
  const nsId = vs.netns;
  const ns = k.w.netns[nsId];
  if (!ns || ns.dead) return;
  const want = s.bridges.length > 0;
  // the datapath's own tap
  let dp = findDev(k, nsId, s.netdevId);
  if (want && !dp && !devByName(ns, 'ovs-netdev')) {
    dp = registerNetdevice(k, nsId, { name: 'ovs-netdev', kind: 'tun', mac: randomMac(k), addrAssignType: 1, carrier: true });
    devChangeFlags(k, nsId, dp, IFF.PROMISC, IFF.PROMISC);
    s.netdevId = dp.id;
  } else if (!want && dp) {
    unregisterNetdevice(k, nsId, dp.ifindex);
    s.netdevId = undefined;
  }
  for (const br of s.bridges) {
    for (const p of br.ports) {
      let d = findDev(k, nsId, p.devId);
      if (d) continue;
      if (p.devId !== undefined) {
        // the device went away (deleted, moved): its packet socket with it
        const t = s.taps.get(p.devId);
        if (t) machineTaps(k.m).delete(t);
        s.taps.delete(p.devId);
      }
      p.devId = undefined;
      if (p.internal) {
        if (devByName(ns, p.name)) continue;
        d = registerNetdevice(k, nsId, { name: p.name, kind: 'tun', mac: randomMac(k), addrAssignType: 1, carrier: true });
      } else {
        d = devByName(ns, p.name);
        if (!d) continue; // "could not open network device" (logged by OVS)
      }
      // netdev_linux_update_flags: OVS asks for IFF_PROMISC as a user would
      devChangeFlags(k, nsId, d, IFF.PROMISC, IFF.PROMISC);
      p.devId = d.id;
      if (!p.internal) attachTap(k.m, s, br.name, p, nsId, d);
    }
  }
}

/** vswitchd lets go of a port (del-port, del-br, exit): its promiscuity, its tap, an internal device. */
export function ovsReleasePort(k: Kctx, s: OvsState, p: OvsPort): void {
  const vs = s.vswitchd;
  const t = p.devId !== undefined ? s.taps.get(p.devId) : undefined;
  if (t) {
    machineTaps(k.m).delete(t);
    s.taps.delete(p.devId!);
  }
  if (!vs || p.devId === undefined) return;
  const d = findDev(k, vs.netns, p.devId);
  p.devId = undefined;
  if (!d) return;
  if (p.internal) unregisterNetdevice(k, vs.netns, d.ifindex);
  else devChangeFlags(k, vs.netns, d, 0, IFF.PROMISC);
}

function attachTap(m: Machine, s: OvsState, brName: string, p: OvsPort, nsId: number, d: Device): void {
  const devId = d.id;
  const tap: Tap = {
    ns: nsId,
    ifindex: d.ifindex,
    deliver(_t, dev, frame, dir) {
      if (dir !== 'in' || dev.id !== devId) return;
      m.scheduleCall(OVS_LATENCY, ovsNormalDue, brName, p.ofport, skbCopy(frame), undefined);
    },
  };
  s.taps.set(devId, tap);
  machineTaps(m).add(tap);
}

/** xlate_normal: learn the source, then output to the learned port or flood. */
/** vswitchd's turn for a frame a port's packet socket read (the state is the machine's, so a
 *  fork's events act on the fork's switch). */
function ovsNormalDue(k: Kctx, brName: string, inPort: number, frame: Uint8Array): void {
  ovsNormal(k, ovsState(k.m), brName, inPort, frame);
}

// A fork gets the database and the switches with their MAC tables; its vswitchd opens the
// same ports again on the fork's devices.
Machine.sideCopiers.set('ovs', (v, to) => {
  const s = v as OvsState;
  const c: OvsState = structuredClone({ ...s, taps: new Map() });
  const vs = c.vswitchd;
  if (vs)
    for (const br of c.bridges)
      for (const p of br.ports) {
        const d = p.devId !== undefined && !p.internal ? findDevById({ w: to.world, m: to }, p.devId) : undefined;
        if (d) attachTap(to, c, br.name, p, d.ns, d.dev);
      }
  return c;
});

function ovsNormal(k: Kctx, s: OvsState, brName: string, inPort: number, frame: Uint8Array): void {
  const br = s.bridges.find((b) => b.name === brName);
  const vs = s.vswitchd;
  if (!br || !vs) return;
  const now = k.m.now;
  const src = macToText(frame, 6);
  if (!macIsMulticast(frame, 6)) br.mac.set(src, { ofport: inPort, seen: now });
  let out: OvsPort[];
  const dst = macToText(frame, 0);
  const e = macIsMulticast(frame, 0) ? undefined : br.mac.get(dst);
  if (e && now - e.seen < OVS_MAC_IDLE * 1e9) out = br.ports.filter((p) => p.ofport === e.ofport && p.ofport !== inPort);
  else out = br.ports.filter((p) => p.ofport !== inPort);
  for (const p of out) {
    const d = findDev(k, vs.netns, p.devId);
    if (!d || p.internal) continue;
    if (!d.up) continue;
    runTaps(k, vs.netns, d, frame, 'out');
    deviceOps(d.kind).xmit(k, vs.netns, d, frame);
  }
}

/** mac-learning entries alive now, as `ovs-appctl fdb/show` lists them */
export function ovsFdb(m: Machine, br: OvsBridge): { ofport: number; mac: string; age: number }[] {
  const out: { ofport: number; mac: string; age: number }[] = [];
  for (const [mac, e] of br.mac) {
    const age = Math.floor((m.now - e.seen) / 1e9);
    if (age < OVS_MAC_IDLE) out.push({ ofport: e.ofport, mac, age });
  }
  return out;
}

/** vswitchd hears of devices through rtnetlink: a port's device appearing or going away makes
 *  it reconfigure (open or forget it) a moment later. */
export function ovsNetdevEvent(k: Kctx, nsId: number, d: Device, ev: string): void {
  if (ev !== 'REGISTER' && ev !== 'UNREGISTER') return;
  const s = k.m.side.get('ovs') as OvsState | undefined;
  if (!s?.vswitchd || s.vswitchd.netns !== nsId) return;
  const name = d.name;
  const id = d.id;
  const concerned = s.bridges.some((b) => b.ports.some((p) => !p.internal && (p.name === name || p.devId === id)));
  if (!concerned) return;
  k.m.schedule(1_000_000, (k2) => ovsReconfigure(k2, s));
}
