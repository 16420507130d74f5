// iptables (1.8.9, nf_tables backend): the commands on a table's chains (policies, rules with
// the address/interface/protocol matches and the match/target extensions, user chains, their
// counters) and the listings, with iptables' own errors. A command line is parsed first
// (xshared.c do_parse: iptParse), then carried out on the namespace's tables (iptApply), so
// that iptables-restore can parse lines as they come and apply them at COMMIT.
import type { Command, CommandContext } from '../command.ts';
import type { Kctx } from '../../kernel/machine.ts';
import type { NfMatch, NfRule, NfTable } from '../../kernel/types.ts';
import { LOGLEVEL, printk } from '../../kernel/printk.ts';
import { BUILTIN_CHAINS, builtinTable, emptyChain, nfHooksSync, nfTableInit, nfTablesTxn } from '../../protocols/netfilter/tables.ts';
import { maskToPrefixLen, prefixNetwork } from '../../protocols/wire/addr.ts';
import { badArgument, chainHooks, Fail, kernelProblem, paramProblem, ruleEinval, xtablesStrtoui, type ExtOpt, type MatchExt, type TargetExt } from './xtables.ts';
import { MATCH_EXTS, TARGET_EXTS } from './extensions.ts';
import { chainNames, listChain, listRule, ruleSpec, saveTable, PROTO_NAMES, type ListOpts } from './list.ts';

const PROTOS: Record<string, number> = { all: 0, icmp: 1, tcp: 6, udp: 17 };

/** numeric_to_ipaddr: dotted bytes (each a strtoui number); a network address may leave out
 *  trailing bytes (`10.1` is 10.1.0.0), a mask may not. */
function numericToIpaddr(s: string, isMask: boolean): number | null {
  const parts = s.split('.');
  if (parts.length > 4 || (isMask && parts.length !== 4)) return null;
  const bytes = parts.map((p) => xtablesStrtoui(p, 0, 255));
  if (bytes.some((b) => b === undefined)) return null;
  while (bytes.length < 4) bytes.push(0);
  return bytes.reduce<number>((a, b) => a * 256 + b!, 0);
}

/** xtables_ipparse_any for one address: ADDR[/MASK], the mask as bits or dotted. */
function parseAddr(v: string): { a: number; len: number } {
  const slash = v.indexOf('/');
  const h = slash < 0 ? v : v.slice(0, slash);
  const m = slash < 0 ? undefined : v.slice(slash + 1);
  let len = 32;
  if (m !== undefined) {
    const dotted = m.includes('.') ? numericToIpaddr(m, true) : null;
    const l = m.includes('.') ? (dotted === null ? -1 : maskToPrefixLen(dotted)) : (xtablesStrtoui(m, 0, 32) ?? -1);
    if (l < 0) throw paramProblem(`invalid mask \`${m}' specified`);
    len = l;
  }
  // no resolver: a name is never found
  const a = numericToIpaddr(h, false);
  if (a === null) throw paramProblem(`host/network \`${h}' not found`);
  return { a: prefixNetwork(a, len), len };
}

function newRule(): NfRule {
  return { src: 0, srcLen: 0, dst: 0, dstLen: 0, iif: '', oif: '', proto: 0, inv: { src: false, dst: false, iif: false, oif: false, proto: false }, matches: [], target: '', pkts: 0, bytes: 0 };
}

/** -D by spec: everything but the counters must agree. */
function sameRule(a: NfRule, b: NfRule): boolean {
  const spec = (r: NfRule): string => JSON.stringify({ ...r, pkts: 0, bytes: 0 });
  return spec(a) === spec(b);
}

type Cmd = 'A' | 'I' | 'D' | 'R' | 'F' | 'Z' | 'N' | 'X' | 'P' | 'L' | 'S';

/** iptables' own long options (xshared.c original_opts) by the short option each stands for. */
const LONG_OPTS: Record<string, string> = {
  append: 'A', delete: 'D', check: 'C', insert: 'I', replace: 'R', list: 'L', 'list-rules': 'S', flush: 'F', zero: 'Z',
  'new-chain': 'N', 'delete-chain': 'X', 'rename-chain': 'E', policy: 'P', source: 's', destination: 'd', src: 's', dst: 'd',
  protocol: 'p', 'in-interface': 'i', jump: 'j', table: 't', match: 'm', numeric: 'n', 'out-interface': 'o', verbose: 'v',
  wait: 'w', 'wait-interval': 'W', exact: 'x', fragments: 'f', version: 'V', help: 'h', 'line-numbers': '0', modprobe: 'M',
  'set-counters': 'c', goto: 'g', ipv4: '4', ipv6: '6',
};
/** short options that take an argument (the rest of a cluster, or the next word) */
const WITH_ARG = new Set('ADCIRNEPsdpijtmowWMcg');

