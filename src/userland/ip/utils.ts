// What iproute2 6.1 keeps in lib/: the command-line helpers of lib/utils.c (matches, NEXT_ARG,
// invarg, get_prefix/get_addr, get_integer …), the name tables of lib/rt_names.c (with Debian's
// /etc/iproute2 files), lib/json_writer.c + lib/json_print.c (text and -j/-p output through one
// set of print calls, as every iproute2 printer does), and lib/libnetlink.c's way of reporting
// kernel errors. The ip objects (link.ts, addr.ts, route.ts, neigh.ts, netns.ts) use these.
import type { CommandContext } from '../command.ts';
import type { Kctx, Machine } from '../../kernel/machine.ts';
import { kerr, KernelError, strError } from '../../kernel/errors.ts';
import type { Device, Netns } from '../../kernel/types.ts';
import { ipv4FromTextIproute, ipv4ToText, ipv6FromText, ipv6ToText, llAddrFromText, maskToPrefixLen } from '../../protocols/wire/addr.ts';

// ---------------------------------------------------------------- the running ip process

export const AF = { UNSPEC: 0, INET: 2, BRIDGE: 7, INET6: 10, PACKET: 17, MPLS: 28 } as const;

export interface IpOpts {
  family: number;
  stats: number;
  details: number;
  oneline: number;
  brief: number;
  json: number;
  pretty: number;
  numeric: number;
  all: boolean;
  force: number;
  echo: number;
  resolve: number;
  timestamp: number;
  human: number;
  iec: number;
}

/** One run of `ip`: its context, options, current namespace (after `-n`), output. */
export interface Ip {
  c: CommandContext;
  m: Machine;
  /** the namespace the process is in (ip -n switches it, as setns does) */
  netns: number;
  opts: IpOpts;
  p: Printer;
  /** write to stderr (stdout that is pending goes first only where iproute2 flushes it) */
  err(s: string): void;
}

/** exit(code) from deep inside a command, as iproute2's helpers do. */
export class IpExit extends Error {
  constructor(readonly code: number) {
    super(`exit ${code}`);
  }
}

/** exit(-1) of a C program. */
export const EXIT_M1 = 255;

export function die(ip: Ip, msg: string, code: number = EXIT_M1): never {
  ip.err(msg);
  throw new IpExit(code);
}

/** lib/utils.c matches(): is `prefix` a (non-empty) prefix of `str`? */
export function matches(prefix: string, str: string): boolean {
  return prefix.length > 0 && prefix.length <= str.length && str.startsWith(prefix);
}

export function invarg(ip: Ip, msg: string, arg: string): never {
  return die(ip, `Error: argument "${arg}" is wrong: ${msg}\n`);
}

export function duparg(ip: Ip, key: string, arg: string): never {
  return die(ip, `Error: duplicate "${key}": "${arg}" is the second value.\n`);
}

export function duparg2(ip: Ip, key: string, arg: string): never {
  return die(ip, `Error: either "${key}" is duplicate, or "${arg}" is a garbage.\n`);
}

export function missarg(ip: Ip, key: string): never {
  return die(ip, `Error: argument "${key}" is required\n`);
}

export function incompleteCommand(ip: Ip): never {
  return die(ip, 'Command line is not complete. Try option "help"\n');
}

/** An argv cursor with NEXT_ARG semantics. */
export class Args {
  i = 0;
  constructor(
    readonly ip: Ip,
    readonly v: string[],
  ) {}
  get argc(): number {
    return this.v.length - this.i;
  }
  get cur(): string {
    return this.v[this.i]!;
  }
  /** NEXT_ARG(): the next word, or "Command line is not complete" */
  next(): string {
    this.i++;
    if (this.i >= this.v.length) incompleteCommand(this.ip);
    return this.v[this.i]!;
  }
  /** argc--; argv++ at the end of a loop round */
  adv(): void {
    this.i++;
  }
  rest(): string[] {
    return this.v.slice(this.i);
  }
}

