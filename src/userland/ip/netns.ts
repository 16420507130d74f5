// `ip netns` (iproute2 6.1 ip/ipnetns.c, lib/namespace.c, lib/exec.c): /run/netns names, nsids,
// exec in a namespace, and the `-n NAME` switch.
import type { Kctx } from '../../kernel/machine.ts';
import { netnsAddNamed, netnsAttachName, netnsDelNamed, peernet2id, rtnlNetNewid } from '../../kernel/netns.ts';
import { kerr } from '../../kernel/errors.ts';
import { EXIT_M1, IpExit, matches, talk, die, invarg, getInteger, type Ip } from './utils.ts';

const RUN_DIR = '/run/netns';

function invalidName(name: string): boolean {
  return name === '' || name.length > 255 || name.includes('/') || name === '.' || name === '..';
}

/** The namespace a /run/netns name refers to. */
export function netnsByName(ip: Ip, name: string): number | undefined {
  return ip.m.world.netnsByName.get(name);
}

/** netns_get_fd: a name in /run/netns, or a path (/proc/PID/ns/net, /run/netns/NAME). */
export function netnsGetFd(ip: Ip, name: string): number | undefined {
  if (!name.includes('/')) return netnsByName(ip, name);
  let m = /^\/(?:var\/)?run\/netns\/([^/]+)$/.exec(name);
  if (m) return netnsByName(ip, m[1]!);
  m = /^\/proc\/(\d+|self)\/ns\/net$/.exec(name);
  if (m) {
    if (m[1] === 'self') return ip.netns;
    const p = ip.m.procs.get(Number(m[1]));
    return p && !p.exited ? p.netns : undefined;
  }
  return undefined;
}

/** netns_switch (ip -n NAME, ip netns exec): prints its own complaint, false on failure. */
export function netnsSwitch(ip: Ip, name: string): boolean {
  const ns = netnsByName(ip, name);
  if (name.includes('/') || ns === undefined) {
    ip.err(`Cannot open network namespace "${name}": No such file or directory\n`);
    return false;
  }
  if (ip.c.proc.uid !== 0) {
    ip.err(`setting the network namespace "${name}" failed: Operation not permitted\n`);
    return false;
  }
  ip.netns = ns;
  return true;
}

/** get_netnsid_from_name: the id the current namespace has for NAME's (no allocation). */
function nsidOfName(ip: Ip, name: string): number {
  const ns = netnsGetFd(ip, name);
  if (ns === undefined) return -1;
  return peernet2id(ip.m.world, ip.netns, ns) ?? -1;
}

/** netns_map_init: nsid -> the first /run/netns name (readdir order) that has it. */
export function netnsNsidMap(ip: Ip): Map<number, string> {
  const map = new Map<number, string>();
  for (const e of ip.m.world.netnsNames) {
    const id = peernet2id(ip.m.world, ip.netns, e.ns);
    if (id !== undefined && id >= 0 && !map.has(id)) map.set(id, e.name);
  }
  return map;
}

/** get_name_from_nsid: what netnsNsidMap(ip).get(nsid) gives, through the indexes (the
 *  namespace that has that id here, its first name in readdir order). */
export function nameFromNsid(ip: Ip, nsid: number): string | undefined {
  if (nsid < 0) return undefined;
  const peer = ip.m.world.netns[ip.netns]?.nsidPeers.get(nsid);
  return peer === undefined ? undefined : ip.m.world.netns[peer]?.names[0];
}

function usage(ip: Ip): never {
  ip.err(
    'Usage:\tip netns list\n' +
      '\tip netns add NAME\n' +
      '\tip netns attach NAME PID\n' +
      '\tip netns set NAME NETNSID\n' +
      '\tip [-all] netns delete [NAME]\n' +
      '\tip netns identify [PID]\n' +
      '\tip netns pids NAME\n' +
      '\tip [-all] netns exec [NAME] cmd ...\n' +
      '\tip netns monitor\n' +
      '\tip netns list-id [target-nsid POSITIVE-INT] [nsid POSITIVE-INT]\n' +
      'NETNSID := auto | POSITIVE-INT\n',
  );
  throw new IpExit(EXIT_M1);
}