/** A command line, parsed: what the kernel is to be asked. */
export interface IptCmd {
  table: string;
  cmd: Cmd;
  chain?: string;
  /** -P's policy; -I/-D's rule number */
  extra?: string;
  o: ListOpts;
  rule: NfRule;
  targExt?: TargetExt;
}

/** An extension loaded for this rule, with the options it has been given. */
interface Loaded {
  ext: MatchExt | TargetExt;
  d: NfMatch | NonNullable<NfRule['targinfo']>;
  given: Set<string>;
}

/** getopt_long on the options known so far (iptables' own, then every loaded extension's): an
 *  exact name, else a prefix shared only by entries that mean the same option. */
function resolveLong(name: string, loaded: Loaded[]): { short: string } | { l: Loaded; opt: string } | undefined {
  type Cand = { key: string; r: { short: string } | { l: Loaded; opt: string } };
  const cands: [string, Cand][] = Object.entries(LONG_OPTS).map(([n, s]) => [n, { key: s, r: { short: s } }]);
  // the newest extension's options come first in the merged table
  [...loaded].reverse().forEach((l, i) => {
    const ext = l.ext;
    for (const o of Object.keys(ext.options)) cands.push([o, { key: `${i}:${o}`, r: { l, opt: o } }]);
    for (const [a, o] of Object.entries(ext.aliases ?? {})) cands.push([a, { key: `${i}:${o}`, r: { l, opt: o } }]);
  });
  const exact = cands.find(([n]) => n === name);
  if (exact) return exact[1].r;
  const pre = cands.filter(([n]) => n.startsWith(name));
  return pre.length > 0 && pre.every(([, c]) => c.key === pre[0]![1].key) ? pre[0]![1].r : undefined;
}

/** getopt's short option clusters: `-nvL` is -n -v -L; `-tnat` is -t nat. */
function splitCluster(a: string): string[] {
  const out: string[] = [];
  for (let j = 1; j < a.length; j++) {
    out.push(`-${a[j]}`);
    if (WITH_ARG.has(a[j]!) || 'LSFZXh'.includes(a[j]!)) {
      if (j + 1 < a.length) out.push(a.slice(j + 1));
      break;
    }
  }
  return out;
}