/** nodev(): "Cannot find device" and return -1 (exit status 1 through do_cmd). */
export function nodev(ip: Ip, dev: string): number {
  ip.err(`Cannot find device "${dev}"\n`);
  return -1;
}

/** The link TYPE list that `ip link help` and `ip address help` both print. */
export const LINK_TYPES_USAGE =
  'TYPE := { amt | bareudp | bond | bond_slave | bridge | bridge_slave |\n' +
  '          dsa | dummy | erspan | geneve | gre | gretap | gtp | ifb |\n' +
  '          ip6erspan | ip6gre | ip6gretap | ip6tnl |\n' +
  '          ipip | ipoib | ipvlan | ipvtap |\n' +
  '          macsec | macvlan | macvtap |\n' +
  '          netdevsim | nlmon | rmnet | sit | team | team_slave |\n' +
  '          vcan | veth | vlan | vrf | vti | vxcan | vxlan | wwan |\n' +
  '          xfrm | virt_wifi }\n';

// ---------------------------------------------------------------- kernel errors

/** How lib/libnetlink.c reports an error answer: the extack message, else strerror. */
export function rtnlErrorText(e: KernelError): string {
  if (e.extack && e.extack !== '') return `Error: ${e.extack}${e.extack.endsWith('.') ? '' : '.'}\n`;
  return `RTNETLINK answers: ${strError(e.errno)}\n`;
}

/**
 * rtnl_talk: run a kernel operation (one netlink request) as one World change. A KernelError
 * leaves the World as it was; it is printed as iproute2 prints it and turned into `code`
 * (what the caller returns: 2 for the usual `return -2`).
 */
export function talk<T>(ip: Ip, fn: (k: Kctx) => T, code = 2): T {
  try {
    return ip.m.mutate(fn);
  } catch (e) {
    if (e instanceof KernelError) {
      ip.p.flush();
      ip.err(rtnlErrorText(e));
      throw new IpExit(code);
    }
    throw e;
  }
}

/** The flush every `ip OBJECT flush` shares (iproute2 dumps and deletes in rounds until
 *  nothing is left; one round always suffices here): "Nothing to flush." for an empty
 *  selection, -s -s lists what goes, one transaction deletes it all (users get EPERM), and -s
 *  prints the rounds. */
export function flushSelected<T>(ip: Ip, sel: T[], what: string, show: (x: T) => void, del: (k: Kctx, nsId: number, x: T) => void, code = 2): number {
  if (sel.length === 0) {
    if (ip.opts.stats) ip.p.fp('Nothing to flush.\n');
    return 0;
  }
  if (ip.opts.stats > 1) for (const x of sel) show(x);
  const nsId = ip.netns;
  talk(
    ip,
    (k) => {
      if (ip.c.proc.uid !== 0) throw kerr('EPERM');
      for (const x of sel) del(k, nsId, x);
    },
    code,
  );
  if (ip.opts.stats) ip.p.fp(`\n*** Round 1, deleting ${sel.length} ${what} ***\n*** Flush is complete after 1 round ***\n`);
  return 0;
}

/** The namespace the process is in, as a live snapshot. */
export function curNs(ip: Ip): Netns {
  const ns = ip.m.world.netns[ip.netns];
  if (!ns) throw new IpExit(1);
  return ns;
}

/** Devices of a namespace in ifindex order (the order of every link dump). */
export function devsSorted(ns: Netns): Device[] {
  return Object.values(ns.devs).sort((a, b) => a.ifindex - b.ifindex);
}

/** ll_name_to_index: by name in the current namespace, then "ifN" (ll_idx_a2n); 0 if none. */
export function llNameToIndex(ip: Ip, name: string): number {
  const ns = ip.m.world.netns[ip.netns];
  if (!ns) return 0;
  const d = ns.devsByName.get(name);
  if (d) return d.ifindex;
  const m = /^if(\d+)$/.exec(name);
  if (m) {
    const idx = Number(m[1]);
    if (idx > 0 && idx <= 0xffffffff) return idx;
  }
  return 0;
}

