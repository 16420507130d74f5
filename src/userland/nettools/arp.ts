// arp (net-tools 2.10): the ARP cache as /proc/net/arp shows it (`-n`, `-a` BSD style, `-i`,
// one address), `-s` (a permanent entry on the device the route picks) and `-d`.
import type { Command, CommandContext } from '../command.ts';
import type { Netns } from '../../kernel/types.ts';
import { kerr, KernelError } from '../../kernel/errors.ts';
import { devByName } from '../../kernel/dev.ts';
import { NUD, neighAdminUpdate, neighCreate, neighDelete, neighKey } from '../../protocols/neighbour.ts';
import { ipRouteOutput } from '../../protocols/ipv4/route.ts';
import { ipv4FromTextAton, ipv4ToText, macFromText, macToText } from '../../protocols/wire/addr.ts';

/** One line of /proc/net/arp as arp reads it: a neighbour (not NOARP), or a proxy entry
 *  (ATF_PUBL | ATF_PERM). `lladdr` only once the entry is complete (ATF_COM). */
interface ArpEntry {
  ip: number;
  dev: number;
  lladdr?: string;
  perm: boolean;
  pub: boolean;
}

function entries(ns: Netns, ifindex?: number): ArpEntry[] {
  const out: ArpEntry[] = [];
  for (const n of ns.neigh.values()) {
    if (n.state === 'NOARP' || n.state === 'NONE') continue;
    const complete = n.lladdr !== undefined && n.state !== 'INCOMPLETE' && n.state !== 'FAILED';
    out.push({ ip: n.ip, dev: n.dev, lladdr: complete ? n.lladdr : undefined, perm: n.state === 'PERMANENT', pub: false });
  }
  for (const p of ns.pneigh.values()) out.push({ ip: p.ip, dev: p.dev, perm: true, pub: true });
  return out.filter((e) => ifindex === undefined || e.dev === ifindex);
}

/** arp_disp */
function row(ns: Netns, e: ArpEntry): string {
  const dev = ns.devs[e.dev]?.name ?? '';
  const hw = e.lladdr ? 'ether'.padEnd(8) + e.lladdr.padEnd(20) : e.pub ? '*'.padEnd(8) + '<from_interface>'.padEnd(20) : ''.padEnd(8) + '(incomplete)'.padEnd(20);
  const flags = `${e.lladdr ? 'C' : ''}${e.perm ? 'M' : ''}${e.pub ? 'P' : ''}`;
  return `${ipv4ToText(e.ip).padEnd(25)}${hw}${flags.padEnd(6)}${''.padEnd(16)}${dev}\n`;
}

/** arp_disp_2 (-a) */
function bsd(ns: Netns, e: ArpEntry): string {
  const dev = ns.devs[e.dev]?.name ?? '';
  const hw = e.lladdr ? `${e.lladdr} [ether] ` : e.pub ? '<from_interface> ' : '<incomplete> ';
  return `? (${ipv4ToText(e.ip)}) at ${hw}${e.perm ? 'PERM ' : ''}${e.pub ? 'PUB ' : ''}on ${dev}\n`;
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
        const n = [...kns.neigh.values()].find((x) => x.ip === host && (ifindex === undefined || x.dev === ifindex) && x.state !== 'NOARP');
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
      const n = kns.neigh.get(neighKey(dev, host)) ?? neighCreate(k, nsId, d, host);
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
