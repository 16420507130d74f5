// pcap-filter(7) expressions, compiled to a predicate over an Ethernet frame: the primitives the
// tutorials use (arp, ip, ip6, icmp, icmp6, udp, tcp, vlan, broadcast, multicast, host/net/port
// with src/dst, ether host/src/dst, less/greater), not/!, and/&&, or/||, parentheses. As in
// libpcap, `and` and `or` have the same precedence and bind left to right, and a bare value
// after and/or reuses the qualifiers before it (`host a or b`).
import { ipv4FromText, macFromText, ipv6FromText } from '../../protocols/wire/addr.ts';

export type Pred = (f: Uint8Array) => boolean;

export class FilterError extends Error {}

const SYNTAX = "can't parse filter expression: syntax error";

interface View {
  type: number;
  off: number;
  vlan: boolean;
}

function view(f: Uint8Array): View | null {
  if (f.length < 14) return null;
  let type = (f[12]! << 8) | f[13]!;
  let off = 14;
  let vlan = false;
  if (type === 0x8100 && f.length >= 18) {
    vlan = true;
    type = (f[16]! << 8) | f[17]!;
    off = 18;
  }
  return { type, off, vlan };
}

const u16 = (f: Uint8Array, o: number): number => (o + 1 < f.length ? (f[o]! << 8) | f[o + 1]! : -1);
const u32 = (f: Uint8Array, o: number): number => (o + 3 < f.length ? ((f[o]! << 24) | (f[o + 1]! << 16) | (f[o + 2]! << 8) | f[o + 3]!) >>> 0 : -1);

function isIp(f: Uint8Array): View | null {
  const v = view(f);
  return v && v.type === 0x0800 && f.length >= v.off + 20 ? v : null;
}
function isIp6(f: Uint8Array): View | null {
  const v = view(f);
  return v && v.type === 0x86dd && f.length >= v.off + 40 ? v : null;
}
function ipProto(f: Uint8Array): { proto: number; l4: number; frag: boolean } | null {
  const v4 = isIp(f);
  if (v4) {
    const fo = u16(f, v4.off + 6) & 0x1fff;
    return { proto: f[v4.off + 9]!, l4: v4.off + (f[v4.off]! & 15) * 4, frag: fo !== 0 };
  }
  const v6 = isIp6(f);
  if (v6) {
    let nh = f[v6.off + 6]!;
    let o = v6.off + 40;
    // hop-by-hop, routing, destination options
    while ((nh === 0 || nh === 43 || nh === 60) && o + 2 <= f.length) {
      const next = f[o]!;
      o += (f[o + 1]! + 1) * 8;
      nh = next;
    }
    return { proto: nh, l4: o, frag: false };
  }
  return null;
}

const proto =
  (n: number): Pred =>
  (f) =>
    ipProto(f)?.proto === n;

type Dir = 'src' | 'dst' | 'src or dst' | 'src and dst';

function both(dir: Dir, s: Pred, d: Pred): Pred {
  if (dir === 'src') return s;
  if (dir === 'dst') return d;
  if (dir === 'src and dst') return (f) => s(f) && d(f);
  return (f) => s(f) || d(f);
}

function hostPred(dir: Dir, text: string, kind: 'ip' | 'ip6' | 'arp' | undefined): Pred {
  if (text.includes(':')) {
    const a = ipv6FromText(text);
    if (!a) throw new FilterError(`invalid IPv6 address '${text}'`);
    const at = (o: number): Pred => (f) => {
      const v = isIp6(f);
      if (!v) return false;
      for (let i = 0; i < 16; i++) if (f[v.off + o + i] !== a[i]) return false;
      return true;
    };
    return both(dir, at(8), at(24));
  }
  if (!/^\d+(\.\d+){0,3}$/.test(text)) throw new FilterError(`unknown host '${text}'`);
  const a = ipv4FromText(text);
  if (a === null) throw new FilterError(`invalid IPv4 address '${text}'`);
  return netPred(dir, a >>> 0, 32, kind);
}

