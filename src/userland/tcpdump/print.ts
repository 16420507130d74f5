// tcpdump 4.99.3's text for the protocols nsemu moves (print-ether.c, print-arp.c, print-ip.c,
// print-icmp.c, print-udp.c, print-ip6.c, print-icmp6.c, print-ascii.c): one function per
// dissector, writing into a string. Every read is bounds-checked: a truncated or random frame
// prints tcpdump's `[|proto]` marker instead of throwing.
import { ipv4ToText, ipv6ToText, macToText } from '../../protocols/wire/addr.ts';
import { internetChecksum } from '../../protocols/wire/checksum.ts';

export interface PrintOpts {
  /** -n count: 1 = no host names, 2 = no port names either */
  n: number;
  e: boolean;
  v: number;
  q: boolean;
  /** -t count: 0 absolute time of day, 1 none, 2 epoch seconds, 3 delta from previous, 4 date and time, 5 since the first packet */
  t: number;
  /** -x count / -X */
  x: number;
  X: boolean;
}

export const defaultPrintOpts = (): PrintOpts => ({ n: 0, e: false, v: 0, q: false, t: 0, x: 0, X: false });

class Trunc extends Error {}

/** A bounds-checked view of one frame. */
class Pkt {
  constructor(
    readonly b: Uint8Array,
    /** end of the bytes a header may claim (the caplen) */
    readonly end: number,
  ) {}
  u8(o: number): number {
    if (o < 0 || o >= this.end) throw new Trunc();
    return this.b[o]!;
  }
  u16(o: number): number {
    return (this.u8(o) << 8) | this.u8(o + 1);
  }
  u32(o: number): number {
    return ((this.u16(o) << 16) | this.u16(o + 2)) >>> 0;
  }
  has(o: number, n: number): boolean {
    return o >= 0 && o + n <= this.end;
  }
  need(o: number, n: number): void {
    if (!this.has(o, n)) throw new Trunc();
  }
  mac(o: number, names = false): string {
    this.need(o, 6);
    const t = macToText(this.b, o);
    if (names && t === 'ff:ff:ff:ff:ff:ff') return 'Broadcast';
    return names ? `${t} (oui ${ouiName((this.b[o]! << 16) | (this.b[o + 1]! << 8) | this.b[o + 2]!)})` : t;
  }
  ip4(o: number): string {
    return ipv4ToText(this.u32(o));
  }
  ip6(o: number): string {
    this.need(o, 16);
    return ipv6ToText(this.b, o);
  }
}

/** etheraddr_string without -n: the vendor of the address's OUI (tcpdump's oui_values). */
function ouiName(oui: number): string {
  return ({ 0x000000: 'Ethernet', 0x00000c: 'Cisco', 0x0000f8: 'Cisco', 0x0080c2: 'IEEE 802.1', 0x00e02b: 'Extreme', 0x00d0b7: 'Juniper' } as Record<number, string>)[oui] ?? 'Unknown';
}

const ETHERTYPES: Record<number, string> = { 0x0800: 'IPv4', 0x0806: 'ARP', 0x86dd: 'IPv6', 0x8100: '802.1Q', 0x88a8: '802.1Q-QinQ', 0x8035: 'Reverse ARP', 0x88cc: 'LLDP' };
const IPPROTOS: Record<number, string> = { 0: 'Options', 1: 'ICMP', 2: 'IGMP', 4: 'IPIP', 6: 'TCP', 17: 'UDP', 41: 'IPv6', 43: 'Routing', 44: 'Fragment', 47: 'GRE', 50: 'ESP', 51: 'AH', 58: 'ICMPv6', 59: 'NONE', 60: 'DSTOPTS', 89: 'OSPF', 112: 'VRRP', 132: 'SCTP' };
const PORTS: Record<number, string> = { 7: 'echo', 9: 'discard', 13: 'daytime', 20: 'ftp-data', 21: 'ftp', 22: 'ssh', 23: 'telnet', 25: 'smtp', 53: 'domain', 67: 'bootps', 68: 'bootpc', 69: 'tftp', 80: 'http', 110: 'pop3', 123: 'ntp', 137: 'netbios-ns', 161: 'snmp', 443: 'https', 514: 'syslog' };

