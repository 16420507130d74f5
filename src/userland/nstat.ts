// nstat (iproute2 6.1, misc/nstat.c): the kernel's SNMP counters from /proc/net/snmp,
// /proc/net/netstat and /proc/net/snmp6 of the caller's namespace, as increments since the
// history file ($NSTAT_HISTORY, else /tmp/.nstat.u<uid>) was written, or absolute with -a.
// Lists keep nstat's order: snmp, then snmp6, then netstat, each in file order. The sampling
// daemon (-d) is not emulated: its averages ("rate") are always 0.0 here.
import type { Command, CommandContext } from './command.ts';
import { globMatch } from '../shell/pattern.ts';

interface Ent {
  id: string;
  val: number;
  rate: number;
}

/** Counters nstat never lists: configuration, not activity. */
const USELESS = new Set(['IpForwarding', 'IpDefaultTTL', 'TcpRtoAlgorithm', 'TcpRtoMin', 'TcpRtoMax', 'TcpMaxConn', 'TcpCurrEstab']);

const USAGE = `Usage: nstat [OPTION] [ PATTERN [ PATTERN ] ]
   -h, --help          this message
   -a, --ignore        ignore history
   -d, --scan=SECS     sample every statistics every SECS
   -j, --json          format output in JSON
   -n, --nooutput      do history only
   -p, --pretty        pretty print
   -r, --reset         reset history
   -s, --noupdate      don't update history
   -t, --interval=SECS report average over the last SECS
   -V, --version       output version information
   -z, --zeros         show entries with zero activity
`;

const LONGOPTS: [string, string, boolean][] = [
  ['help', 'h', false],
  ['ignore', 'a', false],
  ['scan', 'd', true],
  ['nooutput', 'n', false],
  ['json', 'j', false],
  ['reset', 'r', false],
  ['noupdate', 's', false],
  ['pretty', 'p', false],
  ['interval', 't', true],
  ['version', 'V', false],
  ['zeros', 'z', false],
];
const SHORT_WITH_ARG = new Set(['d', 't']);
const SHORT = new Set('h?vVzrnasd:t:jp'.replace(/:/g, ''));

/** A line of the history file that sscanf("%s%llu%lg") cannot read: nstat.c's error, exit -2. */
class HistoryError extends Error {}

/** load_ugly_table: "Mib: A B" / "Mib: 1 2" line pairs → MibA, MibB. */
function loadUglyTable(text: string): Ent[] {
  const out: Ent[] = [];
  const lines = text.split('\n');
  for (let i = 0; i + 1 < lines.length; i += 2) {
    const head = lines[i]!;
    const colon = head.indexOf(':');
    if (colon < 0) break;
    const prefix = head.slice(0, colon);
    const names = head.slice(colon + 2).split(' ');
    const vals = lines[i + 1]!.slice(colon + 2).split(' ');
    names.forEach((n, j) => {
      if (!USELESS.has(prefix + n)) out.push({ id: prefix + n, val: Number(vals[j] ?? 0), rate: 0 });
    });
  }
  return out;
}

/** load_good_table: "Name value [rate]" lines; a "#source" line names where they came from. */
function loadGoodTable(text: string, source: { name: string }): Ent[] {
  const out: Ent[] = [];
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  for (const line of lines) {
    if (line.startsWith('#')) {
      source.name = line.slice(1);
      continue;
    }
    const m = /^\s*(\S+)\s+(\d+)(?:\s+([-+]?[\d.]+(?:e[-+]?\d+)?))?/i.exec(line);
    if (!m) throw new HistoryError();
    if (!USELESS.has(m[1]!)) out.push({ id: m[1]!, val: Number(m[2]), rate: m[3] ? Number(m[3]) : 0 });
  }
  return out;
}

function fmtLine(e: Ent, val: number, suffix = ''): string {
  return `${e.id.padEnd(32)}${String(val).padEnd(16)}${e.rate.toFixed(1).padStart(6)}${suffix}\n`;
}

