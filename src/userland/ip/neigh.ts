// `ip neigh` (iproute2 6.1 ip/ipneigh.c) over the emulated ARP table; the kernel's side of an
// administrative change (__neigh_update with NEIGH_UPDATE_F_ADMIN) is in protocols/neighbour.ts.
import { NS_PER_SEC } from '../../kernel/machine.ts';
import type { Device, Neighbour } from '../../kernel/types.ts';
import { KernelError, kerr } from '../../kernel/errors.ts';
import { getNs } from '../../kernel/dev.ts';
import { NUD, NUD_BIT, NUD_NAME, NUD_VALID, neighAdminUpdate, neighCreate, neighDelete, neighKey, pneighAdd, pneighDelete } from '../../protocols/neighbour.ts';
import { inPrefix, ipv4ToText } from '../../protocols/wire/addr.ts';
import {
  AF,
  Args,
  COLOR,
  EXIT_M1,
  IpExit,
  PRINT_ANY,
  PRINT_FP,
  PRINT_JSON,
  die,
  duparg,
  duparg2,
  getAddr,
  getPrefix,
  getU32,
  invarg,
  llAddrA2n,
  llIndexToName,
  llNameToIndex,
  macText,
  matches,
  nodev,
  rtnlErrorText,
  rtprotA2n,
  rtprotN2a,
  talk,
  flushSelected,
  type InetPrefix,
  type Ip,
} from './utils.ts';

function usage(ip: Ip): never {
  ip.err(
    'Usage: ip neigh { add | del | change | replace }\n' +
      '                { ADDR [ lladdr LLADDR ] [ nud STATE ] proxy ADDR }\n' +
      '                [ dev DEV ] [ router ] [ use ] [ managed ] [ extern_learn ]\n' +
      '                [ protocol PROTO ]\n' +
      '\n' +
      '\tip neigh { show | flush } [ proxy ] [ to PREFIX ] [ dev DEV ] [ nud STATE ]\n' +
      '\t\t\t\t  [ vrf NAME ] [ nomaster ]\n' +
      '\tip neigh get { ADDR | proxy ADDR } dev DEV\n' +
      '\n' +
      'STATE := { delay | failed | incomplete | noarp | none |\n' +
      '           permanent | probe | reachable | stale }\n',
  );
  throw new IpExit(EXIT_M1);
}

/** nud_state_a2n */
function nudStateA2n(arg: string): number | null {
  if (matches(arg, 'permanent')) return NUD.PERMANENT;
  if (matches(arg, 'reachable')) return NUD.REACHABLE;
  if (arg === 'noarp') return NUD.NOARP;
  if (arg === 'none') return NUD.NONE;
  if (arg === 'stale') return NUD.STALE;
  if (arg === 'incomplete') return NUD.INCOMPLETE;
  if (arg === 'delay') return NUD.DELAY;
  if (arg === 'probe') return NUD.PROBE;
  if (matches(arg, 'failed')) return NUD.FAILED;
  const v = getU32(arg, 0);
  if (v === null || v >= 0x100 || (v & (v - 1)) !== 0) return null;
  return v;
}

const RTM_NEWNEIGH = 28;
const RTM_DELNEIGH = 29;
const NLM = { REPLACE: 0x100, EXCL: 0x200, CREATE: 0x400 } as const;

