// Shell builtins: they run inside the shell's own process and change its state (cd, export,
// trap, wait, ...). Messages follow bash 5.2 ("NAME: line N: cd: /x: No such file or directory").
import { SIG } from '../kernel/machine.ts';
import { parseScript, ShellSyntaxError, type Stmt } from './ast.ts';
import { AbortCommand, ansiC, ExitShell, LoopSignal, parseSignal, ReturnSignal, shellQuote, SIGNAMES, type Shell } from './interp.ts';
import { Interrupted, InFd, StringIn, TimedOut, withDeadline } from './streams.ts';
import { runJb } from './texttools.ts';
import { DEFAULT_PATH, writeSafe } from './system.ts';
import { FsError, normPath, toText } from './vfs.ts';
import { testBuiltin } from './test.ts';

export type Builtin = (sh: Shell, argv: string[]) => Promise<number>;

/** POSIX special builtins: a function of the same name does not hide them. */
export const SPECIAL_BUILTINS = new Set(['break', ':', '.', 'continue', 'eval', 'exec', 'exit', 'export', 'readonly', 'return', 'set', 'shift', 'trap', 'unset']);

const KEYWORDS = new Set(['if', 'then', 'else', 'elif', 'fi', 'case', 'esac', 'for', 'select', 'while', 'until', 'do', 'done', 'in', 'function', 'time', '{', '}', '!', '[[', ']]', 'coproc']);

function echoEscapes(s: string): { text: string; stop: boolean } {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c !== '\\' || i + 1 >= s.length) {
      out += c;
      continue;
    }
    const n = s[i + 1]!;
    if (n === 'c') return { text: out, stop: true };
    if (n === '0') {
      const m = /^[0-7]{0,3}/.exec(s.slice(i + 2))!;
      out += String.fromCharCode(parseInt(m[0] || '0', 8) & 0xff);
      i += 1 + m[0].length;
      continue;
    }
    if ('abefnrtv\\'.includes(n) || n === 'x' || n === 'u' || n === 'U') {
      const m = n === 'x' ? /^x[0-9a-fA-F]{1,2}/.exec(s.slice(i + 1)) : n === 'u' ? /^u[0-9a-fA-F]{1,4}/.exec(s.slice(i + 1)) : n === 'U' ? /^U[0-9a-fA-F]{1,8}/.exec(s.slice(i + 1)) : [n];
      if (!m) {
        out += `\\${n}`;
        i++;
        continue;
      }
      out += ansiC(`\\${m[0]}`);
      i += m[0].length;
      continue;
    }
    out += `\\${n}`;
    i++;
  }
  return { text: out, stop: false };
}

async function echo(sh: Shell, argv: string[]): Promise<number> {
  let i = 1;
  let newline = true;
  let escapes = sh.dialect === 'sh' || sh.shopt.xpg_echo;
  while (i < argv.length) {
    const a = argv[i]!;
    if (sh.dialect === 'sh') {
      if (a === '-n') {
        newline = false;
        i++;
        continue;
      }
      break;
    }
    if (!/^-[neE]+$/.test(a)) break;
    for (const ch of a.slice(1)) {
      if (ch === 'n') newline = false;
      else if (ch === 'e') escapes = true;
      else escapes = false;
    }
    i++;
  }
  let text = argv.slice(i).join(' ');
  if (escapes) {
    const r = echoEscapes(text);
    text = r.text;
    if (r.stop) newline = false;
  }
  sh.out(newline ? `${text}\n` : text);
  return 0;
}

async function printf(sh: Shell, argv: string[]): Promise<number> {
  let args = argv.slice(1);
  let target: string | undefined;
  if (args[0] === '-v') {
    target = args[1];
    if (target === undefined) {
      sh.err('printf: -v: option requires an argument');
      writeSafe(sh.fds[2], 'printf: usage: printf [-v var] format [arguments]\n');
      return 2;
    }
    args = args.slice(2);
  }
  if (args[0] === '--') args = args.slice(1);
  if (args.length === 0) {
    writeSafe(sh.fds[2], 'printf: usage: printf [-v var] format [arguments]\n');
    return 2;
  }
  const r = await runJb('printf', args, { sys: sh.sys, ctxProc: sh.p, cwd: sh.cwd, env: sh.environ(), stdin: '' });
  if (r.stderr) for (const line of r.stderr.split('\n').filter(Boolean)) sh.err(line);
  if (target !== undefined) {
    if (!sh.assign(target, r.stdout)) return 1;
  } else if (r.stdout) sh.out(r.stdout);
  return r.exitCode;
}

async function cd(sh: Shell, argv: string[]): Promise<number> {
  const args = argv.slice(1).filter((a, i) => !(i === 0 && (a === '-L' || a === '-P' || a === '--')));
  if (args.length > 1) {
    sh.err('cd: too many arguments');
    return 1;
  }
  let dir: string | undefined = args[0];
  let print = false;
  if (dir === undefined) {
    dir = sh.get('HOME');
    if (dir === undefined) {
      sh.err('cd: HOME not set');
      return 1;
    }
  } else if (dir === '-') {
    dir = sh.get('OLDPWD');
    if (dir === undefined) {
      sh.err('cd: OLDPWD not set');
      return 1;
    }
    print = true;
  }
  const target = normPath(sh.cwd, dir);
  const n = sh.sys.vfs.tryGet(sh.p, target);
  if (!n || n.type !== 'dir') {
    if (sh.dialect === 'sh') sh.err(`cd: can't cd to ${dir}`);
    else sh.err(`cd: ${dir}: ${n ? 'Not a directory' : 'No such file or directory'}`);
    return sh.dialect === 'sh' ? 2 : 1;
  }
  sh.assign('OLDPWD', sh.cwd);
  const ov = sh.lookup('OLDPWD');
  if (ov) ov.exported = true;
  sh.cwd = target;
  sh.assign('PWD', target);
  sh.sys.setCwd(sh.p, target);
  if (print) sh.out(`${target}\n`);
  return 0;
}

