// net/ipv4/devinet.c devinet_ioctl: the SIOCSIF* requests of ifconfig. An address is found by
// its label; changing it is inet_del_ifa + change + inet_insert_ifa, and a new one takes the
// classful prefix length (inet_abc_len) and the broadcast derived from it.
import type { Kctx } from '../../kernel/machine.ts';
import type { Device, InetAddr } from '../../kernel/types.ts';
import { kerr } from '../../kernel/errors.ts';
import { prefixBroadcast } from '../wire/addr.ts';
import { inetDelIfa, inetInsertIfa } from './devinet.ts';

/** inet_abc_len: the classful prefix length of an address. */
export function inetAbcLen(a: number): number {
  const top = a >>> 24;
  if (top < 128) return 8;
  if (top < 192) return 16;
  if (top < 224) return 24;
  return 32;
}

/** The address this label stands for (devinet_ioctl looks the ifa up by its label). */
function ifaOfLabel(d: Device, label: string): InetAddr | undefined {
  return d.addrs.find((a) => a.label === label);
}

/** Replace ifa by a changed copy: inet_del_ifa, change, inet_insert_ifa. */
function reinsert(k: Kctx, nsId: number, d: Device, ifa: InetAddr, change: (a: InetAddr) => InetAddr): void {
  const old: InetAddr = { ...ifa };
  inetDelIfa(k, nsId, d, (a) => a.local === old.local && a.label === old.label);
  const n = change(old);
  inetInsertIfa(k, nsId, d, { local: n.local, address: n.address, prefixlen: n.prefixlen, broadcast: n.broadcast, scope: n.scope, label: n.label, metric: n.metric });
}

/** SIOCSIFADDR */
export function devinetSetAddr(k: Kctx, nsId: number, d: Device, label: string, addr: number): void {
  const len = inetAbcLen(addr);
  const brd = d.kind !== 'loopback' && len < 31 ? prefixBroadcast(addr, len) : undefined;
  const ifa = ifaOfLabel(d, label);
  if (ifa) {
    if (ifa.local === addr) return;
    reinsert(k, nsId, d, ifa, (a) => ({ ...a, local: addr, address: addr, prefixlen: len, broadcast: brd }));
  } else inetInsertIfa(k, nsId, d, { local: addr, prefixlen: len, broadcast: brd, label });
}

/** SIOCSIFNETMASK: a broadcast that matched the old mask follows the new one. */
export function devinetSetNetmask(k: Kctx, nsId: number, d: Device, label: string, len: number): void {
  const ifa = ifaOfLabel(d, label);
  if (!ifa) throw kerr('EADDRNOTAVAIL');
  if (ifa.prefixlen === len) return;
  reinsert(k, nsId, d, ifa, (a) => {
    const follow = a.broadcast === prefixBroadcast(a.address, a.prefixlen);
    return { ...a, prefixlen: len, broadcast: follow ? prefixBroadcast(a.address, len) : a.broadcast };
  });
}

/** SIOCSIFBRDADDR */
export function devinetSetBroadcast(k: Kctx, nsId: number, d: Device, label: string, brd: number): void {
  const ifa = ifaOfLabel(d, label);
  if (!ifa) throw kerr('EADDRNOTAVAIL');
  if (ifa.broadcast === brd) return;
  reinsert(k, nsId, d, ifa, (a) => ({ ...a, broadcast: brd }));
}
