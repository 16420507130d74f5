// The extensions iptables can load (-m NAME, -j NAME), by name.
import type { MatchExt, TargetExt } from './xtables.ts';
import { libxtConntrack, libxtState } from './libxt_conntrack.ts';
import { libxtDnat, libxtMasquerade, libxtSnat } from './libxt_NAT.ts';
import { libiptReject } from './libipt_REJECT.ts';
import { libxtTcp } from './libxt_tcp.ts';
import { libxtUdp } from './libxt_udp.ts';
import { libiptIcmp } from './libipt_icmp.ts';
import { libxtPhysdev } from './libxt_physdev.ts';
import { libxtLog } from './libxt_LOG.ts';

export const MATCH_EXTS: Record<string, MatchExt> = {
  state: libxtState as MatchExt,
  conntrack: libxtConntrack as MatchExt,
  tcp: libxtTcp as MatchExt,
  udp: libxtUdp as MatchExt,
  icmp: libiptIcmp as MatchExt,
  physdev: libxtPhysdev as MatchExt,
};

export const TARGET_EXTS: Record<string, TargetExt> = {
  REJECT: libiptReject as TargetExt,
  SNAT: libxtSnat as TargetExt,
  DNAT: libxtDnat as TargetExt,
  MASQUERADE: libxtMasquerade as TargetExt,
  LOG: libxtLog as TargetExt,
};
