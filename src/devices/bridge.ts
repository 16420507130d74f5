// net/bridge: the bridge device and its ports — control plane (br_if.c br_add_if/br_del_if,
// br_stp_if.c br_stp_recalculate_bridge_id, br_stp.c br_port_state_selection, br_device.c).
// The data path (br_handle_frame) lives in br_input.ts.
import type { Kctx } from '../kernel/machine.ts';
import { kerr } from '../kernel/errors.ts';
import type { BridgeState, Device } from '../kernel/types.ts';
import type { NetdevEvent } from '../kernel/notifier.ts';
import { netifCarrierOff, netifCarrierOn, randomMac, registerNetdevice } from '../kernel/dev.ts';
import { findDevById } from '../kernel/link_watch.ts';
import { macTextKey } from '../protocols/wire/addr.ts';
import type { DeviceOps } from './ops.ts';
import { brDevXmit } from './br_input.ts';

export const bridgeOps: DeviceOps = {
  // br_dev_open → br_stp_enable_bridge: ports that are running and oper-up start forwarding
  open(k, nsId, br) {
    for (const p of portsOf(k, nsId, br)) if (p.up && operUp(p)) brStpEnablePort(k, nsId, br, p);
  },
  // br_dev_stop → br_stp_disable_bridge
  stop(k, nsId, br) {
    for (const p of portsOf(k, nsId, br)) if (p.port) p.port.state = 'disabled';
  },
  xmit: brDevXmit,
};

export function defaultBridgeState(): BridgeState {
  return {
    macSet: false,
    bridgeId: '00:00:00:00:00:00',
    ageingTime: 30000,
    stpState: 0,
    forwardDelay: 1500,
    helloTime: 200,
    maxAge: 2000,
    priority: 32768,
    nfCallIptables: 0,
    vlanFiltering: 0,
    mcastSnooping: 1,
    ports: [],
    fdb: new Map(),
  };
}

/** br_add_bridge: carrier on from birth, so an up bridge that never had ports is UNKNOWN. */
export function brAddBridge(k: Kctx, nsId: number, name: string, opts: { mac?: string; ifindex?: number; mtu?: number } = {}): Device {
  const d = registerNetdevice(k, nsId, {
    name,
    kind: 'bridge',
    mac: opts.mac ?? randomMac(k),
    addrAssignType: opts.mac ? 3 : 1,
    mtu: opts.mtu,
    maxMtu: 65535,
    carrier: true,
    ifindex: opts.ifindex,
  });
  d.bridge = defaultBridgeState();
  if (opts.mac) brSetMacAddress(k, nsId, d, opts.mac);
  return d;
}

/** BR_MAX_PORTS: port numbers are 1..1023 (find_portno's bitmap; bit 0 is never free) */
export const BR_MAX_PORTS = 1 << 10;

/** The bridge's ports (br->port_list), in ifindex order. */
export function portsOf(k: Kctx, nsId: number, br: Device): Device[] {
  const ns = k.w.netns[nsId];
  if (!ns || !br.bridge) return [];
  const out: Device[] = [];
  for (const i of br.bridge.ports) {
    const d = ns.devs[i];
    if (d?.port) out.push(d);
  }
  return out;
}

/** find_portno: the lowest free port number (a bitmap of the ports' numbers), or EXFULL.
 *  When the numbers in use are 1..n (ports added and none removed) it is n + 1, found in the
 *  same pass that would fill the bitmap. */
function findPortno(k: Kctx, nsId: number, br: Device): number {
  const ns = k.w.netns[nsId];
  const ports = br.bridge!.ports;
  let max = 0;
  let count = 0;
  for (const i of ports) {
    const n = ns?.devs[i]?.port?.portNo;
    if (n === undefined || n >= BR_MAX_PORTS) continue;
    count++;
    if (n > max) max = n;
  }
  if (max === count && count + 1 < BR_MAX_PORTS) return count + 1;
  const inuse = portnoScratch.fill(0);
  inuse[0] = 1;
  for (const i of ports) {
    const n = ns?.devs[i]?.port?.portNo;
    if (n !== undefined && n < BR_MAX_PORTS) inuse[n] = 1;
  }
  const n = inuse.indexOf(0);
  if (n < 0) throw kerr('EXFULL');
  return n;
}
const portnoScratch = new Uint8Array(BR_MAX_PORTS);