const hex4 = (v: number): string => `0x${v.toString(16).padStart(4, '0')}`;

function port(o: PrintOpts, p: number): string {
  return o.n < 2 && PORTS[p] ? PORTS[p]! : String(p);
}

/** Ethernet (print-ether.c ether_print): the link header with -e, then the payload. */
export function printEther(o: PrintOpts, frame: Uint8Array, len = frame.length): string {
  const p = new Pkt(frame, frame.length);
  let s = '';
  try {
    if (frame.length < 14) {
      return `[|ether]`;
    }
    let type = p.u16(12);
    let off = 14;
    if (o.e) {
      s += `${p.mac(6, o.n === 0)} > ${p.mac(0, o.n === 0)}, `;
    }
    let tagged = false;
    while (type === 0x8100 || type === 0x88a8) {
      const tci = p.u16(off);
      if (o.e && !tagged) s += `ethertype ${ETHERTYPES[type]} (${hex4(type)}), length ${len}: `;
      s += `vlan ${tci & 0xfff}, p ${tci >> 13}${tci & 0x1000 ? ', DEI' : ''}, `;
      tagged = true;
      type = p.u16(off + 2);
      off += 4;
    }
    if (type <= 1500) {
      if (o.e && !tagged) s += `802.3, length ${len}: `;
      return s + `LLC, length ${len - off}`;
    }
    const name = ETHERTYPES[type];
    if (tagged) s += `ethertype ${name ?? 'Unknown'} (${hex4(type)}), `;
    else if (o.e) s += `ethertype ${name ?? 'Unknown'} (${hex4(type)}), length ${len}: `;
    s += printNet(o, p, type, off, len - off);
    return s;
  } catch (e) {
    if (e instanceof Trunc) return `${s}[|ether]`;
    throw e;
  }
}

function printNet(o: PrintOpts, p: Pkt, type: number, off: number, len: number): string {
  const pre = (t: string): string => (o.e ? '' : t);
  try {
    switch (type) {
      case 0x0806:
        return pre('ARP, ') + printArp(o, p, off, len);
      case 0x0800:
        return pre('IP ') + printIp(o, p, off, len);
      case 0x86dd:
        return pre('IP6 ') + printIp6(o, p, off, len);
      default:
        return o.e ? `` : `ethertype Unknown (${hex4(type)}), length ${len + off}: `;
    }
  } catch (e) {
    if (!(e instanceof Trunc)) throw e;
    const tag = type === 0x0806 ? 'arp' : type === 0x0800 ? 'ip' : 'ip6';
    return pre(type === 0x0806 ? 'ARP, ' : type === 0x0800 ? 'IP ' : 'IP6 ') + `[|${tag}]`;
  }
}

/** print-arp.c arp_print, for Ethernet/IPv4 ARP. */
function printArp(o: PrintOpts, p: Pkt, off: number, len: number): string {
  const hrd = p.u16(off);
  const pro = p.u16(off + 2);
  const hln = p.u8(off + 4);
  const pln = p.u8(off + 5);
  const op = p.u16(off + 6);
  if (hrd !== 1 || pro !== 0x0800 || hln !== 6 || pln !== 4) {
    return `${hrd === 1 ? 'Ethernet' : `Unknown Hardware (${hrd})`} (len ${hln}), ${pro === 0x0800 ? 'IPv4' : `Unknown Protocol (${hex4(pro)})`} (len ${pln}), ${arpOpName(op)}, length ${len}`;
  }
  p.need(off, 28);
  let s = o.v ? 'Ethernet (len 6), IPv4 (len 4), ' : '';
  const sha = p.mac(off + 8, o.n === 0);
  const spa = p.ip4(off + 14);
  const tha = p.mac(off + 18, o.n === 0);
  const tpa = p.ip4(off + 24);
  switch (op) {
    case 1:
      s += `Request who-has ${tpa}`;
      if (!/^00:00:00:00:00:00/.test(tha)) s += ` (${tha})`;
      s += ` tell ${spa}`;
      break;
    case 2:
      s += `Reply ${spa} is-at ${sha}`;
      break;
    case 3:
      s += `Reverse Request who-is ${tha} tell ${sha}`;
      break;
    case 4:
      s += `Reverse Reply ${tha} at ${tpa}`;
      break;
    default:
      s += `Unknown (${op})`;
  }
  return `${s}, length ${len}`;
}