function netnsList(ip: Ip): number {
  const p = ip.p;
  p.newJsonObj();
  for (const e of ip.m.world.netnsNames) {
    p.openObject(null);
    p.string(4, 'name', '%s', e.name);
    const id = nsidOfName(ip, e.name);
    if (id >= 0) p.num(4, 'id', ' (id: %d)', id);
    p.string(1, null, '\n', null);
    p.closeObject();
  }
  p.deleteJsonObj();
  return 0;
}

function netnsListId(ip: Ip, argv: string[]): number {
  let target = -1;
  let nsid = -1;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === 'target-nsid') {
      if (target >= 0) die(ip, `Error: duplicate "target-nsid": "${a}" is the second value.\n`);
      const v = argv[++i];
      if (v === undefined) die(ip, 'Command line is not complete. Try option "help"\n');
      const n = getInteger(v);
      if (n === null) invarg(ip, '"target-nsid" value is invalid', v);
      if (n < 0) invarg(ip, '"target-nsid" value should be >= 0', v);
      target = n;
    } else if (a === 'nsid') {
      if (nsid >= 0) die(ip, `Error: duplicate "nsid": "${a}" is the second value.\n`);
      const v = argv[++i];
      if (v === undefined) die(ip, 'Command line is not complete. Try option "help"\n');
      const n = getInteger(v);
      if (n === null) invarg(ip, '"nsid" value is invalid', v);
      if (n < 0) invarg(ip, '"nsid" value should be >= 0', v);
      nsid = n;
    } else usage(ip);
  }
  const w = ip.m.world;
  // the namespace whose ids are listed: the current one, or the one it numbers `target`
  let base = ip.netns;
  if (target >= 0) {
    const t = Object.entries(w.netns[ip.netns]?.nsids ?? {}).find(([, id]) => id === target);
    if (!t) {
      ip.err('RTNETLINK answers: Invalid argument\nDump terminated\n');
      throw new IpExit(1);
    }
    base = Number(t[0]);
  }
  const names = netnsNsidMap(ip);
  const entries = Object.entries(w.netns[base]?.nsids ?? {})
    .map(([peer, id]) => ({ peer: Number(peer), id }))
    .sort((a, b) => a.id - b.id);
  const p = ip.p;
  const printOne = (e: { peer: number; id: number }): void => {
    p.openObject(null);
    p.num(4, 'nsid', 'nsid %d ', e.id);
    // with target-nsid the kernel also says which id the current namespace has for it
    let key = e.id;
    if (target >= 0) {
      const cur = peernet2id(w, ip.netns, e.peer) ?? -1;
      if (cur < 0) p.string(1, null, 'current-nsid unassigned ', null);
      else p.num(4, 'current-nsid', 'current-nsid %d ', cur);
      key = cur;
    }
    const name = names.get(key);
    if (name !== undefined) {
      p.string(4, 'name', '(iproute2 netns name: %s)', name);
      names.delete(key);
    }
    p.string(1, null, '\n', null);
    p.closeObject();
  };
  if (nsid >= 0) {
    const e = entries.find((x) => x.id === nsid);
    if (!e) {
      ip.err('Error: Peer netns reference is invalid.\n');
      return -2;
    }
    p.newJsonObj();
    printOne(e);
    p.deleteJsonObj();
    return 0;
  }
  p.newJsonObj();
  for (const e of entries) printOne(e);
  p.deleteJsonObj();
  return 0;
}

