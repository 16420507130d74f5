// Packet taps (the kernel's ptype_all: AF_PACKET sockets, i.e. tcpdump): every frame a device
// sends or receives is offered to the captures registered on it. Captures live beside the
// World (they belong to processes), keyed by namespace and ifindex.
import { Machine, type Kctx } from '../kernel/machine.ts';
import type { Device } from '../kernel/types.ts';

export type Direction = 'in' | 'out';

export interface Tap {
  /** namespace (inode), or -1 for every namespace (`nsemu run --pcap`) */
  ns: number;
  /** ifindex, or 0 for every device of the namespace (`-i any`) */
  ifindex: number;
  deliver(t: number, dev: Device | Device, frame: Uint8Array, dir: Direction, nsId: number): void;
  /** the device went away (unregistered, or moved to another namespace): packet_notify */
  gone?(dev: Device | Device): void;
}

/** packet_notify: sockets bound to a device hear NETDEV_UNREGISTER. */
export function tapsNetdevEvent(k: Kctx, nsId: number, d: Device, ev: string): void {
  if (ev !== 'UNREGISTER') return;
  const taps = k.m.side.get('taps') as Set<Tap> | undefined;
  if (!taps || taps.size === 0) return;
  for (const t of taps) if (t.ns === nsId && t.ifindex === d.ifindex) t.gone?.(d);
}

// captures belong to processes (and nsemu run --pcap's recorder), which a fork does not copy
Machine.sideCopiers.set('taps', () => undefined);

export function tapsOf(k: Kctx): Set<Tap> {
  return machineTaps(k.m);
}

/** The taps of a machine, outside a mutation (they live beside the World). */
export function machineTaps(m: Machine): Set<Tap> {
  let s = m.side.get('taps') as Set<Tap> | undefined;
  if (!s) {
    s = new Set();
    m.side.set('taps', s);
  }
  return s;
}

export function runTaps(k: Kctx, nsId: number, d: Device, frame: Uint8Array, dir: Direction): void {
  const taps = k.m.side.get('taps') as Set<Tap> | undefined;
  if (!taps || taps.size === 0) return;
  for (const t of taps) if ((t.ns === nsId || t.ns === -1) && (t.ifindex === 0 || t.ifindex === d.ifindex)) t.deliver(k.m.now, d, frame, dir, nsId);
}