function arpOpName(op: number): string {
  return ({ 1: 'Request', 2: 'Reply', 3: 'Reverse Request', 4: 'Reverse Reply' } as Record<number, string>)[op] ?? `Unknown (${op})`;
}

/** The -v header of print-ip.c ip_print: `(tos 0x0, ttl 64, id 1, offset 0, flags [DF], proto ICMP (1), length 84)`. */
function ipVHeader(p: Pkt, off: number): string {
  const tos = p.u8(off + 1);
  const tot = p.u16(off + 2);
  const id = p.u16(off + 4);
  const fo = p.u16(off + 6);
  const ttl = p.u8(off + 8);
  const proto = p.u8(off + 9);
  let flags = '';
  if (fo & 0x8000) flags += 'rsvd';
  if (fo & 0x4000) flags += 'DF';
  if (fo & 0x2000) flags += '+';
  let ecn = '';
  if (tos & 3) ecn = `,${['', 'ECT(1)', 'ECT(0)', 'CE'][tos & 3]}`;
  return `(tos 0x${(tos & 0xfc).toString(16)}${ecn}, ttl ${ttl}, id ${id}, offset ${(fo & 0x1fff) * 8}, flags [${flags || 'none'}], proto ${IPPROTOS[proto] ?? 'unknown'} (${proto}), length ${tot})`;
}

/** print-ip.c ip_print. */
function printIp(o: PrintOpts, p: Pkt, off: number, len: number): string {
  const vhl = p.u8(off);
  if (vhl >> 4 !== 4) return `IP${vhl >> 4} [|ip]`;
  const hl = (vhl & 15) * 4;
  if (hl < 20) return `bad-hlen ${hl}`;
  p.need(off, 20);
  const tot = p.u16(off + 2);
  let s = '';
  if (o.v) s += `${ipVHeader(p, off)}\n    `;
  const ipLen = Math.min(tot, len);
  const src = p.ip4(off + 12);
  const dst = p.ip4(off + 16);
  const proto = p.u8(off + 9);
  const fo = p.u16(off + 6);
  if ((fo & 0x1fff) !== 0) {
    return `${s}${src} > ${dst}: ${IPPROTOS[proto] ? IPPROTOS[proto]!.toLowerCase() : `ip-proto-${proto}`}`;
  }
  const pl = off + hl;
  const plen = Math.max(0, ipLen - hl);
  // a payload the capture cut short still prints what it has
  const pp = new Pkt(p.b, Math.min(p.end, off + ipLen));
  switch (proto) {
    case 1:
      return `${s}${src} > ${dst}: ${printIcmp(o, pp, pl, plen)}`;
    case 17:
      return `${s}${printUdp(o, pp, pl, plen, src, dst, off)}`;
    case 6:
      return `${s}${printTcp(o, pp, pl, plen, src, dst, off)}`;
    default:
      return `${s}${src} > ${dst}: ${IPPROTOS[proto] ? IPPROTOS[proto]!.toLowerCase() : `ip-proto-${proto}`} ${plen}`;
  }
}

