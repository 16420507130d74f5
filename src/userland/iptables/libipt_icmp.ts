// extensions/libipt_icmp.c: `-p icmp` (or `-m icmp`) [!] --icmp-type TYPE[/CODE] | NAME. Names
// match case-insensitively by prefix (an ambiguous prefix is an error); -L shows the name of an
// exact table entry unless -n, else `type N [code N]`; rule specs always use numbers.
import type { NfMatch } from '../../kernel/types.ts';
import { paramProblem, xtablesStrtoui, xtOptionParse, type MatchExt } from './xtables.ts';

type IcmpMatch = Extract<NfMatch, { name: 'icmp' }>;

/** icmp_codes: name, type, code range (aliases after the name they stand for). */
const ICMP_CODES: [string, number, number, number][] = [
  ['any', 0xff, 0, 0xff],
  ['echo-reply', 0, 0, 0xff],
  ['pong', 0, 0, 0xff],
  ['destination-unreachable', 3, 0, 0xff],
  ['network-unreachable', 3, 0, 0],
  ['host-unreachable', 3, 1, 1],
  ['protocol-unreachable', 3, 2, 2],
  ['port-unreachable', 3, 3, 3],
  ['fragmentation-needed', 3, 4, 4],
  ['source-route-failed', 3, 5, 5],
  ['network-unknown', 3, 6, 6],
  ['host-unknown', 3, 7, 7],
  ['network-prohibited', 3, 9, 9],
  ['host-prohibited', 3, 10, 10],
  ['TOS-network-unreachable', 3, 11, 11],
  ['TOS-host-unreachable', 3, 12, 12],
  ['communication-prohibited', 3, 13, 13],
  ['host-precedence-violation', 3, 14, 14],
  ['precedence-cutoff', 3, 15, 15],
  ['source-quench', 4, 0, 0xff],
  ['redirect', 5, 0, 0xff],
  ['network-redirect', 5, 0, 0],
  ['host-redirect', 5, 1, 1],
  ['TOS-network-redirect', 5, 2, 2],
  ['TOS-host-redirect', 5, 3, 3],
  ['echo-request', 8, 0, 0xff],
  ['ping', 8, 0, 0xff],
  ['router-advertisement', 9, 0, 0xff],
  ['router-solicitation', 10, 0, 0xff],
  ['time-exceeded', 11, 0, 0xff],
  ['ttl-exceeded', 11, 0, 0xff],
  ['ttl-zero-during-transit', 11, 0, 0],
  ['ttl-zero-during-reassembly', 11, 1, 1],
  ['parameter-problem', 12, 0, 0xff],
  ['ip-header-bad', 12, 0, 0],
  ['required-option-missing', 12, 1, 1],
  ['timestamp-request', 13, 0, 0xff],
  ['timestamp-reply', 14, 0, 0xff],
  ['address-mask-request', 17, 0, 0xff],
  ['address-mask-reply', 18, 0, 0xff],
];

/** ipt_parse_icmp */
function parseIcmp(arg: string, m: IcmpMatch): void {
  let found: (typeof ICMP_CODES)[number] | undefined;
  for (const e of ICMP_CODES) {
    if (!e[0].toLowerCase().startsWith(arg.toLowerCase())) continue;
    if (found) throw paramProblem(`Ambiguous ICMP type \`${arg}': \`${found[0]}' or \`${e[0]}'?`);
    found = e;
  }
  if (found) {
    m.type = found[1];
    m.code = [found[2], found[3]];
    return;
  }
  const slash = arg.indexOf('/');
  const type = xtablesStrtoui(slash < 0 ? arg : arg.slice(0, slash), 0, 0xff);
  if (type === undefined) throw paramProblem(`Unknown ICMP type \`${arg}'`);
  m.type = type;
  if (slash < 0) {
    m.code = [0, 0xff];
    return;
  }
  const code = xtablesStrtoui(arg.slice(slash + 1), 0, 0xff);
  if (code === undefined) throw paramProblem(`Unknown ICMP code \`${arg}'`);
  m.code = [code, code];
}

export const libiptIcmp: MatchExt<IcmpMatch> = {
  options: { 'icmp-type': true },
  proto: 1,
  init: () => ({ name: 'icmp', type: 0xff, code: [0, 0xff], inv: false }),
  parse(o, m) {
    xtOptionParse('icmp', o, true);
    parseIcmp(o.arg(), m);
    m.inv = o.inv;
  },
  final(_m, given) {
    if (!given.has('icmp-type')) throw paramProblem('icmp: option "--icmp-type" must be specified\n');
  },
  print(m, numeric) {
    const e = numeric ? undefined : ICMP_CODES.find(([, t, lo, hi]) => t === m.type && lo === m.code[0] && hi === m.code[1]);
    if (e) return ` icmp ${m.inv ? '!' : ''}${e[0]}`;
    let s = ` icmp${m.inv ? ' !' : ''}type ${m.type}`;
    if (m.code[0] === m.code[1]) s += ` code ${m.code[0]}`;
    return s;
  },
  save(m) {
    const inv = m.inv ? ' !' : '';
    if (m.type === 0xff) return `${inv} --icmp-type any`;
    return `${inv} --icmp-type ${m.type}${m.code[0] !== 0 || m.code[1] !== 0xff ? `/${m.code[0]}` : ''}`;
  },
};