function netPred(dir: Dir, net: number, len: number, kind: 'ip' | 'ip6' | 'arp' | undefined): Pred {
  const mask = len === 0 ? 0 : (0xffffffff << (32 - len)) >>> 0;
  const m = (x: number): boolean => x >= 0 && ((x & mask) >>> 0) === net;
  const ip = (o: number): Pred => (f) => {
    const v = isIp(f);
    return !!v && m(u32(f, v.off + o));
  };
  const arp = (o: number): Pred => (f) => {
    const v = view(f);
    return !!v && (v.type === 0x0806 || v.type === 0x8035) && m(u32(f, v.off + o));
  };
  const ipP = both(dir, ip(12), ip(16));
  const arpP = both(dir, arp(14), arp(24));
  if (kind === 'ip') return ipP;
  if (kind === 'arp') return arpP;
  return (f) => ipP(f) || arpP(f);
}

function netFromText(text: string, dir: Dir, kind: 'ip' | 'ip6' | 'arp' | undefined, maskText?: string): Pred {
  const [addr, lenText] = text.split('/');
  const parts = addr!.split('.');
  if (!/^\d+(\.\d+){0,3}$/.test(addr!)) throw new FilterError(`unknown network '${text}'`);
  const nums = parts.map(Number);
  if (nums.some((n) => n > 255)) throw new FilterError(`invalid IPv4 address '${addr}'`);
  while (nums.length < 4) nums.push(0);
  const a = ((nums[0]! << 24) | (nums[1]! << 16) | (nums[2]! << 8) | nums[3]!) >>> 0;
  let len: number;
  if (lenText !== undefined) {
    len = Number(lenText);
    if (!/^\d+$/.test(lenText) || len > 32) throw new FilterError(`mask length must be <= 32`);
  } else if (maskText !== undefined) {
    const mk = ipv4FromText(maskText);
    if (mk === null) throw new FilterError(`invalid IPv4 address '${maskText}'`);
    len = 32 - Math.clz32(~mk >>> 0 === 0 ? 0 : ~mk >>> 0) === 32 ? 0 : Math.clz32(~mk >>> 0);
  } else len = parts.length * 8;
  const mask = len === 0 ? 0 : (0xffffffff << (32 - len)) >>> 0;
  if (((a & ~mask) >>> 0) !== 0) throw new FilterError(`non-network bits set in "${text}"`);
  return netPred(dir, a, len, kind);
}

function portPred(dir: Dir, text: string, p: 'tcp' | 'udp' | undefined): Pred {
  const names: Record<string, number> = { echo: 7, discard: 9, ftp: 21, ssh: 22, telnet: 23, smtp: 25, domain: 53, bootps: 67, bootpc: 68, tftp: 69, http: 80, ntp: 123, https: 443, syslog: 514 };
  let n: number;
  if (/^\d+$/.test(text)) {
    n = Number(text);
    if (n > 65535) throw new FilterError(`illegal port number ${n} > 65535`);
  } else if (names[text] !== undefined) n = names[text]!;
  else throw new FilterError(`unknown port '${text}'`);
  const at =
    (o: number): Pred =>
    (f) => {
      const ip = ipProto(f);
      if (!ip || ip.frag) return false;
      if (ip.proto !== 17 && ip.proto !== 6 && ip.proto !== 132) return false;
      if (p === 'tcp' && ip.proto !== 6) return false;
      if (p === 'udp' && ip.proto !== 17) return false;
      return u16(f, ip.l4 + o) === n;
    };
  return both(dir, at(0), at(2));
}

function etherPred(dir: Dir, text: string): Pred {
  const mac = /^[0-9a-fA-F]{1,2}([:.-][0-9a-fA-F]{1,2}){5}$/.test(text) ? macFromText(text.replace(/[.-]/g, ':')) : null;
  if (!mac) throw new FilterError(`bogus ethernet address ${text}`);
  const at =
    (o: number): Pred =>
    (f) => {
      if (f.length < 14) return false;
      for (let i = 0; i < 6; i++) if (f[o + i] !== mac[i]) return false;
      return true;
    };
  return both(dir, at(6), at(0));
}

