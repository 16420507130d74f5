// ifconfig (net-tools 2.10): show interfaces the long way, or set an address (SIOCSIFADDR with
// the classful mask and broadcast the kernel derives), netmask, broadcast, mtu, up/down.
import type { Command, CommandContext } from '../command.ts';
import type { Kctx } from '../../kernel/machine.ts';
import type { Device, InetAddr, Netns } from '../../kernel/types.ts';
import { kerr } from '../../kernel/errors.ts';
import { devByName, devChangeFlags, devFlags, devSetMtu, IFF } from '../../kernel/dev.ts';
import { devinetSetAddr, devinetSetBroadcast, devinetSetNetmask } from '../../protocols/ipv4/devinet_ioctl.ts';
import { ipv4FromTextAton, ipv4ToText, maskToPrefixLen, prefixMask } from '../../protocols/wire/addr.ts';
import { ioctl } from './common.ts';

const FLAG_NAMES: [number, string][] = [
  [IFF.UP, 'UP'],
  [IFF.BROADCAST, 'BROADCAST'],
  [IFF.DEBUG, 'DEBUG'],
  [IFF.LOOPBACK, 'LOOPBACK'],
  [IFF.POINTOPOINT, 'POINTOPOINT'],
  [IFF.NOTRAILERS, 'NOTRAILERS'],
  [IFF.RUNNING, 'RUNNING'],
  [IFF.NOARP, 'NOARP'],
  [IFF.PROMISC, 'PROMISC'],
  [IFF.ALLMULTI, 'ALLMULTI'],
  [IFF.MASTER, 'MASTER'],
  [IFF.SLAVE, 'SLAVE'],
  [IFF.MULTICAST, 'MULTICAST'],
];

/** print_bytes_scaled: binary units, one truncated decimal. */
function scaled(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let u = 0;
  let div = 1;
  while (u < units.length - 1 && n >= div * 1024) {
    div *= 1024;
    u++;
  }
  return `${Math.floor(n / div)}.${Math.floor((n * 10) / div) % 10} ${units[u]}`;
}

function scopeId(scope: number): string {
  if (scope === 254) return '0x10<host>';
  if (scope === 253) return '0x20<link>';
  return '0x0<global>';
}

/** ife_print_long for a device and its alias labels. */
function printIface(out: string[], d: Device, label: string, ifa: InetAddr | undefined, main: boolean): void {
  const flags = (devFlags(d, true) & 0xffff) | 0;
  const names = FLAG_NAMES.filter(([b]) => flags & b).map(([, n]) => n);
  out.push(`${label}: flags=${flags}<${names.join(',')}>  mtu ${d.mtu}\n`);
  if (ifa) {
    const mask = ipv4ToText(prefixMask(ifa.prefixlen));
    const brd = d.kind === 'loopback' ? '' : `  broadcast ${ipv4ToText(ifa.broadcast ?? 0)}`;
    out.push(`        inet ${ipv4ToText(ifa.local)}  netmask ${mask}${brd}\n`);
  }
  if (main) for (const a of d.addrs6) out.push(`        inet6 ${a.address}  prefixlen ${a.prefixlen}  scopeid ${scopeId(a.scope)}\n`);
  if (d.kind === 'loopback') out.push(`        loop  txqueuelen ${d.txqlen}  (Local Loopback)\n`);
  else out.push(`        ether ${d.mac}  txqueuelen ${d.txqlen}  (Ethernet)\n`);
  if (main) {
    const s = d.stats;
    out.push(`        RX packets ${s.rxPackets}  bytes ${s.rxBytes} (${scaled(s.rxBytes)})\n`);
    out.push(`        RX errors ${s.rxErrors}  dropped ${s.rxDropped}  overruns 0  frame 0\n`);
    out.push(`        TX packets ${s.txPackets}  bytes ${s.txBytes} (${scaled(s.txBytes)})\n`);
    out.push(`        TX errors ${s.txErrors}  dropped ${s.txDropped} overruns 0  carrier ${s.txCarrier}  collisions ${s.txCollisions}\n`);
  }
  out.push('\n');
}

