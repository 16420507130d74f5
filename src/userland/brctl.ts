// brctl (bridge-utils 1.7.1, brctl/brctl.c + brctl_cmd.c + libbridge): the old bridge tool.
// It talks to the kernel through the bridge ioctls (SIOCBRADDBR, SIOCBRADDIF, …) and sysfs;
// here it calls the same kernel operations the bridge code offers, and prints bridge-utils'
// own texts with its exit statuses (1 on any failure).
import type { Command, CommandContext } from './command.ts';
import type { Device, Netns } from '../kernel/types.ts';
import { KernelError, kerr, strError } from '../kernel/errors.ts';
import { devByName, getNs, unregisterNetdevice } from '../kernel/dev.ts';
import { brAddBridge, brAddIf, brDelIf } from '../devices/bridge.ts';
import { brFdbScheduleGc, fdbLiveEntries } from '../devices/br_fdb.ts';

interface Cmd {
  name: string;
  nargs: number;
  help: string;
  fn: (c: Ctx, args: string[]) => number;
}

interface Ctx {
  ctx: CommandContext;
  out: string;
  shown?: boolean;
  err(s: string): void;
}

const CMDS: Cmd[] = [
  { name: 'addbr', nargs: 1, help: '<bridge>\t\tadd bridge', fn: addbr },
  { name: 'delbr', nargs: 1, help: '<bridge>\t\tdelete bridge', fn: delbr },
  { name: 'addif', nargs: 2, help: '<bridge> <device>\tadd interface to bridge', fn: addif },
  { name: 'delif', nargs: 2, help: '<bridge> <device>\tdelete interface from bridge', fn: delif },
  { name: 'hairpin', nargs: 3, help: '<bridge> <port> {on|off}\tturn hairpin on/off', fn: notEmulated('hairpin') },
  { name: 'setageing', nargs: 2, help: '<bridge> <time>\t\tset ageing time', fn: setageing },
  { name: 'setbridgeprio', nargs: 2, help: '<bridge> <prio>\t\tset bridge priority', fn: notEmulated('setbridgeprio') },
  { name: 'setfd', nargs: 2, help: '<bridge> <time>\t\tset bridge forward delay', fn: notEmulated('setfd') },
  { name: 'sethello', nargs: 2, help: '<bridge> <time>\t\tset hello time', fn: notEmulated('sethello') },
  { name: 'setmaxage', nargs: 2, help: '<bridge> <time>\t\tset max message age', fn: notEmulated('setmaxage') },
  { name: 'setpathcost', nargs: 3, help: '<bridge> <port> <cost>\tset path cost', fn: notEmulated('setpathcost') },
  { name: 'setportprio', nargs: 3, help: '<bridge> <port> <prio>\tset port priority', fn: notEmulated('setportprio') },
  { name: 'show', nargs: 0, help: '[ <bridge> ]\t\tshow a list of bridges', fn: show },
  { name: 'showmacs', nargs: 1, help: '<bridge>\t\tshow a list of mac addrs', fn: showmacs },
  { name: 'showstp', nargs: 1, help: '<bridge>\t\tshow bridge stp info', fn: showstp },
  { name: 'stp', nargs: 2, help: '<bridge> {on|off}\tturn stp on/off', fn: stp },
];

function help(): string {
  let s = 'Usage: brctl [commands]\ncommands:\n';
  for (const c of CMDS) s += `\t${c.name.padEnd(10)}\t${c.help}\n`;
  return s;
}

function notEmulated(name: string) {
  return (c: Ctx): number => {
    c.err(`nsemu: "brctl ${name}" is not emulated\n`);
    return 1;
  };
}

function ns(c: Ctx): Netns {
  return getNs(c.ctx.m.world, c.ctx.proc.netns);
}

/** Run a kernel operation; a KernelError comes back as its errno. */
function kop(c: Ctx, fn: Parameters<CommandContext['m']['mutate']>[0]): number {
  const uid = c.ctx.proc.uid;
  try {
    c.ctx.m.mutate((k) => {
      if (uid !== 0) throw kerr('EPERM');
      fn(k);
    });
    return 0;
  } catch (e) {
    if (e instanceof KernelError) return e.errno;
    throw e;
  }
}

