// extensions/libipt_REJECT.c: --reject-with TYPE (icmp-port-unreachable by default).
import type { NfTargetInfo } from '../../kernel/types.ts';
import { REJECT_CODES } from '../../protocols/netfilter/ipt_REJECT.ts';
import { Fail, paramProblem, type TargetExt } from './xtables.ts';

type RejectInfo = Extract<NfTargetInfo, { name: 'REJECT' }>;

export const libiptReject: TargetExt<RejectInfo> = {
  table: 'filter',
  hooks: ['INPUT', 'FORWARD', 'OUTPUT'],
  options: { 'reject-with': true },
  init: () => ({ name: 'REJECT', rejectWith: 'icmp-port-unreachable' }),
  parse(o, r) {
    const v = o.arg();
    if (v === 'tcp-reset') throw new Fail('nsemu: iptables: --reject-with tcp-reset is not emulated (no TCP)\n', 2);
    if (!(v in REJECT_CODES)) throw paramProblem(`unknown reject type "${v}"`);
    r.rejectWith = v;
  },
  print: (r) => ` reject-with ${r.rejectWith}`,
  save: (r) => ` --reject-with ${r.rejectWith}`,
};