export function devByIndexIn(ip: Ip, ifindex: number): Device | undefined {
  return ip.m.world.netns[ip.netns]?.devs[ifindex];
}

/** ll_index_to_name: the name, or "if%u" when the index is unknown here. */
export function llIndexToName(ip: Ip, ifindex: number): string {
  return devByIndexIn(ip, ifindex)?.name ?? `if${ifindex}`;
}

/** lib/utils.c check_ifname (dev_valid_name rules, IFNAMSIZ 16). */
export function checkIfname(name: string): boolean {
  return name.length > 0 && name.length < 16 && !/[/\s]/.test(name);
}

/** check_altifname: the same, up to ALTIFNAMSIZ 128. */
export function checkAltIfname(name: string): boolean {
  return name.length > 0 && name.length < 128 && !/[/\s]/.test(name);
}

// ---------------------------------------------------------------- numbers (strtol & co)

/** C strtoul/strtol over the whole string (base 0 = auto); null if anything is left over. */
function parseC(arg: string, base: number): bigint | null {
  const m = /^[ \t\n\v\f\r]*([+-]?)(.*)$/s.exec(arg)!;
  const neg = m[1] === '-';
  let s = m[2]!;
  let b = base;
  if ((b === 0 || b === 16) && /^0[xX][0-9a-fA-F]/.test(s)) {
    s = s.slice(2);
    b = 16;
  } else if (b === 0 && /^0/.test(s)) b = 8;
  else if (b === 0) b = 10;
  const digits = b === 16 ? /^[0-9a-fA-F]+$/ : b === 8 ? /^[0-7]+$/ : /^[0-9]+$/;
  if (!digits.test(s)) return null;
  let v = 0n;
  for (const ch of s) v = v * BigInt(b) + BigInt(Number.parseInt(ch, 16));
  return neg ? -v : v;
}

/** get_integer: a C int; null on error. */
export function getInteger(arg: string, base = 0): number | null {
  if (arg === '') return null;
  const v = parseC(arg, base);
  if (v === null || v < -2147483648n || v > 2147483647n) return null;
  return Number(v);
}

/** get_unsigned / get_u32 (strtoul: a leading '-' wraps around). */
export function getU32(arg: string, base = 0): number | null {
  if (arg === '') return null;
  let v = parseC(arg, base);
  if (v === null) return null;
  if (v < 0n) {
    if (-v > 0xffffffffffffffffn) return null;
    v = (1n << 64n) + v;
  }
  if (v > 0xffffffffn) return null;
  return Number(v);
}

// ---------------------------------------------------------------- addresses (inet_prefix)

export interface InetPrefix {
  family: number;
  bytelen: number;
  /** -1 unspecified, -2 for default/all/any */
  bitlen: number;
  /** PREFIXLEN_SPECIFIED */
  lenSpecified: boolean;
  /** IPv4 as uint32 */
  v4: number;
  /** IPv6 bytes */
  v6?: Uint8Array;
}

export function familyName(family: number): string {
  switch (family) {
    case AF.INET:
      return 'inet';
    case AF.INET6:
      return 'inet6';
    case AF.PACKET:
      return 'link';
    case AF.MPLS:
      return 'mpls';
    case AF.BRIDGE:
      return 'bridge';
    default:
      return '???';
  }
}

function familyNameVerbose(family: number): string {
  return family === AF.UNSPEC ? 'any valid' : familyName(family);
}

export function readFamily(name: string): number {
  switch (name) {
    case 'inet':
      return AF.INET;
    case 'inet6':
      return AF.INET6;
    case 'link':
      return AF.PACKET;
    case 'mpls':
      return AF.MPLS;
    case 'bridge':
      return AF.BRIDGE;
    default:
      return AF.UNSPEC;
  }
}