function show(ctx: CommandContext, ns: Netns, name: string | undefined, all: boolean): number {
  const out: string[] = [];
  const devs = Object.values(ns.devs).sort((a, b) => a.ifindex - b.ifindex);
  const base = name?.split(':')[0];
  if (name !== undefined && !devs.some((d) => d.name === base)) {
    ctx.stderr.write(`${name}: error fetching interface information: Device not found\n`);
    return 1;
  }
  for (const d of devs) {
    if (base !== undefined && d.name !== base) continue;
    if (name === undefined && !all && !d.up) continue;
    const labels = [...new Set(d.addrs.map((a) => a.label))];
    if (name === undefined || name === d.name) printIface(out, d, d.name, d.addrs.find((a) => a.label === d.name && !a.secondary) ?? d.addrs.find((a) => a.label === d.name), true);
    for (const l of labels) {
      if (l === d.name || (name !== undefined && name !== l)) continue;
      printIface(out, d, l, d.addrs.find((a) => a.label === l), false);
    }
  }
  ctx.stdout.write(out.join(''));
  return 0;
}

function usageHint(ctx: CommandContext): number {
  ctx.stderr.write("ifconfig: `--help' gives usage information.\n");
  return 1;
}

export const ifconfig: Command = async (ctx) => {
  let args = ctx.argv.slice(1);
  let all = false;
  if (args[0] === '-a') {
    all = true;
    args = args.slice(1);
  }
  const m = ctx.m;
  const nsId = ctx.proc.netns;
  const ns0 = m.world.netns[nsId]!;
  if (args.length <= 1) return show(ctx, ns0, args[0], all);
  const label = args[0]!;
  const devName = label.split(':')[0]!;
  const devOf = (k: Kctx): Device => {
    const d = devByName(k.w.netns[nsId]!, devName);
    if (!d) throw kerr('ENODEV');
    return d;
  };
  const root = (): boolean => {
    if (ctx.proc.uid === 0) return true;
    return false;
  };
  let rc = 0;
  let addrGiven = false;
  for (let i = 1; i < args.length; i++) {
    const w = args[i]!;
    const next = (): string | undefined => args[++i];
    if (w === 'up' || w === 'down') {
      if (!ioctl(ctx, 'SIOCSIFFLAGS', (k) => {
        if (!root()) throw kerr('EPERM');
        devChangeFlags(k, nsId, devOf(k), w === 'up' ? IFF.UP : 0, IFF.UP);
      })) rc = 1;
    } else if (w === 'netmask') {
      const v = next();
      const mask = v === undefined ? null : ipv4FromTextAton(v);
      const len = mask === null ? -1 : maskToPrefixLen(mask);
      if (len < 0) {
        ctx.stderr.write(`${v}: Unknown host\n`);
        return usageHint(ctx);
      }
      if (!ioctl(ctx, 'SIOCSIFNETMASK', (k) => {
        if (!root()) throw kerr('EPERM');
        devinetSetNetmask(k, nsId, devOf(k), label, len);
      })) rc = 1;
    } else if (w === 'broadcast') {
      const v = next();
      const brd = v === undefined ? null : ipv4FromTextAton(v);
      if (brd === null) {
        ctx.stderr.write(`${v}: Unknown host\n`);
        return usageHint(ctx);
      }
      if (!ioctl(ctx, 'SIOCSIFBRDADDR', (k) => {
        if (!root()) throw kerr('EPERM');
        devinetSetBroadcast(k, nsId, devOf(k), label, brd);
      })) rc = 1;
    } else if (w === 'mtu') {
      const v = Number(next());
      if (!ioctl(ctx, 'SIOCSIFMTU', (k) => {
        if (!root()) throw kerr('EPERM');
        devSetMtu(k, nsId, devOf(k), v);
      })) rc = 1;
    } else {
      // an address, optionally with /len
      const [a, l] = w.split('/');
      const addr = ipv4FromTextAton(a!);
      const len = l === undefined ? undefined : Number(l);
      if (addr === null || (len !== undefined && !(len >= 0 && len <= 32))) {
        ctx.stderr.write(`${w}: Unknown host\n`);
        return usageHint(ctx);
      }
      addrGiven = true;
      if (!ioctl(ctx, 'SIOCSIFADDR', (k) => {
        if (!root()) throw kerr('EPERM');
        const d = devOf(k);
        devinetSetAddr(k, nsId, d, label, addr);
        if (len !== undefined) devinetSetNetmask(k, nsId, d, label, len);
      })) rc = 1;
    }
  }
  // setting an address also brings the interface up (IFF_UP | IFF_RUNNING)
  if (addrGiven && !ioctl(ctx, `${label}: ERROR while getting interface flags`, (k) => devChangeFlags(k, nsId, devOf(k), IFF.UP, IFF.UP))) rc = 255;
  return rc;
};
