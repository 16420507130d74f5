// Programs the shell module provides on $PATH: bash and sh themselves, and the small system
// tools scripts use around the network commands (sleep, timeout, setpriv, mktemp, rm, mkdir,
// touch, env, which, cat, id, ...). Messages are those of Debian 12's coreutils 9.1 and
// util-linux 2.38 (C.UTF-8 locale: some of them quote with ‘ ’).
import { Killed, SIG, type Process } from '../kernel/machine.ts';
import type { Command, CommandContext, SpawnOptions } from '../userland/command.ts';
import { BUILTINS } from './builtins.ts';
import { ExitShell, parseSignal, Shell, type Dialect } from './interp.ts';
import { Fd, FdError, TermOut, TtyIn } from './streams.ts';
import { DEFAULT_PATH, System } from './system.ts';
import { FsError, normPath, toText } from './vfs.ts';
import { runJb, textTool, TEXT_TOOLS } from './texttools.ts';
import { gnuSort } from './sort.ts';
import { sysctl } from './sysctl.ts';

/** Virtual-time duration: 5, 0.5, 2s, 1m, 1h, 1d, inf. undefined if invalid. */
export function parseDuration(s: string): number | undefined {
  const m = /^\s*(\d+(?:\.\d*)?|\.\d+|inf(?:inity)?)([smhd]?)\s*$/i.exec(s);
  if (!m) return undefined;
  if (/^inf/i.test(m[1]!)) return Infinity;
  const v = Number(m[1]);
  const mult = { '': 1, s: 1, m: 60, h: 3600, d: 86400 }[m[2]!.toLowerCase() as '' | 's' | 'm' | 'h' | 'd'];
  return v * mult * 1e9;
}

const err = (ctx: CommandContext, s: string): void => {
  try {
    ctx.stderr.write(s);
  } catch {
    /* stderr closed */
  }
};

/** bash / sh as programs: `bash -c ...`, `bash FILE`, `bash` reading the script from stdin. */
export function shellProgram(dialect: Dialect): Command {
  return async (ctx) => {
    const sys = System.of(ctx.m);
    const fds: (Fd | undefined)[] = [sys.fdOfInput(ctx.stdin), sys.fdOfOutput(ctx.stdout), sys.fdOfOutput(ctx.stderr)];
    const argv = ctx.argv;
    const self = dialect === 'sh' ? 'sh' : 'bash';
    let cmdMode = false;
    let stdinMode = false;
    let interactive = false;
    const sets: [string, boolean][] = [];
    let i = 1;
    for (; i < argv.length; i++) {
      const a = argv[i]!;
      if (a === '--' || a === '-') {
        i++;
        break;
      }
      if (a.startsWith('--')) {
        if (a === '--version' && dialect === 'bash') {
          ctx.stdout.write('GNU bash, version 5.2.15(1)-release (x86_64-pc-linux-gnu)\nCopyright (C) 2022 Free Software Foundation, Inc.\nLicense GPLv3+: GNU GPL version 3 or later <http://gnu.org/licenses/gpl.html>\n\nThis is free software; you are free to change and redistribute it.\nThere is NO WARRANTY, to the extent permitted by law.\n');
          return 0;
        }
        if (['--norc', '--noprofile', '--posix', '--login', '--noediting', '--restricted', '--verbose'].includes(a)) continue;
        err(ctx, `${self}: ${a}: invalid option\n`);
        return 2;
      }
      if (!/^[-+][a-zA-Z]+$/.test(a)) break;
      const on = a[0] === '-';
      for (const c of a.slice(1)) {
        if (c === 'c') cmdMode = true;
        else if (c === 's') stdinMode = true;
        else if (c === 'i') interactive = true;
        else if (c === 'l' || c === 'r' || c === 'p') continue;
        else if (c === 'o') {
          const name = argv[++i];
          if (name) sets.push([name, on]);
        } else sets.push([c, on]);
      }
    }
    const sh = new Shell(sys, ctx.proc, { fds, env: ctx.env, cwd: sys.cwd(ctx.proc), dialect, name: self, interactive: false });
    void interactive;
    for (const [name, on] of sets) {
      if (name.length === 1) {
        const r = await BUILTINS.set!(sh, ['set', `${on ? '-' : '+'}${name}`]);
        if (r !== 0) return 2;
      } else if (name in sh.opts) (sh.opts as Record<string, boolean>)[name] = on;
    }
    try {
      if (cmdMode) {
        const src = argv[i];
        if (src === undefined) {
          err(ctx, `${self}: -c: option requires an argument\n`);
          return 2;
        }
        if (argv[i + 1] !== undefined) sh.name = argv[i + 1]!;
        sh.positional = argv.slice(i + 2);
        sh.execSingle = true;
        sh.srcName = 'environment';
        return await sh.main(() => sh.runSource(src));
      }
      if (argv[i] !== undefined && !stdinMode) {
        const file = argv[i]!;
        let text: string;
        try {
          text = toText(sys.vfs.readFile(ctx.proc, normPath(sys.cwd(ctx.proc), file)));
        } catch (e) {
          if (e instanceof FsError) {
            err(ctx, dialect === 'sh' ? `sh: 0: cannot open ${file}: No such file\n` : `${self}: ${file}: ${e.reason}\n`);
            return dialect === 'sh' ? 2 : 127;
          }
          throw e;
        }
        sh.name = file;
        sh.srcName = file;
        sh.positional = argv.slice(i + 1);
        return await sh.main(() => sh.runSource(text));
      }
      sh.positional = argv.slice(i);
      sh.srcName = 'main';
      const in0 = fds[0];
      if (!in0) return 0;
      if (in0 instanceof TtyIn) {
        // stdin is the session's terminal: an interactive shell, with a prompt
        sh.interactive = true;
        for (const s of [SIG.SIGINT, SIG.SIGQUIT, SIG.SIGTERM]) ctx.proc.handled.add(s);
        return await sh.main(() => sh.runInteractive(in0));
      }
      return await sh.main(() => sh.runFromFd(in0));
    } finally {
      sh.closeAll();
    }
  };
}

/** A builtin also installed as a program (`env echo`, `timeout 1 true`, `ip netns exec X kill`). */
function builtinProgram(name: string): Command {
  return async (ctx) => {
    const sys = System.of(ctx.m);
    const fds: (Fd | undefined)[] = [sys.fdOfInput(ctx.stdin), sys.fdOfOutput(ctx.stdout), sys.fdOfOutput(ctx.stderr)];
    const sh = new Shell(sys, ctx.proc, { fds, env: ctx.env, cwd: sys.cwd(ctx.proc), name: basenameOf(ctx.argv[0] ?? name) });
    try {
      sh.prefix = (): string => '';
      return await BUILTINS[name]!(sh, [name, ...ctx.argv.slice(1)]);
    } catch (e) {
      if (e instanceof ExitShell) return e.status;
      throw e;
    } finally {
      sh.closeAll();
    }
  };
}