async function pwd(sh: Shell): Promise<number> {
  sh.out(`${sh.cwd}\n`);
  return 0;
}

async function exit(sh: Shell, argv: string[]): Promise<number> {
  if (argv.length > 2) {
    sh.err('exit: too many arguments');
    return 1;
  }
  let st = sh.status;
  if (argv[1] !== undefined) {
    if (!/^\s*[-+]?\d+\s*$/.test(argv[1])) {
      sh.err(`exit: ${argv[1]}: numeric argument required`);
      st = 2;
    } else st = Number(argv[1]) & 255;
  }
  if (sh.interactive && !sh.isSubshell) writeSafe(sh.fds[2], 'exit\n');
  throw new ExitShell(st);
}

async function returnB(sh: Shell, argv: string[]): Promise<number> {
  if (sh.funcDepth === 0 && sh.sourceDepth === 0) {
    sh.err("return: can only `return' from a function or sourced script");
    return 2;
  }
  let st = sh.status;
  if (argv[1] !== undefined) {
    if (!/^[-+]?\d+$/.test(argv[1])) {
      sh.err(`return: ${argv[1]}: numeric argument required`);
      st = 2;
    } else st = Number(argv[1]) & 255;
  }
  throw new ReturnSignal(st);
}

function loopCtl(kind: 'break' | 'continue'): (sh: Shell, argv: string[]) => Promise<number> {
  return async (sh, argv) => {
    let n = 1;
    if (argv[1] !== undefined) {
      if (!/^\d+$/.test(argv[1]) || Number(argv[1]) < 1) {
        sh.err(`${kind}: ${argv[1]}: loop count out of range`);
        return 1;
      }
      n = Number(argv[1]);
    }
    if (sh.loopDepth === 0) {
      sh.err(`${kind}: only meaningful in a \`for', \`while', or \`until' loop`);
      return 0;
    }
    throw new LoopSignal(kind, Math.min(n, sh.loopDepth));
  };
}

async function shift(sh: Shell, argv: string[]): Promise<number> {
  const n = argv[1] === undefined ? 1 : Number(argv[1]);
  if (!Number.isInteger(n) || n < 0) {
    sh.err(`shift: ${argv[1]}: numeric argument required`);
    return 1;
  }
  if (n > sh.positional.length) return 1;
  sh.positional = sh.positional.slice(n);
  return 0;
}

const SET_LETTERS: Record<string, keyof Shell['opts']> = {
  e: 'errexit',
  u: 'nounset',
  x: 'xtrace',
  f: 'noglob',
  C: 'noclobber',
  a: 'allexport',
  v: 'verbose',
  n: 'noexec',
  h: 'hashall',
  B: 'braceexpand',
  m: 'monitor',
  b: 'notify',
  t: 'onecmd',
  E: 'errtrace',
  T: 'functrace',
  H: 'histexpand',
  P: 'physical',
  p: 'privileged',
  k: 'keyword',
};

export async function setB(sh: Shell, argv: string[]): Promise<number> {
  const args = argv.slice(1);
  if (args.length === 0) {
    for (const n of sh.varNames()) {
      const v = sh.get(n);
      if (v !== undefined) sh.out(`${n}=${shellQuote(v)}\n`);
    }
    return 0;
  }
  let i = 0;
  while (i < args.length) {
    const a = args[i]!;
    if (a === '--') {
      sh.positional = args.slice(i + 1);
      return 0;
    }
    if (a === '-' || a === '+') {
      i++;
      if (a === '-') {
        sh.opts.xtrace = false;
        sh.opts.verbose = false;
      }
      sh.positional = args.slice(i);
      return 0;
    }
    if (!/^[-+]/.test(a)) {
      sh.positional = args.slice(i);
      return 0;
    }
    const on = a[0] === '-';
    for (let k = 1; k < a.length; k++) {
      const ch = a[k]!;
      if (ch === 'o') {
        const name = args[++i];
        if (name === undefined) {
          for (const [o, v] of Object.entries(sh.opts)) sh.out(on ? `${o.padEnd(15)}\t${v ? 'on' : 'off'}\n` : `set ${v ? '-' : '+'}o ${o}\n`);
          continue;
        }
        if (!(name in sh.opts)) {
          sh.err(`set: ${name}: invalid option name`);
          return 2;
        }
        (sh.opts as Record<string, boolean>)[name] = on;
        continue;
      }
      const opt = SET_LETTERS[ch];
      if (!opt) {
        sh.err(`set: ${a[0]}${ch}: invalid option`);
        writeSafe(sh.fds[2], 'set: usage: set [-abefhkmnptuvxBCEHPT] [-o option-name] [--] [-] [arg ...]\n');
        return 2;
      }
      sh.opts[opt] = on;
    }
    i++;
  }
  return 0;
}

