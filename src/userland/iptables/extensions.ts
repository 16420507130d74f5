// The extensions iptables can load (-m NAME, -j NAME), by name.
import type { MatchExt, TargetExt } from './xtables.ts';
import { libxtConntrack, libxtState } from './libxt_conntrack.ts';
import { libxtDnat, libxtMasquerade, libxtSnat } from './libxt_NAT.ts';
import { libiptReject } from './libipt_REJECT.ts';

export const MATCH_EXTS: Record<string, MatchExt> = {
  state: libxtState as MatchExt,
  conntrack: libxtConntrack as MatchExt,
};

export const TARGET_EXTS: Record<string, TargetExt> = {
  REJECT: libiptReject as TargetExt,
  SNAT: libxtSnat as TargetExt,
  DNAT: libxtDnat as TargetExt,
  MASQUERADE: libxtMasquerade as TargetExt,
};