/** get_addr_1 */
export function getAddr1(name: string, family: number): InetPrefix | null {
  const a: InetPrefix = { family, bytelen: 0, bitlen: -1, lenSpecified: false, v4: 0 };
  if (name === 'default') {
    if (family === AF.MPLS) return null;
    a.bytelen = family === AF.INET6 ? 16 : family === AF.INET ? 4 : 0;
    a.bitlen = -2;
    a.lenSpecified = true;
    if (family === AF.INET6) a.v6 = new Uint8Array(16);
    return a;
  }
  if (name === 'all' || name === 'any') {
    if (family === AF.MPLS) return null;
    a.bitlen = -2;
    if (family === AF.INET6) a.v6 = new Uint8Array(16);
    return a;
  }
  if (family === AF.PACKET) return null;
  if (name.includes(':')) {
    a.family = AF.INET6;
    if (family !== AF.UNSPEC && family !== AF.INET6) return null;
    const b = ipv6FromText(name);
    if (!b) return null;
    a.v6 = b;
    a.bytelen = 16;
    return a;
  }
  if (family === AF.MPLS) return null;
  a.family = AF.INET;
  if (family !== AF.UNSPEC && family !== AF.INET) return null;
  const v = ipv4FromTextIproute(name);
  if (v === null) return null;
  a.v4 = v;
  a.bytelen = 4;
  return a;
}

/** get_prefix_1 */
export function getPrefix1(arg: string, family: number): InetPrefix | null {
  const slash = arg.indexOf('/');
  const addr = getAddr1(slash >= 0 ? arg.slice(0, slash) : arg, family);
  if (!addr) return null;
  let bitlen = addr.family === AF.INET6 ? 128 : addr.family === AF.INET ? 32 : 0;
  if (addr.family === AF.UNSPEC && family === AF.UNSPEC) bitlen = 0;
  if (slash >= 0) {
    if (addr.bitlen === -2) return null;
    const txt = arg.slice(slash + 1);
    let plen = getU32(txt, 0);
    if (plen === null) {
      const m = getAddr1(txt, AF.INET);
      if (m && m.family === AF.INET) {
        const b = maskToPrefixLen(m.v4);
        if (b >= 0) plen = b;
      }
    }
    if (plen === null || plen > bitlen) return null;
    addr.lenSpecified = true;
    bitlen = plen;
  } else if (addr.bitlen === -2) bitlen = 0;
  addr.bitlen = bitlen;
  return addr;
}

/** get_prefix: exits 1 with iproute2's message on a bad prefix. */
export function getPrefix(ip: Ip, arg: string, family: number): InetPrefix {
  if (family === AF.PACKET) die(ip, `Error: "${arg}" may be inet prefix, but it is not allowed in this context.\n`, 1);
  const p = getPrefix1(arg, family);
  if (!p) die(ip, `Error: ${familyNameVerbose(family)} prefix is expected rather than "${arg}".\n`, 1);
  return p;
}

/** get_addr: exits 1 with iproute2's message on a bad address. */
export function getAddr(ip: Ip, arg: string, family: number): InetPrefix {
  const a = family === AF.PACKET ? null : getAddr1(arg, family);
  if (!a) die(ip, `Error: ${familyNameVerbose(family)} address is expected rather than "${arg}".\n`, 1);
  return a;
}

export function prefixText(p: InetPrefix): string {
  if (p.family === AF.INET6) return ipv6ToText(p.v6!);
  return ipv4ToText(p.v4);
}

/** ll_addr_a2n, printing its own complaint; null on error. */
export function llAddrA2n(ip: Ip, arg: string): Uint8Array | null {
  const r = llAddrFromText(arg);
  if (!r.ok) {
    ip.err(`"${r.bad}" is invalid lladdr.\n`);
    return null;
  }
  return r.bytes;
}

export function macText(b: Uint8Array): string {
  return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join(':');
}

// ---------------------------------------------------------------- name tables (lib/rt_names.c)