function printUdp(o: PrintOpts, p: Pkt, off: number, len: number, src: string, dst: string, ipOff: number): string {
  try {
    const sp = p.u16(off);
    const dp = p.u16(off + 2);
    const ulen = p.u16(off + 4);
    let s = `${src}.${port(o, sp)} > ${dst}.${port(o, dp)}: `;
    if (o.v > 1 && p.has(off, ulen) && ulen >= 8 && ipOff >= 0) {
      const sum = p.u16(off + 6);
      if (sum !== 0) {
        const b = p.b;
        let ph = 0;
        for (let i = 12; i < 20; i += 2) ph += (b[ipOff + i]! << 8) | b[ipOff + i + 1]!;
        ph += 17 + ulen;
        const c = internetChecksum(b, off, off + ulen, ph);
        if (c === 0) s += '[udp sum ok] ';
        else {
          // the checksum the packet should have
          const copy = b.slice(off, off + ulen);
          copy[6] = 0;
          copy[7] = 0;
          let want = internetChecksum(copy, 0, ulen, ph);
          if (want === 0) want = 0xffff;
          s += `[bad udp cksum ${hex4(sum)} -> ${hex4(want)}!] `;
        }
      }
    }
    return `${s}UDP, length ${ulen - 8}`;
  } catch (e) {
    if (e instanceof Trunc) return `${src} > ${dst}: [|udp]`;
    throw e;
  }
}

const TCP_FLAGS: [number, string][] = [
  [0x02, 'S'],
  [0x01, 'F'],
  [0x04, 'R'],
  [0x08, 'P'],
  [0x10, '.'],
  [0x20, 'U'],
  [0x40, 'E'],
  [0x80, 'W'],
];

function tcpOptions(p: Pkt, off: number, end: number): string {
  const out: string[] = [];
  let i = off;
  while (i < end) {
    const k = p.u8(i);
    if (k === 0) {
      out.push('eol');
      break;
    }
    if (k === 1) {
      out.push('nop');
      i++;
      continue;
    }
    const l = p.u8(i + 1);
    if (l < 2) {
      out.push(`opt-${k}:len ${l}`);
      break;
    }
    switch (k) {
      case 2:
        out.push(`mss ${p.u16(i + 2)}`);
        break;
      case 3:
        out.push(`wscale ${p.u8(i + 2)}`);
        break;
      case 4:
        out.push('sackOK');
        break;
      case 5: {
        const blocks: string[] = [];
        for (let j = i + 2; j + 8 <= i + l; j += 8) blocks.push(`{${p.u32(j)}:${p.u32(j + 4)}}`);
        out.push(`sack ${blocks.length} ${blocks.join('')}`);
        break;
      }
      case 8:
        out.push(`TS val ${p.u32(i + 2)} ecr ${p.u32(i + 6)}`);
        break;
      default:
        out.push(`unknown-${k} 0x${Array.from({ length: l - 2 }, (_, j) => p.u8(i + 2 + j).toString(16).padStart(2, '0')).join('')}`);
    }
    i += l;
  }
  return out.join(',');
}

function printTcp(o: PrintOpts, p: Pkt, off: number, len: number, src: string, dst: string, ipOff = -1): string {
  try {
    const sp = p.u16(off);
    const dp = p.u16(off + 2);
    const seq = p.u32(off + 4);
    const ack = p.u32(off + 8);
    const doff = (p.u8(off + 12) >> 4) * 4;
    const fl = p.u8(off + 13);
    const win = p.u16(off + 14);
    const sum = p.u16(off + 16);
    const urg = p.u16(off + 18);
    let flags = '';
    for (const [bit, c] of TCP_FLAGS) if (fl & bit) flags += c;
    const dlen = len - doff;
    let s = `${src}.${port(o, sp)} > ${dst}.${port(o, dp)}: `;
    if (o.q) return `${s}tcp ${Math.max(0, dlen)}`;
    s += `Flags [${flags || 'none'}]`;
    if (o.v && ipOff >= 0 && p.has(off, len)) {
      let ph = 0;
      for (let i = 12; i < 20; i += 2) ph += (p.b[ipOff + i]! << 8) | p.b[ipOff + i + 1]!;
      ph += 6 + len;
      if (internetChecksum(p.b, off, off + len, ph) === 0) s += `, cksum ${hex4(sum)} (correct)`;
      else {
        const copy = p.b.slice(off, off + len);
        copy[16] = 0;
        copy[17] = 0;
        s += `, cksum ${hex4(sum)} (incorrect -> ${hex4(internetChecksum(copy, 0, len, ph))})`;
      }
    }
    if (dlen > 0 || fl & 0x07) s += `, seq ${seq}${dlen > 0 ? `:${(seq + dlen) >>> 0}` : ''}`;
    if (fl & 0x10) s += `, ack ${ack}`;
    s += `, win ${win}`;
    if (fl & 0x20) s += `, urg ${urg}`;
    if (doff > 20) s += `, options [${tcpOptions(p, off + 20, off + doff)}]`;
    s += `, length ${Math.max(0, dlen)}`;
    return s;
  } catch (e) {
    if (e instanceof Trunc) return `${src} > ${dst}: [|tcp]`;
    throw e;
  }
}

