// iptables (1.8.9, nf_tables backend) for the filter and nat tables: policies, rules with the
// address/interface/protocol matches, ACCEPT/DROP/RETURN/user-chain targets, their counters,
// and the listings (-L with -v/-n/-x/--line-numbers, -S) as iptables prints them.
import type { Draft } from 'immer';
import type { Command, CommandContext } from './command.ts';
import type { Kctx } from '../kernel/machine.ts';
import type { NfRule, NfTable } from '../kernel/types.ts';
import { BUILTIN_CHAINS, emptyChain, nfTableInit } from '../protocols/netfilter/tables.ts';
import { REJECT_CODES } from '../protocols/netfilter/nf_hook.ts';
import { ipv4FromText, ipv4FromTextAton, ipv4ToText, maskToPrefixLen, prefixNetwork } from '../protocols/wire/addr.ts';

const VERSION = 'iptables v1.8.9 (nf_tables)';
const PROTOS: Record<string, number> = { all: 0, icmp: 1, tcp: 6, udp: 17 };
const PROTO_NAMES: Record<number, string> = { 0: 'all', 1: 'icmp', 6: 'tcp', 17: 'udp' };

class Fail {
  constructor(
    readonly msg: string,
    readonly rc: number,
  ) {}
}

/** xtables_error(PARAMETER_PROBLEM): the message, then the help hint; exit 2. */
function paramProblem(msg: string): Fail {
  return new Fail(`${VERSION}: ${msg}\nTry \`iptables -h' or 'iptables --help' for more information.\n`, 2);
}

/** An error from the kernel side (nft_strerror): exit 1. */
function kernelProblem(msg: string): Fail {
  return new Fail(`iptables: ${msg}\n`, 1);
}

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
  return { src: 0, srcLen: 0, dst: 0, dstLen: 0, iif: '', oif: '', proto: 0, inv: { src: false, dst: false, iif: false, oif: false, proto: false }, target: '', pkts: 0, bytes: 0 };
}

function sameRule(a: NfRule, b: NfRule): boolean {
  return a.rejectWith === b.rejectWith && a.src === b.src && a.srcLen === b.srcLen && a.dst === b.dst && a.dstLen === b.dstLen && a.iif === b.iif && a.oif === b.oif && a.proto === b.proto && a.target === b.target && JSON.stringify(a.inv) === JSON.stringify(b.inv);
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

interface ListOpts {
  verbose: boolean;
  numeric: boolean;
  exact: boolean;
  lineNumbers: boolean;
}

function listChain(t: NfTable, name: string, o: ListOpts): string {
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
    if (o.lineNumbers) out += `${String(i + 1).padEnd(4)} `;
    if (o.verbose) out += num(r.pkts, o.exact) + num(r.bytes, o.exact);
    out += `${r.target.padEnd(9)} ${r.inv.proto ? '!' : ' '}${(o.numeric ? String(r.proto) : (PROTO_NAMES[r.proto] ?? String(r.proto))).padEnd(4)} -- `;
    if (o.verbose) {
      const iface = (n: string, inv: boolean): string => `${inv ? '!' : ''}${n || (o.numeric ? '*' : 'any')}`;
      out += ` ${iface(r.iif, r.inv.iif).padEnd(6)} ${iface(r.oif, r.inv.oif).padEnd(6)} `;
    }
    out += addrText(r.src, r.srcLen, o.numeric, r.inv.src) + addrText(r.dst, r.dstLen, o.numeric, r.inv.dst);
    out += r.rejectWith ? ` reject-with ${r.rejectWith}\n` : '\n';
  });
  return out;
}

function ruleSpec(chain: string, r: NfRule): string {
  const p: string[] = [`-A ${chain}`];
  const neg = (b: boolean): string => (b ? '! ' : '');
  if (r.srcLen > 0 || r.inv.src) p.push(`${neg(r.inv.src)}-s ${ipv4ToText(r.src)}/${r.srcLen}`);
  if (r.dstLen > 0 || r.inv.dst) p.push(`${neg(r.inv.dst)}-d ${ipv4ToText(r.dst)}/${r.dstLen}`);
  if (r.iif) p.push(`${neg(r.inv.iif)}-i ${r.iif}`);
  if (r.oif) p.push(`${neg(r.inv.oif)}-o ${r.oif}`);
  if (r.proto) p.push(`${neg(r.inv.proto)}-p ${PROTO_NAMES[r.proto] ?? r.proto}`);
  if (r.target) p.push(`-j ${r.target}`);
  if (r.rejectWith) p.push(`--reject-with ${r.rejectWith}`);
  return p.join(' ');
}

function saveTable(t: NfTable, only?: string): string {
  const names = Object.keys(t).filter((n) => only === undefined || n === only);
  let out = '';
  for (const n of names) if (t[n]!.policy) out += `-P ${n} ${t[n]!.policy}\n`;
  for (const n of names) if (!t[n]!.policy) out += `-N ${n}\n`;
  for (const n of names) for (const r of t[n]!.rules) out += `${ruleSpec(n, r)}\n`;
  return out;
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
      case '-j':
      case '--jump':
        rule.target = val();
        break;
      case '--reject-with': {
        if (rule.target !== 'REJECT') throw paramProblem(`unknown option "${a}"`);
        const v = val();
        if (!(v in REJECT_CODES)) throw paramProblem(v === 'tcp-reset' ? 'nsemu: --reject-with tcp-reset is not emulated (no TCP)' : `unknown reject type "${v}"`);
        rule.rejectWith = v;
        break;
      }
      default:
        if (a.startsWith('-m') || a === '--match') throw new Fail(`nsemu: iptables: match extensions (-m) are not emulated yet\n`, 2);
        throw paramProblem(`unknown option "${a}"`);
    }
    inv = false;
  }
  if (!cmd) throw paramProblem('no command specified');
  if (rule.target === 'REJECT') rule.rejectWith ??= 'icmp-port-unreachable';
  if (!(table in BUILTIN_CHAINS)) throw new Fail(`${VERSION}: table '${table}' does not exist\nPerhaps iptables or your kernel needs to be upgraded.\n`, 3);
  if (ctx.proc.uid !== 0) throw new Fail(`${VERSION}: Could not fetch rule set generation id: Permission denied (you must be root)\n`, 4);
  const nsId = ctx.proc.netns;
  const builtin = BUILTIN_CHAINS[table]!;
  let output = '';
  ctx.m.mutate((k: Kctx) => {
      const t: Draft<NfTable> = nfTableInit(k.w.netns[nsId]!, table);
      const need = (): Draft<NfTable>[string] => {
        const c = chain !== undefined ? t[chain] : undefined;
        if (!c) throw kernelProblem('No chain/target/match by that name.');
        return c;
      };
      const checkTarget = (): void => {
        if (!rule.target || ['ACCEPT', 'DROP', 'RETURN', 'REJECT'].includes(rule.target)) return;
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
  });
  ctx.stdout.write(output);
  return 0;
}
