// net/netfilter/xt_nat.c (SNAT, DNAT) and xt_MASQUERADE.c (+ nf_nat_masquerade.c): targets of
// the nat table. They bind the flow on its first packet; nf_nat_packet then rewrites it.
import type { NfTargetInfo } from '../../kernel/types.ts';
import { RT_SCOPE } from '../../kernel/types.ts';
import { inetSelectAddr } from '../ipv4/devinet.ts';
import { IP_CT_NEW, IP_CT_RELATED, nfCtGet } from './nf_conntrack_core.ts';
import { nfNatSetupInfo } from './nf_nat_core.ts';
import type { XtPkt, XtVerdict } from './x_tables.ts';

export function natTg(p: XtPkt, info: Extract<NfTargetInfo, { name: 'SNAT' | 'DNAT' }>): XtVerdict {
  const ct = nfCtGet(p.k, p.nsId, p.frame);
  if (!ct) return 'ACCEPT';
  nfNatSetupInfo(p.k, p.nsId, ct.e, info.name === 'SNAT' ? 'SRC' : 'DST', { min: info.min, max: info.max });
  return 'ACCEPT';
}

/** nf_nat_masquerade_ipv4: the address the out device would pick toward the next hop. */
export function masqueradeTg(p: XtPkt, info: Extract<NfTargetInfo, { name: 'MASQUERADE' }>): XtVerdict {
  const ct = nfCtGet(p.k, p.nsId, p.frame);
  if (!ct || !(ct.c.ctinfo === IP_CT_NEW || ct.c.ctinfo === IP_CT_RELATED) || !p.outdev) return 'ACCEPT';
  const ns = p.k.w.netns[p.nsId]!;
  const a = inetSelectAddr(ns, p.outdev, p.nexthop ?? 0, RT_SCOPE.universe);
  // no address on the out device: the packet cannot be masqueraded
  if (!a) return 'DROP';
  nfNatSetupInfo(p.k, p.nsId, ct.e, 'SRC', { min: a, max: a, random: info.random });
  return 'ACCEPT';
}
