// net/netfilter/nf_log_syslog.c (nf_log_ip_packet): the kernel log line of the LOG target for an
// IPv4 packet — prefix, devices (bridge ports as PHYSIN/PHYSOUT), the received frame's MAC
// header, the IP header fields and the TCP/UDP/ICMP header (an ICMP error's quoted packet in
// brackets, one level deep). Every field ends with a space, the line too. Only the initial
// namespace logs, unless net.netfilter.nf_log_all_netns is set there ("guard against containers
// flooding syslog").
import type { Kctx } from '../../kernel/machine.ts';
import { printk } from '../../kernel/printk.ts';
import { ipv4Read, ipv4ToText } from '../wire/addr.ts';
import { ipv4Dst, ipv4HeaderLen, ipv4Id, ipv4Proto, ipv4Src, ipv4TotalLength, ipv4Ttl, ipv4Tos, IPPROTO_ICMP, IPPROTO_TCP, IPPROTO_UDP } from '../wire/ipv4.ts';
import { ICMP_DEST_UNREACH, ICMP_ECHO, ICMP_ECHOREPLY, ICMP_FRAG_NEEDED, ICMP_PARAMETERPROB, ICMP_REDIRECT, ICMP_SOURCE_QUENCH, ICMP_TIME_EXCEEDED, NR_ICMP_TYPES } from '../wire/icmp.ts';
import { TCP_HLEN, tcpAckSeq, tcpDoff, tcpDstPort, tcpFlags, tcpReserved, tcpSeq, tcpSrcPort, tcpUrgPtr, tcpWindow } from '../wire/tcp.ts';
import { udpDstPort, udpLen, udpSrcPort } from '../wire/udp.ts';
import type { XtPkt } from './x_tables.ts';

/** XT_LOG_* / NF_LOG_* flags */
export const NF_LOG_TCPSEQ = 0x01;
export const NF_LOG_TCPOPT = 0x02;
export const NF_LOG_IPOPT = 0x04;
export const NF_LOG_UID = 0x08;
export const NF_LOG_MACDECODE = 0x20;

export interface NfLogInfo {
  level: number;
  logflags: number;
  prefix: string;
}

const hex2 = (b: number): string => b.toString(16).padStart(2, '0');
const mac = (f: Uint8Array, at: number): string => Array.from(f.subarray(at, at + 6), hex2).join(':');
const be16 = (f: Uint8Array, at: number): number => (f[at]! << 8) | f[at + 1]!;

/** bytes 4..7 of an ICMP message must be there for these types, and the quoted header for errors */
const REQUIRED_LEN: Record<number, number> = { 0: 4, 3: 28, 4: 28, 5: 28, 8: 4, 11: 28, 12: 28, 13: 20, 14: 20, 17: 12, 18: 12 };

function optHex(f: Uint8Array, from: number, to: number): string {
  return `OPT (${Array.from(f.subarray(from, to), (b) => hex2(b).toUpperCase()).join('')}) `;
}

/** nf_log_dump_tcp_header: false when the header is incomplete (the line ends there). */
function dumpTcp(f: Uint8Array, off: number, end: number, fragment: boolean, logflags: number): [string, boolean] {
  let s = 'PROTO=TCP ';
  if (fragment) return [s, true];
  if (off + TCP_HLEN > end) return [`${s}INCOMPLETE [${end - off} bytes] `, false];
  s += `SPT=${tcpSrcPort(f, off)} DPT=${tcpDstPort(f, off)} `;
  if (logflags & NF_LOG_TCPSEQ) s += `SEQ=${tcpSeq(f, off)} ACK=${tcpAckSeq(f, off)} `;
  s += `WINDOW=${tcpWindow(f, off)} `;
  // TCP_RESERVED_BITS (the three bits above AE) of the flag word, shifted down
  s += `RES=0x${hex2((tcpReserved(f, off) & 0x0e) << 2)} `;
  const fl = tcpFlags(f, off);
  if (tcpReserved(f, off) & 1) s += 'AE ';
  for (const [bit, name] of [[0x80, 'CWR'], [0x40, 'ECE'], [0x20, 'URG'], [0x10, 'ACK'], [0x08, 'PSH'], [0x04, 'RST'], [0x02, 'SYN'], [0x01, 'FIN']] as const) {
    if (fl & bit) s += `${name} `;
  }
  s += `URGP=${tcpUrgPtr(f, off)} `;
  const doff = tcpDoff(f, off);
  if (logflags & NF_LOG_TCPOPT && doff > TCP_HLEN) {
    if (off + doff > end) return [`${s}OPT (TRUNCATED)`, false];
    s += optHex(f, off + TCP_HLEN, off + doff);
  }
  return [s, true];
}