function basenameOf(s: string): string {
  return s.slice(s.lastIndexOf('/') + 1);
}

const sleep: Command = async (ctx) => {
  const args = ctx.argv.slice(1).filter((a) => a !== '--');
  if (!args.length) {
    err(ctx, "sleep: missing operand\nTry 'sleep --help' for more information.\n");
    return 1;
  }
  let total = 0;
  for (const a of args) {
    const d = parseDuration(a);
    if (d === undefined) {
      err(ctx, `sleep: invalid time interval ‘${a}’\nTry 'sleep --help' for more information.\n`);
      return 1;
    }
    total += d;
  }
  const r = total === Infinity ? await ctx.m.block(ctx.proc, {}) : await ctx.m.sleep(ctx.proc, Math.round(total));
  if (r !== 'timeout') {
    ctx.proc.checkSignals();
    // a signal sleep does not handle is fatal; checkSignals threw. Nothing else wakes it.
  }
  return 0;
};

/** timeout(1): run a command, signal it at the deadline, exit 124 if it timed out. */
const timeout: Command = async (ctx) => {
  const sys = System.of(ctx.m);
  const m = ctx.m;
  const p = ctx.proc;
  const a = ctx.argv.slice(1);
  let sig: number = SIG.SIGTERM;
  let killAfter: number | undefined;
  let preserve = false;
  let verbose = false;
  let i = 0;
  const usage = (): number => {
    err(ctx, "Try 'timeout --help' for more information.\n");
    return 125;
  };
  for (; i < a.length; i++) {
    const x = a[i]!;
    if (x === '--') {
      i++;
      break;
    }
    if (!x.startsWith('-') || x === '-' || /^-\d/.test(x)) break;
    let name = x;
    let val: string | undefined;
    if (x.startsWith('--') && x.includes('=')) {
      name = x.slice(0, x.indexOf('='));
      val = x.slice(x.indexOf('=') + 1);
    } else if (/^-[sk]./.test(x)) {
      name = x.slice(0, 2);
      val = x.slice(2);
    }
    const need = (): string | undefined => val ?? a[++i];
    if (name === '-s' || name === '--signal') {
      const v = need();
      const n = v === undefined ? undefined : parseSignal(v);
      if (n === undefined) {
        err(ctx, `timeout: ${v ?? ''}: invalid signal\n`);
        return usage();
      }
      sig = n;
    } else if (name === '-k' || name === '--kill-after') {
      const v = need();
      const d = v === undefined ? undefined : parseDuration(v);
      if (d === undefined) {
        err(ctx, `timeout: invalid time interval ‘${v ?? ''}’\n`);
        return usage();
      }
      killAfter = d;
    } else if (name === '--preserve-status') preserve = true;
    else if (name === '--foreground') continue;
    else if (name === '-v' || name === '--verbose') verbose = true;
    else {
      err(ctx, x.startsWith('--') ? `timeout: unrecognized option '${x}'\n` : `timeout: invalid option -- '${x.slice(1, 2)}'\n`);
      return usage();
    }
  }
  if (i >= a.length) {
    if (i === a.length && a.length > 0 && parseDuration(a[a.length - 1]!) !== undefined) err(ctx, `timeout: missing operand after ‘${a[a.length - 1]}’\n`);
    else if (a.length === 0) err(ctx, 'timeout: missing operand\n');
    return usage();
  }
  const dur = parseDuration(a[i]!);
  if (dur === undefined) {
    err(ctx, `timeout: invalid time interval ‘${a[i]}’\n`);
    return usage();
  }
  const argv = a.slice(i + 1);
  if (!argv.length) {
    err(ctx, `timeout: missing operand after ‘${a[i]}’\n`);
    return usage();
  }
  if (!sys.find(argv[0]!, p, ctx.env.PATH ?? DEFAULT_PATH, sys.cwd(p))) {
    err(ctx, `timeout: failed to run command ‘${argv[0]}’: No such file or directory\n`);
    return 127;
  }
  // timeout handles the usual termination signals itself and passes them on
  for (const s of [SIG.SIGTERM, SIG.SIGINT, SIG.SIGHUP, SIG.SIGQUIT, SIG.SIGALRM]) p.handled.add(s);
  const child = ctx.spawn(argv);
  let timedOut = false;
  const deadline = dur === Infinity || dur === 0 ? Infinity : m.now + dur;
  let killDeadline = Infinity;
  const signalChild = (s: number): void => {
    m.kill(child, s);
  };
  while (!child.exited) {
    const until = timedOut ? killDeadline : deadline;
    const r = await m.block(p, until === Infinity ? { queue: child.exitQueue } : { queue: child.exitQueue, timeout: Math.max(0, until - m.now) });
    if (r === 'wake') continue;
    if (r === 'timeout') {
      if (!timedOut) {
        timedOut = true;
        if (verbose) err(ctx, `timeout: sending signal ${sigName(sig)} to command ‘${argv[0]}’\n`);
        signalChild(sig);
        if (sig === SIG.SIGKILL) {
          // sent to the whole process group: timeout dies of it too
          throw new Killed(SIG.SIGKILL);
        }
        if (killAfter !== undefined) killDeadline = m.now + killAfter;
      } else {
        if (verbose) err(ctx, `timeout: sending signal KILL to command ‘${argv[0]}’\n`);
        signalChild(SIG.SIGKILL);
        throw new Killed(SIG.SIGKILL);
      }
      continue;
    }
    // a signal for timeout itself: pass it on
    if (p.pending.includes(SIG.SIGKILL)) {
      signalChild(SIG.SIGKILL);
      p.checkSignals();
    }
    for (let s = p.takeSignal(); s !== undefined; s = p.takeSignal()) {
      if (p.handled.has(s)) signalChild(s);
      else {
        signalChild(s);
        throw new Killed(s);
      }
    }
  }
  if (timedOut && !preserve) return 124;
  return child.status;
};

function sigName(n: number): string {
  const e = Object.entries(SIG).find(([, v]) => v === n);
  return e ? e[0].replace(/^SIG/, '') : String(n);
}

function idOf(name: string, users: boolean): number | undefined {
  if (/^\d+$/.test(name)) return Number(name);
  const table: Record<string, number> = users ? { root: 0, nobody: 65534 } : { root: 0, nogroup: 65534, nobody: 65534 };
  return table[name];
}