async function shopt(sh: Shell, argv: string[]): Promise<number> {
  let mode = '' as 's' | 'u' | 'p' | 'q' | '';
  const names: string[] = [];
  let oMode = false;
  for (const a of argv.slice(1)) {
    if (/^-[supqo]+$/.test(a)) {
      for (const c of a.slice(1)) {
        if (c === 'o') oMode = true;
        else mode = c as typeof mode;
      }
    } else names.push(a);
  }
  const table = oMode ? (sh.opts as Record<string, boolean>) : sh.shopt;
  if (!names.length) {
    for (const [k, v] of Object.entries(table)) {
      if ((mode === 's' && !v) || (mode === 'u' && v)) continue;
      sh.out(`${k.padEnd(15)}\t${v ? 'on' : 'off'}\n`);
    }
    return 0;
  }
  let st = 0;
  for (const n of names) {
    if (!(n in table)) {
      sh.err(`shopt: ${n}: invalid shell option name`);
      st = 1;
      continue;
    }
    if (mode === 's') table[n] = true;
    else if (mode === 'u') table[n] = false;
    else if (mode === 'q') st = table[n] ? st : 1;
    else sh.out(`${n.padEnd(15)}\t${table[n] ? 'on' : 'off'}\n`);
  }
  return st;
}

async function unsetB(sh: Shell, argv: string[]): Promise<number> {
  let mode: 'v' | 'f' | '' = '';
  let st = 0;
  for (const a of argv.slice(1)) {
    if (a === '-v' || a === '-f') {
      mode = a[1] as 'v' | 'f';
      continue;
    }
    if (a === '-n') continue;
    if (mode === 'f') {
      sh.funcs.delete(a);
      continue;
    }
    const m = /^([A-Za-z_][A-Za-z0-9_]*)(?:\[(.*)\])?$/.exec(a);
    if (!m) {
      if (sh.dialect === 'bash') {
        sh.err(`unset: \`${a}': not a valid identifier`);
        st = 1;
      }
      continue;
    }
    if (m[2] !== undefined) {
      const v = sh.lookup(m[1]!);
      if (v && v.value instanceof Map) v.value.delete(m[2]);
      else if (v && Array.isArray(v.value)) delete v.value[Number(await sh.arithText(m[2]))];
      continue;
    }
    if (mode === '' && !sh.lookup(a) && sh.funcs.has(a)) {
      sh.funcs.delete(a);
      continue;
    }
    if (!sh.unset(a)) st = 1;
  }
  return st;
}

/** export/readonly/declare/local when reached as ordinary commands (`builtin export x=1`). */
function declLike(variant: string): Builtin {
  return async (sh, argv) => {
    const src = `${variant} ${argv
      .slice(1)
      .map((a) => {
        const m = /^([A-Za-z_][A-Za-z0-9_]*\+?=)(.*)$/s.exec(a);
        return m ? `${m[1]}${shellQuote(m[2]!, true)}` : shellQuote(a, true);
      })
      .join(' ')}`;
    return sh.evalString(src);
  };
}

async function evalB(sh: Shell, argv: string[]): Promise<number> {
  const src = argv.slice(1).join(' ');
  if (!src.trim()) return 0;
  let stmts: Stmt[];
  try {
    stmts = parseScript(src, sh.name);
  } catch (e) {
    if (e instanceof ShellSyntaxError) {
      const pre = sh.dialect === 'sh' ? `${sh.name}: ${sh.lineno}: ` : sh.interactive ? 'bash: eval: ' : `${sh.name}: eval: line ${sh.lineno + e.line - 1}: `;
      if (e.incomplete) writeSafe(sh.fds[2], `${pre}syntax error: unexpected end of file\n`);
      else if (e.token) writeSafe(sh.fds[2], `${pre}syntax error near unexpected token \`${e.token}'\n${pre}\`${src.split('\n')[e.line - 1]?.trim() ?? ''}'\n`);
      else writeSafe(sh.fds[2], `${pre}syntax error: ${e.message}\n`);
      return 2;
    }
    throw e;
  }
  const base = sh.lineBase;
  sh.lineBase = sh.lineno - 1;
  try {
    sh.status = 0;
    return await sh.runStmts(stmts);
  } finally {
    sh.lineBase = base;
  }
}

async function source(sh: Shell, argv: string[]): Promise<number> {
  const file = argv[1];
  if (file === undefined) {
    sh.err(`${argv[0]}: filename argument required`);
    writeSafe(sh.fds[2], `${argv[0]}: usage: ${argv[0]} filename [arguments]\n`);
    return 2;
  }
  let path = normPath(sh.cwd, file);
  if (!file.includes('/')) {
    for (const d of (sh.get('PATH') ?? DEFAULT_PATH).split(':')) {
      const cand = normPath(sh.cwd, `${d || '.'}/${file}`);
      const n = sh.sys.vfs.tryGet(sh.p, cand);
      if (n && n.type === 'file' && !(n.read?.() ?? '').toString().startsWith('#!nsemu-program')) {
        path = cand;
        break;
      }
    }
  }
  let text: string;
  try {
    text = toText(sh.sys.vfs.readFile(sh.p, path));
  } catch (e) {
    if (e instanceof FsError) {
      sh.err(`${file}: ${e.reason}`);
      return 1;
    }
    throw e;
  }
  const savedPos = sh.positional;
  if (argv.length > 2) sh.positional = argv.slice(2);
  const savedName = sh.name;
  const savedBase = sh.lineBase;
  const savedSrc = sh.srcName;
  sh.srcName = file;
  sh.sourceDepth++;
  try {
    sh.lineBase = 0;
    return await sh.runSource(text);
  } catch (e) {
    if (e instanceof ReturnSignal) return e.status;
    throw e;
  } finally {
    sh.sourceDepth--;
    sh.srcName = savedSrc;
    sh.lineBase = savedBase;
    sh.name = savedName;
    if (argv.length > 2) sh.positional = savedPos;
  }
}

