// ovs-vsctl and ovs-appctl (Open vSwitch 3.1.0) for normal-mode bridges: the database commands
// seed001-ovs.sh and the tutorials use, with `--` chains applied as one transaction, then
// ovs-vswitchd's reconfiguration (kernel devices, port promiscuity). OpenFlow tables
// (ovs-ofctl, flows other than NORMAL) are not emulated.
import type { Command } from '../command.ts';
import { newUuid, ovsFdb, ovsReconfigure, ovsReleasePort, ovsState, OVS_VERSION, type OvsBridge, type OvsState } from '../../devices/ovs.ts';

class VsctlError extends Error {
  constructor(
    msg: string,
    readonly code = 1,
  ) {
    super(msg);
  }
}

function die(msg: string, code = 1): never {
  throw new VsctlError(msg, code);
}

function findBridge(s: OvsState, name: string): OvsBridge | undefined {
  return s.bridges.find((b) => b.name === name);
}

function needBridge(s: OvsState, name: string | undefined): OvsBridge {
  if (name === undefined) die('not enough arguments');
  const b = findBridge(s, name);
  if (!b) die(`no bridge named ${name}`);
  return b;
}

function portOwner(s: OvsState, port: string): OvsBridge | undefined {
  return s.bridges.find((b) => b.ports.some((p) => p.name === port));
}

function unquote(v: string): string {
  return v.length >= 2 && v.startsWith('"') && v.endsWith('"') ? v.slice(1, -1) : v;
}

function show(s: OvsState): string {
  let o = `${s.rootUuid}\n`;
  for (const b of [...s.bridges].sort((x, y) => (x.name < y.name ? -1 : 1))) {
    o += `    Bridge ${b.name}\n`;
    if (b.datapathType) o += `        datapath_type: ${b.datapathType}\n`;
    for (const p of [...b.ports].sort((x, y) => (x.name < y.name ? -1 : 1))) {
      o += `        Port ${p.name}\n            Interface ${p.name}\n`;
      if (p.internal) o += '                type: internal\n';
    }
  }
  if (s.ovsVersion !== undefined) o += `    ovs_version: "${s.ovsVersion}"\n`;
  return o;
}

interface Changes {
  released: { br: OvsBridge; port: OvsBridge['ports'][number] }[];
}

