// Packet taps (the kernel's ptype_all: AF_PACKET sockets, i.e. tcpdump): every frame a device
// sends or receives is offered to the captures registered on it. Captures live beside the
// World (they belong to processes), keyed by namespace and ifindex.
import type { Draft } from 'immer';
import type { Kctx } from '../kernel/machine.ts';
import type { Device } from '../kernel/types.ts';

export type Direction = 'in' | 'out';

export interface Tap {
  ns: number;
  /** ifindex, or 0 for every device of the namespace (`-i any`) */
  ifindex: number;
  deliver(t: number, dev: Device | Draft<Device>, frame: Uint8Array, dir: Direction): void;
}

export function tapsOf(k: Kctx): Set<Tap> {
  let s = k.m.side.get('taps') as Set<Tap> | undefined;
  if (!s) {
    s = new Set();
    k.m.side.set('taps', s);
  }
  return s;
}

export function runTaps(k: Kctx, nsId: number, d: Draft<Device>, frame: Uint8Array, dir: Direction): void {
  const taps = k.m.side.get('taps') as Set<Tap> | undefined;
  if (!taps || taps.size === 0) return;
  for (const t of taps) if (t.ns === nsId && (t.ifindex === 0 || t.ifindex === d.ifindex)) t.deliver(k.m.now, d, frame, dir);
}
