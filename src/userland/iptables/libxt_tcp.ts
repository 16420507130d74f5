// extensions/libxt_tcp.c: `-p tcp` (or `-m tcp`) [!] --sport/--source-port PORT[:PORT],
// [!] --dport/--destination-port, [!] --tcp-flags MASK COMP, [!] --syn, [!] --tcp-option N.
// The port text (spt:/spts:, service names unless -n) is the udp match's too.
import type { NfMatch } from '../../kernel/types.ts';
import { XT_TCP_INV_DSTPT, XT_TCP_INV_FLAGS, XT_TCP_INV_OPTION, XT_TCP_INV_SRCPT } from '../../protocols/netfilter/xt_tcpudp.ts';
import { getservbyport } from '../netdb.ts';
import { paramProblem, xtablesParsePort, xtablesStrtoui, type MatchExt } from './xtables.ts';

type TcpMatch = Extract<NfMatch, { name: 'tcp' }>;

const TCP_FLAG_NAMES: [string, number][] = [
  ['FIN', 0x01],
  ['SYN', 0x02],
  ['RST', 0x04],
  ['PSH', 0x08],
  ['ACK', 0x10],
  ['URG', 0x20],
  ['ALL', 0x3f],
  ['NONE', 0],
];

export const fullRange = (r: [number, number]): boolean => r[0] === 0 && r[1] === 0xffff;

/** print_ports: nothing for the full range (not negated); `spt:N` or `spts:N:M`. */
export function printPorts(name: string, range: [number, number], invert: boolean, numeric: boolean, proto: 'tcp' | 'udp'): string {
  if (fullRange(range) && !invert) return '';
  const port = (p: number): string => (numeric ? undefined : getservbyport(p, proto)) ?? String(p);
  const inv = invert ? '!' : '';
  return range[0] === range[1] ? ` ${name}:${inv}${port(range[0])}` : ` ${name}s:${inv}${port(range[0])}:${port(range[1])}`;
}

/** The --sport/--dport part of a rule spec. */
export function savePorts(opt: string, range: [number, number], invert: boolean): string {
  if (fullRange(range)) return '';
  return `${invert ? ' !' : ''} --${opt} ${range[0] === range[1] ? range[0] : `${range[0]}:${range[1]}`}`;
}

/** parse_tcp_ports: PORT, or MIN:MAX with either end left out. */
function parsePorts(s: string): [number, number] {
  const colon = s.indexOf(':');
  if (colon < 0) {
    const p = xtablesParsePort(s, 'tcp');
    return [p, p];
  }
  const lo = s.slice(0, colon);
  const hi = s.slice(colon + 1);
  const r: [number, number] = [lo ? xtablesParsePort(lo, 'tcp') : 0, hi ? xtablesParsePort(hi, 'tcp') : 0xffff];
  if (r[0] > r[1]) throw paramProblem('invalid portrange (min > max)');
  return r;
}

function parseFlags(s: string): number {
  let v = 0;
  for (const w of s.split(',')) {
    const f = TCP_FLAG_NAMES.find(([n]) => n === w.toUpperCase());
    if (!f) throw paramProblem(`Unknown TCP flag \`${w}'`);
    v |= f[1];
  }
  return v;
}

/** print_tcpf: the flags by name, NONE for none. */
function tcpfText(flags: number): string {
  const names: string[] = [];
  let left = flags;
  while (left) {
    const [n, bit] = TCP_FLAG_NAMES.find(([, b]) => left & b)!;
    names.push(n);
    left &= ~bit;
  }
  return names.length ? names.join(',') : 'NONE';
}

const hex = (v: number): string => `0x${v.toString(16).toUpperCase().padStart(2, '0')}`;