const UNREACH: Record<number, string> = {
  0: 'net %d unreachable',
  1: 'host %d unreachable',
  4: '%d unreachable - need to frag',
  5: '%d unreachable - source route failed',
  6: '%d unreachable - net unknown',
  7: '%d unreachable - host unknown',
  8: '%d unreachable - source host isolated',
  9: 'net %d unreachable - admin prohibited',
  10: 'host %d unreachable - admin prohibited',
  11: 'net %d unreachable - tos prohibited',
  12: 'host %d unreachable - tos prohibited',
  13: '%d unreachable - admin prohibited filter',
  14: '%d unreachable - host precedence violation',
  15: '%d unreachable - precedence cutoff',
};

/** print-icmp.c icmp_print. */
function printIcmp(o: PrintOpts, p: Pkt, off: number, len: number): string {
  let s: string;
  try {
    const type = p.u8(off);
    const code = p.u8(off + 1);
    let quote = false;
    switch (type) {
      case 0:
      case 8:
        s = `ICMP echo ${type === 8 ? 'request' : 'reply'}, id ${p.u16(off + 4)}, seq ${p.u16(off + 6)}`;
        break;
      case 3: {
        quote = true;
        const q = off + 8;
        const qdst = p.ip4(q + 16);
        if (code === 2) s = `ICMP ${qdst} protocol ${p.u8(q + 9)} unreachable`;
        else if (code === 3) {
          const qhl = (p.u8(q) & 15) * 4;
          const qp = p.u8(q + 9);
          const dport = p.u16(q + qhl + 2);
          s = qp === 17 ? `ICMP ${qdst} udp port ${port(o, dport)} unreachable` : qp === 6 ? `ICMP ${qdst} tcp port ${port(o, dport)} unreachable` : `ICMP ${qdst} protocol ${qp} port ${dport} unreachable`;
        } else if (code === 4) {
          const mtu = p.u16(off + 6);
          s = `ICMP ${qdst} unreachable - need to frag${mtu ? ` (mtu ${mtu})` : ''}`;
        } else if (UNREACH[code]) s = `ICMP ${UNREACH[code]!.replace('%d', qdst)}`;
        else s = `ICMP ${qdst} unreachable - #${code}`;
        break;
      }
      case 5: {
        quote = true;
        const gw = p.ip4(off + 4);
        const qdst = p.ip4(off + 8 + 16);
        const what = ['net', 'host', 'tos and net', 'tos and host'][code];
        s = what ? `ICMP redirect ${qdst} to ${what} ${gw}` : `ICMP redirect-#${code} ${qdst} to ${gw}`;
        break;
      }
      case 11:
        quote = true;
        s = code === 0 ? 'ICMP time exceeded in-transit' : code === 1 ? 'ICMP ip reassembly time exceeded' : `ICMP time exceeded-#${code}`;
        break;
      case 12:
        quote = true;
        s = code === 0 ? `ICMP parameter problem - octet ${p.u8(off + 4)}` : `ICMP parameter problem code ${code}`;
        break;
      case 13:
      case 14:
        s = `ICMP time stamp ${type === 13 ? 'query' : 'reply'} id ${p.u16(off + 4)} seq ${p.u16(off + 6)}`;
        break;
      case 4:
        s = 'ICMP source quench';
        break;
      case 9:
        s = 'ICMP router advertisement';
        break;
      case 10:
        s = 'ICMP router solicitation';
        break;
      default:
        s = `ICMP type-#${type}`;
    }
    s += `, length ${len}`;
    if (quote && o.v) {
      const q = off + 8;
      const qp = new Pkt(p.b, p.end);
      const qlen = Math.min(qp.u16(q + 2), len - 8);
      s += `\n\t${o.e ? '' : 'IP '}${printIp(o.v > 1 ? o : { ...o, v: 1 }, qp, q, Math.max(qlen, 0))}`;
    }
    return s;
  } catch (e) {
    if (e instanceof Trunc) return 'ICMP [|icmp]';
    throw e;
  }
}