function ipneighModify(ip: Ip, cmd: number, flags: number, argv: string[]): number {
  let state: number = NUD.PERMANENT;
  let dev: string | undefined;
  let dstOk = false;
  let devOk = false;
  let lla: string | undefined;
  let dst: InetPrefix | undefined;
  let proxy = false;
  const a = new Args(ip, argv);
  while (a.argc > 0) {
    const w = a.cur;
    if (matches(w, 'lladdr')) {
      const v = a.next();
      if (lla !== undefined) duparg(ip, 'lladdr', v);
      lla = v;
    } else if (w === 'nud') {
      const v = a.next();
      const s = nudStateA2n(v);
      if (s === null) invarg(ip, 'nud state is bad', v);
      state = s;
    } else if (matches(w, 'proxy')) {
      const v = a.next();
      if (matches(v, 'help')) usage(ip);
      if (dstOk) duparg(ip, 'address', v);
      dst = getAddr(ip, v, ip.opts.family);
      dstOk = true;
      devOk = true;
      proxy = true;
    } else if (w === 'router' || w === 'use' || matches(w, 'extern_learn')) {
      // flags the emulated ARP table does not keep
    } else if (w === 'managed') state = NUD.NONE;
    else if (w === 'dev') {
      dev = a.next();
      devOk = true;
    } else if (matches(w, 'protocol')) {
      const v = a.next();
      if (rtprotA2n(v) === null) invarg(ip, '"protocol" value is invalid\n', v);
    } else {
      let v = w;
      if (v === 'to') v = a.next();
      if (matches(v, 'help')) v = a.next();
      if (dstOk) duparg2(ip, 'to', v);
      dst = getAddr(ip, v, ip.opts.family);
      dstOk = true;
    }
    a.adv();
  }
  if (!devOk || !dstOk || !dst || dst.family === AF.UNSPEC) {
    ip.err('Device and destination are required arguments.\n');
    throw new IpExit(EXIT_M1);
  }
  let ll: Uint8Array | undefined;
  if (lla !== undefined && lla !== 'null') {
    const b = llAddrA2n(ip, lla);
    if (!b) return -1;
    ll = b;
  }
  let ifindex = 0;
  if (dev !== undefined) {
    ifindex = llNameToIndex(ip, dev);
    if (!ifindex) {
      nodev(ip, dev);
      return -1;
    }
  }
  if (dst.family !== AF.INET) {
    ip.err('nsemu: IPv6 neighbours are not emulated\n');
    throw new IpExit(2);
  }
  const nsId = ip.netns;
  if (proxy) {
    talk(ip, (k) => {
      if (ip.c.proc.uid !== 0) throw kerr('EPERM');
      const ns = getNs(k.w, nsId);
      if (!ifindex || !ns.devs[ifindex]) throw kerr('EINVAL', 'Device not specified');
      if (cmd === RTM_DELNEIGH) pneighDelete(ns, ifindex, dst.v4);
      else pneighAdd(ns, ifindex, dst.v4);
    }, 2);
    return 0;
  }
  const uid = ip.c.proc.uid;
  const addr = dst.v4;
  // neigh_add keeps an entry it created even when the update then fails ("No link layer
  // address given" leaves a NONE entry behind), so the failure is reported after the change.
  let failure: KernelError | undefined;
  try {
    ip.m.mutate((k) => {
      if (uid !== 0) throw kerr('EPERM');
      const ns = getNs(k.w, nsId);
      const d = ifindex ? ns.devs[ifindex] : undefined;
      if (ifindex && !d) throw kerr('ENODEV');
      if (ll && d && ll.length < 6) throw kerr('EINVAL', 'Invalid link address');
      if (!d) throw kerr('EINVAL', 'Device not specified');
      if (cmd === RTM_DELNEIGH) return neighDelete(k, nsId, d.ifindex, addr);
      let n = ns.neigh.get(neighKey(d.ifindex, addr));
      let override = true;
      if (!n) {
        if (!(flags & NLM.CREATE)) throw kerr('ENOENT');
        n = neighCreate(k, nsId, d, addr);
      } else {
        if (flags & NLM.EXCL) throw kerr('EEXIST');
        if (!(flags & NLM.REPLACE)) override = false;
      }
      try {
        neighAdminUpdate(k, nsId, d, n, ll ? macText(ll) : undefined, state, override);
      } catch (e) {
        if (e instanceof KernelError) failure = e;
        else throw e;
      }
    });
  } catch (e) {
    if (e instanceof KernelError) {
      ip.err(rtnlErrorText(e));
      throw new IpExit(2);
    }
    throw e;
  }
  if (failure) {
    ip.err(rtnlErrorText(failure));
    throw new IpExit(2);
  }
  return 0;
}

interface NeighFilter {
  family: number;
  index: number;
  state: number;
  unusedOnly: boolean;
  pfx?: InetPrefix;
  flush: boolean;
  proxy: boolean;
  master: number;
}

function neighPasses(f: NeighFilter, n: Neighbour): boolean {
  if (f.family && f.family !== AF.INET) return false;
  if (f.index && f.index !== n.dev) return false;
  const bits = NUD_BIT[n.state];
  if (!(f.state & bits) && (bits || !(f.state & 0x100))) return false;
  if (f.pfx && f.pfx.family !== AF.UNSPEC && f.pfx.bitlen > 0) {
    if (f.pfx.family !== AF.INET || !inPrefix(n.ip, f.pfx.v4, f.pfx.bitlen)) return false;
  }
  return true;
}

