// The iptables tables of a namespace. With the nf_tables backend (iptables 1.8 "nft") a table
// and its built-in chains exist only once an iptables command has touched them in that
// namespace; until then no hook sees packets and nothing is counted.
import type { Netns, NfChain, NfRule, NfTable } from '../../kernel/types.ts';

export const BUILTIN_CHAINS: Record<string, string[]> = {
  filter: ['INPUT', 'FORWARD', 'OUTPUT'],
  nat: ['PREROUTING', 'INPUT', 'OUTPUT', 'POSTROUTING'],
  mangle: ['PREROUTING', 'INPUT', 'FORWARD', 'OUTPUT', 'POSTROUTING'],
  raw: ['PREROUTING', 'OUTPUT'],
};

export function emptyChain(policy?: 'ACCEPT' | 'DROP'): NfChain {
  return policy ? { policy, pkts: 0, bytes: 0, rules: [] } : { pkts: 0, bytes: 0, rules: [] };
}

/** A table as it starts: its built-in chains with policy ACCEPT. */
export function builtinTable(name: string): NfTable {
  const fresh: NfTable = {};
  for (const c of BUILTIN_CHAINS[name] ?? []) fresh[c] = emptyChain('ACCEPT');
  return fresh;
}

/** A batch of table changes commits whole or not at all, as nf_tables' transactions do (a
 *  batch that fails is aborted: nf_tables_abort). The tables are small, so the batch keeps a
 *  copy of them to put back. */
export function nfTablesTxn<T>(ns: Netns, fn: () => T): T {
  const saved = structuredClone(ns.nf);
  try {
    return fn();
  } catch (e) {
    ns.nf = saved;
    throw e;
  }
}

/** The table, created with its built-in chains on first use. */
export function nfTableInit(ns: Netns, name: string): NfTable {
  if (!ns.nf[name]) ns.nf[name] = builtinTable(name);
  return ns.nf[name]!;
}

/** Does the rule need conntrack (a NAT target, a state match: their checkentry calls
 *  nf_ct_netns_get)? */
function needsConntrack(r: NfRule): boolean {
  const tg = r.targinfo?.name;
  return tg === 'SNAT' || tg === 'DNAT' || tg === 'MASQUERADE' || r.matches.some((m) => m.name === 'state' || m.name === 'conntrack');
}

/** nf_ct_netns_get/put: conntrack's hooks follow the rules that need them; the tables' hooks
 *  exist while the tables do (only filter, mangle and raw see packets without conntrack). */
export function nfHooksSync(ns: Netns): void {
  let users = 0;
  for (const t of Object.values(ns.nf)) for (const c of Object.values(t ?? {})) for (const r of c.rules) if (needsConntrack(r as NfRule)) users++;
  ns.ct.users = users;
  ns.nfHooks = users > 0 || !!(ns.nf.filter || ns.nf.mangle || ns.nf.raw);
}