/** print-ip6.c ip6_print with the extension headers nsemu sees (hop-by-hop) and ICMPv6. */
function printIp6(o: PrintOpts, p: Pkt, off: number, len: number): string {
  const v = p.u8(off) >> 4;
  if (v !== 6) return `IP6 [|ip6]`;
  p.need(off, 40);
  const flow = p.u32(off) & 0xfffff;
  const tclass = (p.u32(off) >>> 20) & 0xff;
  const plen = p.u16(off + 4);
  let nh = p.u8(off + 6);
  const hlim = p.u8(off + 7);
  let s = '';
  if (o.v) {
    s += '(';
    if (tclass) s += `class 0x${tclass.toString(16)}, `;
    if (flow) s += `flowlabel 0x${flow.toString(16).padStart(5, '0')}, `;
    s += `hlim ${hlim}, next-header ${IPPROTOS[nh] ?? 'unknown'} (${nh}) payload length: ${plen}) `;
  }
  s += `${p.ip6(off + 8)} > ${p.ip6(off + 24)}: `;
  const end = Math.min(p.end, off + 40 + plen);
  const pp = new Pkt(p.b, end);
  let cur = off + 40;
  let left = plen;
  for (;;) {
    if (nh === 0) {
      const next = pp.u8(cur);
      const hl = (pp.u8(cur + 1) + 1) * 8;
      s += 'HBH ';
      if (o.v) {
        let i = cur + 2;
        while (i < cur + hl) {
          const t = pp.u8(i);
          if (t === 0) {
            s += '(pad1)';
            i++;
            continue;
          }
          const ol = pp.u8(i + 1);
          if (t === 5) s += `(rtalert: ${hex4(pp.u16(i + 2))}) `;
          else if (t === 1) s += '(padn) ';
          else s += `(opt_type 0x${t.toString(16).padStart(2, '0')}: len=${ol}) `;
          i += 2 + ol;
        }
      }
      nh = next;
      cur += hl;
      left -= hl;
      continue;
    }
    break;
  }
  if (nh === 58) return s + printIcmp6(o, pp, cur, left, off);
  if (nh === 17) return s.replace(/[^ ]+ > [^ ]+: $/, '') + printUdp(o, pp, cur, left, p.ip6(off + 8), p.ip6(off + 24), -1);
  if (nh === 6) return s.replace(/[^ ]+ > [^ ]+: $/, '') + printTcp(o, pp, cur, left, p.ip6(off + 8), p.ip6(off + 24));
  return `${s}${IPPROTOS[nh] ? IPPROTOS[nh]!.toLowerCase() : `ip-proto-${nh}`} ${left}`;
}

const MLD2_REC: Record<number, string> = { 1: 'is_in', 2: 'is_ex', 3: 'to_in', 4: 'to_ex', 5: 'allow', 6: 'block' };

function icmp6Sum(p: Pkt, ip6: number, off: number, len: number): boolean {
  if (!p.has(off, len)) return false;
  let ph = 0;
  for (let i = ip6 + 8; i < ip6 + 40; i += 2) ph += (p.b[i]! << 8) | p.b[i + 1]!;
  ph += 58 + len;
  return internetChecksum(p.b, off, off + len, ph) === 0;
}

function hexLine(p: Pkt, off: number, len: number, indent: string): string {
  let s = '';
  for (let i = 0; i < len; i += 16) {
    s += `\n${indent}0x${i.toString(16).padStart(4, '0')}: `;
    for (let j = i; j < Math.min(len, i + 16); j += 2) s += j + 1 < len ? ` ${p.u8(off + j).toString(16).padStart(2, '0')}${p.u8(off + j + 1).toString(16).padStart(2, '0')}` : ` ${p.u8(off + j).toString(16).padStart(2, '0')}`;
  }
  return s;
}