/** dump_ipv4_packet: the header at `off` (the packet itself, or an ICMP error's quote). */
function dumpIpv4(f: Uint8Array, off: number, end: number, logflags: number, quoted: boolean): string {
  if (off + 20 > end) return 'TRUNCATED';
  const fragWord = be16(f, off + 6);
  const tos = ipv4Tos(f, off);
  let s = `SRC=${ipv4ToText(ipv4Src(f, off))} DST=${ipv4ToText(ipv4Dst(f, off))} `;
  const h = (v: number): string => hex2(v).toUpperCase();
  s += `LEN=${ipv4TotalLength(f, off)} TOS=0x${h(tos & 0x1e)} PREC=0x${h(tos & 0xe0)} TTL=${ipv4Ttl(f, off)} ID=${ipv4Id(f, off)} `;
  if (fragWord & 0x8000) s += 'CE ';
  if (fragWord & 0x4000) s += 'DF ';
  if (fragWord & 0x2000) s += 'MF ';
  const fragoff = fragWord & 0x1fff;
  if (fragoff) s += `FRAG:${fragoff} `;
  const hl = ipv4HeaderLen(f, off);
  if (logflags & NF_LOG_IPOPT && hl > 20) {
    if (off + hl > end) return `${s}TRUNCATED`;
    s += optHex(f, off + 20, off + hl);
  }
  const th = off + hl;
  switch (ipv4Proto(f, off)) {
    case IPPROTO_TCP: {
      const [t, complete] = dumpTcp(f, th, end, fragoff !== 0, logflags);
      s += t;
      if (!complete) return s;
      break;
    }
    case IPPROTO_UDP:
      s += 'PROTO=UDP ';
      if (fragoff) break;
      if (th + 8 > end) return `${s}INCOMPLETE [${end - th} bytes] `;
      s += `SPT=${udpSrcPort(f, th)} DPT=${udpDstPort(f, th)} LEN=${udpLen(f, th)} `;
      break;
    case IPPROTO_ICMP: {
      s += 'PROTO=ICMP ';
      if (fragoff) break;
      if (th + 8 > end) {
        s += `INCOMPLETE [${end - th} bytes] `;
        break;
      }
      const type = f[th]!;
      const code = f[th + 1]!;
      s += `TYPE=${type} CODE=${code} `;
      const need = type <= NR_ICMP_TYPES ? REQUIRED_LEN[type] : undefined;
      if (need && end - th < need) {
        s += `INCOMPLETE [${end - th} bytes] `;
        break;
      }
      switch (type) {
        case ICMP_ECHOREPLY:
        case ICMP_ECHO:
          s += `ID=${be16(f, th + 4)} SEQ=${be16(f, th + 6)} `;
          break;
        case ICMP_PARAMETERPROB:
          s += `PARAMETER=${f[th + 4]} `;
          break;
        case ICMP_REDIRECT:
        case ICMP_DEST_UNREACH:
        case ICMP_SOURCE_QUENCH:
        case ICMP_TIME_EXCEEDED:
          if (type === ICMP_REDIRECT) s += `GATEWAY=${ipv4ToText(ipv4Read(f, th + 4))} `;
          if (!quoted) s += `[${dumpIpv4(f, th + 8, end, logflags, true)}] `;
          if (type === ICMP_DEST_UNREACH && code === ICMP_FRAG_NEEDED) s += `MTU=${be16(f, th + 6)} `;
      }
      break;
    }
    default:
      s += `PROTO=${ipv4Proto(f, off)} `;
  }
  return s;
}

/** nf_log_allowed */
function nfLogAllowed(k: Kctx, nsId: number): boolean {
  return nsId === k.w.initNs || k.w.netns[k.w.initNs]?.sysctl['netfilter/nf_log_all_netns'] !== '0';
}

/** The record's text (without the level), as nf_log_ip_packet builds it. */
export function nfLogIpText(p: XtPkt, li: NfLogInfo): string {
  const { frame: f, ip } = p;
  const inName = p.indev?.name;
  const outName = p.outdev?.name;
  let s = `${li.prefix}IN=${inName ?? ''} OUT=${outName ?? ''} `;
  if (p.physin && p.physin.name !== inName) s += `PHYSIN=${p.physin.name} `;
  if (p.physout && p.physout.name !== outName) s += `PHYSOUT=${p.physout.name} `;
  if (p.indev) {
    // dump_mac_header: the Ethernet header the frame arrived with
    if (li.logflags & NF_LOG_MACDECODE) s += `MACSRC=${mac(f, 6)} MACDST=${mac(f, 0)} MACPROTO=${hex2(f[12]!)}${hex2(f[13]!)} `;
    else s += `MAC=${Array.from(f.subarray(0, ip), hex2).join(':')} `;
  }
  return s + dumpIpv4(f, ip, Math.min(f.length, ip + ipv4TotalLength(f, ip)), li.logflags, false);
}

/** nf_log_packet for IPv4 with the syslog logger. */
export function nfLogIpPacket(p: XtPkt, li: NfLogInfo): void {
  if (!nfLogAllowed(p.k, p.nsId)) return;
  printk(p.k.m, li.level, nfLogIpText(p, li));
}
