// extensions/libxt_LOG.c: -j LOG [--log-level LEVEL] [--log-prefix PREFIX] [--log-tcp-sequence]
// [--log-tcp-options] [--log-ip-options] [--log-uid] [--log-macdecode]. The prefix keeps 29
// characters (struct xt_log_info); the level is a syslog name or 0..7, warning by default.
import type { NfTargetInfo } from '../../kernel/types.ts';
import { NF_LOG_IPOPT, NF_LOG_MACDECODE, NF_LOG_TCPOPT, NF_LOG_TCPSEQ, NF_LOG_UID } from '../../protocols/netfilter/nf_log_syslog.ts';
import { LOGLEVEL } from '../../kernel/printk.ts';
import { paramProblem, xtablesSaveString, xtablesStrtoui, xtOptionParse, type TargetExt } from './xtables.ts';

type LogInfo = Extract<NfTargetInfo, { name: 'LOG' }>;

/** xtopt_sysloglevel: the names --log-level takes */
const SYSLOG_LEVELS: Record<string, number> = { alert: 1, crit: 2, debug: 7, emerg: 0, error: 3, info: 6, notice: 5, panic: 0, warning: 4 };
/** how -L names a level */
const LEVEL_NAMES = ['emerg', 'alert', 'crit', 'err', 'warn', 'notice', 'info', 'debug'];

const FLAGS: [string, number][] = [
  ['tcp-sequence', NF_LOG_TCPSEQ],
  ['tcp-options', NF_LOG_TCPOPT],
  ['ip-options', NF_LOG_IPOPT],
  ['uid', NF_LOG_UID],
  ['macdecode', NF_LOG_MACDECODE],
];

const PREFIX_MAX = 29;

export const libxtLog: TargetExt<LogInfo> = {
  options: { 'log-level': true, 'log-prefix': true, ...Object.fromEntries(FLAGS.map(([n]) => [`log-${n}`, false])) },
  init: () => ({ name: 'LOG', level: LOGLEVEL.warning, logflags: 0, prefix: '' }),
  parse(o, l) {
    xtOptionParse('LOG', o, false);
    if (o.name === 'log-level') {
      const a = o.arg();
      const v = xtablesStrtoui(a, 0, 7) ?? SYSLOG_LEVELS[a];
      if (v === undefined) throw paramProblem(`log level "${a}" unknown\n`);
      l.level = v;
    } else if (o.name === 'log-prefix') {
      const a = o.arg();
      if (a.length < 1) throw paramProblem('Argument must have a minimum length of 1 characters\n');
      if (a.includes('\n')) throw paramProblem('Newlines not allowed in --log-prefix');
      l.prefix = a.slice(0, PREFIX_MAX);
    } else l.logflags |= FLAGS.find(([n]) => `log-${n}` === o.name)![1];
  },
  print(l, numeric) {
    let s = ' LOG';
    if (numeric) s += ` flags ${l.logflags} level ${l.level}`;
    else {
      s += ` level ${LEVEL_NAMES[l.level]}`;
      for (const [n, bit] of FLAGS) if (l.logflags & bit) s += ` ${n}`;
    }
    return l.prefix ? `${s} prefix "${l.prefix}"` : s;
  },
  save(l) {
    let s = l.prefix ? ` --log-prefix${xtablesSaveString(l.prefix)}` : '';
    if (l.level !== LOGLEVEL.warning) s += ` --log-level ${l.level}`;
    for (const [n, bit] of FLAGS) if (l.logflags & bit) s += ` --log-${n}`;
    return s;
  },
};