function netnsAdd(ip: Ip, argv: string[], create: boolean): number {
  let pidNs: number | undefined;
  let pidArg = '';
  if (create) {
    if (argv.length < 1) {
      ip.err('No netns name specified\n');
      return -1;
    }
  } else {
    if (argv.length < 2) {
      ip.err('No netns name and PID specified\n');
      return -1;
    }
    pidArg = argv[1]!;
    const pid = getInteger(pidArg, 0);
    if (pid === null || pid === 0) {
      ip.err(`Invalid PID: ${pidArg}\n`);
      return -1;
    }
    const proc = ip.m.procs.get(pid);
    pidNs = proc && !proc.exited ? proc.netns : undefined;
  }
  const name = argv[0]!;
  if (ip.c.proc.uid !== 0) {
    ip.err(`mount --make-shared ${RUN_DIR} failed: Operation not permitted\n`);
    return -1;
  }
  if (netnsByName(ip, name) !== undefined) {
    ip.err(`Cannot create namespace file "${RUN_DIR}/${name}": File exists\n`);
    return -1;
  }
  if (create) {
    ip.m.mutate((k) => netnsAddNamed(k, name));
    return 0;
  }
  if (pidNs === undefined) {
    ip.err(`Bind /proc/${pidArg}/ns/net -> ${RUN_DIR}/${name} failed: No such file or directory\n`);
    return -1;
  }
  const ns = pidNs;
  // a bind mount of an existing namespace: one more /run/netns entry (newest first)
  ip.m.mutate((k) => netnsAttachName(k, name, ns));
  return 0;
}

function onNetnsDel(ip: Ip, name: string): number {
  if (ip.c.proc.uid !== 0) {
    ip.err(`Cannot remove namespace file "${RUN_DIR}/${name}": Operation not permitted\n`);
    return -1;
  }
  if (netnsByName(ip, name) === undefined) {
    ip.err(`Cannot remove namespace file "${RUN_DIR}/${name}": No such file or directory\n`);
    return -1;
  }
  ip.m.mutate((k) => netnsDelNamed(k, name));
  return 0;
}

function netnsDelete(ip: Ip, argv: string[]): number {
  if (argv.length < 1 && !ip.opts.all) {
    ip.err('No netns name specified\n');
    return -1;
  }
  if (ip.opts.all) {
    for (const e of [...ip.m.world.netnsNames]) if (onNetnsDel(ip, e.name)) break;
    return 0;
  }
  return onNetnsDel(ip, argv[0]!);
}

function isPid(s: string): boolean {
  return /^\d*$/.test(s);
}

function netnsIdentify(ip: Ip, argv: string[]): number {
  let ns: number | undefined;
  if (argv.length < 1) ns = ip.netns;
  else if (argv.length > 1) {
    ip.err('extra arguments specified\n');
    return -1;
  } else {
    const pid = argv[0]!;
    if (!isPid(pid)) {
      ip.err(`Specified string '${pid}' is not a pid\n`);
      return -1;
    }
    const proc = ip.m.procs.get(Number(pid));
    if (pid === '' || !proc || proc.exited) {
      ip.err('Cannot open network namespace: No such file or directory\n');
      return -1;
    }
    ns = proc.netns;
  }
  // the last of its names in readdir order
  const name = ip.m.world.netns[ns]?.names.at(-1) ?? '';
  ip.p.fp(`${name}\n`);
  return 0;
}

function netnsPids(ip: Ip, argv: string[]): number {
  if (argv.length < 1) {
    ip.err('No netns name specified\n');
    return -1;
  }
  if (argv.length > 1) {
    ip.err('extra arguments specified\n');
    return -1;
  }
  const ns = netnsGetFd(ip, argv[0]!.includes('/') ? argv[0]! : argv[0]!);
  if (ns === undefined) {
    ip.err('Cannot open network namespace: No such file or directory\n');
    return -1;
  }
  const pids = [...ip.m.procs.values()]
    .filter((p) => !p.exited && (p === ip.c.proc ? ip.netns : p.netns) === ns)
    .map((p) => p.pid)
    .sort((a, b) => a - b);
  for (const pid of pids) ip.p.fp(`${pid}\n`);
  return 0;
}

