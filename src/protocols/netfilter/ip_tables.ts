// net/ipv4/netfilter/ip_tables.c ipt_do_table: a table's chain for a hook point, rule by rule
// (the IP header fields, then each match extension), with jumps to user chains and RETURN; the
// built-in chain's policy decides when no rule does. Counters count the IP datagram's length,
// as the kernel's skb->len at that layer.
import type { NfMatch, NfRule, NfTable, NfTargetInfo } from '../../kernel/types.ts';
import { inPrefix } from '../wire/addr.ts';
import { ICMP_HLEN } from '../wire/icmp.ts';
import { ipv4Dst, ipv4FragOffset, ipv4HeaderLen, ipv4Proto, ipv4Src, ipv4TotalLength } from '../wire/ipv4.ts';
import type { XtPkt, XtVerdict } from './x_tables.ts';
import { stateMt } from './xt_conntrack.ts';
import { rejectTg } from './ipt_REJECT.ts';
import { masqueradeTg, natTg } from './xt_nat.ts';
import { tcpMt, udpMt } from './xt_tcpudp.ts';
import { physdevMt } from './xt_physdev.ts';
import { logTg } from './xt_LOG.ts';

type Matches = { [N in NfMatch['name']]: (p: XtPkt, m: Extract<NfMatch, { name: N }>) => boolean };
type Targets = { [N in NfTargetInfo['name']]: (p: XtPkt, info: Extract<NfTargetInfo, { name: N }>) => XtVerdict };

/** icmp_match: the type (0xFF: any) and a code range; non-first fragments never match, a
 *  header too short to read drops the packet. */
function icmpMatch(p: XtPkt, m: Extract<NfMatch, { name: 'icmp' }>): boolean {
  const { frame, ip } = p;
  if (ipv4FragOffset(frame, ip) !== 0) return false;
  const th = ip + ipv4HeaderLen(frame, ip);
  if (th + ICMP_HLEN > Math.min(frame.length, ip + ipv4TotalLength(frame, ip))) {
    p.hotdrop = true;
    return false;
  }
  const type = frame[th]!;
  const code = frame[th + 1]!;
  return (m.type === 0xff || (type === m.type && code >= m.code[0] && code <= m.code[1])) !== m.inv;
}

/** The match extensions by name (xt_register_match). */
const MATCHES: Matches = { state: stateMt, conntrack: stateMt, tcp: tcpMt, udp: udpMt, icmp: icmpMatch, physdev: physdevMt };
/** The target extensions by name (xt_register_target). */
const TARGETS: Targets = { REJECT: rejectTg, SNAT: natTg, DNAT: natTg, MASQUERADE: masqueradeTg, LOG: logTg };

/** iptables' interface match: exact, or a prefix when the rule's name ends in '+'. */
function ifaceMatch(rule: string, name: string | undefined): boolean {
  if (rule === '') return true;
  if (name === undefined) return false;
  return rule.endsWith('+') ? name.startsWith(rule.slice(0, -1)) : name === rule;
}

/** ip_packet_match, then every match extension. */
function ruleMatches(r: NfRule, p: XtPkt): boolean {
  const { frame, ip } = p;
  if (inPrefix(ipv4Src(frame, ip), r.src, r.srcLen) === r.inv.src) return false;
  if (inPrefix(ipv4Dst(frame, ip), r.dst, r.dstLen) === r.inv.dst) return false;
  if (ifaceMatch(r.iif, p.indev?.name) === r.inv.iif) return false;
  if (ifaceMatch(r.oif, p.outdev?.name) === r.inv.oif) return false;
  if (r.proto !== 0 && (ipv4Proto(frame, ip) === r.proto) === r.inv.proto) return false;
  for (const m of r.matches) if (!(MATCHES[m.name] as (p: XtPkt, m: NfMatch) => boolean)(p, m)) return false;
  return true;
}

function runTarget(p: XtPkt, info: NfTargetInfo): XtVerdict {
  return (TARGETS[info.name] as (p: XtPkt, i: NfTargetInfo) => XtVerdict)(p, info);
}

/** ipt_do_table: ACCEPT or DROP for the packet at the hook. */
export function iptDoTable(p: XtPkt, t: NfTable): 'ACCEPT' | 'DROP' {
  const len = ipv4TotalLength(p.frame, p.ip);
  const stack: { chain: string; next: number }[] = [];
  let cur: string = p.hook;
  let i = 0;
  for (;;) {
    const rules = t[cur]?.rules ?? [];
    let jumped = false;
    for (; i < rules.length; i++) {
      const r = rules[i]!;
      if (!ruleMatches(r, p)) {
        if (p.hotdrop) return 'DROP';
        continue;
      }
      r.pkts++;
      r.bytes += len;
      if (p.k.m.tracer) p.decided = `${cur} rule ${i + 1} -j ${r.target}`;
      if (r.target === 'ACCEPT' || r.target === 'DROP') return r.target;
      if (r.targinfo) {
        const v = runTarget(p, r.targinfo);
        if (v === 'CONTINUE') continue;
        return v;
      }
      if (r.target === 'RETURN') {
        i = rules.length;
        break;
      }
      if (t[r.target]) {
        stack.push({ chain: cur, next: i + 1 });
        cur = r.target;
        i = 0;
        jumped = true;
        break;
      }
    }
    if (jumped) continue;
    const back = stack.pop();
    if (back) {
      cur = back.chain;
      i = back.next;
      continue;
    }
    // the end of a built-in chain: its policy. The nf_tables backend counts only what the
    // policy drops (an ACCEPT policy's counters stay 0, as the real listings show)
    const base = t[p.hook]!;
    if (p.k.m.tracer) p.decided = `policy ${base.policy ?? 'ACCEPT'} in ${p.hook}`;
    if (base.policy === 'DROP') {
      base.pkts++;
      base.bytes += len;
    }
    return base.policy ?? 'ACCEPT';
  }
}
