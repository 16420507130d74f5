// extensions/libxt_physdev.c: `-m physdev` [!] --physdev-in NAME, [!] --physdev-out NAME,
// [!] --physdev-is-in, [!] --physdev-is-out, [!] --physdev-is-bridged (the bridge ports of
// frames br_netfilter passes through iptables). Listed as `PHYSDEV match` and the options.
import type { NfMatch } from '../../kernel/types.ts';
import { physdevMtCheck, XT_PHYSDEV_OP_BRIDGED, XT_PHYSDEV_OP_IN, XT_PHYSDEV_OP_ISIN, XT_PHYSDEV_OP_ISOUT, XT_PHYSDEV_OP_OUT } from '../../protocols/netfilter/xt_physdev.ts';
import { paramProblem, xtablesParseInterface, xtOptionParse, type MatchExt } from './xtables.ts';

type PhysdevMatch = Extract<NfMatch, { name: 'physdev' }>;

const OPS: Record<string, number> = {
  'physdev-in': XT_PHYSDEV_OP_IN,
  'physdev-out': XT_PHYSDEV_OP_OUT,
  'physdev-is-in': XT_PHYSDEV_OP_ISIN,
  'physdev-is-out': XT_PHYSDEV_OP_ISOUT,
  'physdev-is-bridged': XT_PHYSDEV_OP_BRIDGED,
};

export const libxtPhysdev: MatchExt<PhysdevMatch> = {
  options: { 'physdev-in': true, 'physdev-out': true, 'physdev-is-in': false, 'physdev-is-out': false, 'physdev-is-bridged': false },
  init: () => ({ name: 'physdev', physindev: '', physoutdev: '', bitmask: 0, invert: 0 }),
  parse(o, m) {
    xtOptionParse('physdev', o, true);
    const op = OPS[o.name]!;
    if (op === XT_PHYSDEV_OP_IN) m.physindev = xtablesParseInterface(o.arg());
    if (op === XT_PHYSDEV_OP_OUT) m.physoutdev = xtablesParseInterface(o.arg());
    m.bitmask |= op;
    if (o.inv) m.invert |= op;
  },
  final(_m, given) {
    if (given.size === 0) throw paramProblem('PHYSDEV: no physdev option specified');
  },
  check: physdevMtCheck,
  print: (m) => ` PHYSDEV match${libxtPhysdev.save(m)}`,
  save(m) {
    let s = '';
    for (const [name, op] of Object.entries(OPS)) {
      if (!(m.bitmask & op)) continue;
      s += `${m.invert & op ? ' !' : ''} --${name}`;
      if (op === XT_PHYSDEV_OP_IN) s += ` ${m.physindev}`;
      if (op === XT_PHYSDEV_OP_OUT) s += ` ${m.physoutdev}`;
    }
    return s;
  },
};