const broadcast: Pred = (f) => f.length >= 6 && f[0] === 0xff && f[1] === 0xff && f[2] === 0xff && f[3] === 0xff && f[4] === 0xff && f[5] === 0xff;
const multicast: Pred = (f) => f.length >= 6 && (f[0]! & 1) === 1;

/** Tokens: words, parentheses, ! && || and the comparison-free punctuation pcap accepts. */
function tokenize(s: string): string[] {
  const out: string[] = [];
  let i = 0;
  while (i < s.length) {
    const c = s[i]!;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (c === '(' || c === ')') {
      out.push(c);
      i++;
      continue;
    }
    if (s.startsWith('&&', i) || s.startsWith('||', i)) {
      out.push(s.slice(i, i + 2));
      i += 2;
      continue;
    }
    if (c === '!') {
      out.push('!');
      i++;
      continue;
    }
    let j = i;
    while (j < s.length && !/[\s()!]/.test(s[j]!) && !s.startsWith('&&', j) && !s.startsWith('||', j)) j++;
    out.push(s.slice(i, j));
    i = j;
  }
  return out;
}

interface Quals {
  kind?: 'host' | 'net' | 'port';
  dir: Dir;
  proto?: string;
}

const PROTO_WORDS = new Set(['ether', 'ip', 'ip6', 'arp', 'rarp', 'tcp', 'udp', 'icmp', 'icmp6', 'igmp', 'sctp']);