async function execB(sh: Shell, argv: string[]): Promise<number> {
  let args = argv.slice(1);
  while (args[0] && /^-[cla]+$/.test(args[0])) args = args.slice(args[0].includes('a') ? 2 : 1);
  if (args[0] === '--') args = args.slice(1);
  if (!args.length) return 0;
  const env = sh.environ();
  const found = sh.sys.find(args[0]!, sh.p, env.PATH ?? DEFAULT_PATH, sh.cwd);
  if (!found) {
    const st = sh.notFound(args[0]!);
    throw new ExitShell(st);
  }
  const st = await sh.sys.exec(sh.p, args, env, sh.fds, sh.cwd, found);
  throw new ExitShell(st);
}

function signalName(sig: number | string): string {
  if (typeof sig === 'string') return sig;
  return `SIG${SIGNAMES[sig] ?? sig}`;
}

async function trap(sh: Shell, argv: string[]): Promise<number> {
  let args = argv.slice(1);
  if (args[0] === '--') args = args.slice(1);
  if (args.length === 0 || args[0] === '-p') {
    const only = args[0] === '-p' ? args.slice(1) : [];
    const list = only.length ? only.map((s) => trapKey(s)).filter((k) => k !== undefined) : [...sh.traps.keys()];
    for (const k of list) {
      const a = sh.traps.get(k!);
      if (a !== undefined) sh.out(`trap -- ${shellQuote(a, true)} ${signalName(k!)}\n`);
    }
    return 0;
  }
  if (args[0] === '-l') {
    sh.out(signalList());
    return 0;
  }
  let action: string | undefined = args[0]!;
  let sigs = args.slice(1);
  // `trap SIG...` with a number first resets those signals
  if (sigs.length === 0 || /^\d+$/.test(action)) {
    if (sigs.length === 0 && !/^\d+$/.test(action) && trapKey(action) === undefined) {
      sh.err(`trap: ${action}: invalid signal specification`);
      return 1;
    }
    sigs = args;
    action = undefined;
  } else if (action === '-') action = undefined;
  let st = 0;
  for (const s of sigs) {
    const k = trapKey(s);
    if (k === undefined) {
      sh.err(`trap: ${s}: invalid signal specification`);
      st = 1;
      continue;
    }
    if (k === SIG.SIGKILL || k === SIG.SIGSTOP) {
      if (action !== undefined) {
        sh.err(`trap: ${s}: cannot trap`);
        st = 1;
      }
      continue;
    }
    sh.setTrap(k, action);
  }
  return st;
}

function trapKey(s: string): number | string | undefined {
  const u = s.toUpperCase();
  if (u === 'EXIT' || u === '0' || u === 'SIGEXIT') return 'EXIT';
  if (u === 'ERR' || u === 'DEBUG' || u === 'RETURN') return u;
  const n = parseSignal(s);
  return n === undefined || n === 0 ? undefined : n;
}

function signalList(): string {
  const out: string[] = [];
  for (let i = 1; i <= 31; i++) out.push(`${String(i).padStart(2)}) SIG${SIGNAMES[i]}`);
  let s = '';
  for (let i = 0; i < out.length; i++) s += out[i] + ((i + 1) % 5 === 0 || i === out.length - 1 ? '\n' : '\t');
  return s;
}

async function kill(sh: Shell, argv: string[]): Promise<number> {
  const args = argv.slice(1);
  let sig = SIG.SIGTERM as number;
  let i = 0;
  if (args[0] === '-l' || args[0] === '-L') {
    if (args.length === 1) {
      sh.out(signalList());
      return 0;
    }
    let st = 0;
    for (const a of args.slice(1)) {
      if (/^\d+$/.test(a)) {
        const n = Number(a) > 128 ? Number(a) - 128 : Number(a);
        if (SIGNAMES[n]) sh.out(`${SIGNAMES[n]}\n`);
        else {
          sh.err(`kill: ${a}: invalid signal specification`);
          st = 1;
        }
      } else {
        const n = parseSignal(a);
        if (n === undefined) {
          sh.err(`kill: ${a}: invalid signal specification`);
          st = 1;
        } else sh.out(`${n}\n`);
      }
    }
    return st;
  }
  if (args[0] === '-s' || args[0] === '-n') {
    const n = args[1] === undefined ? undefined : parseSignal(args[1]);
    if (n === undefined) {
      sh.err(`kill: ${args[1] ?? ''}: invalid signal specification`);
      return 1;
    }
    sig = n;
    i = 2;
  } else if (args[0] && /^-./.test(args[0]) && args[0] !== '--') {
    const n = parseSignal(args[0].slice(1));
    if (n === undefined) {
      sh.err(`kill: ${args[0].slice(1)}: invalid signal specification`);
      return 1;
    }
    sig = n;
    i = 1;
  }
  if (args[i] === '--') i++;
  const targets = args.slice(i);
  if (!targets.length) {
    writeSafe(sh.fds[2], 'kill: usage: kill [-s sigspec | -n signum | -sigspec] pid | jobspec ... or kill -l [sigspec]\n');
    return 2;
  }
  let st = 0;
  for (const t of targets) {
    let pid: number;
    if (t.startsWith('%')) {
      const job = sh.findJob(t);
      if (!job || job.done) {
        sh.err(`kill: ${t}: no such job`);
        st = 1;
        continue;
      }
      pid = job.proc.pid;
    } else if (/^-?\d+$/.test(t)) pid = Math.abs(Number(t));
    else {
      sh.err(`kill: ${t}: arguments must be process or job IDs`);
      st = 1;
      continue;
    }
    const target = pid === 0 ? sh.p : sh.m.procs.get(pid);
    if (!target || target.exited) {
      sh.err(`kill: (${pid}) - No such process`);
      st = 1;
      continue;
    }
    if (sh.p.uid !== 0 && target.uid !== sh.p.uid) {
      sh.err(`kill: (${pid}) - Operation not permitted`);
      st = 1;
      continue;
    }
    if (sig === 0) continue;
    if (sh.sys.ignores(target, sig)) continue;
    // signals whose default action is to ignore them (or stop/continue) never kill
    if ([SIG.SIGCHLD, SIG.SIGCONT, 23, 28].includes(sig as 17) && !target.handled.has(sig)) continue;
    if ((sig === SIG.SIGSTOP || sig === 20 || sig === 21 || sig === 22) && !target.handled.has(sig)) continue;
    sh.m.kill(target, sig);
  }
  // a signal to ourselves takes effect at once
  if (sh.p.pending.length) await sh.runPendingTraps();
  return st;
}