/** json_writer's object of one object: {"kernel":{"Name":n,…}}, 4-space indents when pretty. */
function jsonDump(source: string, rows: [string, number][], pretty: boolean): string {
  if (!pretty) return `{${JSON.stringify(source)}:{${rows.map(([n, v]) => `${JSON.stringify(n)}:${v}`).join(',')}}}\n`;
  const inner = rows.length ? `{${rows.map(([n, v]) => `\n        ${JSON.stringify(n)}: ${v}`).join(',')}\n    }` : '{}';
  return `{\n    ${JSON.stringify(source)}: ${inner}\n}\n`;
}

interface Opts {
  zeros: boolean;
  reset: boolean;
  ignore: boolean;
  noUpdate: boolean;
  noOutput: boolean;
  json: boolean;
  pretty: boolean;
  scan: number;
  patterns: string[];
}

/** getopt_long over "h?vVzrnasd:t:jp" (arguments permuted, so patterns may come first). */
function parseArgs(ctx: CommandContext): Opts | number {
  const o: Opts = { zeros: false, reset: false, ignore: false, noUpdate: false, noOutput: false, json: false, pretty: false, scan: 0, patterns: [] };
  const fail = (msg: string): number => {
    ctx.stderr.write(`${msg}${USAGE}`);
    return 255;
  };
  const args = ctx.argv.slice(1);
  const flag = (c: string, val: string | undefined): number | undefined => {
    switch (c) {
      case 'z':
        o.zeros = true;
        break;
      case 'r':
        o.reset = true;
        break;
      case 'a':
        o.ignore = true;
        break;
      case 's':
        o.noUpdate = true;
        break;
      case 'n':
        o.noOutput = true;
        break;
      case 'j':
        o.json = true;
        break;
      case 'p':
        o.pretty = true;
        break;
      case 'd':
        // atoi
        o.scan = 1000 * (Number.parseInt(val!, 10) || 0);
        break;
      case 't': {
        const n = Number.parseInt(val!, 10);
        if (!(n > 0)) {
          ctx.stderr.write('nstat: invalid time constant divisor\n');
          return 255;
        }
        break;
      }
      case 'v':
      case 'V':
        ctx.stdout.write('nstat utility, iproute2-6.1.0\n');
        return 0;
      default:
        return fail('');
    }
    return undefined;
  };
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--') {
      o.patterns.push(...args.slice(i + 1));
      break;
    }
    if (a.startsWith('--')) {
      const [name, inline] = a.slice(2).split(/=(.*)/s, 2) as [string, string | undefined];
      const exact = LONGOPTS.find((l) => l[0] === name);
      const cands = exact ? [exact] : LONGOPTS.filter((l) => l[0].startsWith(name));
      if (cands.length === 0) return fail(`nstat: unrecognized option '${a}'\n`);
      if (cands.length > 1) return fail(`nstat: option '--${name}' is ambiguous; possibilities:${cands.map((l) => ` '--${l[0]}'`).join('')}\n`);
      const [long, short, hasArg] = cands[0]!;
      let val = inline;
      if (!hasArg && val !== undefined) return fail(`nstat: option '--${long}' doesn't allow an argument\n`);
      if (hasArg && val === undefined) {
        val = args[++i];
        if (val === undefined) return fail(`nstat: option '--${long}' requires an argument\n`);
      }
      const r = flag(short, val);
      if (r !== undefined) return r;
      continue;
    }
    if (!a.startsWith('-') || a === '-') {
      o.patterns.push(a);
      continue;
    }
    for (let j = 1; j < a.length; j++) {
      const c = a[j]!;
      if (!SHORT.has(c)) return fail(`nstat: invalid option -- '${c}'\n`);
      let val: string | undefined;
      if (SHORT_WITH_ARG.has(c)) {
        val = a.slice(j + 1) || args[++i];
        if (val === undefined) return fail(`nstat: option requires an argument -- '${c}'\n`);
        j = a.length;
      }
      const r = flag(c, val);
      if (r !== undefined) return r;
    }
  }
  return o;
}