/** do_parse: the command line (without the program name) as a command, or a Fail. */
export function iptParse(argv: string[]): IptCmd {
  const args = [...argv];
  let table = 'filter';
  let cmd: Cmd | undefined;
  let chain: string | undefined;
  let extra: string | undefined;
  const o: ListOpts = { verbose: false, numeric: false, exact: false, lineNumbers: false };
  const rule = newRule();
  /** the extensions loaded so far (-m, -j, and the protocol's), whose options are now valid */
  const loaded: Loaded[] = [];
  let targExt: TargetExt | undefined;
  let protoUsed = false;
  let inv = false;
  const setCmd = (c: Cmd): void => {
    if (cmd) throw paramProblem(`Cannot use -${c} with -${cmd}\n`);
    cmd = c;
  };
  const load = (ext: MatchExt): void => {
    const m = ext.init();
    rule.matches.push(m);
    loaded.push({ ext, d: m, given: new Set() });
  };
  for (let i = 0; i < args.length; i++) {
    if (/^-[^-]./.test(args[i]!)) args.splice(i, 1, ...splitCluster(args[i]!));
    const a = args[i]!;
    const val = (): string => {
      const v = args[++i];
      if (v === undefined) throw paramProblem(`option "${a}" requires an argument`);
      return v;
    };
    const optChain = (): string | undefined => (args[i + 1] !== undefined && !args[i + 1]!.startsWith('-') && args[i + 1] !== '!' ? args[++i] : undefined);
    if (a === '!') {
      if (inv) throw paramProblem('multiple consecutive ! not allowed');
      inv = true;
      continue;
    }
    if (!a.startsWith('-') || a === '-') throw badArgument(a);
    let short = a.length === 2 ? a[1]! : '';
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      const name = a.slice(2, eq < 0 ? undefined : eq);
      if (eq >= 0) args.splice(i + 1, 0, a.slice(eq + 1));
      let r = resolveLong(name, loaded);
      // command_default: an option nobody knows yet may be the protocol's match's
      const protoExt = MATCH_EXTS[PROTO_NAMES[rule.proto] ?? ''];
      if (!r && !protoUsed && protoExt) {
        protoUsed = true;
        load(protoExt);
        r = resolveLong(name, loaded);
      }
      if (!r) throw paramProblem(`unknown option "${a}"`);
      if ('l' in r) {
        const { l, opt } = r;
        const takesArg = l.ext.options[opt]!;
        const eo: ExtOpt = {
          name: opt,
          inv,
          given: new Set(l.given),
          arg: takesArg ? val : () => '',
          following: () => {
            const n = args[i + 1];
            if (n === undefined || n.startsWith('-') || n.startsWith('!')) return undefined;
            i++;
            return n;
          },
        };
        (l.ext as MatchExt<NfMatch>).parse(eo, l.d as NfMatch);
        l.given.add(opt);
        inv = false;
        continue;
      }
      short = r.short;
    }
    switch (short) {
      case 't':
        table = val();
        break;
      case 'A':
      case 'D':
      case 'I':
      case 'R':
      case 'N':
      case 'P':
        setCmd(short);
        chain = val();
        if (cmd === 'N') assertValidChainName(chain);
        if (cmd === 'P') extra = val();
        else if ((cmd === 'I' || cmd === 'D' || cmd === 'R') && /^\d+$/.test(args[i + 1] ?? '')) extra = args[++i];
        if (cmd === 'R') {
          if (extra === undefined) throw paramProblem('-R requires a rule number');
          if (Number(extra) < 1) throw paramProblem(`Invalid rule number \`${extra}'`);
        }
        break;
      case 'F':
      case 'Z':
      case 'X':
      case 'L':
      case 'S':
        setCmd(short);
        chain = optChain();
        // -L/-S CHAIN N: one rule
        if ((cmd === 'L' || cmd === 'S') && chain !== undefined && /^\d+$/.test(args[i + 1] ?? '')) {
          extra = args[++i]!;
          if (Number(extra) < 1) throw paramProblem(`Invalid rule number \`${extra}'`);
        }
        break;
      case 'v':
        o.verbose = true;
        break;
      case 'n':
        o.numeric = true;
        break;
      case 'x':
        o.exact = true;
        break;
      case '0':
        o.lineNumbers = true;
        break;
      case 'w':
      case 'W':
        // the xtables lock: nf_tables needs none, an optional number is skipped
        if (/^\d+$/.test(args[i + 1] ?? '')) i++;
        break;
      case 's': {
        const p = parseAddr(val());
        rule.src = p.a;
        rule.srcLen = p.len;
        rule.inv.src = inv;
        break;
      }
      case 'd': {
        const p = parseAddr(val());
        rule.dst = p.a;
        rule.dstLen = p.len;
        rule.inv.dst = inv;
        break;
      }
      case 'i':
        rule.iif = val();
        rule.inv.iif = inv;
        break;
      case 'o':
        rule.oif = val();
        rule.inv.oif = inv;
        break;
      case 'p': {
        const v = val().toLowerCase();
        const n = /^\d+$/.test(v) ? Number(v) : PROTOS[v];
        if (n === undefined) throw paramProblem(`unknown protocol "${v}" specified`);
        rule.proto = n;
        rule.inv.proto = inv;
        break;
      }
      case 'c': {
        const pc = val();
        const bc = val();
        if (!/^\d+/.test(pc)) throw paramProblem('-c packet counter not numeric');
        if (!/^\d+/.test(bc)) throw paramProblem('-c byte counter not numeric');
        rule.pkts = Number.parseInt(pc, 10);
        rule.bytes = Number.parseInt(bc, 10);
        break;
      }
      case 'm': {
        const name = val();
        const ext = MATCH_EXTS[name];
        if (!ext) throw paramProblem(`Couldn't load match \`${name}':No such file or directory\n`);
        load(ext);
        break;
      }
      case 'j': {
        rule.target = val();
        const ext = TARGET_EXTS[rule.target];
        if (ext) {
          targExt = ext;
          rule.targinfo = ext.init();
          loaded.push({ ext, d: rule.targinfo, given: new Set() });
        }
        break;
      }
      default:
        throw paramProblem(`unknown option "${a}"`);
    }
    inv = false;
  }
  if (!cmd) throw paramProblem('no command specified');
  for (const l of loaded) (l.ext as MatchExt<NfMatch>).final?.(l.d as NfMatch, l.given);
  if (cmd === 'A' || cmd === 'I' || cmd === 'D' || cmd === 'R') {
    // nft.c: a match iptables-nft translates itself needs the rule's protocol
    for (const m of rule.matches) {
      const ext = MATCH_EXTS[m.name]!;
      if (ext.native?.(m) && rule.proto !== ext.proto) throw paramProblem(`${m.name.toUpperCase()} match requires '-p ${m.name}'`);
    }
  }
  if (table === 'nat' && (rule.target === 'DROP' || (cmd === 'P' && extra === 'DROP'))) {
    throw paramProblem('\nThe "nat" table is not intended for filtering, the use of DROP is therefore inhibited.\n\n');
  }
  return { table, cmd, chain, extra, o, rule, targExt };
}