async function wait(sh: Shell, argv: string[]): Promise<number> {
  let args = argv.slice(1);
  let any = false;
  while (args[0] && args[0].startsWith('-') && args[0] !== '--') {
    if (args[0] === '-n') any = true;
    else if (args[0] === '-f') {
      /* no job control: same as plain wait */
    } else {
      sh.err(`wait: ${args[0]}: invalid option`);
      writeSafe(sh.fds[2], 'wait: usage: wait [-fn] [-p var] [id ...]\n');
      return 2;
    }
    args = args.slice(1);
  }
  if (args[0] === '--') args = args.slice(1);
  if (!args.length) {
    const r = await sh.waitJobs('all', any);
    return r === 'signal' ? 130 : r;
  }
  let st = 0;
  for (const a of args) {
    const job = sh.findJob(a);
    if (!job) {
      if (a.startsWith('%')) sh.err(`wait: ${a}: no such job`);
      else if (/^\d+$/.test(a)) sh.err(`wait: pid ${a} is not a child of this shell`);
      else sh.err(`wait: \`${a}': not a pid or valid job spec`);
      st = 127;
      continue;
    }
    const r = await sh.waitJobs([job], any);
    st = r === 'signal' ? 130 : r;
    if (st > 128 && !job.done) return st;
  }
  return st;
}

async function jobs(sh: Shell, argv: string[]): Promise<number> {
  sh.notifyDone();
  const flags = argv.slice(1).filter((a) => a.startsWith('-')).join('');
  const specs = argv.slice(1).filter((a) => !a.startsWith('-'));
  let list = sh.jobs.filter((j) => !j.done);
  if (specs.length) {
    const sel = [];
    for (const s of specs) {
      const j = sh.findJob(s);
      if (!j || j.done) {
        sh.err(`jobs: ${s}: no such job`);
        return 1;
      }
      sel.push(j);
    }
    list = sel;
  }
  const live = sh.jobs.filter((j) => !j.done);
  for (const j of list) {
    if (flags.includes('p')) {
      sh.out(`${j.proc.pid}\n`);
      continue;
    }
    const mark = j === live[live.length - 1] ? '+' : j === live[live.length - 2] ? '-' : ' ';
    const state = j.done ? (j.status === 0 ? 'Done' : `Exit ${j.status}`) : 'Running';
    const pid = flags.includes('l') ? ` ${j.proc.pid}` : ' ';
    sh.out(`[${j.id}]${mark}${pid} ${state.padEnd(24)}${j.text}\n`);
  }
  return 0;
}

