// dmesg (util-linux 2.38, sys-utils/dmesg.c): the kernel log buffer, one record a line as
// `[seconds.micros] text` in time since boot (the machine's virtual clock); -t/--notime drops the
// time, -r/--raw prints `<prio>` first, -x/--decode `kern  :warn  : `, -T/--ctime the wall
// time, -l/--level keeps the levels listed; -c reads then clears, -C only clears. Reading needs
// root (kernel.dmesg_restrict=1, Debian's default).
import type { Command } from './command.ts';
import { syslogClear, syslogRecords, type LogRecord } from '../kernel/printk.ts';
import { getoptLong, type LongOpt } from './getopt.ts';
import { ctime, wallMs } from './time.ts';

const LEVEL_NAMES = ['emerg', 'alert', 'crit', 'err', 'warn', 'notice', 'info', 'debug'];

const LONGOPTS: LongOpt[] = [
  { name: 'buffer-size', hasArg: 1, val: 's' },
  { name: 'clear', hasArg: 0, val: 'C' },
  { name: 'color', hasArg: 2, val: 'L' },
  { name: 'console-level', hasArg: 1, val: 'n' },
  { name: 'console-off', hasArg: 0, val: 'D' },
  { name: 'console-on', hasArg: 0, val: 'E' },
  { name: 'decode', hasArg: 0, val: 'x' },
  { name: 'file', hasArg: 1, val: 'F' },
  { name: 'facility', hasArg: 1, val: 'f' },
  { name: 'follow', hasArg: 0, val: 'w' },
  { name: 'follow-new', hasArg: 0, val: 'W' },
  { name: 'human', hasArg: 0, val: 'H' },
  { name: 'help', hasArg: 0, val: 'h' },
  { name: 'kernel', hasArg: 0, val: 'k' },
  { name: 'level', hasArg: 1, val: 'l' },
  { name: 'since', hasArg: 1, val: 'since' },
  { name: 'syslog', hasArg: 0, val: 'S' },
  { name: 'raw', hasArg: 0, val: 'r' },
  { name: 'read-clear', hasArg: 0, val: 'c' },
  { name: 'reltime', hasArg: 0, val: 'e' },
  { name: 'show-delta', hasArg: 0, val: 'd' },
  { name: 'ctime', hasArg: 0, val: 'T' },
  { name: 'noescape', hasArg: 0, val: 'noescape' },
  { name: 'notime', hasArg: 0, val: 't' },
  { name: 'nopager', hasArg: 0, val: 'P' },
  { name: 'until', hasArg: 1, val: 'until' },
  { name: 'userspace', hasArg: 0, val: 'u' },
  { name: 'version', hasArg: 0, val: 'V' },
  { name: 'time-format', hasArg: 1, val: 'time-format' },
  { name: 'force-prefix', hasArg: 0, val: 'p' },
];

/** Options that exclude each other (dmesg.c's excl table, as err_exclusive_options checks it). */
const EXCL = ['CDEcnr', 'Hr', 'Lr', 'Sw', 'Tr', 'dr', 'er', 'rx', 'rt'];

/** parse_level: a name (any case) or a number below 8. */
function parseLevel(s: string): number | undefined {
  if (/^\d+$/.test(s)) return Number(s) < LEVEL_NAMES.length ? Number(s) : undefined;
  const i = LEVEL_NAMES.indexOf(s.toLowerCase());
  return i < 0 ? undefined : i;
}

export const dmesg: Command = async (ctx) => {
  const { items, rest } = getoptLong('dmesg', ctx.argv.slice(1), 'CcDdEeF:f:HhkL::l:n:iPprSs:TtuVWwx', LONGOPTS);
  const fail = (msg: string): number => {
    ctx.stderr.write(msg);
    return 1;
  };
  const seen = new Map<string, string>();
  const o = { clear: false, read: true, notime: false, raw: false, decode: false, ctime: false, levels: undefined as Set<number> | undefined };
  for (const it of items) {
    for (const g of EXCL.filter((x) => x.includes(it.c))) {
      if ((seen.get(g) ?? it.c) !== it.c) return fail(`dmesg: mutually exclusive arguments:${[...g].map((c) => ` --${LONGOPTS.find((l) => l.val === c)!.name}`).join('')}\n`);
      seen.set(g, it.c);
    }
    switch (it.c) {
      case '?':
        return fail(`${'msg' in it ? it.msg : ''}Try 'dmesg --help' for more information.\n`);
      case 'V':
        ctx.stdout.write('dmesg from util-linux 2.38.1\n');
        return 0;
      case 'C':
        o.clear = true;
        o.read = false;
        break;
      case 'c':
        o.clear = true;
        break;
      case 't':
        o.notime = true;
        break;
      case 'r':
        o.raw = true;
        break;
      case 'x':
        o.decode = true;
        break;
      case 'T':
        o.ctime = true;
        break;
      case 'l':
        o.levels ??= new Set();
        for (const w of (('arg' in it && it.arg) || '').split(',')) {
          const l = parseLevel(w);
          if (l === undefined) return fail(`dmesg: unknown level '${w}'\n`);
          o.levels.add(l);
        }
        break;
      // reading the kernel's records only, without a pager or colours: nothing to do
      case 'k':
      case 'P':
      case 'L':
        break;
      default:
        return fail(`nsemu: dmesg: option -${it.c.length === 1 ? it.c : `-${it.c}`} is not emulated\n`);
    }
  }
  if (rest.length > 0) return fail(`dmesg: bad usage\nTry 'dmesg --help' for more information.\n`);
  if (ctx.proc.uid !== 0) return fail(o.read ? 'dmesg: read kernel buffer failed: Operation not permitted\n' : 'dmesg: clear kernel buffer failed: Operation not permitted\n');
  if (o.read) {
    const line = (r: LogRecord): string => {
      let s = '';
      if (o.decode) s += `${'kern'.padEnd(6)}:${LEVEL_NAMES[r.level]!.padEnd(6)}: `;
      else if (o.raw) s += `<${r.level}>`;
      if (o.ctime) s += `[${ctime(wallMs(ctx.m, r.ts))}] `;
      else if (!o.notime) s += `[${String(Math.floor(r.ts / 1e9)).padStart(5)}.${String(Math.floor((r.ts % 1e9) / 1e3)).padStart(6, '0')}] `;
      return `${s}${r.text}\n`;
    };
    ctx.stdout.write(
      syslogRecords(ctx.m)
        .filter((r) => !o.levels || o.levels.has(r.level))
        .map(line)
        .join(''),
    );
  }
  if (o.clear) syslogClear(ctx.m);
  return 0;
};
