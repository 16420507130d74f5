// iptables-restore (iptables/xtables-restore.c, nf_tables backend): reads what iptables-save
// wrote, from a file or stdin. `*table` starts a table (flushed first: the table is deleted and
// made again by what follows, unless --noflush), `:CHAIN POLICY [p:b]` sets a built-in chain's
// policy or creates (or empties) a user chain, other lines are iptables commands for that table,
// and COMMIT applies the table's batch at once: one failing command and nothing of that table
// changes (tables committed before it stay). Parse errors name their line; kernel errors the
// line of the command that failed. --test parses and applies nothing; --table T restores only T.
import type { Command, CommandContext } from '../command.ts';
import type { Kctx } from '../../kernel/machine.ts';
import { BUILTIN_CHAINS, emptyChain, nfHooksSync, nfTableInit, nfTablesTxn } from '../../protocols/netfilter/tables.ts';
import { FsError } from '../../shell/vfs.ts';
import { getoptLong } from '../getopt.ts';
import { assertValidChainName, iptApply, iptKernelAccess, iptParse } from './iptables.ts';
import { Fail, kernelProblem, paramProblem, tryHelp, VERSION } from './xtables.ts';

const PROG = 'iptables-restore';

/** One command of a table's batch, with the input line it came from. */
interface Op {
  line: number;
  run(k: Kctx, nsId: number): string;
}

/** The error as iptables-restore reports it: parse problems with the line being read, kernel
 *  problems with the line of the command. */
function restoreFail(f: Fail, readLine: number, opLine: number): Fail {
  const why = f.why;
  if (!why) return f;
  switch (why.kind) {
    case 'param':
      return new Fail(`${VERSION.replace('iptables', PROG)}: ${why.msg}\nError occurred at line: ${readLine}\n${tryHelp(PROG)}`, 2);
    case 'bare':
      return new Fail(`${why.msg}\nError occurred at line: ${readLine}\n${tryHelp(PROG)}`, 2);
    case 'kernel':
      return new Fail(`${PROG}: line ${opLine} failed: ${why.msg}\n`, 1);
    case 'einval':
      return new Fail(`${VERSION.replace('iptables', PROG)}: \nline ${opLine}: ${why.op} failed (Invalid argument): rule in chain ${why.chain}\n`, 4);
  }
}

/** add_param_to_argv: words split at blanks; "double quotes" group, and in them \ escapes.
 *  A table option in a line is refused (the table is the section's). */
function splitLine(s: string): string[] {
  const out: string[] = [];
  let cur = '';
  let open = false;
  let quoted = false;
  let esc = false;
  const flush = (): void => {
    if (!quoted && ((cur[0] === '-' && cur[1] !== '-' && cur.includes('t')) || (cur.startsWith('--t') && '--table'.startsWith(cur)))) {
      throw paramProblem(`The -t option cannot be used in ${PROG}.\n`);
    }
    out.push(cur);
    cur = '';
    quoted = false;
  };
  for (const ch of s) {
    if (open) {
      if (esc) {
        cur += ch;
        esc = false;
      } else if (ch === '\\') esc = true;
      else if (ch === '"') {
        open = false;
        flush();
      } else cur += ch;
      continue;
    }
    if (ch === '"') {
      open = quoted = true;
    } else if (ch === ' ' || ch === '\t' || ch === '\n') {
      if (cur) flush();
    } else cur += ch;
  }
  if (cur) flush();
  return out;
}

const CHAIN_WORDS = /[^ \t\n]+/g;

export const iptablesRestore: Command = async (ctx) => {
  const { items, rest } = getoptLong(PROG, ctx.argv.slice(1), 'bcvVthnM:T:wW', [
    { name: 'counters', hasArg: 0, val: 'c' },
    { name: 'verbose', hasArg: 0, val: 'v' },
    { name: 'version', hasArg: 0, val: 'V' },
    { name: 'test', hasArg: 0, val: 't' },
    { name: 'help', hasArg: 0, val: 'h' },
    { name: 'noflush', hasArg: 0, val: 'n' },
    { name: 'modprobe', hasArg: 1, val: 'M' },
    { name: 'table', hasArg: 1, val: 'T' },
    { name: 'ipv4', hasArg: 0, val: '4' },
    { name: 'ipv6', hasArg: 0, val: '6' },
    { name: 'wait', hasArg: 2, val: 'w' },
    { name: 'wait-interval', hasArg: 2, val: 'W' },
  ]);
  const o = { counters: false, testing: false, noflush: false, table: undefined as string | undefined };
  for (const it of items) {
    switch (it.c) {
      case 'c':
        o.counters = true;
        break;
      case 't':
        o.testing = true;
        break;
      case 'n':
        o.noflush = true;
        break;
      case 'T':
        o.table = it.arg;
        break;
      case 'V':
        ctx.stdout.write(`${VERSION.replace('iptables', PROG)}\n`);
        return 0;
      case 'h':
        ctx.stderr.write(USAGE);
        return 0;
      case 'b':
        ctx.stderr.write('-b/--binary option is not implemented\n');
        break;
      case 'v':
        ctx.stderr.write(`nsemu: ${PROG}: --verbose is not emulated\n`);
        return 2;
      case '?':
        ctx.stderr.write(`${'msg' in it ? it.msg : ''}Try \`${PROG} -h' for more information.\n`);
        return 1;
    }
  }
  let input: string;
  if (rest.length === 1) {
    try {
      input = await ctx.readFile(rest[0]!);
    } catch (e) {
      if (!(e instanceof FsError)) throw e;
      ctx.stderr.write(`Can't open ${rest[0]}: ${e.reason}\n`);
      return 1;
    }
  } else if (rest.length > 1) {
    ctx.stderr.write('Unknown arguments found on commandline\n');
    return 1;
  } else input = await ctx.stdin.readAll();
  try {
    restore(ctx, input, o);
    return 0;
  } catch (e) {
    if (!(e instanceof Fail)) throw e;
    ctx.stderr.write(e.msg);
    return e.rc;
  }
};