/** read [-r] [-p prompt] [-a arr] [-d delim] [-n N] [-N N] [-t T] [-u fd] [-s] [name...] */
async function read(sh: Shell, argv: string[]): Promise<number> {
  let raw = false;
  let prompt = '';
  let arrayName: string | undefined;
  let delim = '\n';
  let nchars: number | undefined;
  let exact = false;
  let timeout: number | undefined;
  let fdn = 0;
  const names: string[] = [];
  const args = argv.slice(1);
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (names.length || !a.startsWith('-') || a === '-') {
      names.push(a);
      continue;
    }
    if (a === '--') {
      names.push(...args.slice(i + 1));
      break;
    }
    for (let k = 1; k < a.length; k++) {
      const c = a[k]!;
      const val = (): string => {
        const rest = a.slice(k + 1);
        k = a.length;
        if (rest) return rest;
        return args[++i] ?? '';
      };
      switch (c) {
        case 'r':
          raw = true;
          break;
        case 's':
        case 'e':
          break;
        case 'p':
          prompt = val();
          break;
        case 'a':
          arrayName = val();
          break;
        case 'd':
          delim = val().slice(0, 1);
          break;
        case 'n':
          nchars = Number(val());
          break;
        case 'N':
          nchars = Number(val());
          exact = true;
          break;
        case 't':
          timeout = Number(val());
          break;
        case 'u':
          fdn = Number(val());
          break;
        case 'i':
          val();
          break;
        default:
          sh.err(`read: -${c}: invalid option`);
          writeSafe(sh.fds[2], 'read: usage: read [-ers] [-a array] [-d delim] [-i text] [-n nchars] [-N nchars] [-p prompt] [-t timeout] [-u fd] [name ...]\n');
          return 2;
      }
    }
  }
  const fd = sh.fds[fdn];
  if (!fd || !fd.readable) {
    sh.err(`read: read error: ${fdn}: Bad file descriptor`);
    return 1;
  }
  if (prompt && sh.interactive) writeSafe(sh.fds[2], prompt);
  const src = fd instanceof InFd ? fd : new StringIn((await sh.readAll(fd)) ?? '');
  let text: string | null = null;
  let found = true;
  const doRead = async (): Promise<void> => {
    for (;;) {
      try {
        if (nchars !== undefined) {
          if (exact) text = await src.readN(sh.p, nchars);
          else {
            const r = await src.readN(sh.p, nchars);
            if (r !== null && r.includes(delim)) {
              const i = r.indexOf(delim);
              src.buf = r.slice(i + 1) + src.buf;
              text = r.slice(0, i);
            } else text = r;
          }
          found = text !== null;
        } else {
          let acc = '';
          for (;;) {
            const r = await src.readUntil(sh.p, delim);
            if (r === null) {
              text = acc || null;
              found = false;
              if (acc) found = false;
              break;
            }
            if (!raw && r.found && r.text.endsWith('\\') && !/\\\\$/.test(r.text.slice(-2)) && delim === '\n') {
              acc += `${r.text.slice(0, -1)}`;
              continue;
            }
            acc += r.text;
            found = r.found;
            text = acc;
            break;
          }
        }
        return;
      } catch (e) {
        if (e instanceof Interrupted) {
          sh.deferSignals();
          await sh.runPendingTraps();
          throw new ReadInterrupted();
        }
        throw e;
      }
    }
  };
  try {
    if (timeout !== undefined) await withDeadline(sh.p, sh.m.now + Math.round(timeout * 1e9), doRead);
    else await doRead();
  } catch (e) {
    if (e instanceof ReadInterrupted) return 128 + (sh.deferred[0] ?? SIG.SIGINT);
    if (e instanceof TimedOut) {
      if (text !== null) names.length ? sh.assign(names[0]!, text) : sh.assign('REPLY', text);
      return 142;
    }
    throw e;
  }
  if (text === null) {
    for (const n of names.length ? names : ['REPLY']) sh.assign(n, '');
    if (arrayName) sh.assignArray(arrayName, []);
    return 1;
  }
  let line: string = text;
  if (!raw) line = line.replace(/\\(.)/g, '$1');
  if (arrayName) {
    sh.assignArray(arrayName, splitIfs(line, sh.ifs(), Infinity));
    return found ? 0 : 1;
  }
  if (!names.length) {
    sh.assign('REPLY', line);
    return found ? 0 : 1;
  }
  const parts = splitIfs(line, sh.ifs(), names.length);
  for (let i = 0; i < names.length; i++) {
    if (!sh.assign(names[i]!, parts[i] ?? '')) return 1;
  }
  return found ? 0 : 1;
}

class ReadInterrupted extends Error {}

/** read's field splitting: the last name gets the rest of the line. */
function splitIfs(line: string, ifs: string, n: number): string[] {
  const ws = [...ifs].filter((c) => ' \t\n'.includes(c)).join('');
  const isWs = (c: string): boolean => ws.includes(c);
  const isIfs = (c: string): boolean => ifs.includes(c);
  let s = line;
  // strip leading/trailing IFS whitespace
  let a = 0;
  while (a < s.length && isWs(s[a]!)) a++;
  let b = s.length;
  while (b > a && isWs(s[b - 1]!)) b--;
  s = s.slice(a, b);
  const out: string[] = [];
  let i = 0;
  while (i <= s.length && out.length < n - 1) {
    let j = i;
    while (j < s.length && !isIfs(s[j]!)) j++;
    if (j >= s.length) {
      out.push(s.slice(i));
      return out;
    }
    out.push(s.slice(i, j));
    // skip the delimiter: whitespace run, optionally one non-ws char, whitespace run
    let k = j;
    while (k < s.length && isWs(s[k]!)) k++;
    if (k < s.length && isIfs(s[k]!) && !isWs(s[k]!) && (k === j || isWs(s[j]!))) {
      k++;
      while (k < s.length && isWs(s[k]!)) k++;
    } else if (k === j) k++;
    i = k;
  }
  if (i <= s.length && out.length < n) {
    let rest = s.slice(i);
    if (n !== Infinity) {
      // a trailing single non-whitespace delimiter is dropped
      if (rest.length && isIfs(rest[rest.length - 1]!) && !isWs(rest[rest.length - 1]!) && !rest.slice(0, -1).split('').some((c) => isIfs(c))) rest = rest.slice(0, -1);
    }
    if (rest !== '' || out.length < n) out.push(rest);
  }
  return n === Infinity ? out.filter((x, idx) => x !== '' || idx < out.length - 1) : out;
}

