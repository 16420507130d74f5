// extensions/libxt_conntrack.c: `-m conntrack --ctstate` and its older alias `-m state --state`.
import type { NfMatch } from '../../kernel/types.ts';
import { XT_CONNTRACK_STATE_DNAT, XT_CONNTRACK_STATE_SNAT, XT_CONNTRACK_STATE_UNTRACKED, XT_STATE_BIT, XT_STATE_INVALID } from '../../protocols/netfilter/xt_conntrack.ts';
import { IP_CT_ESTABLISHED, IP_CT_NEW, IP_CT_RELATED } from '../../protocols/netfilter/nf_conntrack_core.ts';
import { paramProblem, type MatchExt } from './xtables.ts';

type StateMatch = Extract<NfMatch, { name: 'state' | 'conntrack' }>;

/** The states in the order print_state lists them. */
const STATES: [string, number, boolean][] = [
  ['INVALID', XT_STATE_INVALID, false],
  ['NEW', XT_STATE_BIT(IP_CT_NEW), false],
  ['RELATED', XT_STATE_BIT(IP_CT_RELATED), false],
  ['ESTABLISHED', XT_STATE_BIT(IP_CT_ESTABLISHED), false],
  ['UNTRACKED', XT_CONNTRACK_STATE_UNTRACKED, false],
  // --ctstate only
  ['SNAT', XT_CONNTRACK_STATE_SNAT, true],
  ['DNAT', XT_CONNTRACK_STATE_DNAT, true],
];

function stateExt(name: 'state' | 'conntrack'): MatchExt<StateMatch> {
  const opt = name === 'state' ? 'state' : 'ctstate';
  return {
    options: { [opt]: true },
    init: () => ({ name, inv: false, states: 0 }),
    parse(o, m) {
      const arg = o.arg();
      for (const w of arg.split(',')) {
        const s = STATES.find(([n, , ct]) => n === w.toUpperCase() && (name === 'conntrack' || !ct));
        if (!s) throw paramProblem(`Bad ${opt} "${w}"`);
        m.states |= s[1];
      }
      m.inv = o.inv;
    },
    final(m) {
      if (m.states === 0) throw paramProblem(`${name}: option "--${opt}" must be specified\n`);
    },
    print: (m) => ` ${m.inv ? '! ' : ''}${opt} ${names(m.states)}`,
    save: (m) => ` ${m.inv ? '! ' : ''}--${opt} ${names(m.states)}`,
  };
}

function names(bits: number): string {
  return STATES.filter(([, b]) => bits & b)
    .map(([n]) => n)
    .join(',');
}

export const libxtState = stateExt('state');
export const libxtConntrack = stateExt('conntrack');
