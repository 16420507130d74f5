// NF_HOOK for IPv4 (net/netfilter/core.c nf_hook_slow, net/ipv4/netfilter/ip_tables.c
// ipt_do_table): the filter table's chain for a hook point, rule by rule, with jumps to user
// chains and RETURN; the built-in chain's policy decides when no rule does. Counters count the
// IP datagram's length, as the kernel's skb->len at that layer.
import type { Draft } from 'immer';
import type { Kctx } from '../../kernel/machine.ts';
import type { Device, NfRule, NfTable } from '../../kernel/types.ts';
import { inPrefix } from '../wire/addr.ts';
import { ipv4Dst, ipv4Proto, ipv4Src, ipv4TotalLength } from '../wire/ipv4.ts';
import { ICMP_DEST_UNREACH } from '../wire/icmp.ts';
import { icmpSend } from '../ipv4/icmp.ts';

export type NfHook = 'PREROUTING' | 'INPUT' | 'FORWARD' | 'OUTPUT' | 'POSTROUTING';

/** iptables' interface match: exact, or a prefix when the rule's name ends in '+'. */
function ifaceMatch(rule: string, name: string | undefined): boolean {
  if (rule === '') return true;
  if (name === undefined) return false;
  return rule.endsWith('+') ? name.startsWith(rule.slice(0, -1)) : name === rule;
}

function ruleMatches(r: NfRule, frame: Uint8Array, ip: number, inName: string | undefined, outName: string | undefined): boolean {
  if (inPrefix(ipv4Src(frame, ip), r.src, r.srcLen) === r.inv.src) return false;
  if (inPrefix(ipv4Dst(frame, ip), r.dst, r.dstLen) === r.inv.dst) return false;
  if (ifaceMatch(r.iif, inName) === r.inv.iif) return false;
  if (ifaceMatch(r.oif, outName) === r.inv.oif) return false;
  if (r.proto !== 0 && (ipv4Proto(frame, ip) === r.proto) === r.inv.proto) return false;
  return true;
}

/** The ICMP destination-unreachable codes REJECT can answer with (ipt_REJECT.c). */
export const REJECT_CODES: Record<string, number> = {
  'icmp-net-unreachable': 0,
  'icmp-host-unreachable': 1,
  'icmp-proto-unreachable': 2,
  'icmp-port-unreachable': 3,
  'icmp-net-prohibited': 9,
  'icmp-host-prohibited': 10,
  'icmp-admin-prohibited': 13,
};

/** ipt_do_table: ACCEPT or DROP for the packet at `ip` in frame (REJECT answers, then drops). */
function doTable(k: Kctx, nsId: number, t: Draft<NfTable>, chain: string, frame: Uint8Array, ip: number, inName: string | undefined, outName: string | undefined): 'ACCEPT' | 'DROP' {
  const len = ipv4TotalLength(frame, ip);
  const stack: { chain: string; next: number }[] = [];
  let cur = chain;
  let i = 0;
  for (;;) {
    const c = t[cur];
    const rules = c?.rules ?? [];
    let jumped = false;
    for (; i < rules.length; i++) {
      const r = rules[i]!;
      if (!ruleMatches(r, frame, ip, inName, outName)) continue;
      r.pkts++;
      r.bytes += len;
      if (r.target === 'ACCEPT' || r.target === 'DROP') return r.target;
      if (r.target === 'REJECT') {
        icmpSend(k, nsId, frame, ip, ICMP_DEST_UNREACH, REJECT_CODES[r.rejectWith ?? 'icmp-port-unreachable'] ?? 3);
        return 'DROP';
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
    const base = t[chain]!;
    if (base.policy === 'DROP') {
      base.pkts++;
      base.bytes += len;
    }
    return base.policy ?? 'ACCEPT';
  }
}

/** NF_HOOK(NFPROTO_IPV4, hook, …): true if the packet may go on. */
export function nfHookIpv4(k: Kctx, nsId: number, hook: NfHook, frame: Uint8Array, ip: number, indev?: Device | Draft<Device>, outdev?: Device | Draft<Device>): boolean {
  const filter = k.w.netns[nsId]?.nf.filter;
  if (!filter?.[hook]) return true;
  return doTable(k, nsId, filter, hook, frame, ip, indev?.name, outdev?.name) === 'ACCEPT';
}