/** print_neigh */
function printNeigh(ip: Ip, f: NeighFilter, n: Neighbour): void {
  const p = ip.p;
  const bits = NUD_BIT[n.state];
  p.openObject(null);
  if (ip.opts.brief) {
    p.cstring(PRINT_ANY, COLOR.INET, 'dst', '%-39s ', ipv4ToText(n.ip));
    if (!f.index && n.dev) p.cstring(PRINT_ANY, COLOR.IFNAME, 'dev', '%-16s ', llIndexToName(ip, n.dev));
    if (bits & NUD_VALID && n.lladdr) p.cstring(PRINT_ANY, COLOR.MAC, 'lladdr', '%s', n.lladdr);
    p.string(PRINT_FP, null, '%s', '\n');
    p.closeObject();
    p.flush();
    return;
  }
  p.cstring(PRINT_ANY, COLOR.INET, 'dst', '%s ', ipv4ToText(n.ip));
  if (!f.index && n.dev) {
    if (!p.isJson()) p.fp('dev ');
    p.cstring(PRINT_ANY, COLOR.IFNAME, 'dev', '%s ', llIndexToName(ip, n.dev));
  }
  if (bits & NUD_VALID && n.lladdr) {
    if (!p.isJson()) p.fp('lladdr ');
    p.cstring(PRINT_ANY, COLOR.MAC, 'lladdr', '%s ', n.lladdr);
  }
  if (ip.opts.stats) {
    const now = ip.m.now;
    const secs = (t: number): number => Math.max(0, Math.floor((now - t) / NS_PER_SEC));
    p.num(PRINT_ANY, 'used', ' used %u', secs(n.used));
    p.num(PRINT_ANY, 'confirmed', '/%u', secs(n.confirmed < -1e17 ? now - 60 * NS_PER_SEC : n.confirmed));
    p.num(PRINT_ANY, 'updated', '/%u', secs(n.updated));
    p.num(PRINT_ANY, 'probes', 'probes %u ', n.probes);
  }
  if (bits) {
    p.openArray(PRINT_JSON, p.isJson() ? 'state' : '');
    for (const [b, name] of NUD_NAME) if (bits & b) p.string(PRINT_ANY, null, '%s ', name);
    p.closeArray(PRINT_JSON, null);
  }
  if (n.proto) p.string(PRINT_ANY, 'protocol', 'proto %s ', rtprotN2a(ip, n.proto));
  p.string(PRINT_FP, null, '\n', null);
  p.closeObject();
  p.flush();
}

function doShowOrFlush(ip: Ip, argv: string[], flush: boolean): number {
  const f: NeighFilter = { family: ip.opts.family, index: 0, state: ~0, unusedOnly: false, flush, proxy: false, master: 0 };
  let filterDev: string | undefined;
  let stateGiven = false;
  if (flush) {
    if (argv.length <= 0) {
      ip.err('Flush requires arguments.\n');
      return -1;
    }
    f.state = ~(NUD.PERMANENT | NUD.NOARP);
  } else f.state = 0xff & ~NUD.NOARP;
  const a = new Args(ip, argv);
  while (a.argc > 0) {
    const w = a.cur;
    if (w === 'dev') {
      const v = a.next();
      if (filterDev !== undefined) duparg(ip, 'dev', v);
      filterDev = v;
    } else if (w === 'master') {
      const v = a.next();
      const idx = llNameToIndex(ip, v);
      if (!idx) invarg(ip, 'Device does not exist\n', v);
      f.master = idx;
    } else if (w === 'vrf') {
      invarg(ip, 'Not a valid VRF name\n', a.next());
    } else if (w === 'nomaster') f.master = -1;
    else if (w === 'unused') f.unusedOnly = true;
    else if (w === 'nud') {
      const v = a.next();
      if (!stateGiven) {
        stateGiven = true;
        f.state = 0;
      }
      let s = nudStateA2n(v);
      if (s === null) {
        if (v !== 'all') invarg(ip, 'nud state is bad', v);
        s = ~0;
        if (flush) s &= ~NUD.NOARP;
      }
      if (s === 0) s = 0x100;
      f.state |= s;
    } else if (w === 'proxy') f.proxy = true;
    else if (matches(w, 'protocol')) {
      const v = a.next();
      if (rtprotA2n(v) === null && v !== 'all') invarg(ip, 'invalid "protocol"\n', v);
    } else {
      let v = w;
      if (v === 'to') v = a.next();
      if (matches(v, 'help')) usage(ip);
      const pfx = getPrefix(ip, v, f.family);
      f.pfx = pfx;
      if (f.family === AF.UNSPEC) f.family = pfx.family;
    }
    a.adv();
  }
  if (filterDev !== undefined) {
    f.index = llNameToIndex(ip, filterDev);
    if (!f.index) {
      nodev(ip, filterDev);
      return -1;
    }
  }
  const ns = ip.m.world.netns[ip.netns]!;
  // the master filter: entries on ports of that bridge (kernel neigh_master_filtered)
  const masterOk = (n: Neighbour): boolean => {
    if (!f.master) return true;
    const d = ns.devs[n.dev];
    if (f.master === -1) return d?.master === undefined;
    return d?.master === f.master;
  };
  if (f.proxy && !flush) {
    // pneigh_dump_table: `ADDR dev DEV proxy`
    for (const pn of ns.pneigh.values()) {
      if (f.index && pn.dev !== f.index) continue;
      const dname = ns.devs[pn.dev]?.name ?? `if${pn.dev}`;
      ip.p.fp(`${ipv4ToText(pn.ip)} ${f.index ? '' : `dev ${dname} `}proxy \n`);
    }
    ip.p.flush();
    return 0;
  }
  const entries = f.proxy ? [] : [...ns.neigh.values()].filter((n) => masterOk(n) && neighPasses(f, n) && !(f.index && ns.devs[f.index] === undefined));
  if (flush) {
    return flushSelected(
      ip,
      entries,
      'entries',
      (n) => printNeigh(ip, f, n),
      (k, nsId, n) => {
        if (getNs(k.w, nsId).neigh.has(neighKey(n.dev, n.ip))) neighDelete(k, nsId, n.dev, n.ip);
      },
      1,
    );
  }
  ip.p.newJsonObj();
  for (const n of entries) printNeigh(ip, f, n);
  ip.p.deleteJsonObj();
  ip.p.flush();
  return 0;
}

