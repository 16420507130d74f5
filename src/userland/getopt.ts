// glibc's getopt_long (posix/getopt.c) for tools that leave their option parsing to it: short
// options from an optstring ("a:" takes an argument, "a::" an attached optional one), long
// options by exact name or unambiguous prefix, non-options moved after the options (or, with a
// leading "+" in the optstring as sudo and su have, options end at the first non-option), "--"
// ends options, and glibc's own messages for what it refuses.

export interface LongOpt {
  name: string;
  /** 0 none, 1 required, 2 optional (only as --name=VALUE) */
  hasArg: 0 | 1 | 2;
  /** the short option it stands for (or any key the caller switches on) */
  val: string;
}

/** One getopt result: an option with its argument, or `?` with glibc's message. */
export type GetoptItem = { c: string; arg?: string } | { c: '?'; msg: string };

export function getoptLong(prog: string, argv: string[], shortopts: string, longopts: LongOpt[]): { items: GetoptItem[]; rest: string[] } {
  const items: GetoptItem[] = [];
  const rest: string[] = [];
  const inOrder = shortopts.startsWith('+');
  const shortArg = (c: string): 0 | 1 | 2 => {
    const i = shortopts.indexOf(c);
    if (i < 0 || c === ':') return 0;
    return shortopts[i + 1] !== ':' ? 0 : shortopts[i + 2] === ':' ? 2 : 1;
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') {
      rest.push(...argv.slice(i + 1));
      break;
    }
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      const name = a.slice(2, eq < 0 ? undefined : eq);
      const inline = eq < 0 ? undefined : a.slice(eq + 1);
      const exact = longopts.find((l) => l.name === name);
      const pre = longopts.filter((l) => l.name.startsWith(name));
      const same = pre.every((l) => l.val === pre[0]!.val && l.hasArg === pre[0]!.hasArg);
      const o = exact ?? (pre.length > 0 && same ? pre[0] : undefined);
      if (!o) {
        items.push({ c: '?', msg: pre.length > 1 ? `${prog}: option '--${name}' is ambiguous; possibilities:${pre.map((l) => ` '--${l.name}'`).join('')}\n` : `${prog}: unrecognized option '${a}'\n` });
        continue;
      }
      if (o.hasArg === 0 && inline !== undefined) items.push({ c: '?', msg: `${prog}: option '--${o.name}' doesn't allow an argument\n` });
      else if (o.hasArg === 1 && inline === undefined && argv[i + 1] === undefined) items.push({ c: '?', msg: `${prog}: option '--${o.name}' requires an argument\n` });
      else items.push({ c: o.val, arg: o.hasArg === 1 ? (inline ?? argv[++i]) : inline });
      continue;
    }
    if (!a.startsWith('-') || a === '-') {
      if (inOrder) {
        rest.push(...argv.slice(i));
        break;
      }
      rest.push(a);
      continue;
    }
    for (let j = 1; j < a.length; j++) {
      const c = a[j]!;
      const kind = shortopts.includes(c) && c !== ':' ? shortArg(c) : -1;
      if (kind === -1) {
        items.push({ c: '?', msg: `${prog}: invalid option -- '${c}'\n` });
        continue;
      }
      if (kind === 0) {
        items.push({ c });
        continue;
      }
      const attached = a.slice(j + 1);
      if (attached) items.push({ c, arg: attached });
      else if (kind === 2) items.push({ c });
      else if (argv[i + 1] === undefined) items.push({ c: '?', msg: `${prog}: option requires an argument -- '${c}'\n` });
      else items.push({ c, arg: argv[++i] });
      break;
    }
  }
  return { items, rest };
}
