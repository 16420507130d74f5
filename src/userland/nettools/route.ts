// route (net-tools 2.10): the main table as /proc/net/route shows it (`route -n`), and
// SIOCADDRT/SIOCDELRT for `route add|del [-net|-host] TARGET [netmask M] [gw G] [metric N] [dev D]`.
import type { Command, CommandContext } from '../command.ts';
import type { Netns, Route } from '../../kernel/types.ts';
import { RT_SCOPE, RT_TABLE } from '../../kernel/types.ts';
import { kerr } from '../../kernel/errors.ts';
import { devByName } from '../../kernel/dev.ts';
import { fibCheckNh, fibTableDelete, fibTableInsert, RTPROT } from '../../protocols/ipv4/fib.ts';
import { ipv4FromTextAton, ipv4ToText, maskToPrefixLen, prefixMask } from '../../protocols/wire/addr.ts';
import { ioctl } from './common.ts';

/** RTF_* flags of /proc/net/route (fib_flags_trans) as route and netstat letter them. */
function flagsOf(r: Route): string {
  let f = 'U';
  if (r.gateway !== undefined) f += 'G';
  if (r.dstLen === 32) f += 'H';
  if (r.type === 'unreachable' || r.type === 'prohibit') f += '!';
  return f;
}

/** The main table's unicast-ish routes in /proc/net/route order. */
export function procNetRoute(ns: Netns): Route[] {
  return ns.routes.filter((r) => r.table === RT_TABLE.main && r.type !== 'local' && r.type !== 'broadcast');
}

function devName(ns: Netns, r: Route): string {
  return r.dev !== undefined ? (ns.devs[r.dev]?.name ?? '*') : '*';
}

/** `route -n` / `netstat -rn`: the two column layouts of the same table. */
export function printRoutes(ctx: CommandContext, ns: Netns, style: 'route' | 'netstat'): void {
  const out = ['Kernel IP routing table\n'];
  out.push(style === 'route' ? 'Destination     Gateway         Genmask         Flags Metric Ref    Use Iface\n' : 'Destination     Gateway         Genmask         Flags   MSS Window  irtt Iface\n');
  for (const r of procNetRoute(ns)) {
    const cols = `${ipv4ToText(r.dst).padEnd(15)} ${ipv4ToText(r.gateway ?? 0).padEnd(15)} ${ipv4ToText(prefixMask(r.dstLen)).padEnd(15)} `;
    const flags = flagsOf(r);
    if (style === 'route') out.push(`${cols}${flags.padEnd(5)} ${String(r.priority).padEnd(6)} 0 ${'0'.padStart(8)} ${devName(ns, r)}\n`);
    else out.push(`${cols}${flags.padEnd(5)} ${'0'.padStart(5)} ${'0'.padEnd(6)} ${'0'.padStart(5)} ${devName(ns, r)}\n`);
  }
  ctx.stdout.write(out.join(''));
}

function usage(ctx: CommandContext): number {
  ctx.stderr.write(
    'Usage: inet_route [-vF] del {-host|-net} Target[/prefix] [gw Gw] [metric M] [[dev] If]\n' +
      '       inet_route [-vF] add {-host|-net} Target[/prefix] [gw Gw] [metric M]\n' +
      '                              [netmask N] [mss Mss] [window W] [irtt I]\n' +
      '                              [mod] [dyn] [reinstate] [[dev] If]\n' +
      '       inet_route [-vF] add {-host|-net} Target[/prefix] [metric M] reject\n' +
      '       inet_route [-FC] flush      NOT supported\n',
  );
  return 4;
}

export const route: Command = async (ctx) => {
  const args = ctx.argv.slice(1).filter((a) => a !== '-n' && a !== '-e' && a !== '-v');
  const nsId = ctx.proc.netns;
  if (args.length === 0) {
    printRoutes(ctx, ctx.m.world.netns[nsId]!, 'route');
    return 0;
  }
  const cmd = args[0]!;
  if (cmd !== 'add' && cmd !== 'del') return usage(ctx);
  let target: string | undefined;
  let mask: number | undefined;
  let gw: number | undefined;
  let metric = 0;
  let dev: string | undefined;
  let reject = false;
  for (let i = 1; i < args.length; i++) {
    const w = args[i]!;
    if (w === '-net' || w === '-host') continue;
    if (w === 'netmask') mask = ipv4FromTextAton(args[++i] ?? '') ?? undefined;
    else if (w === 'gw' || w === 'gateway') {
      const v = args[++i] ?? '';
      const g = ipv4FromTextAton(v);
      if (g === null) {
        ctx.stderr.write(`${v}: Unknown host\n`);
        return 1;
      }
      gw = g;
    } else if (w === 'metric') metric = Number(args[++i]);
    else if (w === 'dev') dev = args[++i];
    else if (w === 'reject') reject = true;
    else if (target === undefined) target = w;
    else dev = w;
  }
  if (target === undefined) return usage(ctx);
  let dst: number;
  let len: number;
  if (target === 'default') {
    dst = 0;
    len = 0;
  } else {
    const [a, l] = target.split('/');
    const addr = ipv4FromTextAton(a!);
    if (addr === null) {
      ctx.stderr.write(`${target}: Unknown host\n`);
      return 1;
    }
    dst = addr;
    len = l !== undefined ? Number(l) : mask !== undefined ? maskToPrefixLen(mask) : 32;
  }
  const name = cmd === 'add' ? 'SIOCADDRT' : 'SIOCDELRT';
  const ok = ioctl(ctx, name, (k) => {
    if (ctx.proc.uid !== 0) throw kerr('EPERM');
    const ns = k.w.netns[nsId]!;
    let ifindex: number | undefined;
    if (dev !== undefined) {
      const d = devByName(ns, dev);
      if (!d) throw kerr('ENODEV');
      ifindex = d.ifindex;
    }
    if (cmd === 'del') {
      fibTableDelete(ns, (r) => r.table === RT_TABLE.main && r.dst === dst && r.dstLen === len && (gw === undefined || r.gateway === gw) && (ifindex === undefined || r.dev === ifindex) && (metric === 0 || r.priority === metric));
      return;
    }
    // the ioctl route: proto boot, scope from whether it has a gateway
    const r: Route = {
      table: RT_TABLE.main,
      type: reject ? 'unreachable' : 'unicast',
      dst,
      dstLen: len,
      tos: 0,
      priority: metric,
      protocol: RTPROT.boot,
      scope: gw !== undefined || reject ? RT_SCOPE.universe : RT_SCOPE.link,
      gateway: gw,
      dev: ifindex,
      onlink: false,
    };
    if (!reject) {
      try {
        fibCheckNh(ns, r);
      } catch {
        throw kerr('ENETUNREACH');
      }
    }
    fibTableInsert(ns, r, 'add');
  });
  return ok ? 0 : 7;
};