/** assert_valid_chain_name */
export function assertValidChainName(name: string): void {
  if (name.length >= 29) throw paramProblem(`chain name \`${name}' too long (must be under 29 chars)`);
  if (name.startsWith('-') || name.startsWith('!')) throw paramProblem(`chain name not allowed to start with \`${name[0]}'`);
  if (['ACCEPT', 'DROP', 'QUEUE', 'RETURN'].includes(name) || name in TARGET_EXTS) throw paramProblem('chain name may not clash with target name\n');
  if (/\s/.test(name)) throw paramProblem(`Invalid chain name \`${name}'`);
}

const HOOK_ORDER = ['PREROUTING', 'INPUT', 'FORWARD', 'OUTPUT', 'POSTROUTING'];

/** xt_check_match / xt_check_target (translate_table's checks of a new rule): the kernel logs
 *  why and refuses the rule with EINVAL. */
function checkEntry(k: Kctx, c: IptCmd): void {
  const { rule, chain, table, targExt } = c;
  const hooks = chainHooks(chain!);
  const refuse = (why: string): never => {
    printk(k.m, LOGLEVEL.info, why);
    throw ruleEinval(c.cmd === 'A' ? 'RULE_APPEND' : c.cmd === 'R' ? 'RULE_REPLACE' : 'RULE_INSERT', chain!);
  };
  for (const m of rule.matches) {
    const ext = MATCH_EXTS[m.name]!;
    // a match nft_compat hands the kernel is checked against the rule's protocol
    if (!ext.native?.(m) && ext.proto !== undefined && (rule.proto !== ext.proto || rule.inv.proto)) refuse(`x_tables: ip_tables: ${m.name} match: only valid for protocol ${ext.proto}`);
    const why = ext.check?.(m, hooks);
    if (why) refuse(why);
  }
  if (!targExt) return;
  const name = rule.target;
  if (targExt.table && targExt.table !== table) refuse(`x_tables: ip_tables: ${name} target: only valid in ${targExt.table} table, not ${table}`);
  if (targExt.hooks && hooks.some((h) => !targExt.hooks!.includes(h))) {
    const allowed = HOOK_ORDER.filter((h) => targExt.hooks!.includes(h));
    refuse(`x_tables: ip_tables: ${name} target: used from hooks ${hooks.join('/')}, but only usable from ${allowed.join('/')}`);
  }
}

/** Is the table there (iptables-nft creates a table when a command changes it; listing,
 *  flushing, zeroing or deleting chains of a table that is not there leave it so)? */
const CREATES_TABLE = new Set<Cmd>(['A', 'I', 'D', 'N', 'P']);

