// arp (net-tools 2.10): the ARP cache as /proc/net/arp shows it (`-n`, `-a` BSD style, `-i`,
// one address), `-s` (a permanent entry on the device the route picks) and `-d`.
import type { Command, CommandContext } from '../command.ts';
import type { Netns, Neighbour } from '../../kernel/types.ts';
import { kerr, KernelError } from '../../kernel/errors.ts';
import { devByName } from '../../kernel/dev.ts';
import { NUD, neighAdminUpdate, neighCreate, neighDelete, neighKey } from '../../protocols/neighbour.ts';
import { ipRouteOutput } from '../../protocols/ipv4/route.ts';
import { ipv4FromTextAton, ipv4ToText, macFromText, macToText } from '../../protocols/wire/addr.ts';

/** /proc/net/arp's view: every entry but NOARP ones; complete (C) once it has a valid address. */
function entries(ns: Netns, ifindex?: number): Neighbour[] {
  return Object.values(ns.neigh).filter((n) => n.state !== 'NOARP' && n.state !== 'NONE' && (ifindex === undefined || n.dev === ifindex));
}

const complete = (n: Neighbour): boolean => n.lladdr !== undefined && n.state !== 'INCOMPLETE' && n.state !== 'FAILED';

function row(ns: Netns, n: Neighbour): string {
  const dev = ns.devs[n.dev]?.name ?? '';
  if (!complete(n)) return `${ipv4ToText(n.ip).padEnd(25)}${''.padEnd(8)}${'(incomplete)'.padEnd(20)}${''.padEnd(6)}${''.padEnd(16)}${dev}\n`;
  const flags = n.state === 'PERMANENT' ? 'CM' : 'C';
  return `${ipv4ToText(n.ip).padEnd(25)}${'ether'.padEnd(8)}${n.lladdr!.padEnd(20)}${flags.padEnd(6)}${''.padEnd(16)}${dev}\n`;
}

function bsd(ns: Netns, n: Neighbour): string {
  const dev = ns.devs[n.dev]?.name ?? '';
  if (!complete(n)) return `? (${ipv4ToText(n.ip)}) at <incomplete> on ${dev}\n`;
  return `? (${ipv4ToText(n.ip)}) at ${n.lladdr} [ether]${n.state === 'PERMANENT' ? ' PERM' : ''} on ${dev}\n`;
}

const HEADER = 'Address                  HWtype  HWaddress           Flags Mask            Iface\n';

export const arp: Command = async (ctx: CommandContext) => {
  const args = ctx.argv.slice(1);
  let bsdStyle = false;
  let iface: string | undefined;
  let mode: 'show' | 'set' | 'del' = 'show';
  const rest: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '-i') iface = args[++i];
    else if (a === '-s') mode = 'set';
    else if (a === '-d') mode = 'del';
    else if (/^-[an]+$/.test(a)) bsdStyle ||= a.includes('a');
    else rest.push(a);
  }
  const nsId = ctx.proc.netns;
  const ns = ctx.m.world.netns[nsId]!;
  let ifindex: number | undefined;
  if (iface !== undefined) {
    const d = devByName(ns, iface);
    if (!d) {
      ctx.stderr.write(`SIOCGIFINDEX: No such device\n`);
      return 255;
    }
    ifindex = d.ifindex;
  }
  const host = rest[0] !== undefined ? ipv4FromTextAton(rest[0]) : undefined;
  if (rest[0] !== undefined && host === null) {
    ctx.stderr.write(`${rest[0]}: Unknown host\n`);
    return 255;
  }
  if (mode === 'show') {
    let list = entries(ns, ifindex);
    if (host !== undefined) {
      list = list.filter((n) => n.ip === host);
      if (list.length === 0) {
        ctx.stdout.write(`${rest[0]} (${ipv4ToText(host!)}) -- no entry\n`);
        return 0;
      }
    }
    if (list.length === 0) return 0;
    ctx.stdout.write(bsdStyle ? list.map((n) => bsd(ns, n)).join('') : HEADER + list.map((n) => row(ns, n)).join(''));
    return 0;
  }
  if (host === undefined || host === null) {
    ctx.stderr.write('arp: need host name\n');
    return 255;
  }
  try {
    if (mode === 'del') {
      ctx.m.mutate((k) => {
        const kns = k.w.netns[nsId]!;
        const n = Object.values(kns.neigh).find((x) => x.ip === host && (ifindex === undefined || x.dev === ifindex) && x.state !== 'NOARP');
        if (!n) throw kerr('ENXIO');
        neighDelete(k, nsId, n.dev, n.ip);
      });
      return 0;
    }
    const mac = rest[1] !== undefined ? macFromText(rest[1]) : null;
    if (!mac) {
      ctx.stderr.write(`arp: invalid hardware address\n`);
      return 255;
    }
    ctx.m.mutate((k) => {
      if (ctx.proc.uid !== 0) throw kerr('EPERM');
      const kns = k.w.netns[nsId]!;
      const dev = ifindex ?? ipRouteOutput(kns, host).dev;
      const d = kns.devs[dev]!;
      const n = kns.neigh[neighKey(dev, host)] ?? neighCreate(k, nsId, d, host);
      neighAdminUpdate(k, nsId, d, n, macToText(mac), NUD.PERMANENT, true);
    });
    return 0;
  } catch (e) {
    if (!(e instanceof KernelError)) throw e;
    if (mode === 'del' && e.errno === 6) ctx.stderr.write(`No ARP entry for ${rest[0]}\n`);
    else ctx.stderr.write(`SIOCSARP: ${e.message}\n`);
    return 255;
  }
};
