// extensions/libxt_NAT.c (SNAT, DNAT: --to-source / --to-destination ADDR[-ADDR]) and
// libxt_MASQUERADE.c (--random).
import type { NfTargetInfo } from '../../kernel/types.ts';
import { ipv4FromText, ipv4ToText } from '../../protocols/wire/addr.ts';
import { paramProblem, type TargetExt } from './xtables.ts';

type NatInfo = Extract<NfTargetInfo, { name: 'SNAT' | 'DNAT' }>;
type MasqInfo = Extract<NfTargetInfo, { name: 'MASQUERADE' }>;

function parseRange(arg: string, r: NatInfo): void {
  const [lo, hi] = arg.split('-');
  const min = ipv4FromText(lo!);
  if (min === null) throw paramProblem(`Bad IP address "${lo}"`);
  const max = hi === undefined ? min : ipv4FromText(hi);
  if (max === null) throw paramProblem(`Bad IP address "${hi}"`);
  r.min = min;
  r.max = max;
}

const rangeText = (r: NatInfo): string => (r.min === r.max ? ipv4ToText(r.min) : `${ipv4ToText(r.min)}-${ipv4ToText(r.max)}`);

function natExt(name: 'SNAT' | 'DNAT'): TargetExt<NatInfo> {
  const opt = name === 'SNAT' ? 'to-source' : 'to-destination';
  return {
    table: 'nat',
    hooks: name === 'SNAT' ? ['POSTROUTING', 'INPUT'] : ['PREROUTING', 'OUTPUT'],
    // getopt_long accepts any unambiguous prefix: `--to` is the usual spelling
    options: { [opt]: true, to: true },
    init: () => ({ name, min: 0, max: -1 }),
    parse: (o, r) => parseRange(o.arg(), r),
    final(r) {
      if (r.max === -1) throw paramProblem(`${name}: option "--${opt}" must be specified\n`);
    },
    print: (r) => ` to:${rangeText(r)}`,
    save: (r) => ` --${opt} ${rangeText(r)}`,
  };
}

export const libxtSnat = natExt('SNAT');
export const libxtDnat = natExt('DNAT');

export const libxtMasquerade: TargetExt<MasqInfo> = {
  table: 'nat',
  hooks: ['POSTROUTING'],
  options: { random: false },
  init: () => ({ name: 'MASQUERADE', random: false }),
  parse(_o, m) {
    m.random = true;
  },
  print: (m) => (m.random ? ' random' : ''),
  save: (m) => (m.random ? ' --random' : ''),
};