/** ND options (print-icmp6.c icmp6_opt_print), with -v. */
function ndOpts(o: PrintOpts, p: Pkt, off: number, end: number): string {
  let s = '';
  while (off + 2 <= end) {
    const t = p.u8(off);
    const l = p.u8(off + 1) * 8;
    if (l === 0) break;
    const body = off + 2;
    const blen = l - 2;
    if (t === 1 || t === 2) {
      s += `\n\t  ${t === 1 ? 'source' : 'destination'} link-address option (${t}), length ${l} (${l / 8}): ${p.mac(body)}`;
      if (o.v > 1) s += hexLine(p, body, blen, '\t    ');
    } else {
      s += `\n\t  unknown option (${t}), length ${l} (${l / 8}): ${hexLine(p, body, blen, o.v > 1 ? '\t    ' : '\t  ')}`;
    }
    off += l;
  }
  return s;
}

function printIcmp6(o: PrintOpts, p: Pkt, off: number, len: number, ip6: number): string {
  try {
    const type = p.u8(off);
    const code = p.u8(off + 1);
    let s = o.v ? (icmp6Sum(p, ip6, off, len) ? '[icmp6 sum ok] ' : `[bad icmp6 cksum ${hex4(p.u16(off + 2))}!] `) : '';
    switch (type) {
      case 128:
      case 129:
        return `${s}ICMP6, echo ${type === 128 ? 'request' : 'reply'}, id ${p.u16(off + 4)}, seq ${p.u16(off + 6)}, length ${len}`;
      case 133:
        return `${s}ICMP6, router solicitation, length ${len}${o.v ? ndOpts(o, p, off + 8, off + len) : ''}`;
      case 134:
        return `${s}ICMP6, router advertisement, length ${len}`;
      case 135:
        if (o.v) return `${s}ICMP6, neighbor solicitation, length ${len}, who has ${p.ip6(off + 8)}${ndOpts(o, p, off + 24, off + len)}`;
        return `${s}ICMP6, neighbor solicitation, who has ${p.ip6(off + 8)}, length ${len}`;
      case 136:
        if (o.v) return `${s}ICMP6, neighbor advertisement, length ${len}, tgt is ${p.ip6(off + 8)}${ndOpts(o, p, off + 24, off + len)}`;
        return `${s}ICMP6, neighbor advertisement, tgt is ${p.ip6(off + 8)}, length ${len}`;
      case 143: {
        const n = p.u16(off + 6);
        s += `ICMP6, multicast listener report v2, ${n} group record(s)`;
        if (!o.v) return `${s}, length ${len}`;
        let r = off + 8;
        for (let i = 0; i < n; i++) {
          const rt = p.u8(r);
          const aux = p.u8(r + 1) * 4;
          const ns = p.u16(r + 2);
          s += ` [gaddr ${p.ip6(r + 4)} ${MLD2_REC[rt] ?? `#${rt}`}`;
          if (o.v > 1) {
            s += ' {';
            for (let j = 0; j < ns; j++) s += ` ${p.ip6(r + 20 + 16 * j)}`;
            s += ' }]';
          } else s += `, ${ns} source(s)]`;
          r += 20 + 16 * ns + aux;
        }
        return s;
      }
      case 1:
        return `${s}ICMP6, destination unreachable, ${['unreachable route', 'unreachable prohibited', 'beyond scope', 'unreachable address', 'unreachable port'][code] ?? `code-#${code}`}, length ${len}`;
      case 3:
        return `${s}ICMP6, time exceeded in-transit, length ${len}`;
      default:
        return `${s}ICMP6, type-#${type}, length ${len}`;
    }
  } catch (e) {
    if (e instanceof Trunc) return 'ICMP6 [|icmp6]';
    throw e;
  }
}

// ---- hex dumps (print-ascii.c) ---------------------------------------------------------------