/** setpriv(1): run a program with other uid/gid. */
const setpriv: Command = async (ctx) => {
  const a = ctx.argv.slice(1);
  let uid: number | undefined;
  let gid: number | undefined;
  let i = 0;
  for (; i < a.length; i++) {
    const x = a[i]!;
    if (x === '--') {
      i++;
      break;
    }
    if (!x.startsWith('-')) break;
    const [name, val0] = x.includes('=') ? [x.slice(0, x.indexOf('=')), x.slice(x.indexOf('=') + 1)] : [x, undefined];
    const val = (): string => val0 ?? a[++i] ?? '';
    switch (name) {
      case '--reuid':
      case '--ruid':
      case '--euid': {
        const v = val();
        const n = idOf(v, true);
        if (n === undefined) {
          err(ctx, `setpriv: failed to parse ruid: '${v}'\n`);
          return 1;
        }
        uid = n;
        break;
      }
      case '--regid':
      case '--rgid':
      case '--egid': {
        const v = val();
        const n = idOf(v, false);
        if (n === undefined) {
          err(ctx, `setpriv: failed to parse rgid: '${v}'\n`);
          return 1;
        }
        gid = n;
        break;
      }
      case '--clear-groups':
      case '--keep-groups':
      case '--init-groups':
      case '--no-new-privs':
      case '--reset-env':
        break;
      case '--groups':
      case '--inh-caps':
      case '--ambient-caps':
      case '--bounding-set':
      case '--securebits':
      case '--pdeathsig':
      case '--selinux-label':
      case '--apparmor-profile':
        val();
        break;
      case '-d':
      case '--dump':
        ctx.stdout.write(`uid: ${ctx.proc.uid}\neuid: ${ctx.proc.uid}\ngid: ${ctx.proc.gid}\negid: ${ctx.proc.gid}\nSupplementary groups: [none]\nno_new_privs: 0\n`);
        return 0;
      default:
        err(ctx, `setpriv: unrecognized option '${x}'\nTry 'setpriv --help' for more information.\n`);
        return 1;
    }
  }
  const argv = a.slice(i);
  if (!argv.length) {
    err(ctx, 'setpriv: No program specified\n');
    return 1;
  }
  if (ctx.proc.uid !== 0 && ((uid !== undefined && uid !== ctx.proc.uid) || (gid !== undefined && gid !== ctx.proc.gid))) {
    err(ctx, `setpriv: ${uid !== undefined && uid !== ctx.proc.uid ? 'setresuid' : 'setresgid'} failed: Operation not permitted\n`);
    return 127;
  }
  const sys = System.of(ctx.m);
  if (!sys.find(argv[0]!, ctx.proc, ctx.env.PATH ?? DEFAULT_PATH, sys.cwd(ctx.proc))) {
    err(ctx, `setpriv: failed to execute ${argv[0]}: No such file or directory\n`);
    return 127;
  }
  const opts: { uid?: number; gid?: number } = {};
  if (uid !== undefined) opts.uid = uid;
  if (gid !== undefined) opts.gid = gid;
  // setpriv execs the program: same pid
  return execOrRun(ctx, argv, opts);
};

/** exec in this process when the context offers it (nsemu's shell does), else fork+exec+wait. */
function execOrRun(ctx: CommandContext, argv: string[], opts: SpawnOptions): Promise<number> {
  const c = ctx as CommandContext & { exec?: (a: string[], o?: SpawnOptions) => Promise<number> };
  return c.exec ? c.exec(argv, opts) : ctx.run(argv, opts);
}

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

const mktemp: Command = async (ctx) => {
  const sys = System.of(ctx.m);
  const p = ctx.proc;
  let dir = false;
  let dry = false;
  let quiet = false;
  let tmpdir: string | undefined;
  let useT = false;
  let suffix = '';
  const rest: string[] = [];
  const a = ctx.argv.slice(1);
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    if (x === '--') {
      rest.push(...a.slice(i + 1));
      break;
    }
    if (x.startsWith('--tmpdir')) {
      tmpdir = x.includes('=') ? x.slice(x.indexOf('=') + 1) : (ctx.env.TMPDIR ?? '/tmp');
      continue;
    }
    if (x.startsWith('--suffix')) {
      suffix = x.includes('=') ? x.slice(x.indexOf('=') + 1) : (a[++i] ?? '');
      continue;
    }
    if (x === '--directory') {
      dir = true;
      continue;
    }
    if (x === '--dry-run') {
      dry = true;
      continue;
    }
    if (x === '--quiet') {
      quiet = true;
      continue;
    }
    if (x.startsWith('-') && x.length > 1) {
      for (let k = 1; k < x.length; k++) {
        const c = x[k]!;
        if (c === 'd') dir = true;
        else if (c === 'u') dry = true;
        else if (c === 'q') quiet = true;
        else if (c === 't') useT = true;
        else if (c === 'p') {
          tmpdir = x.slice(k + 1) || a[++i] || ctx.env.TMPDIR || '/tmp';
          k = x.length;
        } else {
          err(ctx, `mktemp: invalid option -- '${c}'\nTry 'mktemp --help' for more information.\n`);
          return 1;
        }
      }
      continue;
    }
    rest.push(x);
  }
  if (rest.length > 1) {
    err(ctx, `mktemp: too many templates\nTry 'mktemp --help' for more information.\n`);
    return 1;
  }
  let template = rest[0] ?? 'tmp.XXXXXXXXXX';
  const explicit = rest.length > 0;
  if (!explicit || useT || tmpdir !== undefined) {
    if (useT || (!explicit && tmpdir === undefined)) tmpdir = tmpdir ?? ctx.env.TMPDIR ?? '/tmp';
    if (tmpdir !== undefined && !template.startsWith('/')) template = `${tmpdir.replace(/\/+$/, '')}/${template}`;
  }
  // the X's must end the template (a --suffix comes after them)
  const xs = /(X+)$/.exec(template);
  if (!xs || xs[1]!.length < 3) {
    if (!quiet) err(ctx, `mktemp: too few X's in template ‘${template}’\n`);
    return 1;
  }
  const prefixLen = template.length - xs[1]!.length;
  for (let attempt = 0; attempt < 100; attempt++) {
    let rnd = '';
    for (let k = 0; k < xs[1]!.length; k++) rnd += ALNUM[Math.floor(sys.random() * ALNUM.length)];
    const name = template.slice(0, prefixLen) + rnd + suffix;
    const path = normPath(sys.cwd(p), name);
    if (sys.vfs.exists(p, path)) continue;
    if (!dry) {
      try {
        if (dir) {
          sys.vfs.mkdir(p, path, false);
          sys.vfs.chmod(p, path, 0o700);
        } else {
          sys.vfs.writeFile(p, path, '');
          sys.vfs.chmod(p, path, 0o600);
        }
      } catch (e) {
        if (e instanceof FsError) {
          if (!quiet) err(ctx, `mktemp: failed to create ${dir ? 'directory' : 'file'} via template ‘${template}’: ${e.reason}\n`);
          return 1;
        }
        throw e;
      }
    }
    ctx.stdout.write(`${name}\n`);
    return 0;
  }
  return 1;
};

