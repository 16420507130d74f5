// bridge (iproute2 6.1 bridge/bridge.c, link.c, fdb.c): `bridge link [show] [dev DEV]`,
// `bridge fdb show [br BR] [brport|dev DEV] [dynamic]`, `bridge fdb add|append|replace|del MAC
// dev DEV master [permanent|static|dynamic]`, with -j/-p, -s, -d. The FDB rows come from
// the kernel's dump order (rtnl_fdb_dump: devices by ifindex; a port's bridge entries, newest
// first, then the device's own address-list entries, `self permanent`).
import type { Command, CommandContext } from './command.ts';
import type { Device, FdbEntry, Netns } from '../kernel/types.ts';
import { KernelError, kerr } from '../kernel/errors.ts';
import { devByName, getNs, IFF } from '../kernel/dev.ts';
import { fdbLiveEntries, brFdbScheduleGc } from '../devices/br_fdb.ts';
import { iflink, linkFlags } from './ip/addr.ts';
import { macTextKey } from '../protocols/wire/addr.ts';

const USAGE =
  'Usage: bridge [ OPTIONS ] OBJECT { COMMAND | help }\n' +
  '       bridge [ -force ] -batch filename\n' +
  'where  OBJECT := { link | fdb | mdb | vlan | vni | monitor }\n' +
  '       OPTIONS := { -V[ersion] | -s[tatistics] | -d[etails] |\n' +
  '                    -o[neline] | -t[imestamp] | -n[etns] name |\n' +
  '                    -c[ompressvlans] -color -p[retty] -j[son] }\n';

interface Opts {
  json: boolean;
  pretty: boolean;
  stats: boolean;
  details: boolean;
}

class Exit extends Error {
  constructor(readonly code: number) {
    super('exit');
  }
}

function matches(prefix: string, word: string): boolean {
  return prefix.length > 0 && word.startsWith(prefix);
}

function devsByIndex(ns: Netns): Device[] {
  return Object.values(ns.devs).sort((a, b) => a.ifindex - b.ifindex);
}

function flagNames(d: Device, ns: Netns, mdown: boolean): string[] {
  let f = linkFlags(d);
  const out: string[] = [];
  if (f & IFF.UP && !(f & IFF.RUNNING)) out.push('NO-CARRIER');
  const order: [number, string][] = [
    [IFF.LOOPBACK, 'LOOPBACK'],
    [IFF.BROADCAST, 'BROADCAST'],
    [IFF.POINTOPOINT, 'POINTOPOINT'],
    [IFF.MULTICAST, 'MULTICAST'],
    [IFF.NOARP, 'NOARP'],
    [IFF.ALLMULTI, 'ALLMULTI'],
    [IFF.PROMISC, 'PROMISC'],
    [IFF.UP, 'UP'],
    [IFF.LOWER_UP, 'LOWER_UP'],
  ];
  f &= ~IFF.RUNNING;
  for (const [bit, name] of order) if (f & bit) out.push(name);
  if (mdown) out.push('M-DOWN');
  void ns;
  return out;
}

/** JSON text as iproute2's json_writer prints it (compact, or -p's 4-space pretty form). */
function jsonText(v: unknown, pretty: boolean): string {
  if (!pretty) return JSON.stringify(v);
  const ind = (n: number): string => '    '.repeat(n);
  const val = (x: unknown, depth: number, inArrayOfObjects: boolean): string => {
    if (Array.isArray(x)) {
      if (x.length > 0 && typeof x[0] === 'object') return '[ ' + x.map((e) => val(e, depth, true)).join(',') + ' ]';
      return '[ ' + x.map((e) => JSON.stringify(e)).join(',') + ' ]';
    }
    if (x && typeof x === 'object') {
      const ents = Object.entries(x as Record<string, unknown>);
      const d = inArrayOfObjects ? depth + 1 : depth + 1;
      return '{\n' + ents.map(([k, e]) => `${ind(d + 1)}${JSON.stringify(k)}: ${val(e, d, false)}`).join(',\n') + `\n${ind(d)}}`;
    }
    return JSON.stringify(x);
  };
  return val(v, 0, false);
}

// ---- link -------------------------------------------------------------------------------

