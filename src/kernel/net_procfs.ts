// net/core/net-procfs.c: /proc/net/dev, every device of the namespace with its counters
// (dev_seq_show → dev_seq_printf_stats), in device order.
import type { Netns } from './types.ts';

const HEADER =
  'Inter-|   Receive                                                |  Transmit\n' +
  ' face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed\n';

export function devSeqShow(ns: Netns): string {
  let out = HEADER;
  for (const d of Object.values(ns.devs).sort((a, b) => a.ifindex - b.ifindex)) {
    const s = d.stats;
    const n = (v: number, w: number): string => String(v).padStart(w);
    out += `${d.name.padStart(6)}:${n(s.rxBytes, 8)} ${n(s.rxPackets, 7)} ${n(s.rxErrors, 4)} ${n(s.rxDropped + s.rxMissed, 4)} ${n(0, 4)} ${n(0, 5)} ${n(0, 10)} ${n(s.rxMcast, 9)} `;
    out += `${n(s.txBytes, 8)} ${n(s.txPackets, 7)} ${n(s.txErrors, 4)} ${n(s.txDropped, 4)} ${n(0, 4)} ${n(s.txCollisions, 5)} ${n(s.txCarrier, 7)} ${n(0, 10)}\n`;
  }
  return out;
}