/** Insert into / remove from an ascending list of numbers. */
function sortedInsert(a: number[], v: number): void {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid]! < v) lo = mid + 1;
    else hi = mid;
  }
  if (a[lo] !== v) a.splice(lo, 0, v);
}
function sortedRemove(a: number[], v: number): void {
  const i = a.indexOf(v);
  if (i >= 0) a.splice(i, 1);
}

function operUp(d: Device): boolean {
  return d.carrier && (d.operstate === 'UP' || d.operstate === 'UNKNOWN');
}

function macCmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0; // lowercase fixed-width hex: text order is numeric order
}

/** br_stp_recalculate_bridge_id after br_add_if: the id is the lowest MAC of the ports, so
 *  with one more port it is the lower of the old id and the new port's MAC (no rescan). */
function brRecalculateBridgeIdAdded(k: Kctx, nsId: number, br: Device, p: Device): void {
  if (!br.bridge || br.bridge.macSet) return;
  const cur = br.bridge.ports.length > 1 ? br.bridge.bridgeId : '00:00:00:00:00:00';
  if ((cur === '00:00:00:00:00:00' || macCmp(p.mac, cur) < 0) && p.mac !== br.bridge.bridgeId) brStpChangeBridgeId(k, nsId, br, p.mac);
}

/** br_stp_recalculate_bridge_id: the lowest port MAC, unless the user set one. */
export function brRecalculateBridgeId(k: Kctx, nsId: number, br: Device): void {
  if (!br.bridge || br.bridge.macSet) return;
  const ns = k.w.netns[nsId];
  let addr = '00:00:00:00:00:00';
  for (const i of br.bridge.ports) {
    const p = ns?.devs[i];
    if (p?.port && (addr === '00:00:00:00:00:00' || macCmp(p.mac, addr) < 0)) addr = p.mac;
  }
  if (addr !== br.bridge.bridgeId) brStpChangeBridgeId(k, nsId, br, addr);
}

/** br_stp_change_bridge_id: the device takes the id's MAC, and port states are re-selected
 *  (which is what takes the carrier of a bridge without forwarding ports). */
function brStpChangeBridgeId(k: Kctx, nsId: number, br: Device, addr: string): void {
  br.bridge!.bridgeId = addr;
  br.mac = addr;
  brPortStateSelection(k, nsId, br);
}

/** br_set_mac_address: a MAC set by the user pins the bridge id. */
export function brSetMacAddress(k: Kctx, nsId: number, br: Device, mac: string): void {
  br.bridge!.macSet = true;
  br.addrAssignType = 3;
  brStpChangeBridgeId(k, nsId, br, mac);
}

/** br_port_state_selection: the bridge has carrier iff some port forwards. */
function brPortStateSelection(k: Kctx, nsId: number, br: Device): void {
  const ns = k.w.netns[nsId];
  const live = br.bridge!.ports.some((i) => ns?.devs[i]?.port?.state === 'forwarding');
  if (live) netifCarrierOn(k, nsId, br);
  else netifCarrierOff(k, nsId, br);
}

/** br_stp_enable_port: with STP off a port forwards at once; with STP on it goes listening →
 *  learning → forwarding, forward_delay each (br_forward_delay_timer_expired). No BPDUs are
 *  exchanged: every bridge thinks it is the root, so no port is ever blocked. */
function brStpEnablePort(k: Kctx, nsId: number, br: Device, p: Device): void {
  if (!p.port) return;
  if (br.bridge?.stpState) {
    p.port.state = 'listening';
    brForwardDelayTimer(k, nsId, br, p, 'listening');
  } else p.port.state = 'forwarding';
  brPortStateSelection(k, nsId, br);
}