/** Compile an expression; the empty expression accepts everything. Throws FilterError with tcpdump's message. */
export function compileFilter(expr: string): Pred {
  const toks = tokenize(expr);
  if (toks.length === 0) return () => true;
  let pos = 0;
  let last: Quals | undefined;
  const peek = (): string | undefined => toks[pos];
  const next = (): string => {
    const t = toks[pos++];
    if (t === undefined) throw new FilterError(SYNTAX);
    return t;
  };
  const isOp = (t: string | undefined): boolean => t === 'and' || t === 'or' || t === '&&' || t === '||';

  const seq = (): Pred => {
    let p = unary();
    while (isOp(peek())) {
      const op = next();
      const q = unary();
      const a = p;
      p = op === 'and' || op === '&&' ? (f) => a(f) && q(f) : (f) => a(f) || q(f);
    }
    return p;
  };
  const unary = (): Pred => {
    const t = peek();
    if (t === 'not' || t === '!') {
      next();
      const p = unary();
      return (f) => !p(f);
    }
    if (t === '(') {
      next();
      const p = seq();
      if (next() !== ')') throw new FilterError(SYNTAX);
      return p;
    }
    return primitive();
  };
  const dirWords = (): Dir | undefined => {
    const t = peek();
    if (t !== 'src' && t !== 'dst') return undefined;
    next();
    if ((peek() === 'or' || peek() === 'and') && (toks[pos + 1] === 'src' || toks[pos + 1] === 'dst') && toks[pos + 1] !== t) {
      const op = next();
      next();
      return op === 'or' ? 'src or dst' : 'src and dst';
    }
    return t;
  };
  const value = (q: Quals): Pred => {
    const v = next();
    if (v === '(' || v === ')' || isOp(v) || v === '!' || v === 'not') throw new FilterError(SYNTAX);
    last = q;
    const kind = q.proto === 'ip' || q.proto === 'ip6' || q.proto === 'arp' ? (q.proto as 'ip' | 'ip6' | 'arp') : undefined;
    if (q.proto === 'ether') {
      if (q.kind !== 'host' && q.kind !== undefined) throw new FilterError(SYNTAX);
      return etherPred(q.dir, v);
    }
    switch (q.kind ?? 'host') {
      case 'host': {
        const hp = hostPred(q.dir, v, kind);
        if (q.proto === 'tcp' || q.proto === 'udp' || q.proto === 'icmp') {
          const pp = proto(q.proto === 'tcp' ? 6 : q.proto === 'udp' ? 17 : 1);
          return (f) => pp(f) && hp(f);
        }
        return hp;
      }
      case 'net':
        if (peek() === 'mask') {
          next();
          return netFromText(v, q.dir, kind, next());
        }
        return netFromText(v, q.dir, kind);
      case 'port':
        return portPred(q.dir, v, q.proto === 'tcp' || q.proto === 'udp' ? q.proto : undefined);
    }
  };
  const primitive = (): Pred => {
    const t = peek();
    if (t === undefined || t === ')' || isOp(t)) throw new FilterError(SYNTAX);
    // a bare value after and/or: the previous qualifiers
    if (last && !PROTO_WORDS.has(t) && !['src', 'dst', 'host', 'net', 'port', 'vlan', 'broadcast', 'multicast', 'less', 'greater', 'portrange'].includes(t) && /^[0-9a-fA-F:.\/]+$/.test(t)) return value(last);
    let protoWord: string | undefined;
    if (PROTO_WORDS.has(t)) {
      protoWord = next();
      const n = peek();
      if (n === 'broadcast' || n === 'multicast') {
        next();
        if (protoWord === 'ip') return (f) => !!isIp(f) && (n === 'broadcast' ? u32(f, view(f)!.off + 16) === 0xffffffff : (f[view(f)!.off + 16]! & 0xf0) === 0xe0);
        return n === 'broadcast' ? broadcast : multicast;
      }
      if (n !== 'src' && n !== 'dst' && n !== 'host' && n !== 'net' && n !== 'port') {
        switch (protoWord) {
          case 'ether':
            throw new FilterError(SYNTAX);
          case 'ip':
            return (f) => !!isIp(f);
          case 'ip6':
            return (f) => !!isIp6(f);
          case 'arp':
            return (f) => view(f)?.type === 0x0806;
          case 'rarp':
            return (f) => view(f)?.type === 0x8035;
          case 'tcp':
            return proto(6);
          case 'udp':
            return proto(17);
          case 'icmp':
            return (f) => !!isIp(f) && ipProto(f)?.proto === 1;
          case 'icmp6':
            return (f) => !!isIp6(f) && ipProto(f)?.proto === 58;
          case 'igmp':
            return proto(2);
          case 'sctp':
            return proto(132);
        }
      }
    }
    if (t === 'vlan' && !protoWord) {
      next();
      const n = peek();
      if (n !== undefined && /^\d+$/.test(n)) {
        next();
        const id = Number(n);
        if (id > 4095) throw new FilterError(`VLAN tag ${id} greater than maximum 4095`);
        return (f) => u16(f, 12) === 0x8100 && (u16(f, 14) & 0xfff) === id;
      }
      return (f) => u16(f, 12) === 0x8100;
    }
    if ((t === 'broadcast' || t === 'multicast') && !protoWord) {
      next();
      return t === 'broadcast' ? broadcast : multicast;
    }
    if ((t === 'less' || t === 'greater') && !protoWord) {
      next();
      const n = Number(next());
      if (!Number.isInteger(n)) throw new FilterError(SYNTAX);
      return t === 'less' ? (f) => f.length <= n : (f) => f.length >= n;
    }
    const dir = dirWords() ?? 'src or dst';
    const k = peek();
    if (k === 'host' || k === 'net' || k === 'port') {
      next();
      return value({ kind: k, dir, proto: protoWord });
    }
    if (protoWord === undefined && dir === 'src or dst' && !/^[0-9a-fA-F:.\/]+$/.test(k ?? '')) throw new FilterError(SYNTAX);
    return value({ dir, proto: protoWord });
  };

  const p = seq();
  if (pos !== toks.length) throw new FilterError(SYNTAX);
  return p;
}