function ipneighGet(ip: Ip, argv: string[]): number {
  let d: string | undefined;
  let dst: InetPrefix | undefined;
  let devOk = false;
  let dstOk = false;
  const a = new Args(ip, argv);
  while (a.argc > 0) {
    const w = a.cur;
    if (w === 'dev') {
      d = a.next();
      devOk = true;
    } else if (matches(w, 'proxy')) {
      const v = a.next();
      if (matches(v, 'help')) usage(ip);
      if (dstOk) duparg(ip, 'address', v);
      dst = getAddr(ip, v, ip.opts.family);
      dstOk = true;
      devOk = true;
    } else {
      let v = w;
      if (v === 'to') v = a.next();
      if (matches(v, 'help')) usage(ip);
      if (dstOk) duparg2(ip, 'to', v);
      dst = getAddr(ip, v, ip.opts.family);
      dstOk = true;
    }
    a.adv();
  }
  if (!devOk || !dstOk || !dst || dst.family === AF.UNSPEC) {
    ip.err('Device and address are required arguments.\n');
    return -1;
  }
  let ifindex = 0;
  if (d !== undefined) {
    ifindex = llNameToIndex(ip, d);
    if (!ifindex) {
      ip.err(`Cannot find device "${d}"\n`);
      return -1;
    }
  }
  const ns = ip.m.world.netns[ip.netns]!;
  const n = dst.family === AF.INET ? ns.neigh.get(neighKey(ifindex, dst.v4)) : undefined;
  if (!n || !ns.devs[ifindex]) {
    ip.err(rtnlErrorText(ns.devs[ifindex] ? kerr('ENOENT', 'Neighbour entry not found') : kerr('ENODEV')));
    return -2;
  }
  printNeigh(ip, { family: 0, index: 0, state: ~0, unusedOnly: false, flush: false, proxy: false, master: 0 }, n);
  return 0;
}

export function doIpneigh(ip: Ip, argv: string[]): number {
  if (argv.length < 1) return doShowOrFlush(ip, [], false);
  const cmd = argv[0]!;
  const rest = argv.slice(1);
  if (matches(cmd, 'add')) return ipneighModify(ip, RTM_NEWNEIGH, NLM.CREATE | NLM.EXCL, rest);
  if (matches(cmd, 'change') || cmd === 'chg') return ipneighModify(ip, RTM_NEWNEIGH, NLM.REPLACE, rest);
  if (matches(cmd, 'replace')) return ipneighModify(ip, RTM_NEWNEIGH, NLM.CREATE | NLM.REPLACE, rest);
  if (matches(cmd, 'delete')) return ipneighModify(ip, RTM_DELNEIGH, 0, rest);
  if (matches(cmd, 'get')) return ipneighGet(ip, rest);
  if (matches(cmd, 'show') || matches(cmd, 'lst') || matches(cmd, 'list')) return doShowOrFlush(ip, rest, false);
  if (matches(cmd, 'flush')) return doShowOrFlush(ip, rest, true);
  if (matches(cmd, 'help')) usage(ip);
  return die(ip, `Command "${cmd}" is unknown, try "ip neigh help".\n`);
}

export type { Device };
