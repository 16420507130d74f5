// extensions/libxt_udp.c: `-p udp` (or `-m udp`) [!] --sport/--source-port PORT[:PORT] and
// [!] --dport/--destination-port (guided parsing: names of any protocol, no order check of a
// range). Listed and saved as the tcp match's ports.
import type { NfMatch } from '../../kernel/types.ts';
import { XT_UDP_INV_DSTPT, XT_UDP_INV_SRCPT } from '../../protocols/netfilter/xt_tcpudp.ts';
import { fullRange, printPorts, savePorts } from './libxt_tcp.ts';
import { paramProblem, xtablesGetportbyname, xtOptionParse, type MatchExt } from './xtables.ts';

type UdpMatch = Extract<NfMatch, { name: 'udp' }>;

/** xtopt_parse_mport for a range of two: each ':'-separated part a number or a name. */
function parsePortRange(opt: string, s: string): [number, number] {
  const parts = s.split(':');
  const r: [number, number] = [0, 0xffff];
  parts.forEach((p, i) => {
    if (i === 2) throw paramProblem(`udp: Too many components for option "--${opt}" (max: 2)\n`);
    if (p === '') return;
    const v = xtablesGetportbyname(p);
    if (v === undefined) throw paramProblem(`Port "${p}" does not resolve to anything.\n`);
    r[i] = v;
  });
  if (parts.length === 1) r[1] = r[0];
  return r;
}

export const libxtUdp: MatchExt<UdpMatch> = {
  options: { 'source-port': true, 'destination-port': true },
  aliases: { sport: 'source-port', dport: 'destination-port' },
  proto: 17,
  init: () => ({ name: 'udp', spts: [0, 0xffff], dpts: [0, 0xffff], invflags: 0 }),
  parse(o, m) {
    xtOptionParse('udp', o, true);
    const r = parsePortRange(o.name, o.arg());
    const src = o.name === 'source-port';
    if (src) m.spts = r;
    else m.dpts = r;
    if (o.inv) m.invflags |= src ? XT_UDP_INV_SRCPT : XT_UDP_INV_DSTPT;
  },
  // nft.c add_nft_udp: ports become payload matches; an empty match stays the xt match
  native: (m) => !(m.invflags === 0 && fullRange(m.spts) && fullRange(m.dpts)),
  print: (m, numeric) => ` udp${printPorts('spt', m.spts, (m.invflags & XT_UDP_INV_SRCPT) !== 0, numeric, 'udp')}${printPorts('dpt', m.dpts, (m.invflags & XT_UDP_INV_DSTPT) !== 0, numeric, 'udp')}`,
  save: (m) => savePorts('sport', m.spts, (m.invflags & XT_UDP_INV_SRCPT) !== 0) + savePorts('dport', m.dpts, (m.invflags & XT_UDP_INV_DSTPT) !== 0),
};