function runOne(s: OvsState, words: string[], out: string[], ch: Changes): number {
  const opts = new Set<string>();
  while (words[0]?.startsWith('--')) opts.add(words.shift()!);
  const [cmd, ...a] = words;
  switch (cmd) {
    case undefined:
      return 0;
    case 'init':
      s.initialized = true;
      return 0;
    case 'show':
      out.push(show(s));
      return 0;
    case 'add-br': {
      const name = a[0] ?? die("'add-br' command requires at least 1 arguments");
      if (findBridge(s, name)) {
        if (opts.has('--may-exist')) return 0;
        die(`cannot create a bridge named ${name} because a bridge named ${name} already exists`);
      }
      if (portOwner(s, name)) die(`cannot create a bridge named ${name} because a port named ${name} already exists on bridge ${portOwner(s, name)!.name}`);
      s.bridges.push({
        name,
        uuid: newUuid(s),
        datapathType: '',
        ports: [{ name, uuid: newUuid(s), ifaceUuid: newUuid(s), internal: true, ofport: 65534 }],
        mac: new Map(),
      });
      return 0;
    }
    case 'del-br': {
      const name = a[0] ?? die("'del-br' command requires at least 1 arguments");
      const b = findBridge(s, name);
      if (!b) {
        if (opts.has('--if-exists')) return 0;
        die(`no bridge named ${name}`);
      }
      for (const p of b.ports) ch.released.push({ br: b, port: p });
      s.bridges = s.bridges.filter((x) => x !== b);
      return 0;
    }
    case 'add-port': {
      const b = needBridge(s, a[0]);
      const name = a[1] ?? die("'add-port' command requires at least 2 arguments");
      const owner = portOwner(s, name);
      if (owner) {
        if (opts.has('--may-exist') && owner === b) return 0;
        die(`cannot create a port named ${name} because a port named ${name} already exists on bridge ${owner.name}`);
      }
      const used = new Set(b.ports.map((p) => p.ofport));
      let of = 1;
      while (used.has(of)) of++;
      b.ports.push({ name, uuid: newUuid(s), ifaceUuid: newUuid(s), internal: false, ofport: of });
      return 0;
    }
    case 'del-port': {
      const name = a.length > 1 ? a[1]! : (a[0] ?? die("'del-port' command requires at least 1 arguments"));
      const b = a.length > 1 ? needBridge(s, a[0]) : portOwner(s, name);
      const p = b?.ports.find((x) => x.name === name && !x.internal);
      if (!b || !p) {
        if (opts.has('--if-exists')) return 0;
        if (b && a.length > 1 && portOwner(s, name)) die(`bridge ${b.name} does not have a port ${name}`);
        die(`no port named ${name}`);
      }
      ch.released.push({ br: b, port: p });
      b.ports = b.ports.filter((x) => x !== p);
      return 0;
    }
    case 'list-br':
      for (const b of [...s.bridges].sort((x, y) => (x.name < y.name ? -1 : 1))) out.push(`${b.name}\n`);
      return 0;
    case 'list-ports': {
      const b = needBridge(s, a[0]);
      for (const p of [...b.ports].filter((x) => !x.internal).sort((x, y) => (x.name < y.name ? -1 : 1))) out.push(`${p.name}\n`);
      return 0;
    }
    case 'br-exists':
      if (a[0] === undefined) die("'br-exists' command requires at least 1 arguments");
      return findBridge(s, a[0]) ? 0 : 2;
    case 'port-to-br': {
      const b = portOwner(s, a[0] ?? die("'port-to-br' command requires at least 1 arguments"));
      if (!b) die(`no port named ${a[0]}`);
      out.push(`${b.name}\n`);
      return 0;
    }
    case 'set':
    case 'get': {
      const table = (a[0] ?? die(`'${cmd}' command requires at least 2 arguments`)).toLowerCase();
      const rec = a[1] ?? die(`'${cmd}' command requires at least 2 arguments`);
      for (const kv of a.slice(2)) {
        const eq = kv.indexOf('=');
        const col = cmd === 'set' ? kv.slice(0, eq) : kv;
        const val = cmd === 'set' ? unquote(kv.slice(eq + 1)) : '';
        if (cmd === 'set' && eq < 0) die(`${kv}: argument does not end in "=" followed by a value.`);
        if (table === 'open_vswitch') {
          if (col !== 'ovs_version') die(`nsemu: "ovs-vsctl ${cmd} Open_vSwitch . ${col}" is not emulated`);
          if (cmd === 'set') s.ovsVersion = val;
          else out.push(s.ovsVersion === undefined ? '[]\n' : `"${s.ovsVersion}"\n`);
        } else if (table === 'bridge') {
          const b = findBridge(s, rec) ?? die(`no row "${rec}" in table Bridge`);
          if (col !== 'datapath_type') die(`nsemu: "ovs-vsctl ${cmd} Bridge ${rec} ${col}" is not emulated`);
          if (cmd === 'set') b.datapathType = val;
          else out.push(`${b.datapathType === '' ? '""' : b.datapathType}\n`);
        } else die(`nsemu: "ovs-vsctl ${cmd} ${a[0]}" is not emulated`);
      }
      return 0;
    }
    default:
      die(`unknown command '${cmd}'; use --help for help`);
  }
}