export const libxtTcp: MatchExt<TcpMatch> = {
  options: { 'source-port': true, 'destination-port': true, 'tcp-flags': true, syn: false, 'tcp-option': true },
  aliases: { sport: 'source-port', dport: 'destination-port' },
  proto: 6,
  init: () => ({ name: 'tcp', spts: [0, 0xffff], dpts: [0, 0xffff], option: 0, flgMask: 0, flgCmp: 0, invflags: 0 }),
  parse(o, m) {
    switch (o.name) {
      case 'source-port':
      case 'destination-port': {
        const src = o.name === 'source-port';
        if (o.given.has(o.name)) throw paramProblem(`Only one \`--${o.name}' allowed`);
        const r = parsePorts(o.arg());
        if (src) m.spts = r;
        else m.dpts = r;
        if (o.inv) m.invflags |= src ? XT_TCP_INV_SRCPT : XT_TCP_INV_DSTPT;
        return;
      }
      case 'tcp-flags':
      case 'syn': {
        if (o.given.has('tcp-flags') || o.given.has('syn')) throw paramProblem("Only one of `--syn' or `--tcp-flags'  allowed");
        let mask = 'SYN,RST,ACK,FIN';
        let cmp = 'SYN';
        if (o.name === 'tcp-flags') {
          mask = o.arg();
          const c = o.following();
          if (c === undefined) throw paramProblem('--tcp-flags requires two args.');
          cmp = c;
        }
        m.flgMask = parseFlags(mask);
        m.flgCmp = parseFlags(cmp);
        if (o.inv) m.invflags |= XT_TCP_INV_FLAGS;
        return;
      }
      case 'tcp-option': {
        if (o.given.has(o.name)) throw paramProblem("Only one `--tcp-option' allowed");
        const a = o.arg();
        const v = xtablesStrtoui(a, 1, 0xff);
        if (v === undefined) throw paramProblem(`Bad TCP option "${a}"`);
        m.option = v;
        if (o.inv) m.invflags |= XT_TCP_INV_OPTION;
      }
    }
  },
  // nft.c add_nft_tcp: ports and flags become payload matches; an option, or nothing at all,
  // stays the xt match
  native: (m) => !(m.invflags & XT_TCP_INV_OPTION) && !m.option && !(m.flgMask === 0 && m.flgCmp === 0 && m.invflags === 0 && fullRange(m.spts) && fullRange(m.dpts)),
  print(m, numeric) {
    let s = ' tcp';
    s += printPorts('spt', m.spts, (m.invflags & XT_TCP_INV_SRCPT) !== 0, numeric, 'tcp');
    s += printPorts('dpt', m.dpts, (m.invflags & XT_TCP_INV_DSTPT) !== 0, numeric, 'tcp');
    const invOpt = (m.invflags & XT_TCP_INV_OPTION) !== 0;
    if (m.option || invOpt) s += ` option=${invOpt ? '!' : ''}${m.option}`;
    const invFlags = (m.invflags & XT_TCP_INV_FLAGS) !== 0;
    if (m.flgMask || invFlags) s += ` flags:${invFlags ? '!' : ''}${numeric ? `${hex(m.flgMask)}/${hex(m.flgCmp)}` : `${tcpfText(m.flgMask)}/${tcpfText(m.flgCmp)}`}`;
    return s;
  },
  save(m) {
    let s = savePorts('sport', m.spts, (m.invflags & XT_TCP_INV_SRCPT) !== 0) + savePorts('dport', m.dpts, (m.invflags & XT_TCP_INV_DSTPT) !== 0);
    const invOpt = (m.invflags & XT_TCP_INV_OPTION) !== 0;
    if (m.option || invOpt) s += `${invOpt ? ' !' : ''} --tcp-option ${m.option}`;
    const invFlags = (m.invflags & XT_TCP_INV_FLAGS) !== 0;
    if (m.flgMask || invFlags) s += `${invFlags ? ' !' : ''} --tcp-flags ${tcpfText(m.flgMask)} ${tcpfText(m.flgCmp)}`;
    return s;
  },
};
