// iptables' listings: -L (with -v, -n, -x, --line-numbers) as print_firewall prints them, and
// rule specs (-S, iptables-save) as nft_rule_save_to_fd prints them.
import type { NfRule, NfTable } from '../../kernel/types.ts';
import { ipv4ToText } from '../../protocols/wire/addr.ts';
import { MATCH_EXTS, TARGET_EXTS } from './extensions.ts';

export const PROTO_NAMES: Record<number, string> = { 0: 'all', 1: 'icmp', 6: 'tcp', 17: 'udp' };

export interface ListOpts {
  verbose: boolean;
  numeric: boolean;
  exact: boolean;
  lineNumbers: boolean;
}

/** print_num: 5 columns, scaled with K/M/G past 99999 unless -x (then 8 columns). */
function num(n: number, exact: boolean): string {
  if (exact) return `${String(n).padStart(8)} `;
  if (n <= 99999) return `${String(n).padStart(5)} `;
  let v = n;
  for (const suf of ['K', 'M', 'G', 'T']) {
    v = Math.floor((v + 500) / 1000);
    if (v <= 9999) return `${String(v).padStart(4)}${suf} `;
  }
  return `${String(v).padStart(4)}T `;
}

function addrText(a: number, len: number, numeric: boolean, inv: boolean): string {
  const t = len === 0 ? (numeric ? '0.0.0.0/0' : 'anywhere') : len === 32 ? ipv4ToText(a) : `${ipv4ToText(a)}/${len}`;
  return `${inv ? '!' : ' '}${t.padEnd(19)} `;
}

/** The matches' and the target's own text after the addresses. */
function extText(r: NfRule, numeric: boolean): string {
  let s = '';
  for (const m of r.matches) s += MATCH_EXTS[m.name]!.print(m, numeric);
  if (r.targinfo) s += TARGET_EXTS[r.targinfo.name]!.print(r.targinfo, numeric);
  return s;
}

export function listChain(t: NfTable, name: string, o: ListOpts): string {
  const c = t[name]!;
  let out = `Chain ${name} `;
  if (c.policy) out += o.verbose ? `(policy ${c.policy} ${c.pkts} packets, ${c.bytes} bytes)\n` : `(policy ${c.policy})\n`;
  else {
    const refs = Object.values(t).reduce((s, ch) => s + ch.rules.filter((r) => r.target === name).length, 0);
    out += `(${refs} references)\n`;
  }
  if (o.lineNumbers) out += 'num  ';
  if (o.verbose) out += o.exact ? '    pkts      bytes ' : ' pkts bytes ';
  out += `target     prot opt ${o.verbose ? 'in     out     ' : ''}source               destination         \n`;
  c.rules.forEach((r, i) => {
    out += listRule(r, i + 1, o);
  });
  return out;
}

/** One rule's line (rule number `n`). */
export function listRule(r: NfRule, n: number, o: ListOpts): string {
  let out = o.lineNumbers ? `${String(n).padEnd(4)} ` : '';
  if (o.verbose) out += num(r.pkts, o.exact) + num(r.bytes, o.exact);
  out += `${r.target.padEnd(9)} ${r.inv.proto ? '!' : ' '}${(o.numeric ? String(r.proto) : (PROTO_NAMES[r.proto] ?? String(r.proto))).padEnd(4)} -- `;
  if (o.verbose) {
    const iface = (name: string, inv: boolean): string => `${inv ? '!' : ''}${name || (o.numeric ? '*' : 'any')}`;
    out += ` ${iface(r.iif, r.inv.iif).padEnd(6)} ${iface(r.oif, r.inv.oif).padEnd(6)} `;
  }
  out += addrText(r.src, r.srcLen, o.numeric, r.inv.src) + addrText(r.dst, r.dstLen, o.numeric, r.inv.dst);
  return `${out}${extText(r, o.numeric)}\n`;
}

/** One rule as the command that would append it. */
export function ruleSpec(chain: string, r: NfRule): string {
  const p: string[] = [`-A ${chain}`];
  const neg = (b: boolean): string => (b ? '! ' : '');
  if (r.srcLen > 0 || r.inv.src) p.push(`${neg(r.inv.src)}-s ${ipv4ToText(r.src)}/${r.srcLen}`);
  if (r.dstLen > 0 || r.inv.dst) p.push(`${neg(r.inv.dst)}-d ${ipv4ToText(r.dst)}/${r.dstLen}`);
  if (r.iif) p.push(`${neg(r.inv.iif)}-i ${r.iif}`);
  if (r.oif) p.push(`${neg(r.inv.oif)}-o ${r.oif}`);
  if (r.proto) p.push(`${neg(r.inv.proto)}-p ${PROTO_NAMES[r.proto] ?? r.proto}`);
  for (const m of r.matches) p.push(`-m ${m.name}${MATCH_EXTS[m.name]!.save(m)}`);
  if (r.target) p.push(`-j ${r.target}${r.targinfo ? TARGET_EXTS[r.targinfo.name]!.save(r.targinfo) : ''}`);
  return p.join(' ');
}

/** The chains in listing order: the built-in ones, then user chains by name (the nft cache
 *  keeps them sorted). */
export function chainNames(t: NfTable): string[] {
  const names = Object.keys(t);
  return [...names.filter((n) => t[n]!.policy), ...names.filter((n) => !t[n]!.policy).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))];
}

/** -S: policies, user chains, then every rule. */
export function saveTable(t: NfTable, only?: string): string {
  const names = chainNames(t).filter((n) => only === undefined || n === only);
  let out = '';
  for (const n of names) if (t[n]!.policy) out += `-P ${n} ${t[n]!.policy}\n`;
  for (const n of names) if (!t[n]!.policy) out += `-N ${n}\n`;
  for (const n of names) for (const r of t[n]!.rules) out += `${ruleSpec(n, r)}\n`;
  return out;
}