const EEXIST = 17, ENXIO = 6, EBUSY = 16, ENODEV = 19, ELOOP = 40, EINVAL = 22;

function addbr(c: Ctx, [name]: string[]): number {
  const nsId = c.ctx.proc.netns;
  const err = kop(c, (k) => {
    const n = getNs(k.w, nsId);
    if (devByName(n, name!)) throw kerr('EEXIST');
    if (name!.length >= 16) throw kerr('EINVAL');
    brAddBridge(k, nsId, name!);
  });
  if (!err) return 0;
  if (err === EEXIST) c.err(`device ${name} already exists; can't create bridge with the same name\n`);
  else c.err(`add bridge failed: ${strError(err)}\n`);
  return 1;
}

function delbr(c: Ctx, [name]: string[]): number {
  const nsId = c.ctx.proc.netns;
  const err = kop(c, (k) => {
    const d = devByName(getNs(k.w, nsId), name!);
    if (!d) throw kerr('ENXIO');
    if (d.kind !== 'bridge') throw kerr('EPERM');
    if (d.up) throw kerr('EBUSY');
    unregisterNetdevice(k, nsId, d.ifindex);
  });
  if (!err) return 0;
  if (err === ENXIO) c.err(`bridge ${name} doesn't exist; can't delete it\n`);
  else if (err === EBUSY) c.err(`bridge ${name} is still up; can't delete it\n`);
  else c.err(`can't delete bridge ${name}: ${strError(err)}\n`);
  return 1;
}

/** SIOCBRADDIF / SIOCBRDELIF on the bridge named `br` for device index of `ifname`. */
function ifOp(c: Ctx, brname: string, ifname: string, add: boolean): number {
  const nsId = c.ctx.proc.netns;
  if (!devByName(ns(c), ifname)) return ENODEV;
  return kop(c, (k) => {
    const n = getNs(k.w, nsId);
    const br = devByName(n, brname);
    const p = devByName(n, ifname)!;
    if (!br) throw kerr('ENODEV');
    if (br.kind !== 'bridge') throw kerr('EOPNOTSUPP');
    if (add) {
      if (p.kind === 'loopback') throw kerr('EINVAL');
      if (p.kind === 'bridge') throw kerr('ELOOP');
      if (p.master !== undefined) throw kerr('EBUSY');
      brAddIf(k, nsId, br, p);
    } else {
      if (p.master !== br.ifindex) throw kerr('EINVAL');
      brDelIf(k, nsId, br, p);
    }
  });
}

function addif(c: Ctx, args: string[]): number {
  const brname = args[0]!;
  for (const ifname of args.slice(1)) {
    const err = ifOp(c, brname, ifname, true);
    if (!err) continue;
    if (err === ENODEV) {
      if (!devByName(ns(c), ifname)) c.err(`interface ${ifname} does not exist!\n`);
      else c.err(`bridge ${brname} does not exist!\n`);
    } else if (err === EBUSY) c.err(`device ${ifname} is already a member of a bridge; can't add it to bridge ${brname}.\n`);
    else if (err === ELOOP) c.err(`device ${ifname} is a bridge device itself; can't add a bridge device to a bridge device.\n`);
    else c.err(`can't add ${ifname} to bridge ${brname}: ${strError(err)}\n`);
    return 1;
  }
  return 0;
}

function delif(c: Ctx, args: string[]): number {
  const brname = args[0]!;
  for (const ifname of args.slice(1)) {
    const err = ifOp(c, brname, ifname, false);
    if (!err) continue;
    if (err === ENODEV) {
      if (!devByName(ns(c), ifname)) c.err(`interface ${ifname} does not exist!\n`);
      else c.err(`bridge ${brname} does not exist!\n`);
    } else if (err === EINVAL) c.err(`device ${ifname} is not a port of ${brname}\n`);
    else c.err(`can't delete ${ifname} from ${brname}: ${strError(err)}\n`);
    return 1;
  }
  return 0;
}