/** mapfile / readarray [-t] [-n N] [-s N] [-O N] [-d D] [-u FD] [ARRAY] */
async function mapfile(sh: Shell, argv: string[]): Promise<number> {
  let strip = false;
  let count = 0;
  let skip = 0;
  let origin: number | undefined;
  let delim = '\n';
  let fdn = 0;
  let name = 'MAPFILE';
  const a = argv.slice(1);
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    if (x === '-t') strip = true;
    else if (x === '-n') count = Number(a[++i]);
    else if (x === '-s') skip = Number(a[++i]);
    else if (x === '-O') origin = Number(a[++i]);
    else if (x === '-d') delim = (a[++i] ?? '').slice(0, 1);
    else if (x === '-u') fdn = Number(a[++i]);
    else if (x === '-C' || x === '-c') i++;
    else if (x.startsWith('-')) {
      sh.err(`${argv[0]}: ${x}: invalid option`);
      return 2;
    } else name = x;
  }
  const fd = sh.fds[fdn];
  if (!fd || !fd.readable) {
    sh.err(`${argv[0]}: ${fdn}: invalid file descriptor: Bad file descriptor`);
    return 1;
  }
  const src = fd instanceof InFd ? fd : new StringIn(await sh.readAll(fd));
  const lines: string[] = [];
  for (let n = 0; count === 0 || lines.length < count; n++) {
    let r: { text: string; found: boolean } | null;
    try {
      r = await src.readUntil(sh.p, delim);
    } catch (e) {
      if (e instanceof Interrupted) {
        sh.deferSignals();
        continue;
      }
      throw e;
    }
    if (r === null) break;
    if (n < skip) continue;
    lines.push(strip || !r.found ? r.text : r.text + delim);
  }
  if (origin !== undefined) {
    const cur = sh.elements(name);
    const arr: string[] = [];
    cur.forEach((v, i) => (arr[i] = v));
    lines.forEach((v, i) => (arr[origin! + i] = v));
    return sh.assignArray(name, arr) ? 0 : 1;
  }
  return sh.assignArray(name, lines) ? 0 : 1;
}

async function getopts(sh: Shell, argv: string[]): Promise<number> {
  if (argv.length < 3) {
    writeSafe(sh.fds[2], 'getopts: usage: getopts optstring name [arg ...]\n');
    return 2;
  }
  const spec = argv[1]!;
  const name = argv[2]!;
  const params = argv.length > 3 ? argv.slice(3) : sh.positional;
  const silent = spec.startsWith(':');
  const opts = silent ? spec.slice(1) : spec;
  let ind = Number(sh.get('OPTIND') ?? '1') || 1;
  const st = sh as Shell & { optPos?: number };
  let pos = st.optPos ?? 1;
  const arg = params[ind - 1];
  if (arg === undefined || !arg.startsWith('-') || arg === '-') {
    sh.assign(name, '?');
    return 1;
  }
  if (arg === '--') {
    sh.assign('OPTIND', String(ind + 1));
    sh.assign(name, '?');
    return 1;
  }
  const c = arg[pos]!;
  const next = (): void => {
    pos++;
    if (pos >= arg.length) {
      ind++;
      pos = 1;
    }
  };
  const i = opts.indexOf(c);
  if (i < 0 || c === ':') {
    next();
    sh.assign('OPTIND', String(ind));
    st.optPos = pos;
    if (silent) {
      sh.assign(name, '?');
      sh.assign('OPTARG', c);
    } else {
      sh.err(`illegal option -- ${c}`);
      sh.assign(name, '?');
      sh.unset('OPTARG');
    }
    return 0;
  }
  if (opts[i + 1] === ':') {
    let val: string | undefined;
    if (pos + 1 < arg.length) {
      val = arg.slice(pos + 1);
      ind++;
    } else {
      val = params[ind];
      ind += 2;
    }
    pos = 1;
    sh.assign('OPTIND', String(ind));
    st.optPos = pos;
    if (val === undefined) {
      if (silent) {
        sh.assign(name, ':');
        sh.assign('OPTARG', c);
      } else {
        sh.err(`option requires an argument -- ${c}`);
        sh.assign(name, '?');
      }
      return 0;
    }
    sh.assign(name, c);
    sh.assign('OPTARG', val);
    return 0;
  }
  next();
  sh.assign('OPTIND', String(ind));
  st.optPos = pos;
  sh.assign(name, c);
  sh.unset('OPTARG');
  return 0;
}

function kindOf(sh: Shell, name: string): { kind: 'alias' | 'keyword' | 'function' | 'builtin' | 'file'; path?: string } | undefined {
  if (sh.aliases.has(name)) return { kind: 'alias' };
  if (KEYWORDS.has(name)) return { kind: 'keyword' };
  if (sh.funcs.has(name)) return { kind: 'function' };
  if (BUILTINS[name]) return { kind: 'builtin' };
  const f = sh.sys.find(name, sh.p, sh.get('PATH') ?? DEFAULT_PATH, sh.cwd);
  if (f) return { kind: 'file', path: f.path };
  return undefined;
}

async function command(sh: Shell, argv: string[]): Promise<number> {
  let args = argv.slice(1);
  let v = false;
  let V = false;
  while (args[0] && /^-[pvV]+$/.test(args[0])) {
    if (args[0].includes('v')) v = true;
    if (args[0].includes('V')) V = true;
    args = args.slice(1);
  }
  if (args[0] === '--') args = args.slice(1);
  if (!args.length) return 0;
  if (v || V) {
    let st = 0;
    for (const n of args) {
      const k = kindOf(sh, n);
      if (!k) {
        if (V) sh.err(`command: ${n}: not found`);
        st = 1;
        continue;
      }
      if (v) sh.out(`${k.kind === 'file' ? k.path : n}\n`);
      else sh.out(describe(n, k));
    }
    return st;
  }
  return sh.dispatch(args, {}, null, true);
}

