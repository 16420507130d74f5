// libxtables for our iptables: the error exits (xtables_error) and the interface of the
// extensions (struct xtables_match / xtables_target): their options, parse, final check, and
// their text in listings (-L: print) and rule specs (-S, iptables-save: save); and the helpers
// extensions share (numbers, ports, interface names, quoting, x6 option checks).
import type { NfMatch, NfTargetInfo } from '../../kernel/types.ts';
import { getservbyname } from '../netdb.ts';

export const VERSION = 'iptables v1.8.9 (nf_tables)';

/** What went wrong, so that iptables-restore can say it its own way (with the line). */
export type FailWhy =
  /** xtables_error(PARAMETER_PROBLEM, msg) */
  | { kind: 'param'; msg: string }
  /** printed as it is, then exit_tryhelp (do_parse's "Bad argument") */
  | { kind: 'bare'; msg: string }
  /** the kernel refused a command (nft_strerror's text) */
  | { kind: 'kernel'; msg: string }
  /** the kernel refused a rule (an extension's checkentry: EINVAL) */
  | { kind: 'einval'; op: string; chain: string };

/** A failed iptables run: its message (stderr) and exit status. */
export class Fail {
  constructor(
    readonly msg: string,
    readonly rc: number,
    readonly why?: FailWhy,
  ) {}
}

export const tryHelp = (prog: string): string => `Try \`${prog} -h' or '${prog} --help' for more information.\n`;

/** xtables_error(PARAMETER_PROBLEM): the message, then the help hint; exit 2. */
export function paramProblem(msg: string): Fail {
  return new Fail(`${VERSION}: ${msg}\n${tryHelp('iptables')}`, 2, { kind: 'param', msg });
}

/** do_parse on an argument that is no option: "Bad argument", then the help hint; exit 2. */
export function badArgument(arg: string): Fail {
  const msg = `Bad argument \`${arg}'`;
  return new Fail(`${msg}\n${tryHelp('iptables')}`, 2, { kind: 'bare', msg });
}

/** An error from the kernel side (nft_strerror's text, with its period): exit 1. For EINVAL
 *  iptables points at the kernel log. */
export function kernelProblem(msg: string, einval = false): Fail {
  return new Fail(`iptables: ${msg}${einval ? " Run `dmesg' for more information." : ''}\n`, 1, { kind: 'kernel', msg });
}

/** The kernel's EINVAL for a rule (a match's or target's checkentry refused it): exit 4. */
export function ruleEinval(op: string, chain: string): Fail {
  return new Fail(`${VERSION}:  ${op} failed (Invalid argument): rule in chain ${chain}\n`, 4, { kind: 'einval', op, chain });
}

/** An extension's option as the command line gave it. */
export interface ExtOpt {
  /** the option without its dashes (an alias given as the option it stands for) */
  name: string;
  /** its argument (options that take one) */
  arg: () => string;
  /** preceded by `!` */
  inv: boolean;
  /** the options this extension instance was given before this one */
  given: ReadonlySet<string>;
  /** takes the argument after the option's own when it is not an option (--tcp-flags MASK COMP) */
  following: () => string | undefined;
}

interface Extension<D> {
  /** long options it understands once loaded, and whether each takes an argument */
  options: Record<string, boolean>;
  /** other names of options (getopt entries with the same value) */
  aliases?: Record<string, string>;
  init(): D;
  parse(o: ExtOpt, d: D): void;
  /** x6_fcheck: complain about what is missing */
  final?(d: D, given: ReadonlySet<string>): void;
  /** -L text after the addresses (starts with a space, or is empty) */
  print(d: D, numeric: boolean): string;
  /** the options in a rule spec (-S, iptables-save), each starting with a space */
  save(d: D): string;
}

export interface MatchExt<M extends NfMatch = NfMatch> extends Extension<M> {
  /** xt_match.proto: the kernel refuses the match (EINVAL) in rules for another protocol */
  proto?: number;
  /** iptables-nft turns this match into native nft expressions instead of handing the kernel
   *  the xt match (nft.c add_nft_tcp, add_nft_udp): then it checks the protocol itself */
  native?(m: M): boolean;
  /** the kernel's checkentry, given the hooks of the chain: its complaint (logged), if any */
  check?(m: M, hooks: string[]): string | undefined;
}

export interface TargetExt<T extends NfTargetInfo = NfTargetInfo> extends Extension<T> {
  /** the kernel's checkentry: tables and hooks the target may be used in (rejected with EINVAL) */
  table?: string;
  hooks?: string[];
}

/** xtables_option_parse's checks of a guided (x6) option: each once, `!` only where allowed. */
export function xtOptionParse(ext: string, o: ExtOpt, invertible: boolean): void {
  if (o.given.has(o.name)) throw paramProblem(`${ext}: option "--${o.name}" can only be used once.\n`);
  if (o.inv && !invertible) throw paramProblem(`${ext}: option "--${o.name}" cannot be inverted.\n`);
}

/** xtables_strtoui: strtoul in base 0 (0x…, 0…), the whole string, within [min, max]. */
export function xtablesStrtoui(s: string, min: number, max: number): number | undefined {
  const t = s.replace(/^\s+/, '');
  if (t.startsWith('-')) return undefined;
  const m = /^\+?(?:0[xX]([0-9a-fA-F]+)|(0[0-7]*)|([1-9][0-9]*))$/.exec(t);
  if (!m) return undefined;
  const v = m[1] !== undefined ? Number.parseInt(m[1], 16) : m[2] !== undefined ? Number.parseInt(m[2], 8) : Number(m[3]);
  return v >= min && v <= max ? v : undefined;
}

/** xtables_parse_port: a number, else a service name of that protocol. */
export function xtablesParsePort(port: string, proto: string): number {
  const v = xtablesStrtoui(port, 0, 0xffff) ?? getservbyname(port, proto);
  if (v === undefined) throw paramProblem(`invalid port/service \`${port}' specified`);
  return v;
}

/** xtables_getportbyname (getaddrinfo of a service): a decimal number (strtoul's, cut to 16
 *  bits), or a service name of any protocol. */
export function xtablesGetportbyname(name: string): number | undefined {
  const num = /^\s*\+?(\d+)$/.exec(name);
  if (!num) return getservbyname(name);
  const v = BigInt(num[1]!);
  return v < 1n << 64n ? Number(v & 0xffffn) : undefined;
}

/** xtables_parse_interface: at most IFNAMSIZ-1 characters. */
export function xtablesParseInterface(arg: string): string {
  if (arg.length + 1 > 16) throw paramProblem(`interface name \`${arg}' must be shorter than IFNAMSIZ (15)`);
  return arg;
}

/** xtables_save_string: bare when only [-_0-9A-Za-z], else in double quotes with " \ ' escaped. */
export function xtablesSaveString(v: string): string {
  return /^[-_0-9A-Za-z]+$/.test(v) ? ` ${v}` : ` "${v.replace(/["\\']/g, '\\$&')}"`;
}

/** The hooks a built-in chain is (the kernel checks against these); none for user chains. */
export const chainHooks = (chain: string): string[] => (['PREROUTING', 'INPUT', 'FORWARD', 'OUTPUT', 'POSTROUTING'].includes(chain) ? [chain] : []);