/** rtnl_net_newid: assign an nsid (or the lowest free one for auto) to NAME's namespace. */
function netnsSet(ip: Ip, argv: string[]): number {
  if (argv.length < 1) {
    ip.err('No netns name specified\n');
    return -1;
  }
  if (argv.length < 2) {
    ip.err('No nsid specified\n');
    return -1;
  }
  const name = argv[0]!;
  let nsid: number;
  if (argv[1] === 'auto') nsid = -1;
  else {
    const n = getInteger(argv[1]!, 0);
    if (n === null) invarg(ip, 'Invalid "netnsid" value', argv[1]!);
    if (n < 0) invarg(ip, '"netnsid" value should be >= 0', argv[1]!);
    nsid = n;
  }
  const peer = netnsByName(ip, name);
  if (peer === undefined) {
    ip.err(`Cannot open network namespace "${name}": No such file or directory\n`);
    return -1;
  }
  const cur = ip.netns;
  talk(ip, (k: Kctx) => {
    if (ip.c.proc.uid !== 0) throw kerr('EPERM');
    rtnlNetNewid(k, cur, peer, nsid >= 0 ? nsid : 'auto');
  });
  return 0;
}

async function netnsExec(ip: Ip, argv: string[]): Promise<number> {
  if (argv.length < 1 && !ip.opts.all) {
    ip.err('No netns name specified\n');
    return -1;
  }
  if ((argv.length < 2 && !ip.opts.all) || (argv.length < 1 && ip.opts.all)) {
    ip.err('No command specified\n');
    return -1;
  }
  if (ip.opts.all) {
    for (const e of [...ip.m.world.netnsNames]) {
      ip.p.fp(`\nnetns: ${e.name}\n`);
      ip.p.flush();
      await execIn(ip, e.name, argv);
    }
    return 0;
  }
  const st = await execIn(ip, argv[0]!, argv.slice(1));
  return -st;
}

/** cmd_exec + netns_switch: run argv in NAME's namespace; its status (1 if exec fails, -1 if the switch does). */
async function execIn(ip: Ip, name: string, argv: string[]): Promise<number> {
  ip.p.flush();
  const ns = netnsByName(ip, name);
  if (ns === undefined) {
    ip.err(`Cannot open network namespace "${name}": No such file or directory\n`);
    return -1;
  }
  if (ip.c.proc.uid !== 0) {
    ip.err(`setting the network namespace "${name}" failed: Operation not permitted\n`);
    return -1;
  }
  const cmd = argv[0]!;
  if (!ip.c.has(cmd)) {
    ip.err(`exec of "${cmd}" failed: No such file or directory\n`);
    return 1;
  }
  // iproute2 setns()es itself and execs the command (it keeps ip's pid, which `$!`,
  // `ip netns pids` and `ip netns identify PID` see); with -all it forks first.
  return ip.opts.all ? ip.c.run(argv, { netns: ns }) : ip.c.exec(argv, { netns: ns });
}

export async function doNetns(ip: Ip, argv: string[]): Promise<number> {
  if (argv.length < 1) return netnsList(ip);
  if (!ip.opts.all && argv.length > 1 && invalidName(argv[1]!)) {
    ip.err(`Invalid netns name "${argv[1]}"\n`);
    throw new IpExit(EXIT_M1);
  }
  const cmd = argv[0]!;
  const rest = argv.slice(1);
  if (matches(cmd, 'list') || matches(cmd, 'show') || matches(cmd, 'lst')) return netnsList(ip);
  if (matches(cmd, 'list-id')) return netnsListId(ip, rest);
  if (matches(cmd, 'help')) usage(ip);
  if (matches(cmd, 'add')) return netnsAdd(ip, rest, true);
  if (matches(cmd, 'set')) return netnsSet(ip, rest);
  if (matches(cmd, 'delete')) return netnsDelete(ip, rest);
  if (matches(cmd, 'identify')) return netnsIdentify(ip, rest);
  if (matches(cmd, 'pids')) return netnsPids(ip, rest);
  if (matches(cmd, 'exec')) {
    const rc = await netnsExec(ip, rest);
    return rc;
  }
  if (matches(cmd, 'monitor')) {
    ip.err('nsemu: "ip netns monitor" is not emulated\n');
    return -1;
  }
  if (matches(cmd, 'attach')) return netnsAdd(ip, rest, false);
  ip.err(`Command "${cmd}" is unknown, try "ip netns help".\n`);
  throw new IpExit(EXIT_M1);
}