function describe(n: string, k: { kind: string; path?: string }): string {
  switch (k.kind) {
    case 'alias':
      return `${n} is aliased\n`;
    case 'keyword':
      return `${n} is a shell keyword\n`;
    case 'function':
      return `${n} is a function\n`;
    case 'builtin':
      return `${n} is a shell builtin\n`;
    default:
      return `${n} is ${k.path}\n`;
  }
}

async function type(sh: Shell, argv: string[]): Promise<number> {
  let args = argv.slice(1);
  let t = false;
  let p = false;
  while (args[0] && /^-[tpaPf]+$/.test(args[0])) {
    if (args[0].includes('t')) t = true;
    if (args[0].includes('p') || args[0].includes('P')) p = true;
    args = args.slice(1);
  }
  let st = 0;
  for (const n of args) {
    const k = kindOf(sh, n);
    if (!k) {
      if (!t && !p) sh.err(`type: ${n}: not found`);
      st = 1;
      continue;
    }
    if (t) sh.out(`${k.kind}\n`);
    else if (p) {
      if (k.kind === 'file') sh.out(`${k.path}\n`);
    } else sh.out(describe(n, k));
  }
  return st;
}

async function letB(sh: Shell, argv: string[]): Promise<number> {
  if (argv.length < 2) {
    sh.err('let: expression expected');
    return 1;
  }
  let v = 0n;
  for (const e of argv.slice(1)) {
    try {
      v = await sh.arithText(e);
    } catch (err) {
      if (err instanceof AbortCommand) return 1;
      throw err;
    }
  }
  return v !== 0n ? 0 : 1;
}

async function builtinB(sh: Shell, argv: string[]): Promise<number> {
  const name = argv[1];
  if (!name) return 0;
  const b = BUILTINS[name];
  if (!b) {
    sh.err(`builtin: ${name}: not a shell builtin`);
    return 1;
  }
  return b(sh, argv.slice(1));
}

async function alias(sh: Shell, argv: string[]): Promise<number> {
  if (argv.length === 1) {
    for (const [k, v] of [...sh.aliases].sort()) sh.out(`alias ${k}=${shellQuote(v, true)}\n`);
    return 0;
  }
  let st = 0;
  for (const a of argv.slice(1)) {
    const i = a.indexOf('=');
    if (i < 0) {
      const v = sh.aliases.get(a);
      if (v === undefined) {
        sh.err(`alias: ${a}: not found`);
        st = 1;
      } else sh.out(`alias ${a}=${shellQuote(v, true)}\n`);
    } else sh.aliases.set(a.slice(0, i), a.slice(i + 1));
  }
  return st;
}

async function unalias(sh: Shell, argv: string[]): Promise<number> {
  for (const a of argv.slice(1)) {
    if (a === '-a') sh.aliases.clear();
    else sh.aliases.delete(a);
  }
  return 0;
}

async function umask(sh: Shell, argv: string[]): Promise<number> {
  if (argv.length === 1) sh.out('0022\n');
  return 0;
}

async function times(sh: Shell): Promise<number> {
  sh.out('0m0.000s 0m0.000s\n0m0.000s 0m0.000s\n');
  return 0;
}

async function hash(sh: Shell, argv: string[]): Promise<number> {
  if (argv.length === 1) sh.out('hash: hash table empty\n');
  return 0;
}

async function caller(sh: Shell): Promise<number> {
  if (sh.funcDepth === 0) return 1;
  sh.out(`${sh.lineno} main\n`);
  return 0;
}

async function help(sh: Shell): Promise<number> {
  sh.out(`GNU bash, version 5.2.15(1)-release (x86_64-pc-linux-gnu) (nsemu)\nBuiltins: ${Object.keys(BUILTINS).sort().join(' ')}\n`);
  return 0;
}

export const BUILTINS: Record<string, Builtin> = {
  ':': async () => 0,
  true: async () => 0,
  false: async () => 1,
  echo,
  printf,
  cd,
  pwd,
  exit,
  return: returnB,
  break: loopCtl('break'),
  continue: loopCtl('continue'),
  shift,
  set: setB,
  shopt,
  unset: unsetB,
  export: declLike('export'),
  readonly: declLike('readonly'),
  declare: declLike('declare'),
  typeset: declLike('typeset'),
  local: declLike('local'),
  eval: evalB,
  source,
  '.': source,
  exec: execB,
  trap,
  kill,
  wait,
  jobs,
  read,
  getopts,
  mapfile,
  readarray: mapfile,
  command,
  type,
  let: letB,
  builtin: builtinB,
  alias,
  unalias,
  umask,
  ulimit: async (sh, argv) => {
    if (argv.length === 1 || argv.includes('-n')) sh.out(argv.includes('-n') ? '1024\n' : 'unlimited\n');
    return 0;
  },
  times,
  hash,
  caller,
  help,
  test: testBuiltin,
  '[': testBuiltin,
  enable: async () => 0,
  disown: async (sh) => {
    sh.jobs = [];
    return 0;
  },
  suspend: async () => 1,
  logout: async (sh) => {
    throw new ExitShell(sh.status);
  },
};
