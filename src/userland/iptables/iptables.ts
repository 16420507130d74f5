// iptables (1.8.9, nf_tables backend): the commands on a table's chains (policies, rules with
// the address/interface/protocol matches and the match/target extensions, user chains, their
// counters) and the listings, with iptables' own errors.
import type { Draft } from 'immer';
import type { Command, CommandContext } from '../command.ts';
import type { Kctx } from '../../kernel/machine.ts';
import type { NfMatch, NfRule, NfTable } from '../../kernel/types.ts';
import { BUILTIN_CHAINS, emptyChain, nfCtNetnsSync, nfTableInit } from '../../protocols/netfilter/tables.ts';
import { ipv4FromText, ipv4FromTextAton, maskToPrefixLen, prefixNetwork } from '../../protocols/wire/addr.ts';
import { Fail, kernelProblem, paramProblem, VERSION, type MatchExt, type TargetExt } from './xtables.ts';
import { MATCH_EXTS, TARGET_EXTS } from './extensions.ts';
import { listChain, saveTable, type ListOpts } from './list.ts';

const PROTOS: Record<string, number> = { all: 0, icmp: 1, tcp: 6, udp: 17 };

function parseAddr(v: string): { a: number; len: number } {
  const [h, m] = v.split('/');
  const a = ipv4FromTextAton(h!);
  if (a === null) throw paramProblem(`host/network \`${h}' not found`);
  let len = 32;
  if (m !== undefined) {
    const dotted = ipv4FromText(m);
    len = /^\d+$/.test(m) ? Number(m) : dotted !== null ? maskToPrefixLen(dotted) : -1;
    if (len < 0 || len > 32) throw paramProblem(`invalid mask \`${m}' specified`);
  }
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

type Cmd = 'A' | 'I' | 'D' | 'F' | 'Z' | 'N' | 'X' | 'P' | 'L' | 'S';

export const iptables: Command = async (ctx) => {
  try {
    return run(ctx);
  } catch (e) {
    if (!(e instanceof Fail)) throw e;
    ctx.stderr.write(e.msg);
    return e.rc;
  }
};

function run(ctx: CommandContext): number {
  const args = ctx.argv.slice(1);
  let table = 'filter';
  let cmd: Cmd | undefined;
  let chain: string | undefined;
  let extra: string | undefined;
  const o: ListOpts = { verbose: false, numeric: false, exact: false, lineNumbers: false };
  const rule = newRule();
  /** the extensions loaded so far (-m, -j) with their data, whose options are now valid */
  const loaded: { ext: MatchExt | TargetExt; d: NfMatch | NonNullable<NfRule['targinfo']> }[] = [];
  let targExt: TargetExt | undefined;
  let inv = false;
  const setCmd = (c: Cmd): void => {
    if (cmd) throw paramProblem(`Cannot use -${c} with -${cmd}\n`);
    cmd = c;
  };
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    const val = (): string => {
      const v = args[++i];
      if (v === undefined) throw paramProblem(`option "${a}" requires an argument`);
      return v;
    };
    const optChain = (): string | undefined => (args[i + 1] !== undefined && !args[i + 1]!.startsWith('-') ? args[++i] : undefined);
    switch (a) {
      case '!':
        inv = true;
        continue;
      case '-t':
      case '--table':
        table = val();
        break;
      case '-A':
      case '--append':
      case '-D':
      case '--delete':
      case '-I':
      case '--insert':
      case '-N':
      case '--new-chain':
      case '-P':
      case '--policy':
        setCmd(a.startsWith('--') ? ({ '--append': 'A', '--delete': 'D', '--insert': 'I', '--new-chain': 'N', '--policy': 'P' } as const)[a as '--append']! : (a[1] as Cmd));
        chain = val();
        if (cmd === 'P') extra = val();
        else if ((cmd === 'I' || cmd === 'D') && /^\d+$/.test(args[i + 1] ?? '')) extra = args[++i];
        break;
      case '-F':
      case '--flush':
      case '-Z':
      case '--zero':
      case '-X':
      case '--delete-chain':
      case '-L':
      case '--list':
      case '-S':
      case '--list-rules':
        setCmd(({ '--flush': 'F', '--zero': 'Z', '--delete-chain': 'X', '--list': 'L', '--list-rules': 'S' } as Record<string, Cmd>)[a] ?? (a[1] as Cmd));
        chain = optChain();
        break;
      case '-v':
      case '--verbose':
        o.verbose = true;
        break;
      case '-n':
      case '--numeric':
        o.numeric = true;
        break;
      case '-x':
      case '--exact':
        o.exact = true;
        break;
      case '--line-numbers':
        o.lineNumbers = true;
        break;
      case '-s':
      case '--source': {
        const p = parseAddr(val());
        rule.src = p.a;
        rule.srcLen = p.len;
        rule.inv.src = inv;
        break;
      }
      case '-d':
      case '--destination': {
        const p = parseAddr(val());
        rule.dst = p.a;
        rule.dstLen = p.len;
        rule.inv.dst = inv;
        break;
      }
      case '-i':
      case '--in-interface':
        rule.iif = val();
        rule.inv.iif = inv;
        break;
      case '-o':
      case '--out-interface':
        rule.oif = val();
        rule.inv.oif = inv;
        break;
      case '-p':
      case '--protocol': {
        const v = val().toLowerCase();
        const n = /^\d+$/.test(v) ? Number(v) : PROTOS[v];
        if (n === undefined) throw paramProblem(`unknown protocol "${v}" specified`);
        rule.proto = n;
        rule.inv.proto = inv;
        break;
      }
      case '-m':
      case '--match': {
        const name = val();
        const ext = MATCH_EXTS[name];
        if (!ext) throw paramProblem(`Couldn't load match \`${name}':No such file or directory\n`);
        const m = ext.init();
        rule.matches.push(m);
        loaded.push({ ext, d: m });
        break;
      }
      case '-j':
      case '--jump': {
        rule.target = val();
        const ext = TARGET_EXTS[rule.target];
        if (ext) {
          targExt = ext;
          rule.targinfo = ext.init();
          loaded.push({ ext, d: rule.targinfo });
        }
        break;
      }
      default: {
        // an option of a loaded extension (the latest loaded first, as getopt sees them)
        const name = a.startsWith('--') ? a.slice(2) : '';
        const l = [...loaded].reverse().find((x) => name in x.ext.options);
        if (!l) throw paramProblem(`unknown option "${a}"`);
        const opt = { name, inv, arg: l.ext.options[name] ? val : () => '' };
        (l.ext as MatchExt<NfMatch>).parse(opt, l.d as NfMatch);
      }
    }
    inv = false;
  }
  if (!cmd) throw paramProblem('no command specified');
  for (const l of loaded) (l.ext as MatchExt<NfMatch>).final?.(l.d as NfMatch);
  if (table === 'nat' && (rule.target === 'DROP' || (cmd === 'P' && extra === 'DROP'))) {
    throw paramProblem('\nThe "nat" table is not intended for filtering, the use of DROP is therefore inhibited.\n\n');
  }
  if (!(table in BUILTIN_CHAINS)) throw new Fail(`${VERSION}: table '${table}' does not exist\nPerhaps iptables or your kernel needs to be upgraded.\n`, 3);
  if (ctx.proc.uid !== 0) throw new Fail(`${VERSION}: Could not fetch rule set generation id: Permission denied (you must be root)\n`, 4);
  const nsId = ctx.proc.netns;
  const builtin = BUILTIN_CHAINS[table]!;
  let output = '';
  ctx.m.mutate((k: Kctx) => {
    const ns = k.w.netns[nsId]!;
    const t: Draft<NfTable> = nfTableInit(ns, table);
    const apply = (): void => {
      const need = (): Draft<NfTable>[string] => {
        const c = chain !== undefined ? t[chain] : undefined;
        if (!c) throw kernelProblem('No chain/target/match by that name.');
        return c;
      };
      const checkTarget = (): void => {
        if (!rule.target || rule.targinfo || ['ACCEPT', 'DROP', 'RETURN'].includes(rule.target)) return;
        if (!t[rule.target] || builtin.includes(rule.target)) throw paramProblem(`Chain '${rule.target}' does not exist`);
      };
      switch (cmd) {
        case 'P': {
          const c = need();
          if (!builtin.includes(chain!)) throw kernelProblem('Bad built-in chain name.');
          if (extra !== 'ACCEPT' && extra !== 'DROP') throw kernelProblem("Bad policy name. Run `dmesg' for more information.");
          c.policy = extra;
          return;
        }
        case 'A':
        case 'I': {
          const c = need();
          checkTarget();
          // the target's checkentry: wrong table or hook is EINVAL from the kernel
          if (targExt && ((targExt.table && targExt.table !== table) || (targExt.hooks && builtin.includes(chain!) && !targExt.hooks.includes(chain!)))) {
            throw new Fail(`${VERSION}:  RULE_${cmd === 'A' ? 'APPEND' : 'INSERT'} failed (Invalid argument): rule in chain ${chain}\n`, 4);
          }
          if (cmd === 'A') c.rules.push(rule);
          else {
            const pos = extra === undefined ? 0 : Number(extra) - 1;
            if (pos < 0 || pos > c.rules.length) throw kernelProblem('Index of insertion too big.');
            c.rules.splice(pos, 0, rule);
          }
          return;
        }
        case 'D': {
          const c = need();
          if (extra !== undefined) {
            const pos = Number(extra) - 1;
            if (pos < 0 || pos >= c.rules.length) throw kernelProblem('Index of deletion too big.');
            c.rules.splice(pos, 1);
          } else {
            const idx = c.rules.findIndex((r) => sameRule(r as NfRule, rule));
            if (idx < 0) throw kernelProblem('Bad rule (does a matching rule exist in that chain?).');
            c.rules.splice(idx, 1);
          }
          return;
        }
        case 'N':
          if (t[chain!]) throw kernelProblem('Chain already exists.');
          t[chain!] = emptyChain();
          return;
        case 'X': {
          const names = chain === undefined ? Object.keys(t).filter((n) => !builtin.includes(n)) : builtin.includes(chain) ? [] : [chain];
          for (const n of names) {
            if (!t[n]) throw kernelProblem('No chain/target/match by that name.');
            if (t[n]!.rules.length > 0) throw kernelProblem('Directory not empty.');
            if (Object.values(t).some((c) => c.rules.some((r) => r.target === n))) throw kernelProblem('Too many links.');
            delete t[n];
          }
          return;
        }
        case 'F':
          for (const n of chain === undefined ? Object.keys(t) : [chain]) {
            if (!t[n]) throw kernelProblem('No chain/target/match by that name.');
            t[n]!.rules = [];
          }
          return;
        case 'Z':
          for (const n of chain === undefined ? Object.keys(t) : [chain]) {
            const c = t[n];
            if (!c) throw kernelProblem('No chain/target/match by that name.');
            c.pkts = c.bytes = 0;
            for (const r of c.rules) r.pkts = r.bytes = 0;
          }
          return;
        case 'L': {
          if (chain !== undefined) need();
          const names = chain === undefined ? Object.keys(t) : [chain];
          output = names.map((n) => listChain(t as NfTable, n, o)).join('\n');
          return;
        }
        case 'S':
          if (chain !== undefined) need();
          output = saveTable(t as NfTable, chain);
          return;
      }
    };
    apply();
    // rules that need conntrack turn its hooks on in this namespace (and off with the last one)
    nfCtNetnsSync(ns);
  });
  ctx.stdout.write(output);
  return 0;
}