/** The command on the namespace's tables (inside a World mutation): its output. */
export function iptApply(k: Kctx, nsId: number, c: IptCmd): string {
  const { cmd, chain, extra, rule, table, o } = c;
  const builtin = BUILTIN_CHAINS[table]!;
  const ns = k.w.netns[nsId]!;
  const t: NfTable = CREATES_TABLE.has(cmd) ? nfTableInit(ns, table) : (ns.nf[table] ?? builtinTable(table));
  const need = (): NfTable[string] => {
    const ch = chain !== undefined ? t[chain] : undefined;
    if (!ch) throw kernelProblem('No chain/target/match by that name.');
    return ch;
  };
  const checkTarget = (): void => {
    if (!rule.target || rule.targinfo || ['ACCEPT', 'DROP', 'RETURN'].includes(rule.target)) return;
    if (!t[rule.target] || builtin.includes(rule.target)) throw paramProblem(`Chain '${rule.target}' does not exist`);
  };
  let output = '';
  switch (cmd) {
    case 'P': {
      const ch = need();
      if (!builtin.includes(chain!)) throw kernelProblem('Bad built-in chain name.');
      if (extra !== 'ACCEPT' && extra !== 'DROP') throw kernelProblem('Bad policy name.', true);
      ch.policy = extra;
      break;
    }
    case 'A':
    case 'I': {
      const ch = need();
      checkTarget();
      checkEntry(k, c);
      if (cmd === 'A') ch.rules.push(rule);
      else {
        const pos = extra === undefined ? 0 : Number(extra) - 1;
        if (pos < 0 || pos > ch.rules.length) throw kernelProblem('Index of insertion too big.');
        ch.rules.splice(pos, 0, rule);
      }
      break;
    }
    case 'R': {
      // replacing needs the rule, so the table and chain must exist already
      if (!ns.nf[table]) throw kernelProblem('No chain/target/match by that name.');
      const ch = need();
      checkTarget();
      checkEntry(k, c);
      const pos = Number(extra) - 1;
      if (pos >= ch.rules.length) throw kernelProblem('Index of replacement too big.');
      ch.rules[pos] = rule;
      break;
    }
    case 'D': {
      const ch = need();
      if (extra !== undefined) {
        const pos = Number(extra) - 1;
        if (pos < 0 || pos >= ch.rules.length) throw kernelProblem('Index of deletion too big.');
        ch.rules.splice(pos, 1);
      } else {
        const idx = ch.rules.findIndex((r) => sameRule(r as NfRule, rule));
        if (idx < 0) throw kernelProblem('Bad rule (does a matching rule exist in that chain?).');
        ch.rules.splice(idx, 1);
      }
      break;
    }
    case 'N':
      if (t[chain!]) throw kernelProblem('Chain already exists.');
      t[chain!] = emptyChain();
      break;
    case 'X': {
      const names = chain === undefined ? Object.keys(t).filter((n) => !builtin.includes(n)) : builtin.includes(chain) ? [] : [chain];
      for (const n of names) {
        if (!t[n]) throw kernelProblem('No chain/target/match by that name.');
        if (t[n]!.rules.length > 0) throw kernelProblem('Directory not empty.');
        if (Object.values(t).some((ch) => ch.rules.some((r) => r.target === n))) throw kernelProblem('Too many links.');
        delete t[n];
      }
      break;
    }
    case 'F':
      for (const n of chain === undefined ? Object.keys(t) : [chain]) {
        if (!t[n]) throw kernelProblem('No chain/target/match by that name.');
        t[n]!.rules = [];
      }
      break;
    case 'Z':
      for (const n of chain === undefined ? Object.keys(t) : [chain]) {
        const ch = t[n];
        if (!ch) throw kernelProblem('No chain/target/match by that name.');
        ch.pkts = ch.bytes = 0;
        for (const r of ch.rules) r.pkts = r.bytes = 0;
      }
      break;
    case 'L': {
      if (chain !== undefined) need();
      const one = extra !== undefined ? t[chain!]!.rules[Number(extra) - 1] : undefined;
      if (extra !== undefined) output = one ? listRule(one as NfRule, Number(extra), o) : '';
      else output = (chain === undefined ? chainNames(t as NfTable) : [chain]).map((n) => listChain(t as NfTable, n, o)).join('\n');
      break;
    }
    case 'S': {
      if (chain !== undefined) need();
      const one = extra !== undefined ? t[chain!]!.rules[Number(extra) - 1] : undefined;
      if (extra !== undefined) output = one ? `${ruleSpec(chain!, one as NfRule)}\n` : '';
      else output = saveTable(t as NfTable, chain);
      break;
    }
  }
  // rules that need conntrack turn its hooks on in this namespace (and off with the last one)
  nfHooksSync(ns);
  return output;
}

/** The checks before iptables talks to the kernel: the table exists, the caller is root. */
export function iptKernelAccess(ctx: CommandContext, table: string | undefined, prog: string): void {
  if (table !== undefined && !(table in BUILTIN_CHAINS)) throw new Fail(`${prog} v1.8.9 (nf_tables): table '${table}' does not exist\nPerhaps iptables or your kernel needs to be upgraded.\n`, 3);
  if (ctx.proc.uid !== 0) throw new Fail(`${prog} v1.8.9 (nf_tables): Could not fetch rule set generation id: Permission denied (you must be root)\n`, 4);
}

export const iptables: Command = async (ctx) => {
  try {
    const c = iptParse(ctx.argv.slice(1));
    iptKernelAccess(ctx, c.table, 'iptables');
    const nsId = ctx.proc.netns;
    ctx.stdout.write(ctx.m.mutate((k: Kctx) => nfTablesTxn(k.w.netns[nsId]!, () => iptApply(k, nsId, c))));
    return 0;
  } catch (e) {
    if (!(e instanceof Fail)) throw e;
    ctx.stderr.write(e.msg);
    return e.rc;
  }
};
