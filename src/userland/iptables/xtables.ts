// libxtables for our iptables: the error exits (xtables_error) and the interface of the
// extensions (struct xtables_match / xtables_target): their options, parse, final check, and
// their text in listings (-L: print) and rule specs (-S, iptables-save: save).
import type { NfMatch, NfTargetInfo } from '../../kernel/types.ts';

export const VERSION = 'iptables v1.8.9 (nf_tables)';

/** A failed iptables run: its message (stderr) and exit status. */
export class Fail {
  constructor(
    readonly msg: string,
    readonly rc: number,
  ) {}
}

/** xtables_error(PARAMETER_PROBLEM): the message, then the help hint; exit 2. */
export function paramProblem(msg: string): Fail {
  return new Fail(`${VERSION}: ${msg}\nTry \`iptables -h' or 'iptables --help' for more information.\n`, 2);
}

/** An error from the kernel side (nft_strerror): exit 1. */
export function kernelProblem(msg: string): Fail {
  return new Fail(`iptables: ${msg}\n`, 1);
}

/** An extension's option as the command line gave it. */
export interface ExtOpt {
  /** the option without its dashes */
  name: string;
  /** its argument (options that take one) */
  arg: () => string;
  /** preceded by `!` */
  inv: boolean;
}

interface Extension<D> {
  /** long options it understands once loaded, and whether each takes an argument */
  options: Record<string, boolean>;
  init(): D;
  parse(o: ExtOpt, d: D): void;
  /** x6_fcheck: complain about what is missing */
  final?(d: D): void;
  /** -L text after the addresses (starts with a space, or is empty) */
  print(d: D, numeric: boolean): string;
  /** the options in a rule spec (-S, iptables-save), each starting with a space */
  save(d: D): string;
}

export type MatchExt<M extends NfMatch = NfMatch> = Extension<M>;

export interface TargetExt<T extends NfTargetInfo = NfTargetInfo> extends Extension<T> {
  /** the kernel's checkentry: tables and hooks the target may be used in (rejected with EINVAL) */
  table?: string;
  hooks?: string[];
}