function restore(ctx: CommandContext, input: string, o: { counters: boolean; testing: boolean; noflush: boolean; table?: string }): void {
  const lines = input.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  let inTable = false;
  let curtable: string | undefined;
  let ops: Op[] = [];
  let line = 0;
  const commit = (): void => {
    iptKernelAccess(ctx, undefined, PROG);
    const batch = ops;
    ops = [];
    if (o.testing) return;
    const commitLine = line;
    const nsId = ctx.proc.netns;
    const out = ctx.m.mutate((k) =>
      nfTablesTxn(k.w.netns[nsId]!, () => {
        let text = '';
        for (const op of batch) {
          try {
            text += op.run(k, nsId);
          } catch (e) {
            throw e instanceof Fail ? restoreFail(e, commitLine, op.line) : e;
          }
        }
        nfHooksSync(k.w.netns[nsId]!);
        return text;
      }),
    );
    ctx.stdout.write(out);
  };
  for (const raw of lines) {
    line++;
    const opLine = line;
    let ok = false;
    try {
      if (raw === '' || raw.startsWith('#')) continue;
      if (inTable && raw.startsWith('COMMIT') && raw.length === 6) {
        commit();
        inTable = false;
        ok = true;
      } else if (raw.startsWith('*') && !inTable) {
        const name = raw.slice(1).match(CHAIN_WORDS)?.[0];
        if (name === undefined) throw paramProblem(`${PROG}: line ${line} table name invalid`);
        if (!(name in BUILTIN_CHAINS)) throw paramProblem(`${PROG}: line ${line} table name '${name}' invalid`);
        curtable = name;
        if (o.table !== undefined && o.table !== name) continue;
        if (!o.noflush) {
          ops.push({
            line,
            run: (k, nsId) => {
              delete k.w.netns[nsId]!.nf[name];
              return '';
            },
          });
        }
        inTable = true;
        ok = true;
      } else if (raw.startsWith(':') && inTable) {
        ops.push(chainLine(raw, line, curtable!, o.counters));
        ok = true;
      } else if (inTable) {
        let text = raw;
        const args: string[] = [];
        if (text.startsWith('[')) {
          const close = text.indexOf(']');
          if (close < 0) throw paramProblem(`Bad line ${line}: need ]`);
          const [pc, bc] = text.slice(1, close).split(':');
          if (!pc) throw paramProblem(`Bad line ${line}: need :`);
          if (!bc) throw paramProblem(`Bad line ${line}: need ]`);
          if (o.counters) args.push('--set-counters', pc, bc);
          text = text.slice(close + 1);
        }
        // the line with its newline, as fgets reads it (an open quote keeps it)
        const c = iptParse(['-t', curtable!, ...args, ...splitLine(`${text}\n`)]);
        ops.push({ line, run: (k, nsId) => iptApply(k, nsId, c) });
        ok = true;
      }
    } catch (e) {
      throw e instanceof Fail ? restoreFail(e, line, opLine) : e;
    }
    // lines of a table --table left out are skipped
    if (o.table !== undefined && curtable !== undefined && curtable !== o.table) continue;
    if (!ok) throw new Fail(`${PROG}: line ${line} failed\n`, 1);
  }
  if (inTable) throw new Fail(`${PROG}: COMMIT expected at line ${line + 1}\n`, 1);
}

/** `:CHAIN POLICY [packets:bytes]`: a built-in chain's policy (and with --counters its counters),
 *  or a user chain, created or emptied. */
function chainLine(raw: string, line: number, table: string, counters: boolean): Op {
  const [chain, policy, ctrs] = raw.slice(1).match(CHAIN_WORDS) ?? [];
  if (chain === undefined) throw paramProblem(`${PROG}: line ${line} chain name invalid`);
  assertValidChainName(chain);
  if (policy === undefined) throw paramProblem(`${PROG}: line ${line} policy invalid`);
  if (!BUILTIN_CHAINS[table]!.includes(chain)) {
    return {
      line,
      run: (k, nsId) => {
        const t = nfTableInit(k.w.netns[nsId]!, table);
        if (t[chain]) t[chain]!.rules = [];
        else t[chain] = emptyChain();
        return '';
      },
    };
  }
  let count: [number, number] | undefined;
  if (counters) {
    const m = ctrs === undefined ? null : /^\[(\d+):(\d+)\]/.exec(ctrs);
    if (!m) throw paramProblem(`invalid policy counters for chain '${chain}'`);
    count = [Number(m[1]), Number(m[2])];
  }
  return {
    line,
    run: (k, nsId) => {
      if (policy !== 'ACCEPT' && policy !== 'DROP' && policy !== '-') throw kernelProblem('Bad policy name.');
      if (policy === '-' && !count) return '';
      const c = nfTableInit(k.w.netns[nsId]!, table)[chain]!;
      if (policy !== '-') c.policy = policy;
      if (count) [c.pkts, c.bytes] = count;
      return '';
    },
  };
}

const USAGE = `Usage: ${PROG} [-c] [-v] [-V] [-t] [-h] [-n] [-T table] [-M command] [-4] [-6] [file]
	   [ --counters ]
	   [ --verbose ]
	   [ --version]
	   [ --test ]
	   [ --help ]
	   [ --noflush ]
	   [ --table=<TABLE> ]
	   [ --modprobe=<command> ]
	   [ --ipv4 ]
	   [ --ipv6 ]
`;