function doLink(ctx: CommandContext, o: Opts, argv: string[], ns: Netns): number {
  let filterDev: Device | undefined;
  let i = 0;
  if (argv[0] && (matches(argv[0], 'show') || matches(argv[0], 'lst') || matches(argv[0], 'list'))) i = 1;
  else if (argv[0] && argv[0] !== 'dev' && argv[0] !== 'help') {
    if (matches(argv[0], 'set')) {
      ctx.stderr.write('nsemu: "bridge link set" is not emulated\n');
      return 255;
    }
    ctx.stderr.write(`Command "${argv[0]}" is unknown, try "bridge link help".\n`);
    return 255;
  }
  for (; i < argv.length; i++) {
    if (argv[i] === 'dev') {
      const name = argv[++i];
      if (name === undefined) {
        ctx.stderr.write('Command line is not complete. Try option "help"\n');
        return 255;
      }
      filterDev = devByName(ns, name);
      if (!filterDev) {
        ctx.stderr.write(`Cannot find device "${name}"\n`);
        return 255;
      }
    } else {
      ctx.stderr.write(`Command "${argv[i]}" is unknown, try "bridge link help".\n`);
      return 255;
    }
  }
  const rows: Record<string, unknown>[] = [];
  let text = '';
  for (const d of devsByIndex(ns)) {
    if (!d.port || d.master === undefined) continue;
    if (filterDev && filterDev.ifindex !== d.ifindex) continue;
    const br = ns.devs[d.master];
    const il = iflink(d);
    let link: string | undefined;
    let mdown = false;
    if (il !== d.ifindex) {
      const l = il ? ns.devs[il] : undefined;
      link = il ? (l ? l.name : `if${il}`) : 'NONE';
      mdown = !(l && linkFlags(l) & IFF.UP);
    }
    const flags = flagNames(d, ns, mdown);
    const r: Record<string, unknown> = { ifindex: d.ifindex };
    if (link !== undefined) r.link = link;
    r.ifname = d.name;
    r.flags = flags;
    r.mtu = d.mtu;
    r.master = br?.name ?? `if${d.master}`;
    r.state = d.port.state;
    r.priority = d.port.priority;
    r.cost = d.port.cost;
    rows.push(r);
    text += `${d.ifindex}: ${d.name}${link !== undefined ? `@${link}` : ''}: <${flags.join(',')}> mtu ${d.mtu} master ${r.master} state ${d.port.state} priority ${d.port.priority} cost ${d.port.cost} \n`;
    if (o.details) {
      const on = (b: boolean): string => (b ? 'on' : 'off');
      text += `    hairpin off guard off root_block off fastleave off learning ${on(d.port.learning)} flood ${on(d.port.flood)} mcast_flood on bcast_flood on mcast_router 1 mcast_to_unicast off neigh_suppress off vlan_tunnel off isolated off locked off \n`;
    }
  }
  if (o.json) ctx.stdout.write(jsonText(rows, o.pretty) + '\n');
  else ctx.stdout.write(text);
  return 0;
}

// ---- fdb --------------------------------------------------------------------------------