/** The FsError text of a failed file operation ("No such file or directory"). */
function reason(e: unknown): string {
  return (e as { reason?: string }).reason ?? String(e);
}

export const nstat: Command = async (ctx) => {
  const parsed = parseArgs(ctx);
  if (typeof parsed === 'number') return parsed;
  const o = parsed;
  if (o.scan > 0) {
    ctx.stderr.write('nstat: nsemu does not emulate the sampling daemon (-d)\n');
    return 1;
  }
  const match = (id: string): boolean => o.patterns.length === 0 || o.patterns.some((p) => globMatch(p, id, true));
  const histName = ctx.env.NSTAT_HISTORY ?? `/tmp/.nstat.u${ctx.proc.uid}`;
  const source = { name: '' };
  let hist: Ent[] | undefined;
  const useHistory = !o.ignore || !o.noUpdate;
  if (useHistory) {
    // open(O_RDWR|O_CREAT): -r starts from an empty file (unlink, then create)
    try {
      if (o.reset || !(await ctx.fileExists(histName))) await ctx.writeFile(histName, '');
      hist = loadGoodTable(await ctx.readFile(histName), source);
    } catch (e) {
      if (e instanceof HistoryError) {
        ctx.stderr.write('nstat.c:146: error parsing history file\n');
        return 254;
      }
      ctx.stderr.write(`nstat: open history file: ${reason(e)}\n`);
      return 255;
    }
  }
  if (hist?.length && source.name && source.name !== 'kernel') {
    ctx.stderr.write('nstat: history is stale, ignoring it.\n');
    hist = undefined;
  }
  source.name = 'kernel';
  const read = async (name: string): Promise<string> => ((await ctx.fileExists(`/proc/net/${name}`)) ? ctx.readFile(`/proc/net/${name}`) : '');
  const kern = [...loadUglyTable(await read('snmp')), ...loadGoodTable(await read('snmp6'), { name: '' }), ...loadUglyTable(await read('netstat'))];

  if (!o.noOutput) {
    const rows: [Ent, number, boolean][] = [];
    if (o.ignore || !hist?.length) {
      // dump_kern_db
      for (const e of kern) if ((o.zeros || e.val || e.rate) && match(e.id)) rows.push([e, e.val, false]);
    } else {
      // dump_incr_db: both lists are in the same order, so the search goes on from the last hit
      let h = 0;
      for (const e of kern) {
        let val = e.val;
        let ovfl = false;
        const at = hist.findIndex((x, i) => i >= h && x.id === e.id);
        if (at >= 0) {
          if (val < hist[at]!.val) {
            ovfl = true;
            val = hist[at]!.val;
          }
          val -= hist[at]!.val;
          h = at + 1;
        }
        if ((o.zeros || val || e.rate) && match(e.id)) rows.push([e, val, ovfl]);
      }
    }
    ctx.stdout.write(o.json ? jsonDump(source.name, rows.map(([e, v]) => [e.id, v]), o.pretty) : `#${source.name}\n${rows.map(([e, v, ovfl]) => fmtLine(e, v, ovfl ? ' (overflow)' : '')).join('')}`);
  }
  if (!o.noUpdate) {
    // dump_kern_db(to_hist): what the patterns leave out keeps its old value, so its increment waits
    let out = `#${source.name}\n`;
    let h = 0;
    for (const e of kern) {
      if (!o.zeros && !e.val && !e.rate) continue;
      let val = e.val;
      if (!match(e.id)) {
        const at = (hist ?? []).findIndex((x, i) => i >= h && x.id === e.id);
        if (at >= 0) {
          val = hist![at]!.val;
          h = at + 1;
        }
      }
      out += fmtLine(e, val);
    }
    await ctx.writeFile(histName, out);
  }
  return 0;
};