const rm: Command = async (ctx) => {
  const sys = System.of(ctx.m);
  const p = ctx.proc;
  let recursive = false;
  let force = false;
  let verbose = false;
  let dirOk = false;
  let noPreserve = false;
  const files: string[] = [];
  const a = ctx.argv.slice(1);
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    if (x === '--') {
      files.push(...a.slice(i + 1));
      break;
    }
    if (x.startsWith('--')) {
      if (x === '--recursive') recursive = true;
      else if (x === '--force') force = true;
      else if (x === '--verbose') verbose = true;
      else if (x === '--dir') dirOk = true;
      else if (x === '--no-preserve-root') noPreserve = true;
      else if (x === '--preserve-root' || x.startsWith('--interactive') || x === '--one-file-system') continue;
      else {
        err(ctx, `rm: unrecognized option '${x}'\nTry 'rm --help' for more information.\n`);
        return 1;
      }
      continue;
    }
    if (x.startsWith('-') && x.length > 1) {
      for (const c of x.slice(1)) {
        if (c === 'r' || c === 'R') recursive = true;
        else if (c === 'f') force = true;
        else if (c === 'v') verbose = true;
        else if (c === 'd') dirOk = true;
        else if (c === 'i' || c === 'I') continue;
        else {
          err(ctx, `rm: invalid option -- '${c}'\nTry 'rm --help' for more information.\n`);
          return 1;
        }
      }
      continue;
    }
    files.push(x);
  }
  if (!files.length) {
    if (force) return 0;
    err(ctx, "rm: missing operand\nTry 'rm --help' for more information.\n");
    return 1;
  }
  let st = 0;
  for (const f of files) {
    const path = normPath(sys.cwd(p), f);
    if (recursive && path === '/' && !noPreserve) {
      err(ctx, "rm: it is dangerous to operate recursively on '/'\nrm: use --no-preserve-root to override this failsafe\n");
      st = 1;
      continue;
    }
    if (/(^|\/)\.\.?\/*$/.test(f)) {
      err(ctx, `rm: refusing to remove '.' or '..' directory: skipping '${f}'\n`);
      st = 1;
      continue;
    }
    const node = sys.vfs.tryGet(p, path, false);
    if (!node) {
      if (!force) {
        err(ctx, `rm: cannot remove '${f}': No such file or directory\n`);
        st = 1;
      }
      continue;
    }
    if (node.type === 'dir' && !recursive) {
      if (dirOk) {
        try {
          sys.vfs.rmdir(p, path);
          if (verbose) ctx.stdout.write(`removed directory '${f}'\n`);
        } catch (e) {
          if (e instanceof FsError) {
            err(ctx, `rm: cannot remove '${f}': ${e.reason}\n`);
            st = 1;
            continue;
          }
          throw e;
        }
        continue;
      }
      err(ctx, `rm: cannot remove '${f}': Is a directory\n`);
      st = 1;
      continue;
    }
    try {
      sys.vfs.rm(p, path, true, false);
      if (verbose) ctx.stdout.write(node.type === 'dir' ? `removed directory '${f}'\n` : `removed '${f}'\n`);
    } catch (e) {
      if (e instanceof FsError) {
        err(ctx, `rm: cannot remove '${f}': ${e.code === 'EBUSY' ? 'Device or resource busy' : e.reason}\n`);
        st = 1;
        continue;
      }
      throw e;
    }
  }
  return st;
};

const mkdir: Command = async (ctx) => {
  const sys = System.of(ctx.m);
  const p = ctx.proc;
  let parents = false;
  let verbose = false;
  let mode: number | undefined;
  const dirs: string[] = [];
  const a = ctx.argv.slice(1);
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    if (x === '--') {
      dirs.push(...a.slice(i + 1));
      break;
    }
    if (x === '--parents') parents = true;
    else if (x === '--verbose') verbose = true;
    else if (x.startsWith('--mode')) mode = parseInt(x.includes('=') ? x.slice(x.indexOf('=') + 1) : (a[++i] ?? ''), 8);
    else if (x.startsWith('-') && x.length > 1) {
      for (let k = 1; k < x.length; k++) {
        const c = x[k]!;
        if (c === 'p') parents = true;
        else if (c === 'v') verbose = true;
        else if (c === 'm') {
          mode = parseInt(x.slice(k + 1) || a[++i] || '', 8);
          k = x.length;
        } else {
          err(ctx, `mkdir: invalid option -- '${c}'\nTry 'mkdir --help' for more information.\n`);
          return 1;
        }
      }
    } else dirs.push(x);
  }
  if (!dirs.length) {
    err(ctx, "mkdir: missing operand\nTry 'mkdir --help' for more information.\n");
    return 1;
  }
  let st = 0;
  for (const d of dirs) {
    const path = normPath(sys.cwd(p), d);
    try {
      if (parents) {
        const parts = path.split('/').filter(Boolean);
        for (let k = 1; k <= parts.length; k++) {
          const sub = `/${parts.slice(0, k).join('/')}`;
          const n = sys.vfs.tryGet(p, sub);
          if (n) {
            if (n.type !== 'dir') throw new FsError(k === parts.length ? 'EEXIST' : 'ENOTDIR', 'mkdir', sub);
            continue;
          }
          sys.vfs.mkdir(p, sub, false);
          if (verbose) ctx.stdout.write(`mkdir: created directory '${d.startsWith('/') ? sub : sub.slice(sys.cwd(p).length + 1) || sub}'\n`);
        }
      } else {
        sys.vfs.mkdir(p, path, false);
        if (verbose) ctx.stdout.write(`mkdir: created directory '${d}'\n`);
      }
      if (mode !== undefined && !Number.isNaN(mode)) sys.vfs.chmod(p, path, mode);
    } catch (e) {
      if (e instanceof FsError) {
        err(ctx, `mkdir: cannot create directory ‘${d}’: ${e.reason}\n`);
        st = 1;
        continue;
      }
      throw e;
    }
  }
  return st;
};

const touch: Command = async (ctx) => {
  const sys = System.of(ctx.m);
  const files = ctx.argv.slice(1).filter((x) => !x.startsWith('-'));
  if (!files.length) {
    err(ctx, "touch: missing file operand\nTry 'touch --help' for more information.\n");
    return 1;
  }
  let st = 0;
  for (const f of files) {
    try {
      sys.vfs.touch(ctx.proc, normPath(sys.cwd(ctx.proc), f));
    } catch (e) {
      if (e instanceof FsError) {
        err(ctx, `touch: cannot touch '${f}': ${e.reason}\n`);
        st = 1;
        continue;
      }
      throw e;
    }
  }
  return st;
};

const env: Command = async (ctx) => {
  const a = ctx.argv.slice(1);
  let vars: Record<string, string> = { ...ctx.env };
  let i = 0;
  let nul = false;
  for (; i < a.length; i++) {
    const x = a[i]!;
    if (x === '--') {
      i++;
      break;
    }
    if (x === '-i' || x === '-' || x === '--ignore-environment') vars = {};
    else if (x === '-0' || x === '--null') nul = true;
    else if (x === '-u' || x.startsWith('--unset')) {
      const n = x.includes('=') ? x.slice(x.indexOf('=') + 1) : a[++i];
      if (n === undefined) {
        err(ctx, "env: option requires an argument -- 'u'\nTry 'env --help' for more information.\n");
        return 125;
      }
      delete vars[n];
    } else if (x.startsWith('-u')) delete vars[x.slice(2)];
    else if (x.startsWith('-') && x.length > 1) {
      err(ctx, `env: invalid option -- '${x[1]}'\nTry 'env --help' for more information.\n`);
      return 125;
    } else break;
  }
  for (; i < a.length && /^[^=]+=/.test(a[i]!); i++) {
    const x = a[i]!;
    vars[x.slice(0, x.indexOf('='))] = x.slice(x.indexOf('=') + 1);
  }
  const argv = a.slice(i);
  if (!argv.length) {
    for (const [k, v] of Object.entries(vars)) ctx.stdout.write(`${k}=${v}${nul ? '\0' : '\n'}`);
    return 0;
  }
  const sys = System.of(ctx.m);
  if (!sys.find(argv[0]!, ctx.proc, vars.PATH ?? DEFAULT_PATH, sys.cwd(ctx.proc))) {
    err(ctx, `env: ‘${argv[0]}’: No such file or directory\n`);
    return 127;
  }
  return execOrRun(ctx, argv, { env: vars });
};

const which: Command = async (ctx) => {
  const sys = System.of(ctx.m);
  let all = false;
  const names: string[] = [];
  for (const x of ctx.argv.slice(1)) {
    if (x === '-a') all = true;
    else if (x === '-s') continue;
    else names.push(x);
  }
  let st = 0;
  for (const n of names) {
    const found: string[] = [];
    if (n.includes('/')) {
      const f = sys.find(n, ctx.proc, '', sys.cwd(ctx.proc));
      if (f) found.push(n);
    } else {
      for (const d of (ctx.env.PATH ?? DEFAULT_PATH).split(':')) {
        const cand = `${d || '.'}/${n}`;
        const node = sys.vfs.tryGet(ctx.proc, normPath(sys.cwd(ctx.proc), cand));
        if (node && node.type === 'file' && node.mode & 0o111) {
          found.push(cand);
          if (!all) break;
        }
      }
    }
    if (!found.length) st = 1;
    for (const f of found) ctx.stdout.write(`${f}\n`);
  }
  return st;
};

/** cat streams its input (pipes stay pipes); with options it is just-bash's cat. */
const jbCat = textTool('cat');
const cat: Command = async (ctx) => {
  const args = ctx.argv.slice(1);
  if (args.some((a) => a.startsWith('-') && a !== '-' && a !== '--')) return jbCat(ctx);
  const files = args.filter((a) => a !== '--');
  const sys = System.of(ctx.m);
  let st = 0;
  for (const f of files.length ? files : ['-']) {
    if (f === '-') {
      for (let c = await ctx.stdin.read(); c !== null; c = await ctx.stdin.read()) ctx.stdout.write(c);
      continue;
    }
    const path = normPath(sys.cwd(ctx.proc), f);
    const ps = sys.procSubst.get(f);
    if (ps) {
      for (let c = await ps.pull(ctx.proc); c !== null; c = await ps.pull(ctx.proc)) ctx.stdout.write(c);
      continue;
    }
    try {
      const node = sys.vfs.stat(ctx.proc, path);
      if (node.dev === 'stdin') {
        for (let c = await ctx.stdin.read(); c !== null; c = await ctx.stdin.read()) ctx.stdout.write(c);
        continue;
      }
      const d = sys.vfs.readFile(ctx.proc, path);
      if (d.length) ctx.stdout.write(d);
    } catch (e) {
      if (e instanceof FsError) {
        err(ctx, `cat: ${f}: ${e.reason}\n`);
        st = 1;
        continue;
      }
      if (e instanceof FdError) throw e;
      throw e;
    }
  }
  return st;
};

/** Read stdin chunk by chunk until `enough` says so (or end of file). */
async function readUntil(ctx: CommandContext, enough: (buf: string) => boolean): Promise<string> {
  let buf = '';
  for (;;) {
    if (enough(buf)) return buf;
    const c = await ctx.stdin.read();
    if (c === null) return buf;
    buf += c;
  }
}

/**
 * head streams: it stops reading after N lines (the writer then gets SIGPIPE at its next write,
 * which is how `ping ... | head -3` ends). Forms it does not stream go to just-bash's head.
 */
const jbHead = textTool('head');
const head: Command = async (ctx) => {
  const a = ctx.argv.slice(1);
  let n = 10;
  let bytes = false;
  const files: string[] = [];
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    let m: RegExpExecArray | null;
    if ((m = /^-(\d+)$/.exec(x))) n = Number(m[1]);
    else if ((m = /^-([nc])(\d+)$/.exec(x))) {
      n = Number(m[2]);
      bytes = m[1] === 'c';
    } else if ((x === '-n' || x === '-c') && /^\d+$/.test(a[i + 1] ?? '')) {
      n = Number(a[++i]);
      bytes = x === '-c';
    } else if ((m = /^--(lines|bytes)=(\d+)$/.exec(x))) {
      n = Number(m[2]);
      bytes = m[1] === 'bytes';
    } else if (x.startsWith('-') && x !== '-') return jbHead(ctx);
    else files.push(x);
  }
  if (files.length > 1 || (files.length === 1 && files[0] !== '-')) return jbHead(ctx);
  if (bytes) {
    const buf = await readUntil(ctx, (b) => new TextEncoder().encode(b).length >= n);
    const out = new TextDecoder().decode(new TextEncoder().encode(buf).slice(0, n));
    if (out) ctx.stdout.write(out);
    return 0;
  }
  const countLines = (b: string): number => {
    let k = 0;
    for (let i = b.indexOf('\n'); i >= 0 && k < n; i = b.indexOf('\n', i + 1)) k++;
    return k;
  };
  const buf = await readUntil(ctx, (b) => countLines(b) >= n);
  let end = 0;
  for (let k = 0; k < n; k++) {
    const i = buf.indexOf('\n', end);
    if (i < 0) {
      end = buf.length;
      break;
    }
    end = i + 1;
  }
  if (end) ctx.stdout.write(buf.slice(0, end));
  return 0;
};

/** glibc's stdio buffer for a pipe or file (st_blksize) */
const STDIO_BUFSIZ = 4096;

/**
 * grep reading a pipe streams line by line (so `tcpdump -l | grep` sees lines as they come and
 * -q / -m stop early); other forms go to just-bash's grep whole. Its output is stdio's: line
 * buffered on a terminal or with --line-buffered, else written in 4096-byte blocks and at exit,
 * so `ping … | grep … &` shows its lines only when ping is done, as on Linux.
 */
const jbGrep = textTool('grep');
const GREP_FLAGS = new Set(['i', 'y', 'v', 'E', 'F', 'G', 'P', 'w', 'x', 'o', 's', 'q', 'a', 'U', 'I']);
function grepStreaming(name: string): Command {
  const whole = name === 'grep' ? jbGrep : textTool(name);
  return async (ctx) => {
    const a = ctx.argv.slice(1);
    let quiet = false;
    let lineBuffered = false;
    let max: number | undefined;
    let pattern = false;
    const positional: string[] = [];
    const pass: string[] = [];
    for (let i = 0; i < a.length; i++) {
      const x = a[i]!;
      if (x === '--') {
        positional.push(...a.slice(i + 1));
        break;
      }
      if (x === '-e' || x === '--regexp') {
        pass.push(x, a[++i] ?? '');
        pattern = true;
        continue;
      }
      if (x.startsWith('--regexp=')) {
        pass.push(x);
        pattern = true;
        continue;
      }
      if (x === '-m' || x === '--max-count') {
        max = Number(a[++i]);
        continue;
      }
      if (/^-m\d+$/.test(x) || x.startsWith('--max-count=')) {
        max = Number(x.replace(/^(-m|--max-count=)/, ''));
        continue;
      }
      if (x === '--line-buffered') {
        lineBuffered = true;
        continue;
      }
      if (x === '--color=never' || x === '--colour=never' || x === '--no-messages') continue;
      if (x === '--quiet' || x === '--silent') {
        quiet = true;
        continue;
      }
      if (['--ignore-case', '--invert-match', '--extended-regexp', '--fixed-strings', '--word-regexp', '--line-regexp', '--only-matching'].includes(x)) {
        pass.push(x);
        continue;
      }
      if (/^-[A-Za-z]+$/.test(x)) {
        if (![...x.slice(1)].every((c) => GREP_FLAGS.has(c))) return whole(ctx);
        if (x.includes('q')) quiet = true;
        pass.push(x.replace(/q/g, '') === '-' ? '' : x.replace(/q/g, ''));
        continue;
      }
      if (x.startsWith('-') && x !== '-') return whole(ctx);
      positional.push(x);
    }
    const files = pattern ? positional : positional.slice(1);
    if (files.length > 0 || (!pattern && positional.length === 0)) return whole(ctx);
    if (max !== undefined && (!Number.isInteger(max) || pass.some((p) => p.includes('o')))) return whole(ctx);
    const sys = System.of(ctx.m);
    const args = [...pass.filter(Boolean), ...(pattern ? [] : positional)];
    const stdout = sys.fdOfOutput(ctx.stdout);
    if (stdout instanceof TermOut && stdout.isatty) lineBuffered = true;
    let pending = '';
    const write = (s: string): void => {
      if (lineBuffered) return ctx.stdout.write(s);
      pending += s;
      for (; pending.length >= STDIO_BUFSIZ; pending = pending.slice(STDIO_BUFSIZ)) ctx.stdout.write(pending.slice(0, STDIO_BUFSIZ));
    };
    /** exit(): stdio flushes what is left (a process killed by a signal loses it) */
    const exit = (st: number): number => {
      if (pending) ctx.stdout.write(pending);
      return st;
    };
    let matched = false;
    let found = 0;
    let buf = '';
    let status = 1;
    const runBatch = async (text: string): Promise<boolean> => {
      const extra = max !== undefined ? ['-m', String(max - found)] : [];
      const r = await runJb(name, [...extra, ...args], { sys, ctxProc: ctx.proc, cwd: sys.cwd(ctx.proc), env: ctx.env, stdin: text });
      if (r.stderr) ctx.stderr.write(r.stderr);
      if (r.exitCode > 1) {
        status = r.exitCode;
        return true;
      }
      if (r.exitCode === 0) {
        matched = true;
        if (quiet) return true;
        found += r.stdout.split('\n').length - 1;
        write(r.stdout);
        if (max !== undefined && found >= max) return true;
      }
      return false;
    };
    if (max === 0) return 1;
    for (;;) {
      const c = await ctx.stdin.read();
      if (c === null) break;
      buf += c;
      const i = buf.lastIndexOf('\n');
      if (i < 0) continue;
      const lines = buf.slice(0, i + 1);
      buf = buf.slice(i + 1);
      if (await runBatch(lines)) return exit(status > 1 ? status : 0);
    }
    if (buf && (await runBatch(buf))) return exit(status > 1 ? status : 0);
    return exit(status > 1 ? status : matched ? 0 : 1);
  };
}

function userName(uid: number): string {
  return uid === 0 ? 'root' : uid === 65534 ? 'nobody' : String(uid);
}
function groupName(gid: number): string {
  return gid === 0 ? 'root' : gid === 65534 ? 'nogroup' : String(gid);
}

const id: Command = async (ctx) => {
  const p: Process = ctx.proc;
  const a = ctx.argv.slice(1).join('');
  const name = a.includes('n');
  if (a.includes('u')) ctx.stdout.write(`${name ? userName(p.uid) : p.uid}\n`);
  else if (a.includes('G')) ctx.stdout.write(`${name ? groupName(p.gid) : p.gid}\n`);
  else if (a.includes('g')) ctx.stdout.write(`${name ? groupName(p.gid) : p.gid}\n`);
  else ctx.stdout.write(`uid=${p.uid}(${userName(p.uid)}) gid=${p.gid}(${groupName(p.gid)}) groups=${p.gid}(${groupName(p.gid)})\n`);
  return 0;
};

const whoami: Command = async (ctx) => {
  ctx.stdout.write(`${userName(ctx.proc.uid)}\n`);
  return 0;
};

const hostname: Command = async (ctx) => {
  const sys = System.of(ctx.m);
  let h = 'nsemu';
  try {
    h = toText(sys.vfs.readFile(ctx.proc, '/etc/hostname')).trim() || h;
  } catch {
    /* default */
  }
  ctx.stdout.write(`${h}\n`);
  return 0;
};

const uname: Command = async (ctx) => {
  const a = ctx.argv.slice(1).join('');
  const host = 'nsemu';
  const rel = '6.1.0-nsemu';
  if (a.includes('a')) ctx.stdout.write(`Linux ${host} ${rel} #1 SMP PREEMPT_DYNAMIC nsemu x86_64 GNU/Linux\n`);
  else {
    const parts: string[] = [];
    if (!a || a.includes('s')) parts.push('Linux');
    if (a.includes('n')) parts.push(host);
    if (a.includes('r')) parts.push(rel);
    if (a.includes('m')) parts.push('x86_64');
    ctx.stdout.write(`${parts.join(' ')}\n`);
  }
  return 0;
};

const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

/** strftime for date(1), in UTC. */
function strftime(fmt: string, ms: number, ns: number): string {
  const d = new Date(ms);
  const p2 = (n: number): string => String(n).padStart(2, '0');
  const day = d.getUTCDay();
  const hour = d.getUTCHours();
  const start = Date.UTC(d.getUTCFullYear(), 0, 1);
  const yday = Math.floor((ms - start) / 86400000) + 1;
  const f = (c: string): string => {
    switch (c) {
      case 'Y':
        return String(d.getUTCFullYear());
      case 'C':
        return p2(Math.floor(d.getUTCFullYear() / 100));
      case 'y':
        return p2(d.getUTCFullYear() % 100);
      case 'm':
        return p2(d.getUTCMonth() + 1);
      case 'd':
        return p2(d.getUTCDate());
      case 'e':
        return String(d.getUTCDate()).padStart(2, ' ');
      case 'H':
        return p2(hour);
      case 'k':
        return String(hour).padStart(2, ' ');
      case 'I':
        return p2(hour % 12 || 12);
      case 'l':
        return String(hour % 12 || 12).padStart(2, ' ');
      case 'M':
        return p2(d.getUTCMinutes());
      case 'S':
        return p2(d.getUTCSeconds());
      case 'N':
        return String(ns % 1e9).padStart(9, '0');
      case 's':
        return String(Math.floor(ms / 1000));
      case 'p':
        return hour < 12 ? 'AM' : 'PM';
      case 'P':
        return hour < 12 ? 'am' : 'pm';
      case 'a':
        return DAYS[day]!.slice(0, 3);
      case 'A':
        return DAYS[day]!;
      case 'b':
      case 'h':
        return MONTHS[d.getUTCMonth()]!.slice(0, 3);
      case 'B':
        return MONTHS[d.getUTCMonth()]!;
      case 'j':
        return String(yday).padStart(3, '0');
      case 'u':
        return String(day || 7);
      case 'w':
        return String(day);
      case 'Z':
        return 'UTC';
      case 'z':
        return '+0000';
      case 'F':
        return `${f('Y')}-${f('m')}-${f('d')}`;
      case 'T':
        return `${f('H')}:${f('M')}:${f('S')}`;
      case 'R':
        return `${f('H')}:${f('M')}`;
      case 'D':
      case 'x':
        return `${f('m')}/${f('d')}/${f('y')}`;
      case 'X':
        return f('T');
      case 'r':
        return `${f('I')}:${f('M')}:${f('S')} ${f('p')}`;
      case 'c':
        return `${f('a')} ${f('b')} ${f('e')} ${f('T')} ${f('Y')}`;
      case 'n':
        return '\n';
      case 't':
        return '\t';
      case '%':
        return '%';
      default:
        return `%${c}`;
    }
  };
  return fmt.replace(/%([a-zA-Z%])/g, (_m, c: string) => f(c));
}

/** date(1) on the machine's virtual clock (2024-01-01 00:00:00 UTC is virtual time 0). */
const date: Command = async (ctx) => {
  const EPOCH = Date.UTC(2024, 0, 1);
  let ms = EPOCH + Math.floor(ctx.m.now / 1e6);
  let ns = ctx.m.now;
  let fmt = '%a %b %e %H:%M:%S %Z %Y';
  const a = ctx.argv.slice(1);
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    if (x.startsWith('+')) fmt = x.slice(1);
    else if (x === '-u' || x === '--utc' || x === '--universal') continue;
    else if (x === '-d' || x === '--date' || x.startsWith('--date=')) {
      const v = x.startsWith('--date=') ? x.slice(7) : (a[++i] ?? '');
      const m = /^@(-?\d+(?:\.\d+)?)$/.exec(v.trim());
      if (m) {
        ms = Math.floor(Number(m[1]) * 1000);
        ns = Math.round((Number(m[1]) % 1) * 1e9);
      } else if (v.trim() !== 'now' && v.trim() !== '') {
        const t = Date.parse(/[zZ]|[+-]\d\d:?\d\d$/.test(v) ? v : `${v} UTC`);
        if (Number.isNaN(t)) {
          err(ctx, `date: invalid date ‘${v}’\n`);
          return 1;
        }
        ms = t;
        ns = 0;
      }
    } else if (x === '-I' || x === '--iso-8601' || x === '-Iseconds' || x === '--iso-8601=seconds') fmt = x.includes('seconds') ? '%Y-%m-%dT%H:%M:%S+00:00' : '%Y-%m-%d';
    else if (x === '-R' || x === '--rfc-email') fmt = '%a, %d %b %Y %H:%M:%S +0000';
    else if (x === '-s' || x === '--set' || x.startsWith('--set=')) {
      err(ctx, 'date: cannot set date: Operation not permitted\n');
      return 1;
    } else {
      err(ctx, `date: invalid date ‘${x}’\n`);
      return 1;
    }
  }
  ctx.stdout.write(`${strftime(fmt, ms, ns)}\n`);
  return 0;
};