/** /etc/iproute2/rt_protos of Debian's iproute2 6.1 (which includes `99 openr`). */
export const RTPROT_NAMES: Record<number, string> = {
  0: 'unspec',
  1: 'redirect',
  2: 'kernel',
  3: 'boot',
  4: 'static',
  8: 'gated',
  9: 'ra',
  10: 'mrt',
  11: 'zebra',
  12: 'bird',
  13: 'dnrouted',
  14: 'xorp',
  15: 'ntk',
  16: 'dhcp',
  18: 'keepalived',
  42: 'babel',
  99: 'openr',
  186: 'bgp',
  187: 'isis',
  188: 'ospf',
  189: 'rip',
  192: 'eigrp',
};

export const RTSCOPE_NAMES: Record<number, string> = { 0: 'global', 255: 'nowhere', 254: 'host', 253: 'link', 200: 'site' };

/** rt_tables: the built-in default/main/local, and Debian's file adds `0 unspec`. */
export const RTTABLE_NAMES: Record<number, string> = { 255: 'local', 254: 'main', 253: 'default', 0: 'unspec' };

function strtoulWhole(arg: string): number | null {
  const v = parseC(arg, 0);
  if (v === null || v < 0n) return null;
  return Number(v);
}

function nameToId(tab: Record<number, string>, arg: string, max: number): number | null {
  for (const [id, n] of Object.entries(tab)) if (n === arg) return Number(id);
  const v = strtoulWhole(arg);
  if (v === null || v > max) return null;
  return v;
}

export function rtprotN2a(ip: Ip, id: number): string {
  if (ip.opts.numeric) return String(id);
  return RTPROT_NAMES[id] ?? String(id);
}
export function rtprotA2n(arg: string): number | null {
  return nameToId(RTPROT_NAMES, arg, 255);
}
export function rtscopeN2a(ip: Ip, id: number): string {
  if (ip.opts.numeric) return String(id);
  return RTSCOPE_NAMES[id] ?? String(id);
}
export function rtscopeA2n(arg: string): number | null {
  return nameToId(RTSCOPE_NAMES, arg, 255);
}
export function rttableN2a(ip: Ip, id: number): string {
  if (ip.opts.numeric) return String(id);
  return RTTABLE_NAMES[id] ?? String(id);
}
export function rttableA2n(arg: string): number | null {
  return nameToId(RTTABLE_NAMES, arg, 0xffffffff);
}

export const RTN = { UNSPEC: 0, UNICAST: 1, LOCAL: 2, BROADCAST: 3, ANYCAST: 4, MULTICAST: 5, BLACKHOLE: 6, UNREACHABLE: 7, PROHIBIT: 8, THROW: 9, NAT: 10, XRESOLVE: 11 } as const;
const RTN_NAMES = ['none', 'unicast', 'local', 'broadcast', 'anycast', 'multicast', 'blackhole', 'unreachable', 'prohibit', 'throw', 'nat', 'xresolve'];

export function rtntypeN2a(ip: Ip, id: number): string {
  if (ip.opts.numeric) return String(id);
  return RTN_NAMES[id] ?? String(id);
}

/** rtnl_rtntype_a2n */
export function rtntypeA2n(arg: string): number | null {
  if (arg === 'local') return RTN.LOCAL;
  if (arg === 'nat') return RTN.NAT;
  if (matches(arg, 'broadcast') || arg === 'brd') return RTN.BROADCAST;
  if (matches(arg, 'anycast')) return RTN.ANYCAST;
  if (matches(arg, 'multicast')) return RTN.MULTICAST;
  if (matches(arg, 'prohibit')) return RTN.PROHIBIT;
  if (matches(arg, 'unreachable')) return RTN.UNREACHABLE;
  if (matches(arg, 'blackhole')) return RTN.BLACKHOLE;
  if (matches(arg, 'xresolve')) return RTN.XRESOLVE;
  if (matches(arg, 'unicast')) return RTN.UNICAST;
  if (arg === 'throw') return RTN.THROW;
  const v = strtoulWhole(arg);
  if (v === null || v > 255) return null;
  return v;
}