function brForwardDelayTimer(k: Kctx, nsId: number, br: Device, p: Device, from: 'listening' | 'learning'): void {
  const id = p.id;
  const brIfindex = br.ifindex;
  k.m.schedule(br.bridge!.forwardDelay * 10_000_000, (k2) => {
    const f = findDevById(k2, id);
    if (!f || f.dev.master !== brIfindex || f.dev.port?.state !== from) return;
    const b = k2.w.netns[f.ns]?.devs[brIfindex];
    if (!b?.bridge) return;
    f.dev.port.state = from === 'listening' ? 'learning' : 'forwarding';
    if (from === 'listening') brForwardDelayTimer(k2, f.ns, b, f.dev, 'learning');
    else brPortStateSelection(k2, f.ns, b);
  });
}

/** br_stp_disable_port: disabled, its learned entries flushed. */
function brStpDisablePort(k: Kctx, nsId: number, br: Device, p: Device): void {
  if (!p.port) return;
  p.port.state = 'disabled';
  brFdbDeleteByPort(br, p.ifindex, false);
  brPortStateSelection(k, nsId, br);
}

export { brFdbDeleteByPort } from './br_fdb.ts';
import { brFdbDeleteByPort } from './br_fdb.ts';

/** br_add_if */
export function brAddIf(k: Kctx, nsId: number, br: Device, p: Device): void {
  if (p.kind === 'loopback') throw kerr('EINVAL');
  if (p.kind === 'bridge') throw kerr('ELOOP', 'Can not enslave a bridge to a bridge');
  if (p.master === br.ifindex) return;
  const portNo = findPortno(k, nsId, br);
  if (p.master !== undefined) {
    const old = k.w.netns[nsId]?.devs[p.master];
    if (old) brDelIf(k, nsId, old, p);
  }
  sortedInsert(br.bridge!.ports, p.ifindex);
  p.master = br.ifindex;
  p.port = { portNo, state: 'disabled', priority: 32, cost: 2, learning: true, flood: true };
  p.promiscuity++;
  br.bridge!.fdb.set(macTextKey(p.mac), { mac: p.mac, port: p.ifindex, local: true, static: false, updated: k.m.now, used: k.m.now });
  brRecalculateBridgeIdAdded(k, nsId, br, p);
  if (p.up && operUp(p) && br.up) brStpEnablePort(k, nsId, br, p);
}

/** br_del_if */
export function brDelIf(k: Kctx, nsId: number, br: Device, p: Device): void {
  if (p.master !== br.ifindex) return;
  sortedRemove(br.bridge!.ports, p.ifindex);
  p.port = undefined;
  p.master = undefined;
  p.promiscuity = Math.max(0, p.promiscuity - 1);
  brFdbDeleteByPort(br, p.ifindex, true);
  brRecalculateBridgeId(k, nsId, br);
  brPortStateSelection(k, nsId, br);
}

/** br_device_event: the bridge follows its ports' state. */
export function brDeviceEvent(k: Kctx, nsId: number, d: Device, ev: NetdevEvent): void {
  const ns = k.w.netns[nsId];
  if (!ns) return;
  if (d.kind === 'bridge' && ev === 'UNREGISTER') {
    for (const p of portsOf(k, nsId, d)) brDelIf(k, nsId, d, p);
    return;
  }
  if (d.master === undefined) return;
  const br = ns.devs[d.master];
  if (!br?.bridge) return;
  switch (ev) {
    case 'CHANGE':
      if (br.up) {
        if (d.up && operUp(d)) {
          if (d.port?.state === 'disabled') brStpEnablePort(k, nsId, br, d);
        } else if (d.port?.state !== 'disabled') brStpDisablePort(k, nsId, br, d);
      }
      break;
    case 'UP':
      if (br.up && operUp(d)) brStpEnablePort(k, nsId, br, d);
      break;
    case 'DOWN':
      if (br.up) brStpDisablePort(k, nsId, br, d);
      break;
    case 'CHANGEADDR':
      brRecalculateBridgeId(k, nsId, br);
      break;
    case 'UNREGISTER':
      brDelIf(k, nsId, br, d);
      break;
    default:
      break;
  }
}