function procList(ctx: CommandContext): Process[] {
  return [...ctx.m.procs.values()].filter((q) => !q.exited).sort((x, y) => x.pid - y.pid);
}

function cmdOf(sys: System, q: Process): string {
  return (sys.argv.get(q) ?? [q.comm]).join(' ');
}

/** ps: the machine's processes (no terminals: TTY is ?). */
const ps: Command = async (ctx) => {
  const sys = System.of(ctx.m);
  const a = ctx.argv.slice(1).join(' ');
  const procs = procList(ctx);
  if (/\bef\b|-ef|-f/.test(a)) {
    ctx.stdout.write('UID          PID    PPID  C STIME TTY          TIME CMD\n');
    for (const q of procs) ctx.stdout.write(`${userName(q.uid).padEnd(8)} ${String(q.pid).padStart(7)} ${String(q.ppid).padStart(7)}  0 00:00 ?        00:00:00 ${cmdOf(sys, q)}\n`);
  } else if (/aux|ax|-e|-A/.test(a)) {
    ctx.stdout.write('    PID TTY      STAT   TIME COMMAND\n');
    for (const q of procs) ctx.stdout.write(`${String(q.pid).padStart(7)} ?        ${q.waiter ? 'S' : 'R'}      0:00 ${cmdOf(sys, q)}\n`);
  } else {
    ctx.stdout.write('    PID TTY          TIME CMD\n');
    for (const q of procs) ctx.stdout.write(`${String(q.pid).padStart(7)} ?        00:00:00 ${q.comm}\n`);
  }
  return 0;
};