/** The device's own address lists as ndo_dflt_fdb_dump shows them (uc, then mc, join order). */
function selfAddrs(d: Device): string[] {
  if (d.kind === 'loopback') return [];
  const out: string[] = [];
  if (d.multicast ?? true) out.push('33:33:00:00:00:01');
  if (d.up && d.bridge?.mcastSnooping) out.push('01:00:5e:00:00:6a', '33:33:00:00:00:6a');
  if (d.up && (d.multicast ?? true)) out.push('01:00:5e:00:00:01');
  if (d.up) {
    for (const a of d.addrs6) {
      if (a.address === '::1') continue;
      const m = /([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(a.address);
      if (!m) continue;
      const hi = parseInt(m[1]!, 16), lo = parseInt(m[2]!, 16);
      const h = (n: number): string => n.toString(16).padStart(2, '0');
      const mac = `33:33:ff:${h(hi & 0xff)}:${h(lo >> 8)}:${h(lo & 0xff)}`;
      if (!out.includes(mac)) out.push(mac);
    }
  }
  return out;
}

function fdbState(e: FdbEntry): string {
  return e.local ? 'permanent' : e.static ? 'static' : '';
}

function doFdb(ctx: CommandContext, o: Opts, argv: string[], ns: Netns): number {
  const cmd = argv[0];
  if (cmd === undefined || matches(cmd, 'show') || matches(cmd, 'lst') || matches(cmd, 'list')) return fdbShow(ctx, o, argv.slice(1), ns);
  if (['add', 'append', 'replace', 'del', 'delete'].some((c) => c === cmd || (cmd.length > 1 && matches(cmd, c)))) return fdbModify(ctx, cmd, argv.slice(1));
  ctx.stderr.write(`Command "${cmd}" is unknown, try "bridge fdb help".\n`);
  return 255;
}

function fdbShow(ctx: CommandContext, o: Opts, argv: string[], ns: Netns): number {
  let br: Device | undefined;
  let port: Device | undefined;
  let dynamicOnly = false;
  for (let i = 0; i < argv.length; i++) {
    const w = argv[i]!;
    if (w === 'br' || w === 'brport' || w === 'dev') {
      const name = argv[++i];
      if (name === undefined) {
        ctx.stderr.write('Command line is not complete. Try option "help"\n');
        return 255;
      }
      const d = devByName(ns, name);
      if (w === 'br') {
        if (!d) {
          ctx.stderr.write(`Cannot find bridge device "${name}"\n`);
          return 255;
        }
        br = d;
      } else {
        if (!d) {
          ctx.stderr.write(`Cannot find device "${name}"\n`);
          return 255;
        }
        port = d;
      }
    } else if (w === 'dynamic') dynamicOnly = true;
    else if (w === 'vlan' || w === 'state') i++;
  }
  const now = ctx.m.now;
  const rows: Record<string, unknown>[] = [];
  let text = '';
  const emit = (mac: string, dev: Device, master: Device | undefined, e: FdbEntry | undefined): void => {
    const r: Record<string, unknown> = { mac };
    if (!port) r.ifname = dev.name;
    let t = `${mac} `;
    if (!port) t += `dev ${dev.name} `;
    if (o.stats && e) {
      const used = Math.floor((now - e.used) / 1e9), upd = Math.floor((now - e.updated) / 1e9);
      t += `used ${used}/${upd} `;
      r.used = used;
      r.updated = upd;
    }
    r.flags = master ? [] : ['self'];
    if (master) {
      t += `master ${master.name} `;
      r.master = master.name;
    } else t += 'self ';
    const st = e ? fdbState(e) : 'permanent';
    t += st;
    r.state = st;
    rows.push(r);
    text += t + '\n';
  };
  for (const d of devsByIndex(ns)) {
    if (port && d.ifindex !== port.ifindex) continue;
    const masterIdx = d.bridge ? d.ifindex : d.master;
    if (br && masterIdx !== br.ifindex) continue;
    const own = d.bridge ? d : d.master !== undefined && d.port ? ns.devs[d.master] : undefined;
    const masterRows = own?.bridge
      ? fdbLiveEntries(now, own)
          .filter((e) => e.port === d.ifindex)
          .reverse()
      : [];
    const dyn = (e: FdbEntry): boolean => !e.local && !e.static;
    const self = dynamicOnly ? [] : selfAddrs(d);
    if (d.bridge) for (const m of self) emit(m, d, undefined, undefined);
    for (const e of masterRows) if (!dynamicOnly || dyn(e)) emit(e.mac, d, own, e);
    if (!d.bridge) for (const m of self) emit(m, d, undefined, undefined);
  }
  if (o.json) ctx.stdout.write(jsonText(rows, o.pretty) + '\n');
  else ctx.stdout.write(text);
  return 0;
}

const MAC_RE = /^[0-9a-fA-F]{1,2}(:[0-9a-fA-F]{1,2}){5}$/;

function fdbModify(ctx: CommandContext, cmd: string, argv: string[]): number {
  const del = cmd.startsWith('d');
  let mac: string | undefined;
  let devName: string | undefined;
  let master = false;
  let state: 'permanent' | 'static' | 'dynamic' = 'permanent';
  for (let i = 0; i < argv.length; i++) {
    const w = argv[i]!;
    if (w === 'dev') devName = argv[++i];
    else if (w === 'master') master = true;
    else if (w === 'self') master = false;
    else if (w === 'local' || w === 'permanent') state = 'permanent';
    else if (w === 'static') state = 'static';
    else if (w === 'dynamic') state = 'dynamic';
    else if (w === 'vlan' || w === 'dst' || w === 'port' || w === 'vni' || w === 'via' || w === 'src_vni' || w === 'nhid') {
      ctx.stderr.write(`nsemu: "bridge fdb ${cmd} … ${w}" is not emulated\n`);
      return 255;
    } else if (mac === undefined) {
      if (!MAC_RE.test(w)) {
        ctx.stderr.write(`Invalid mac address ${w}\n`);
        return 255;
      }
      mac = w
        .split(':')
        .map((x) => x.padStart(2, '0').toLowerCase())
        .join(':');
    }
  }
  if (mac === undefined || devName === undefined) {
    ctx.stderr.write('Device and address are required arguments.\n');
    return 255;
  }
  const nsId = ctx.proc.netns;
  if (!devByName(getNs(ctx.m.world, nsId), devName)) {
    ctx.stderr.write(`Cannot find device "${devName}"\n`);
    return 255;
  }
  if (!master) {
    ctx.stderr.write(`nsemu: "bridge fdb ${cmd}" of a device's own (self) address is not emulated\n`);
    return 255;
  }
  const uid = ctx.proc.uid;
  try {
    ctx.m.mutate((k) => {
      if (uid !== 0) throw kerr('EPERM');
      const n = getNs(k.w, nsId);
      const d = devByName(n, devName)!;
      const br = d.bridge ? d : d.master !== undefined ? n.devs[d.master] : undefined;
      if (!br?.bridge) throw kerr('EINVAL');
      const key = macTextKey(mac);
      const cur = br.bridge.fdb.get(key);
      if (del) {
        if (!cur || cur.port !== d.ifindex) throw kerr('ENOENT');
        br.bridge.fdb.delete(key);
        return;
      }
      if (cur && cmd !== 'replace' && !cmd.startsWith('rep')) throw kerr('EEXIST');
      if (cur) br.bridge.fdb.delete(key);
      br.bridge.fdb.set(key, { mac, port: d.ifindex, local: state === 'permanent', static: state === 'static', updated: k.m.now, used: k.m.now });
      if (state === 'dynamic') brFdbScheduleGc(k, nsId, br, false);
    });
  } catch (e) {
    if (e instanceof KernelError) {
      ctx.stderr.write(`RTNETLINK answers: ${e.message}\n`);
      return 255;
    }
    throw e;
  }
  return 0;
}

export const bridge: Command = async (ctx) => {
  const o: Opts = { json: false, pretty: false, stats: false, details: false };
  const argv = ctx.argv.slice(1);
  let netnsName: string | undefined;
  while (argv.length > 0 && argv[0]!.startsWith('-') && argv[0] !== '-') {
    let opt = argv.shift()!;
    if (opt.startsWith('--')) opt = opt.slice(1);
    const w = opt.slice(1);
    if (matches(w, 'json')) o.json = true;
    else if (matches(w, 'pretty')) o.pretty = true;
    else if (matches(w, 'statistics') || matches(w, 'stats')) o.stats = true;
    else if (matches(w, 'details')) o.details = true;
    else if (matches(w, 'oneline') || matches(w, 'numeric') || matches(w, 'timestamp') || matches(w, 'compressvlans') || w === 'color') {
      /* accepted */
    } else if (matches(w, 'netns')) netnsName = argv.shift();
    else if (matches(w, 'Version')) {
      ctx.stdout.write('bridge utility, 6.1.0\n');
      return 0;
    } else if (matches(w, 'help')) {
      ctx.stderr.write(USAGE);
      return 255;
    } else {
      ctx.stderr.write(`Option "${opt}" is unknown, try "bridge help".\n`);
      return 255;
    }
  }
  if (netnsName !== undefined) {
    const rest = ctx.argv.slice(1);
    const at = rest.findIndex((a) => /^--?n(e(t(n(s)?)?)?)?$/.test(a));
    rest.splice(at, 2);
    return ctx.exec(['ip', 'netns', 'exec', netnsName, 'bridge', ...rest]);
  }
  if (o.pretty && !o.json) o.pretty = false;
  const obj = argv.shift();
  if (obj === undefined) {
    ctx.stderr.write(USAGE);
    return 255;
  }
  const ns = ctx.m.world.netns[ctx.proc.netns];
  if (!ns) return 255;
  try {
    if (matches(obj, 'link')) return doLink(ctx, o, argv, ns);
    if (matches(obj, 'fdb')) return doFdb(ctx, o, argv, ns);
    if (obj === 'help') {
      ctx.stderr.write(USAGE);
      return 255;
    }
    if (['mdb', 'vlan', 'vni', 'monitor'].some((x) => matches(obj, x))) {
      ctx.stderr.write(`nsemu: "bridge ${obj}" is not emulated\n`);
      return 255;
    }
  } catch (e) {
    if (e instanceof Exit) return e.code;
    throw e;
  }
  ctx.stderr.write(`Object "${obj}" is unknown, try "bridge help".\n`);
  return 255;
};
