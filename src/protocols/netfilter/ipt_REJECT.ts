// net/ipv4/netfilter/ipt_REJECT.c: answer with an ICMP destination unreachable of the chosen
// code (nf_send_unreach), then drop.
import type { NfTargetInfo } from '../../kernel/types.ts';
import { ICMP_DEST_UNREACH } from '../wire/icmp.ts';
import { icmpSend } from '../ipv4/icmp.ts';
import type { XtPkt, XtVerdict } from './x_tables.ts';

/** The codes `--reject-with` names (libipt_REJECT.c's reject_table). */
export const REJECT_CODES: Record<string, number> = {
  'icmp-net-unreachable': 0,
  'icmp-host-unreachable': 1,
  'icmp-proto-unreachable': 2,
  'icmp-port-unreachable': 3,
  'icmp-net-prohibited': 9,
  'icmp-host-prohibited': 10,
  'icmp-admin-prohibited': 13,
};

export function rejectTg(p: XtPkt, info: Extract<NfTargetInfo, { name: 'REJECT' }>): XtVerdict {
  icmpSend(p.k, p.nsId, p.frame, p.ip, ICMP_DEST_UNREACH, REJECT_CODES[info.rejectWith] ?? 3);
  return 'DROP';
}
