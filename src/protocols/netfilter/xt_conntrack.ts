// net/netfilter/xt_state.c and xt_conntrack.c (its --ctstate part): the packet's relation to its
// flow as a state bit. Both share the XT_CONNTRACK_STATE_* bit layout here.
import type { NfMatch } from '../../kernel/types.ts';
import { IPS_DST_NAT, IPS_SRC_NAT, IP_CT_IS_REPLY, nfCtGet } from './nf_conntrack_core.ts';
import type { XtPkt } from './x_tables.ts';

export const XT_STATE_INVALID = 1 << 0;
/** XT_STATE_BIT(ctinfo): ESTABLISHED 1 << 1, RELATED 1 << 2, NEW 1 << 3 */
export const XT_STATE_BIT = (ctinfo: number): number => 1 << ((ctinfo % IP_CT_IS_REPLY) + 1);
export const XT_CONNTRACK_STATE_SNAT = 1 << 6;
export const XT_CONNTRACK_STATE_DNAT = 1 << 7;
export const XT_CONNTRACK_STATE_UNTRACKED = 1 << 8;

export function stateMt(p: XtPkt, m: Extract<NfMatch, { name: 'state' | 'conntrack' }>): boolean {
  const ct = nfCtGet(p.k, p.nsId, p.frame);
  let bits = XT_STATE_INVALID;
  if (ct) {
    bits = XT_STATE_BIT(ct.c.ctinfo);
    // only --ctstate knows the NAT pseudo-states
    if (m.name === 'conntrack' && ct.e.status & IPS_SRC_NAT) bits |= XT_CONNTRACK_STATE_SNAT;
    if (m.name === 'conntrack' && ct.e.status & IPS_DST_NAT) bits |= XT_CONNTRACK_STATE_DNAT;
  }
  return ((bits & m.states) !== 0) !== m.inv;
}