/** pgrep / pkill: match process names (or -f command lines) with an extended regex. */
function pgrepLike(kill: boolean): Command {
  return async (ctx) => {
    const sys = System.of(ctx.m);
    const self = kill ? 'pkill' : 'pgrep';
    let full = false;
    let exact = false;
    let list = false;
    let listFull = false;
    let newest = false;
    let oldest = false;
    let count = false;
    let sig: number = SIG.SIGTERM;
    let uid: number | undefined;
    let pattern: string | undefined;
    const a = ctx.argv.slice(1);
    for (let i = 0; i < a.length; i++) {
      const x = a[i]!;
      if (kill && /^-[A-Z0-9]+$/.test(x) && parseSignal(x.slice(1)) !== undefined) sig = parseSignal(x.slice(1))!;
      else if (x === '--signal') sig = parseSignal(a[++i] ?? '') ?? sig;
      else if (x === '-u' || x === '-U') uid = idOf(a[++i] ?? '', true);
      else if (/^-[fxlanoc]+$/.test(x)) {
        if (x.includes('f')) full = true;
        if (x.includes('x')) exact = true;
        if (x.includes('l')) list = true;
        if (x.includes('a')) listFull = true;
        if (x.includes('n')) newest = true;
        if (x.includes('o')) oldest = true;
        if (x.includes('c')) count = true;
      } else if (x.startsWith('-')) {
        err(ctx, `${self}: invalid option -- '${x.slice(1, 2)}'\nTry \`${self} --help' for more information.\n`);
        return 2;
      } else pattern = x;
    }
    if (pattern === undefined) {
      err(ctx, `${self}: no matching criteria specified\nTry \`${self} --help' for more information.\n`);
      return 2;
    }
    let re: RegExp;
    try {
      re = new RegExp(exact ? `^(?:${pattern})$` : pattern);
    } catch {
      err(ctx, `${self}: invalid regular expression\n`);
      return 2;
    }
    let hits = procList(ctx).filter((q) => q.pid !== ctx.proc.pid && re.test(full ? cmdOf(sys, q) : q.comm.slice(0, 15)) && (uid === undefined || q.uid === uid));
    if (newest && hits.length) hits = [hits[hits.length - 1]!];
    if (oldest && hits.length) hits = [hits[0]!];
    if (count) ctx.stdout.write(`${hits.length}\n`);
    for (const q of hits) {
      if (kill) {
        if (ctx.proc.uid !== 0 && q.uid !== ctx.proc.uid) {
          err(ctx, `pkill: killing pid ${q.pid} failed: Operation not permitted\n`);
          continue;
        }
        if (sys.ignores(q, sig)) continue;
        ctx.m.kill(q, sig);
      } else if (!count) ctx.stdout.write(listFull ? `${q.pid} ${cmdOf(sys, q)}\n` : list ? `${q.pid} ${q.comm}\n` : `${q.pid}\n`);
    }
    return hits.length ? 0 : 1;
  };
}

