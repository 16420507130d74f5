// net/core/dev.c receive path: netif_rx hands a frame to a device's receive side (after the
// latency of the link), __netif_receive_skb runs the taps, the rx_handler (a bridge port's
// br_handle_frame), then the protocol handler for the ethertype (eth_type_trans decides
// whether the frame is for this host).
import type { Kctx } from '../kernel/machine.ts';
import type { Device } from '../kernel/types.ts';
import { ktrace } from '../kernel/trace.ts';
import { findDevById } from '../kernel/link_watch.ts';
import { macEqualsText, macIsBroadcast, macIsMulticast } from '../protocols/wire/addr.ts';
import { brHandleFrame } from './br_input.ts';
import { arpRcv } from '../protocols/ipv4/arp.ts';
import { ipRcv } from '../protocols/ipv4/ip_input.ts';
import { runTaps } from '../capture/taps.ts';

/** eth_type_trans's skb->pkt_type; 'loopback' (PACKET_LOOPBACK) is a copy of a packet the
 *  host sent, coming back in (dev_loopback_xmit). */
export type PktType = 'host' | 'broadcast' | 'multicast' | 'otherhost' | 'loopback';

/** netif_rx: the frame reaches device `d` (in namespace nsId) after `delay` ns. */
export function netifRx(k: Kctx, nsId: number, d: Device, frame: Uint8Array, delay: number): void {
  k.m.scheduleCall(delay, netifRxDue, d.id, frame, undefined, undefined);
}

/** The frame arrives: at the device it was sent to, wherever that device is now (moved to
 *  another namespace meanwhile, or gone). */
function netifRxDue(k: Kctx, id: number, frame: Uint8Array): void {
  const f = findDevById(k, id);
  if (f) netifReceiveSkb(k, f.ns, f.dev, frame);
}

/** dev_loopback_xmit: a copy of a broadcast the host sends out of `d` comes back in on `d`
 *  for its own listeners (ip_mc_output), once the work in hand is done (netif_rx). It skips
 *  the taps (packet sockets drop PACKET_LOOPBACK), a bridge port's rx_handler (which passes
 *  it) and the device's counters, and keeps the output route it was sent by. */
export function devLoopbackXmit(k: Kctx, d: Device, frame: Uint8Array): void {
  k.m.scheduleCall(0, devLoopbackDue, d.id, frame, undefined, undefined);
}

function devLoopbackDue(k: Kctx, id: number, frame: Uint8Array): void {
  const f = findDevById(k, id);
  if (f) ipRcv(k, f.ns, f.dev, frame, 'loopback');
}

/** eth_type_trans's packet type for this device. */
export function pktType(d: Device | Device, frame: Uint8Array): PktType {
  if (macIsBroadcast(frame, 0)) return 'broadcast';
  if (macIsMulticast(frame, 0)) return 'multicast';
  return macEqualsText(frame, 0, d.mac) ? 'host' : 'otherhost';
}

export function netifReceiveSkb(k: Kctx, nsId: number, d: Device, frame: Uint8Array): void {
  if (k.m.tracer) ktrace(k, nsId, d.name, 'netif_receive_skb', frame, undefined, d.up ? undefined : `${d.name} is down`);
  if (!d.up) {
    d.stats.rxDropped++;
    return;
  }
  if (d.kind !== 'loopback') {
    d.stats.rxPackets++;
    d.stats.rxBytes += frame.length;
  }
  if (macIsMulticast(frame, 0) && !macIsBroadcast(frame, 0)) d.stats.rxMcast++;
  runTaps(k, nsId, d, frame, 'in');
  if (d.master !== undefined && d.port) {
    brHandleFrame(k, nsId, d, frame);
    return;
  }
  deliverToStack(k, nsId, d, frame);
}

/** The protocol handlers (ptype_base): ARP and IPv4; other ethertypes are not for us. */
export function deliverToStack(k: Kctx, nsId: number, d: Device, frame: Uint8Array): void {
  if (frame.length < 14) return;
  const type = (frame[12]! << 8) | frame[13]!;
  const pt = pktType(d, frame);
  if (type === 0x0806) arpRcv(k, nsId, d, frame, pt);
  else if (type === 0x0800) ipRcv(k, nsId, d, frame, pt);
}
