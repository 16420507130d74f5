// net/netfilter/xt_LOG.c: log the packet to the kernel log (nf_log_packet with the syslog
// logger, at the rule's level, flags and prefix) and go on with the next rule.
import type { NfTargetInfo } from '../../kernel/types.ts';
import { nfLogIpPacket } from './nf_log_syslog.ts';
import type { XtPkt, XtVerdict } from './x_tables.ts';

export function logTg(p: XtPkt, info: Extract<NfTargetInfo, { name: 'LOG' }>): XtVerdict {
  nfLogIpPacket(p, info);
  return 'CONTINUE';
}