/** killall NAME...: exact process names. */
const killall: Command = async (ctx) => {
  const a = ctx.argv.slice(1);
  let sig: number = SIG.SIGTERM;
  let quiet = false;
  const names: string[] = [];
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    if (x === '-s' || x === '--signal') sig = parseSignal(a[++i] ?? '') ?? sig;
    else if (x === '-q' || x === '--quiet') quiet = true;
    else if (/^-[A-Z0-9]+$/.test(x) && parseSignal(x.slice(1)) !== undefined) sig = parseSignal(x.slice(1))!;
    else names.push(x);
  }
  if (!names.length) {
    err(ctx, 'Usage: killall [OPTION]... [--] NAME...\n');
    return 1;
  }
  const sys = System.of(ctx.m);
  let st = 0;
  for (const n of names) {
    const hits = procList(ctx).filter((q) => q.pid !== ctx.proc.pid && q.comm === n.slice(0, 15));
    if (!hits.length) {
      if (!quiet) err(ctx, `${n}: no process found\n`);
      st = 1;
    }
    for (const q of hits) if (!sys.ignores(q, sig)) ctx.m.kill(q, sig);
  }
  return st;
};

/** Every program the shell module puts on $PATH. */
export function shellPrograms(): Record<string, Command> {
  const out: Record<string, Command> = {};
  for (const t of TEXT_TOOLS) out[t] = textTool(t);
  out.sort = gnuSort(out.sort!);
  Object.assign(out, {
    bash: shellProgram('bash'),
    sh: shellProgram('sh'),
    dash: shellProgram('sh'),
    sleep,
    timeout,
    setpriv,
    mktemp,
    rm,
    mkdir,
    touch,
    env,
    which,
    cat,
    id,
    whoami,
    hostname,
    uname,
    sysctl,
    head,
    date,
    ps,
    pgrep: pgrepLike(false),
    pkill: pgrepLike(true),
    killall,
    nproc: async (ctx: CommandContext) => {
      ctx.stdout.write('1\n');
      return 0;
    },
    grep: grepStreaming('grep'),
    egrep: grepStreaming('egrep'),
    fgrep: grepStreaming('fgrep'),
    true: builtinProgram('true'),
    false: builtinProgram('false'),
    echo: builtinProgram('echo'),
    printf: builtinProgram('printf'),
    test: builtinProgram('test'),
    '[': builtinProgram('['),
    kill: builtinProgram('kill'),
    pwd: builtinProgram('pwd'),
  });
  return out;
}