export function hexPrint(b: Uint8Array, start: number): string {
  let s = '';
  let i = 0;
  let oset = 0;
  for (let k = start; k < b.length; k += 2) {
    if (i++ % 8 === 0) {
      s += `\n\t0x${oset.toString(16).padStart(4, '0')}: `;
      oset += 16;
    }
    s += k + 1 < b.length ? ` ${b[k]!.toString(16).padStart(2, '0')}${b[k + 1]!.toString(16).padStart(2, '0')}` : ` ${b[k]!.toString(16).padStart(2, '0')}`;
  }
  return s;
}

export function hexAsciiPrint(b: Uint8Array, start: number): string {
  let s = '';
  let hex = '';
  let asc = '';
  let oset = 0;
  const g = (c: number): string => (c > 0x20 && c < 0x7f ? String.fromCharCode(c) : '.');
  for (let k = start; k < b.length; k += 2) {
    if (k + 1 < b.length) {
      hex += ` ${b[k]!.toString(16).padStart(2, '0')}${b[k + 1]!.toString(16).padStart(2, '0')}`;
      asc += g(b[k]!) + g(b[k + 1]!);
    } else {
      hex += ` ${b[k]!.toString(16).padStart(2, '0')}`;
      asc += g(b[k]!);
    }
    if (hex.length >= 40 || k + 2 >= b.length) {
      s += `\n\t0x${oset.toString(16).padStart(4, '0')}: ${hex.padEnd(40)}  ${asc}`;
      oset += 16;
      hex = '';
      asc = '';
    }
  }
  return s;
}

// ---- the whole line ------------------------------------------------------------------------

function two(n: number): string {
  return String(n).padStart(2, '0');
}

/** The timestamp prefix (-t, -tt, -ttt; default time of day in UTC). `prev` for -ttt. */
export function tsPrefix(o: PrintOpts, sec: number, usec: number, prev?: { sec: number; usec: number }): string {
  if (o.t === 1) return '';
  if (o.t === 2) return `${sec}.${String(usec).padStart(6, '0')} `;
  if (o.t === 3) {
    let d = prev ? (sec - prev.sec) * 1e6 + (usec - prev.usec) : 0;
    const neg = d < 0;
    if (neg) d = -d;
    const s = Math.floor(d / 1e6);
    return `${neg ? '-' : ' '}${two(Math.floor(s / 3600))}:${two(Math.floor(s / 60) % 60)}:${two(s % 60)}.${String(d % 1e6).padStart(6, '0')} `;
  }
  if (o.t === 4) {
    const d = new Date(sec * 1000);
    return `${d.getUTCFullYear()}-${two(d.getUTCMonth() + 1)}-${two(d.getUTCDate())} ${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())}.${String(usec).padStart(6, '0')} `;
  }
  if (o.t === 5) {
    // since the first packet: `prev` is the first packet's time here
    let d = prev ? (sec - prev.sec) * 1e6 + (usec - prev.usec) : 0;
    if (d < 0) d = 0;
    const s = Math.floor(d / 1e6);
    return ` ${two(Math.floor(s / 3600))}:${two(Math.floor(s / 60) % 60)}:${two(s % 60)}.${String(d % 1e6).padStart(6, '0')} `;
  }
  const day = sec % 86400;
  return `${two(Math.floor(day / 3600))}:${two(Math.floor(day / 60) % 60)}:${two(day % 60)}.${String(usec).padStart(6, '0')} `;
}

/** One packet as tcpdump prints it (without the timestamp), hex dumps included, no final newline. */
export function printPacket(o: PrintOpts, frame: Uint8Array, len = frame.length): string {
  let s = printEther(o, frame, len);
  const hdr = frame.length >= 14 ? (frame[12] === 0x81 && frame[13] === 0 ? 18 : 14) : frame.length;
  if (o.X) s += hexAsciiPrint(frame, o.x > 1 || (o.X && o.x > 0) ? 0 : hdr);
  else if (o.x > 1) s += hexPrint(frame, 0);
  else if (o.x === 1) s += hexPrint(frame, hdr);
  return s;
}