/** strtod as brctl's strtotimeval uses it: a leading number, the rest must be empty. */
function parseTime(s: string): number | undefined {
  const m = /^\s*[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.exec(s);
  return m ? Number(s) : undefined;
}

function setageing(c: Ctx, [brname, time]: string[]): number {
  const secs = parseTime(time!);
  if (secs === undefined) {
    c.err('bad ageing time value\n');
    return 1;
  }
  const nsId = c.ctx.proc.netns;
  const err = kop(c, (k) => {
    const br = devByName(getNs(k.w, nsId), brname!);
    if (!br) throw kerr('ENODEV');
    if (!br.bridge) throw kerr('EOPNOTSUPP');
    // __jiffies_to_clock_t(timeval_to_jiffies): centiseconds
    br.bridge.ageingTime = Math.max(0, Math.round(secs * 100));
    brFdbScheduleGc(k, nsId, br, true);
  });
  if (!err) return 0;
  c.err(`set ageing time failed: ${strError(err)}\n`);
  return 1;
}

function stp(c: Ctx, [brname, arg]: string[]): number {
  let on: boolean;
  if (arg === 'on' || arg === 'yes' || arg === '1') on = true;
  else if (arg === 'off' || arg === 'no' || arg === '0') on = false;
  else {
    c.err('expect on/off for argument\n');
    return 1;
  }
  const nsId = c.ctx.proc.netns;
  const err = kop(c, (k) => {
    const br = devByName(getNs(k.w, nsId), brname!);
    if (!br) throw kerr('ENODEV');
    if (!br.bridge) throw kerr('EOPNOTSUPP');
    br.bridge.stpState = on ? 1 : 0;
  });
  if (!err) return 0;
  c.err(`set stp status failed: ${strError(err)}\n`);
  return 1;
}

function bridgeIdText(br: Device): string {
  const b = br.bridge!;
  return `${b.priority.toString(16).padStart(4, '0')}.${b.bridgeId.replace(/:/g, '')}`;
}

/** scandir + alphasort (C locale: byte order) */
function alpha<T extends { name: string }>(xs: T[]): T[] {
  return [...xs].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

function portsSorted(n: Netns, br: Device): Device[] {
  return alpha(Object.values(n.devs).filter((d) => d.master === br.ifindex && d.port));
}

function showBridge(c: Ctx, n: Netns, br: Device): void {
  // the header comes with the first bridge shown (none: no output at all)
  if (!c.shown) c.out += 'bridge name\tbridge id\t\tSTP enabled\tinterfaces\n';
  c.shown = true;
  let s = `${br.name}\t\t${bridgeIdText(br)}\t${br.bridge!.stpState ? 'yes' : 'no'}\t\t`;
  const ports = portsSorted(n, br);
  if (ports.length === 0) s += '\n';
  ports.forEach((p, i) => {
    s += i === 0 ? `${p.name}\n` : `\t\t\t\t\t\t\t${p.name}\n`;
  });
  c.out += s;
}

function show(c: Ctx, args: string[]): number {
  const n = ns(c);
  if (args.length === 0) {
    for (const br of alpha(Object.values(n.devs).filter((d) => d.bridge))) showBridge(c, n, br);
    return 0;
  }
  let errs = 0;
  for (const name of args) {
    const d = devByName(n, name);
    if (!d?.bridge) {
      c.err(d ? `device ${name} is not a bridge!\n` : `bridge ${name} does not exist!\n`);
      errs++;
      continue;
    }
    showBridge(c, n, d);
  }
  return errs > 0 ? 1 : 0;
}

/** a timer value as brctl prints it: %4i.%.2i seconds */
function timer(ns: number): string {
  const cs = Math.floor(ns / 10_000_000);
  return `${String(Math.floor(cs / 100)).padStart(4)}.${String(cs % 100).padStart(2, '0')}`;
}

function showmacs(c: Ctx, [brname]: string[]): number {
  const n = ns(c);
  const br = devByName(n, brname!);
  if (!br || !br.bridge) {
    c.err(`read of forward table failed: ${strError(br ? 95 : ENODEV)}\n`);
    return 1;
  }
  c.out += 'port no\tmac addr\t\tis local?\tageing timer\n';
  const now = c.ctx.m.now;
  const rows = fdbLiveEntries(now, br)
    .filter((e) => e.port !== br.ifindex && n.devs[e.port]?.port)
    .sort((a, b) => (a.mac < b.mac ? -1 : a.mac > b.mac ? 1 : 0));
  for (const e of rows) {
    const portNo = n.devs[e.port]!.port!.portNo ?? 0;
    const t = e.local || e.static ? 0 : now - e.updated;
    c.out += `${String(portNo).padStart(3)}\t${e.mac}\t${e.local ? 'yes' : 'no'}\t\t${timer(t)}\n`;
  }
  return 0;
}

function secs(cs: number): string {
  return `${String(Math.floor(cs / 100)).padStart(4)}.${String(cs % 100).padStart(2, '0')}`;
}

function showstp(c: Ctx, [brname]: string[]): number {
  const n = ns(c);
  const br = devByName(n, brname!);
  if (!br?.bridge) {
    c.err(`${brname}: can't get info ${strError(br ? 95 : ENODEV)}\n`);
    return 1;
  }
  const b = br.bridge;
  const id = bridgeIdText(br);
  let s = `${br.name}\n`;
  s += ` bridge id\t\t${id}\n`;
  s += ` designated root\t${id}\n`;
  s += ` root port\t\t   0\t\t\tpath cost\t\t   0\n`;
  s += ` max age\t\t${secs(b.maxAge)}\t\t\tbridge max age\t\t${secs(b.maxAge)}\n`;
  s += ` hello time\t\t${secs(b.helloTime)}\t\t\tbridge hello time\t${secs(b.helloTime)}\n`;
  s += ` forward delay\t\t${secs(b.forwardDelay)}\t\t\tbridge forward delay\t${secs(b.forwardDelay)}\n`;
  s += ` ageing time\t\t${secs(b.ageingTime)}\n`;
  s += ` hello timer\t\t${secs(0)}\t\t\ttcn timer\t\t${secs(0)}\n`;
  s += ` topology change timer\t${secs(0)}\t\t\tgc timer\t\t${secs(0)}\n`;
  s += ' flags\t\t\t\n\n\n';
  for (const p of portsSorted(n, br)) {
    const ps = p.port!;
    const no = ps.portNo ?? 0;
    const pid = (((ps.priority << 10) | no) & 0xffff).toString(16).padStart(4, '0');
    s += `${p.name} (${no})\n`;
    s += ` port id\t\t${pid}\t\t\tstate\t\t${ps.state.padStart(15)}\n`;
    s += ` designated root\t${id}\tpath cost\t\t${String(ps.cost).padStart(4)}\n`;
    s += ` designated bridge\t${id}\tmessage age timer\t${secs(0)}\n`;
    s += ` designated port\t${pid}\t\t\tforward delay timer\t${secs(0)}\n`;
    s += ` designated cost\t   0\t\t\thold timer\t\t${secs(0)}\n`;
    s += ' flags\t\t\t\n\n';
  }
  c.out += s;
  return 0;
}

export const brctl: Command = async (ctx) => {
  const c: Ctx = {
    ctx,
    out: '',
    err: (s) => {
      flush();
      ctx.stderr.write(s);
    },
  };
  const flush = (): void => {
    if (c.out) ctx.stdout.write(c.out);
    c.out = '';
  };
  const argv = ctx.argv.slice(1);
  // getopt: -h / -V
  if (argv[0] === '-V' || argv[0] === '--version') {
    ctx.stdout.write('bridge-utils, 1.7.1\n');
    return 0;
  }
  if (argv.length === 0 || argv[0] === '-h' || argv[0] === '--help') {
    ctx.stdout.write(help());
    return argv.length === 0 ? 1 : 0;
  }
  const cmd = CMDS.find((x) => x.name === argv[0]);
  if (!cmd) {
    ctx.stderr.write(`never heard of command [${argv[0]}]\n`);
    ctx.stdout.write(help());
    return 1;
  }
  if (argv.length < cmd.nargs + 1) {
    ctx.stdout.write(`Incorrect number of arguments for command\nUsage: brctl ${cmd.name} ${cmd.help}\n`);
    return 1;
  }
  const rc = cmd.fn(c, argv.slice(1));
  flush();
  return rc;
};
