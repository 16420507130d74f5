// drivers/net/veth.c: a pair of devices; what one transmits the other receives.
import type { Kctx } from '../kernel/machine.ts';
import { ktrace } from '../kernel/trace.ts';
import { kerr } from '../kernel/errors.ts';
import type { Device } from '../kernel/types.ts';
import { devAllocName, devByName, getNs, netifCarrierOff, netifCarrierOn, peernet2idAlloc, randomMac, registerNetdevice, unregisterNetdevice } from '../kernel/dev.ts';
import type { DeviceOps } from './ops.ts';
import { netifRx } from './rx.ts';

/** Virtual time a frame takes to cross the pair (the peer's softirq picks it up). */
export const VETH_LATENCY_NS = 15_000;

function peerOf(k: Kctx, d: Device): { ns: number; dev: Device } | undefined {
  if (!d.peer) return undefined;
  const dev = k.w.netns[d.peer.ns]?.devs[d.peer.ifindex];
  return dev ? { ns: d.peer.ns, dev } : undefined;
}

export const vethOps: DeviceOps = {
  // veth_open: carrier on for both ends only once the peer is up too
  open(k, nsId, d) {
    const p = peerOf(k, d);
    if (p?.dev.up) {
      netifCarrierOn(k, nsId, d);
      netifCarrierOn(k, p.ns, p.dev);
    }
  },
  // veth_close: closing either end takes the carrier from both
  stop(k, nsId, d) {
    netifCarrierOff(k, nsId, d);
    const p = peerOf(k, d);
    if (p) netifCarrierOff(k, p.ns, p.dev);
  },
  moved(k, _from, to, d) {
    const p = peerOf(k, d);
    if (p) p.dev.peer = { ns: to, ifindex: d.ifindex };
  },
  // veth_dellink: the peer goes with it
  dellink(k, _nsId, d) {
    const p = peerOf(k, d);
    d.peer = undefined;
    if (p) {
      p.dev.peer = undefined;
      unregisterNetdevice(k, p.ns, p.dev.ifindex);
    }
  },
  // veth_xmit: dropped (tx_dropped) unless the peer is up
  xmit(k, _nsId, d, frame) {
    const p = peerOf(k, d);
    if (!p || !p.dev.up) {
      if (k.m.tracer) ktrace(k, _nsId, d.name, 'veth_xmit', frame, undefined, `the peer of ${d.name} is down`);
      d.stats.txDropped++;
      return;
    }
    d.stats.txPackets++;
    d.stats.txBytes += frame.length;
    netifRx(k, p.ns, p.dev, frame, VETH_LATENCY_NS);
  },
};

export interface VethSpec {
  name?: string;
  ifindex?: number;
  mac?: string;
  mtu?: number;
  txqlen?: number;
}

/**
 * veth_newlink: the peer is registered first (so it gets the lower ifindex), then the device;
 * both start without carrier. Names default to veth%d. Returns the device.
 */
export function vethNewlink(k: Kctx, nsId: number, dev: VethSpec, peerNs: number, peer: VethSpec): Device {
  const ns = getNs(k.w, nsId);
  const pns = getNs(k.w, peerNs);
  if (dev.name && devByName(ns, dev.name)) throw kerr('EEXIST');
  if (peer.name && devByName(pns, peer.name)) throw kerr('EEXIST');
  if (dev.name && peer.name && dev.name === peer.name && nsId === peerNs) throw kerr('EEXIST');
  if (peer.ifindex && pns.devs[peer.ifindex]) throw kerr('EEXIST');
  if (dev.ifindex && ns.devs[dev.ifindex]) throw kerr('EEXIST');
  const peerName = peer.name ?? devAllocName(pns, 'veth%d', nsId === peerNs && dev.name ? [dev.name] : []);
  const pd = registerNetdevice(k, peerNs, {
    name: peerName,
    kind: 'veth',
    mac: peer.mac ?? randomMac(k),
    addrAssignType: peer.mac ? 3 : 1,
    mtu: peer.mtu,
    txqlen: peer.txqlen,
    carrier: true,
    ifindex: peer.ifindex,
  });
  const d = registerNetdevice(k, nsId, {
    name: dev.name ?? devAllocName(ns, 'veth%d'),
    kind: 'veth',
    mac: dev.mac ?? randomMac(k),
    addrAssignType: dev.mac ? 3 : 1,
    mtu: dev.mtu,
    txqlen: dev.txqlen,
    carrier: true,
    ifindex: dev.ifindex,
  });
  netifCarrierOff(k, peerNs, pd);
  netifCarrierOff(k, nsId, d);
  d.peer = { ns: peerNs, ifindex: pd.ifindex };
  pd.peer = { ns: nsId, ifindex: d.ifindex };
  d.numTxQueues = pd.numTxQueues = 1;
  // the RTM_NEWLINK notification for the device carries the peer's netnsid
  if (peerNs !== nsId) peernet2idAlloc(k.w, nsId, peerNs);
  return d;
}