export const ovsVsctl: Command = async (ctx) => {
  const argv = ctx.argv.slice(1);
  const global = new Set<string>();
  let i = 0;
  for (; i < argv.length && argv[i]!.startsWith('-') && argv[i] !== '--'; i++) {
    const a = argv[i]!;
    if (a === '--version' || a === '-V') {
      ctx.stdout.write(`ovs-vsctl (Open vSwitch) ${OVS_VERSION}\nDB Schema 8.3.1\n`);
      return 0;
    }
    if (a === '--may-exist' || a === '--if-exists') break;
    global.add(a.split('=')[0]!);
  }
  const s = ovsState(ctx.m);
  const db = argv.find((a) => a.startsWith('--db='))?.slice(5) ?? `unix:${ctx.env.OVS_RUNDIR ?? '/var/run/openvswitch'}/db.sock`;
  if (!s.server) {
    ctx.stderr.write(`ovs-vsctl: ${db}: database connection failed (No such file or directory)\n`);
    return 1;
  }
  // commands separated by "--"
  const cmds: string[][] = [[]];
  for (const w of argv.slice(i)) {
    if (w === '--') cmds.push([]);
    else cmds[cmds.length - 1]!.push(w);
  }
  const out: string[] = [];
  const ch: Changes = { released: [] };
  // one transaction: work on a copy, commit only if every command succeeds
  const saved = { bridges: s.bridges.map((b) => ({ ...b, ports: [...b.ports] })), ovsVersion: s.ovsVersion, initialized: s.initialized };
  let rc = 0;
  try {
    for (const c of cmds) {
      const r = runOne(s, c, out, ch);
      if (r) rc = r;
    }
  } catch (e) {
    if (e instanceof VsctlError) {
      s.bridges = saved.bridges;
      s.ovsVersion = saved.ovsVersion;
      s.initialized = saved.initialized;
      ctx.stderr.write(e.message.startsWith('nsemu:') ? `${e.message}\n` : `ovs-vsctl: ${e.message}\n`);
      return e.code;
    }
    throw e;
  }
  ctx.m.mutate((k) => {
    for (const { port } of ch.released) ovsReleasePort(k, s, port);
    ovsReconfigure(k, s);
  });
  ctx.stdout.write(out.join(''));
  return rc;
};

export const ovsAppctl: Command = async (ctx) => {
  const argv = ctx.argv.slice(1).filter((a) => !a.startsWith('-'));
  if (ctx.argv.includes('--version') || ctx.argv.includes('-V')) {
    ctx.stdout.write(`ovs-appctl (Open vSwitch) ${OVS_VERSION}\n`);
    return 0;
  }
  const s = ovsState(ctx.m);
  if (!s.vswitchd) {
    ctx.stderr.write(`ovs-appctl: cannot read pidfile "${ctx.env.OVS_RUNDIR ?? '/var/run/openvswitch'}/ovs-vswitchd.pid" (No such file or directory)\n`);
    return 1;
  }
  const [cmd, arg] = argv;
  if (cmd === 'fdb/show') {
    const b = arg !== undefined ? s.bridges.find((x) => x.name === arg) : undefined;
    if (!b) {
      ctx.stderr.write('no such bridge\novs-appctl: ovs-vswitchd: server returned an error\n');
      return 2;
    }
    let o = ' port  VLAN  MAC                Age\n';
    for (const e of ovsFdb(ctx.m, b)) {
      const port = e.ofport === 65534 ? 'LOCAL' : String(e.ofport);
      o += `${port.padStart(5)}  ${'0'.padStart(4)}  ${e.mac}  ${String(e.age).padStart(3)}\n`;
    }
    ctx.stdout.write(o);
    return 0;
  }
  if (cmd === 'fdb/flush') {
    for (const b of s.bridges) if (arg === undefined || b.name === arg) b.mac.clear();
    ctx.stdout.write('table successfully flushed\n');
    return 0;
  }
  ctx.stderr.write(`"${cmd ?? ''}" is not a valid command (use "list-commands" to see a list of valid commands)\novs-appctl: ovs-vswitchd: server returned an error\n`);
  return 2;
};