/** /etc/iproute2/group: only `0 default`. */
export function rtnlGroupN2a(ip: Ip, id: number): string {
  if (!ip.opts.numeric && id === 0) return 'default';
  return String(id);
}
export function rtnlGroupA2n(arg: string): number | null {
  if (arg === 'default') return 0;
  const v = strtoulWhole(arg);
  if (v === null || v > 0xffffffff) return null;
  return v;
}

// ---------------------------------------------------------------- printf, the small part of it we need

/**
 * A printf with one conversion (what every iproute2 print_* call has): %s %d %i %u %x %llx
 * %#llx with flags '-', '0', '#' and a width. `%%` prints a percent sign.
 */
export function sprintf1(fmt: string, value?: string | number | bigint | boolean | null): string {
  return fmt.replace(/%(%|([-0#]*)(\d*)(?:\.(\d+))?(?:hh|h|ll|l|z)?([sdiuxXf]))/g, (_all, pct: string, flags: string, width: string, prec: string | undefined, conv: string) => {
    if (pct === '%') return '%';
    let s: string;
    switch (conv) {
      case 's':
        s = String(value ?? '(null)');
        break;
      case 'd':
      case 'i':
      case 'u':
        s = typeof value === 'bigint' ? value.toString() : String(Math.trunc(Number(value)));
        break;
      case 'x':
      case 'X':
        s = (typeof value === 'bigint' ? value : BigInt(Math.trunc(Number(value)) >>> 0)).toString(16);
        if (conv === 'X') s = s.toUpperCase();
        if (flags.includes('#') && s !== '0') s = `0x${s}`;
        break;
      case 'f':
        s = Number(value).toFixed(prec === undefined ? 6 : Number(prec));
        break;
      default:
        s = String(value);
    }
    const w = width ? Number(width) : 0;
    if (s.length < w) {
      if (flags.includes('-')) s = s.padEnd(w);
      else if (flags.includes('0') && conv !== 's') s = s.startsWith('-') ? `-${s.slice(1).padStart(w - 1, '0')}` : s.padStart(w, '0');
      else s = s.padStart(w);
    }
    return s;
  });
}

// ---------------------------------------------------------------- json_writer.c + json_print.c

/** lib/json_writer.c: a streaming JSON writer, byte for byte. */
export class JsonWriter {
  private depth = 0;
  private sep = '';
  constructor(
    private readonly out: (s: string) => void,
    readonly pretty: boolean,
  ) {}
  private indent(): void {
    for (let i = 0; i < this.depth; i++) this.out('    ');
  }
  private eol(): void {
    if (!this.pretty) return;
    this.out('\n');
    this.indent();
  }
  private eor(): void {
    if (this.sep !== '') this.out(this.sep);
    this.sep = ',';
  }
  private puts(str: string): void {
    let s = '"';
    for (const ch of str) {
      switch (ch) {
        case '\t':
          s += '\\t';
          break;
        case '\n':
          s += '\\n';
          break;
        case '\r':
          s += '\\r';
          break;
        case '\f':
          s += '\\f';
          break;
        case '\b':
          s += '\\b';
          break;
        case '\\':
          s += '\\\\';
          break;
        case '"':
          s += '\\"';
          break;
        default:
          s += ch;
      }
    }
    this.out(`${s}"`);
  }
  private begin(c: string): void {
    this.eor();
    this.out(c);
    this.depth++;
    this.sep = '';
  }
  private end(c: string): void {
    this.depth--;
    if (this.sep !== '') this.eol();
    this.out(c);
    this.sep = ',';
  }
  name(name: string): void {
    this.eor();
    this.eol();
    this.sep = '';
    this.puts(name);
    this.out(':');
    if (this.pretty) this.out(' ');
  }
  printf(text: string): void {
    this.eor();
    this.out(text);
  }
  startObject(): void {
    this.begin('{');
  }
  endObject(): void {
    this.end('}');
  }
  startArray(): void {
    this.begin('[');
    if (this.pretty) this.out(' ');
  }
  endArray(): void {
    if (this.pretty && this.sep) this.out(' ');
    this.sep = '';
    this.end(']');
  }
  string(v: string): void {
    this.eor();
    this.puts(v);
  }
  destroy(): void {
    this.out('\n');
  }
}

/** lib/color.c: the attributes, and their light/dark-background codes. */
export const COLOR = { IFNAME: 0, MAC: 1, INET: 2, INET6: 3, UP: 4, DOWN: 5, NONE: 6 } as const;
const COLOR_LIGHT = ['\x1b[36m', '\x1b[33m', '\x1b[35m', '\x1b[34m', '\x1b[32m', '\x1b[31m'];
const COLOR_DARK = ['\x1b[1;36m', '\x1b[1;33m', '\x1b[1;35m', '\x1b[1;34m', '\x1b[1;32m', '\x1b[1;31m'];
const COLOR_CLEAR = '\x1b[0m';

/** ifa_family_color */
export function familyColor(family: number): number {
  return family === 2 ? COLOR.INET : family === 10 ? COLOR.INET6 : COLOR.NONE;
}

/** oper_state_color */
export function operstateColor(state: string): number {
  return state === 'UP' ? COLOR.UP : state === 'DOWN' ? COLOR.DOWN : COLOR.NONE;
}

export const PRINT_FP = 1;
export const PRINT_JSON = 2;
export const PRINT_ANY = 4;

type JsonScalar = string | number | bigint | boolean | null;

/**
 * lib/json_print.c: every print call names a JSON key and a printf format; in JSON context the
 * value goes to the writer, otherwise the formatted text goes to stdout. Text is kept until
 * `flush` (the points where iproute2 calls fflush, and exit).
 */
export class Printer {
  private buf = '';
  jw: JsonWriter | null = null;
  /** `_SL_`: "\\" with -o, else newline */
  SL: string;
  /** colours enabled (`-c` / `-color=always`, never with -j), and the dark-background palette */
  color = false;
  dark = false;
  constructor(
    private readonly write: (s: string) => void,
    readonly json: boolean,
    readonly pretty: boolean,
    oneline: boolean,
  ) {
    this.SL = oneline ? '\\' : '\n';
  }
  out(s: string): void {
    this.buf += s;
  }
  flush(): void {
    if (this.buf) {
      this.write(this.buf);
      this.buf = '';
    }
  }
  isJson(): boolean {
    return this.jw !== null;
  }
  private jsonCtx(t: number): boolean {
    return this.jw !== null && (t & (PRINT_JSON | PRINT_ANY)) !== 0;
  }
  private fpCtx(t: number): boolean {
    return this.jw === null && (t & (PRINT_FP | PRINT_ANY)) !== 0;
  }
  /** new_json_obj(json): a writer with an open array */
  newJsonObj(): void {
    if (this.json) {
      this.jw = new JsonWriter((s) => this.out(s), this.pretty);
      this.jw.startArray();
    }
  }
  /** new_json_obj_plain */
  newJsonObjPlain(): void {
    if (this.json) this.jw = new JsonWriter((s) => this.out(s), this.pretty);
  }
  deleteJsonObj(): void {
    if (this.jw) {
      this.jw.endArray();
      this.jw.destroy();
      this.jw = null;
    }
  }
  deleteJsonObjPlain(): void {
    if (this.jw) {
      this.jw.destroy();
      this.jw = null;
    }
  }
  openObject(key?: string | null): void {
    if (this.jw) {
      if (key) this.jw.name(key);
      this.jw.startObject();
    }
  }
  closeObject(): void {
    if (this.jw) this.jw.endObject();
  }
  openArray(t: number, key: string | null): void {
    if (this.jsonCtx(t)) {
      if (key) this.jw!.name(key);
      this.jw!.startArray();
    } else if (this.fpCtx(t)) this.out(key ?? '');
  }
  closeArray(t: number, text: string | null): void {
    if (this.jsonCtx(t)) this.jw!.endArray();
    else if (this.fpCtx(t)) this.out(text ?? '');
  }
  private scalar(key: string | null, text: string): void {
    if (key) this.jw!.name(key);
    this.jw!.printf(text);
  }
  /** print_string / print_color_string */
  string(t: number, key: string | null, fmt: string | null, value: string | null): void {
    if (this.jsonCtx(t)) {
      if (key && value === null) this.jw!.name(key);
      else if (!key && value !== null) this.jw!.string(value);
      else {
        this.jw!.name(key!);
        this.jw!.string(value ?? '');
      }
    } else if (this.fpCtx(t) && fmt !== null) this.out(sprintf1(fmt, value));
  }
  /** color_fprintf: the formatted text wrapped in the attribute's colour */
  colorize(attr: number, text: string): string {
    if (!this.color || attr === COLOR.NONE) return text;
    return `${(this.dark ? COLOR_DARK : COLOR_LIGHT)[attr]}${text}${COLOR_CLEAR}`;
  }
  /** print_color_string */
  cstring(t: number, attr: number, key: string | null, fmt: string | null, value: string | null): void {
    if (this.jsonCtx(t) || !this.fpCtx(t) || fmt === null) this.string(t, key, fmt, value);
    else this.out(this.colorize(attr, sprintf1(fmt, value)));
  }
  /** print_int / print_uint / print_u64 … (JSON: the number as %d/%u) */
  num(t: number, key: string | null, fmt: string, value: number | bigint): void {
    if (this.jsonCtx(t)) this.scalar(key, typeof value === 'bigint' ? value.toString() : String(value));
    else if (this.fpCtx(t)) this.out(sprintf1(fmt, value));
  }
  /** print_bool */
  bool(t: number, key: string | null, fmt: string, value: boolean): void {
    if (this.jsonCtx(t)) this.scalar(key, value ? 'true' : 'false');
    else if (this.fpCtx(t)) this.out(sprintf1(fmt, value ? 'true' : 'false'));
  }
  /** print_on_off */
  onOff(t: number, key: string | null, fmt: string, value: boolean): void {
    if (this.jsonCtx(t)) this.scalar(key, value ? 'true' : 'false');
    else if (this.fpCtx(t)) this.out(sprintf1(fmt, value ? 'on' : 'off'));
  }
  /** print_null */
  null(t: number, key: string | null, fmt: string, value: string | null): void {
    if (this.jsonCtx(t)) this.scalar(key, 'null');
    else if (this.fpCtx(t)) this.out(sprintf1(fmt, value));
  }
  /** print_hex: JSON gets the hex digits as a string */
  hex(t: number, key: string | null, fmt: string, value: number): void {
    if (this.jsonCtx(t)) {
      const s = (value >>> 0).toString(16);
      if (key) {
        this.jw!.name(key);
        this.jw!.string(s);
      } else this.jw!.string(s);
    } else if (this.fpCtx(t)) this.out(sprintf1(fmt, value));
  }
  /** print_0xhex: JSON gets "%#llx" as a string */
  hex0x(t: number, key: string, fmt: string, value: number): void {
    if (this.jsonCtx(t)) {
      this.jw!.name(key);
      this.jw!.string(value === 0 ? '0' : `0x${value.toString(16)}`);
    } else if (this.fpCtx(t)) this.out(sprintf1(fmt, value));
  }
  /** a raw JSON value under a key (jsonw_name + jsonw_printf) */
  raw(key: string, text: string): void {
    if (this.jw) this.scalar(key, text);
  }
  /** print_nl: `_SL_` in text mode */
  nl(): void {
    if (!this.jw) this.out(this.SL);
  }
  /** fprintf straight to stdout (what iproute2 does outside json_print) */
  fp(s: string): void {
    this.out(s);
  }
}

export type { JsonScalar };
