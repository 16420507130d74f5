// The bash interpreter: walks the AST of ast.ts. One Shell object per shell process; a fork
// (subshell, pipeline stage, background job, command substitution) clones it into a child
// Process. Builtins run in the shell's own process; programs run as child Processes (or in the
// same process when bash would exec them: the last command of a subshell). Every wait goes
// through Machine.block / waitExit, so virtual time advances only when all processes wait.
import { Killed, SIG, WaitQueue, type Machine, type Process } from '../kernel/machine.ts';
import { parse, parseScript, ShellSyntaxError, stmtText, type Arith, type Cmd, type IfCmd, type ParamExp, type Redir, type Stmt, type TestExpr, type Word, type WordPart } from './ast.ts';
import { ArithError, evalArith, evalArithText, type ArithEnv } from './arith.ts';
import { escapeGlob, globMatch, hasGlob, replacePattern, trimPattern, unescapeGlob } from './pattern.ts';
import { Fd, FdError, FileInOut, FileOut, InFd, Interrupted, NullFd, Pipe, StringIn, TermOut, TtyIn } from './streams.ts';
import { DEFAULT_PATH, errReason, System, writeSafe, type Found } from './system.ts';
import { FsError, normPath, toText } from './vfs.ts';
import { BUILTINS, SPECIAL_BUILTINS } from './builtins.ts';
import { fileTest, FILE_OPS } from './test.ts';

export type Dialect = 'bash' | 'sh';

/** `exit`, or an error that ends the shell (set -e, set -u, ${x:?}). */
export class ExitShell {
  constructor(readonly status: number) {}
}
export class ReturnSignal {
  constructor(readonly status: number) {}
}
export class LoopSignal {
  constructor(
    readonly kind: 'break' | 'continue',
    public levels: number,
  ) {}
}
/** An expansion error (bad substitution, division by 0): abandons the current command line. */
export class AbortCommand {
  constructor(readonly status: number) {}
}
/** Ctrl-C in the interactive shell: abandons the whole input. */
export class InterruptInput {}

const yieldNow: () => Promise<void> =
  typeof setImmediate === 'function' ? () => new Promise((r) => setImmediate(r)) : () => new Promise((r) => setTimeout(r, 0));
/** statements run by all shells; every so many the interpreter lets the host's event loop run */
let stepCounter = 0;

type Value = string | string[] | Map<string, string>;
export interface Var {
  value: Value | undefined;
  exported?: boolean;
  readonly?: boolean;
  integer?: boolean;
  lower?: boolean;
  upper?: boolean;
}

/** A piece of an expanded word: q = quoted (no splitting, literal for globbing). */
interface Seg {
  s: string;
  q: boolean;
  split: boolean;
}
/** field break ("$@" between two parameters) */
const BRK = null;
type SegOrBrk = Seg | null;

export interface Job {
  id: number;
  proc: Process;
  text: string;
  done: boolean;
  status: number;
}

export const SIGNALS: Record<string, number> = {
  HUP: 1, INT: 2, QUIT: 3, ILL: 4, TRAP: 5, ABRT: 6, BUS: 7, FPE: 8, KILL: 9, USR1: 10, SEGV: 11, USR2: 12, PIPE: 13,
  ALRM: 14, TERM: 15, STKFLT: 16, CHLD: 17, CONT: 18, STOP: 19, TSTP: 20, TTIN: 21, TTOU: 22, URG: 23, XCPU: 24, XFSZ: 25,
  VTALRM: 26, PROF: 27, WINCH: 28, IO: 29, PWR: 30, SYS: 31,
};
export const SIGNAMES: Record<number, string> = Object.fromEntries(Object.entries(SIGNALS).map(([k, v]) => [v, k]));

/** Parse a signal spec: 15, TERM, SIGTERM, term. */
export function parseSignal(spec: string): number | undefined {
  if (/^\d+$/.test(spec)) {
    const n = Number(spec);
    return n >= 0 && n <= 64 ? n : undefined;
  }
  const up = spec.toUpperCase().replace(/^SIG/, '');
  return SIGNALS[up];
}

/** Quote a word as bash's xtrace and ${x@Q} do. */
export function shellQuote(s: string, always = false): string {
  if (!always && s !== '' && /^[A-Za-z0-9_@%+=:,./-]+$/.test(s)) return s;
  if (/[\x00-\x1f\x7f]/.test(s)) {
    return `$'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\n/g, '\\n').replace(/\t/g, '\\t').replace(/\r/g, '\\r').replace(/[\x00-\x1f\x7f]/g, (c) => `\\${c.charCodeAt(0).toString(8).padStart(3, '0')}`)}'`;
  }
  return `'${s.replace(/'/g, "'\\''")}'`;
}

const NAME_RE = /^[A-Za-z_][A-Za-z0-9_]*$/;
const DEFAULT_IFS = ' \t\n';
/** Unquoted literal text that expands to itself (no backslash, tilde, brace or pattern). */
const PLAIN_LIT = /^[^\\~*?[{(]*$/;
/** Unquoted text that pathname expansion would look at (globField's test). */
const GLOB_ACTIVE = /[*?[]|[@!+]\(/;
/** Names that get() computes (special() answers them), some with effects ($RANDOM). */
const DYNAMIC_PARAMS = new Set(['_', 'RANDOM', 'SECONDS', 'EPOCHSECONDS', 'EPOCHREALTIME', 'LINENO', 'BASHPID', 'PIPESTATUS', 'FUNCNAME', 'BASH_SOURCE']);
/** Per-command: how to run a function body. */
interface FuncDef {
  body: Stmt;
  line: number;
  /** what bash calls the file a function came from in messages: the script, "main" (stdin), "environment" (-c) */
  src: string;
}

/** strsignal(3) texts, as bash prints them for a command killed by a signal */
export const SIGDESC: Record<number, string> = {
  1: 'Hangup', 2: 'Interrupt', 3: 'Quit', 4: 'Illegal instruction', 5: 'Trace/breakpoint trap', 6: 'Aborted', 7: 'Bus error',
  8: 'Floating point exception', 9: 'Killed', 10: 'User defined signal 1', 11: 'Segmentation fault', 12: 'User defined signal 2',
  13: 'Broken pipe', 14: 'Alarm clock', 15: 'Terminated', 16: 'Stack fault', 17: 'Child exited', 18: 'Continued',
  19: 'Stopped (signal)', 20: 'Stopped', 21: 'Stopped (tty input)', 22: 'Stopped (tty output)', 23: 'Urgent I/O condition',
  24: 'CPU time limit exceeded', 25: 'File size limit exceeded', 26: 'Virtual timer expired', 27: 'Profiling timer expired',
  28: 'Window changed', 29: 'I/O possible', 30: 'Power failure', 31: 'Bad system call',
};

export interface ShellInit {
  fds: (Fd | undefined)[];
  env: Record<string, string>;
  cwd: string;
  dialect?: Dialect;
  /** $0 and the prefix of error messages */
  name?: string;
  interactive?: boolean;
}

export class Shell {
  readonly m: Machine;
  dialect: Dialect;
  name: string;
  interactive: boolean;
  scopes: Map<string, Var>[] = [new Map()];
  funcs = new Map<string, FuncDef>();
  positional: string[] = [];
  opts = { errexit: false, nounset: false, xtrace: false, pipefail: false, noglob: false, noclobber: false, allexport: false, verbose: false, noexec: false, hashall: true, braceexpand: true, monitor: false, notify: false, onecmd: false, posix: false, emacs: false, vi: false, histexpand: false, interactivecomments: true, physical: false, privileged: false, functrace: false, errtrace: false, ignoreeof: false, keyword: false, history: false, nolog: false };
  shopt: Record<string, boolean> = { nullglob: false, failglob: false, extglob: true, dotglob: false, nocaseglob: false, nocasematch: false, lastpipe: false, expand_aliases: false, globstar: false, xpg_echo: false, inherit_errexit: false, sourcepath: true, checkwinsize: false };
  traps = new Map<number | string, string>();
  fds: (Fd | undefined)[] = [];
  cwd: string;
  status = 0;
  lastBg: number | undefined;
  jobs: Job[] = [];
  nextJobId = 1;
  readonly childQ = new WaitQueue();
  funcDepth = 0;
  funcNames: string[] = [];
  sourceDepth = 0;
  loopDepth = 0;
  errexitOff = 0;
  lineno = 0;
  lineBase = 0;
  substLevel = 0;
  execStmt: Stmt | null = null;
  /** `bash -c 'one command'` execs that command */
  execSingle = false;
  /** where bash says a killed foreground command was (the end line of the top-level command) */
  reportLine = 0;
  /** the source name functions defined now will carry (see FuncDef.src) */
  srcName = '';
  /** the source name of the function running now */
  funcSrc = '';
  /** process substitutions whose /dev/fd/N the current command may still open */
  procSubstOpen: [string, Fd][] = [];
  inTrap = 0;
  deferred: number[] = [];
  pipestatus: number[] = [0];
  isSubshell = false;
  rootPid: number;
  startNs: number;
  lastSubst = 0;
  lastArg = '';
  rematch: string[] = [];
  aliases = new Map<string, string>();

  constructor(
    readonly sys: System,
    public p: Process,
    init: ShellInit,
  ) {
    this.m = sys.m;
    this.dialect = init.dialect ?? 'bash';
    this.name = init.name ?? (this.dialect === 'sh' ? 'sh' : 'bash');
    this.interactive = !!init.interactive;
    this.fds = init.fds.map((f) => f?.ref());
    this.cwd = init.cwd;
    this.rootPid = p.pid;
    this.startNs = this.m.now;
    const g = this.scopes[0]!;
    for (const [k, v] of Object.entries(init.env)) g.set(k, { value: v, exported: true });
    const def = (k: string, v: string, exported = false): void => {
      if (!g.has(k)) g.set(k, { value: v, exported });
    };
    def('PATH', DEFAULT_PATH, true);
    def('HOME', '/root', true);
    def('IFS', DEFAULT_IFS);
    def('PS4', '+ ');
    def('PS1', '\\s-\\v\\$ ');
    def('PS2', '> ');
    def('OPTIND', '1');
    def('SHELL', '/bin/bash', true);
    g.set('PWD', { value: this.cwd, exported: true });
    if (this.dialect === 'bash') {
      def('BASH', '/usr/bin/bash');
      g.set('BASH_VERSION', { value: '5.2.15(1)-release' });
      g.set('BASH_VERSINFO', { value: ['5', '2', '15', '1', 'release', 'x86_64-pc-linux-gnu'], readonly: true });
      def('HOSTTYPE', 'x86_64');
      def('OSTYPE', 'linux-gnu');
      def('MACHTYPE', 'x86_64-pc-linux-gnu');
      def('HOSTNAME', 'nsemu');
      g.set('UID', { value: String(p.uid), readonly: true });
      g.set('EUID', { value: String(p.uid), readonly: true });
      g.set('PPID', { value: String(p.ppid), readonly: true });
      const lvl = Number(init.env.SHLVL ?? '0');
      g.set('SHLVL', { value: String(Number.isFinite(lvl) ? lvl + 1 : 1), exported: true });
    }
    sys.setCwd(p, this.cwd);
  }

  // ---- forks -----------------------------------------------------------------------------

  /** A copy of this shell's state for a subshell (descriptors get a new reference). */
  clone(): Shell {
    const c = Object.create(Shell.prototype) as Shell;
    Object.assign(c, this);
    (c as { childQ: WaitQueue }).childQ = new WaitQueue();
    c.scopes = this.scopes.map((s) => {
      const n = new Map<string, Var>();
      for (const [k, v] of s) n.set(k, { ...v, value: Array.isArray(v.value) ? [...v.value] : v.value instanceof Map ? new Map(v.value) : v.value });
      return n;
    });
    c.funcs = new Map(this.funcs);
    c.positional = [...this.positional];
    c.opts = { ...this.opts };
    c.shopt = { ...this.shopt };
    // ignored signals stay ignored in a subshell (not the interactive shell's own ignores)
    c.traps = this.interactive && !this.isSubshell ? new Map() : new Map([...this.traps].filter(([, a]) => a === ''));
    c.fds = this.fds.map((f) => f?.ref());
    c.jobs = [];
    c.funcNames = [...this.funcNames];
    c.deferred = [];
    c.pipestatus = [...this.pipestatus];
    c.aliases = new Map(this.aliases);
    c.procSubstOpen = [];
    c.isSubshell = true;
    c.execStmt = null;
    c.inTrap = 0;
    c.arithEnv_ = undefined;
    return c;
  }

  /**
   * Run body in a forked child process. fdOverride replaces descriptors of the child.
   * onDone is called with the child's status when it finishes.
   */
  fork(body: (c: Shell) => Promise<number>, fdOverride?: Record<number, Fd | undefined>, onDone?: (st: number) => void): Process {
    const c = this.clone();
    if (fdOverride) {
      for (const [k, fd] of Object.entries(fdOverride)) {
        const n = Number(k);
        c.fds[n]?.unref();
        c.fds[n] = fd?.ref();
      }
    }
    const proc = this.m.spawn({ parent: this.p, comm: this.p.comm }, async (p) => {
      c.p = p;
      const av = this.sys.argv.get(this.p);
      if (av) this.sys.argv.set(p, av);
      this.sys.setCwd(p, c.cwd);
      for (const [sig, a] of c.traps) {
        if (typeof sig === 'number' && a === '') {
          p.handled.add(sig);
          this.sys.ignore(p, sig, true);
        }
      }
      let st = 1;
      try {
        st = await c.runAsChild(body);
      } catch (e) {
        if (e instanceof Killed) {
          this.sys.termsig.set(p, e.sig);
          onDone?.(128 + e.sig);
        }
        throw e;
      } finally {
        c.closeAll();
      }
      onDone?.(st);
      return st;
    });
    return proc;
  }

  closeAll(): void {
    for (const f of this.fds) f?.unref();
    this.fds = [];
  }

  /** The body of a forked subshell: exit statuses, its own EXIT trap, death by signal. */
  async runAsChild(body: (c: Shell) => Promise<number>): Promise<number> {
    return this.runExitTrap(await this.settle(() => body(this)));
  }

  /** Run a shell's body to its end status: `exit`, an aborted line, a stray `return`/`break`
   *  end it normally; death by a signal runs the EXIT trap (unless SIGKILL) and goes on up. */
  private async settle(body: () => Promise<number>): Promise<number> {
    try {
      return await body();
    } catch (e) {
      if (e instanceof ExitShell || e instanceof AbortCommand || e instanceof ReturnSignal) return e.status;
      if (e instanceof LoopSignal) return this.status;
      if (e instanceof Killed && e.sig !== SIG.SIGKILL) {
        this.dropSignal(e.sig);
        await this.runExitTrap(128 + e.sig).catch(() => 0);
      }
      throw e;
    }
  }

  /** Forget a pending signal (the one the shell is dying of, so its EXIT trap can run). */
  dropSignal(sig: number): void {
    for (let i = this.p.pending.indexOf(sig); i >= 0; i = this.p.pending.indexOf(sig)) this.p.pending.splice(i, 1);
    this.deferred = this.deferred.filter((s) => s !== sig);
  }

  /** Run and clear the EXIT trap; returns the shell's final status. */
  async runExitTrap(status: number): Promise<number> {
    const action = this.traps.get('EXIT');
    if (action === undefined || action === '') return status;
    this.traps.delete('EXIT');
    this.status = status;
    try {
      await this.runTrapAction(action);
    } catch (e) {
      if (e instanceof ExitShell) return e.status;
      if (e instanceof AbortCommand || e instanceof ReturnSignal || e instanceof LoopSignal) return status;
      throw e;
    }
    return status;
  }

  // ---- messages ----------------------------------------------------------------------------

  /** "script.sh: line 3: " (bash) or "sh: 3: " (dash), or "bash: " interactively */
  prefix(line = this.lineno): string {
    if (this.dialect === 'sh') return `${this.name}: ${line}: `;
    if (this.interactive) return 'bash: ';
    return `${this.funcDepth > 0 && this.funcSrc ? this.funcSrc : this.name}: line ${line}: `;
  }

  err(msg: string): void {
    writeSafe(this.fds[2], `${this.prefix()}${msg}\n`);
  }

  out(s: string): void {
    const fd = this.fds[1];
    if (!fd) throw new FdError('EBADF');
    fd.write(s);
  }

  // ---- variables ---------------------------------------------------------------------------

  lookup(name: string): Var | undefined {
    for (let i = this.scopes.length - 1; i >= 0; i--) {
      const v = this.scopes[i]!.get(name);
      if (v) return v;
    }
    return undefined;
  }

  /** A parameter's scalar value ($x, $1, $?, ${arr} = ${arr[0]}); undefined if unset. */
  get(name: string): string | undefined {
    const sp = this.special(name);
    if (sp !== null) return sp;
    const v = this.lookup(name);
    if (!v || v.value === undefined) return undefined;
    if (typeof v.value === 'string') return v.value;
    if (Array.isArray(v.value)) return v.value[0];
    return v.value.get('0');
  }

  /** Special parameters; null if name is not one. */
  special(name: string): string | undefined | null {
    if (name.length === 1 || /^\d+$/.test(name)) {
      switch (name) {
        case '?':
          return String(this.status);
        case '$':
          return String(this.rootPid);
        case '!':
          return this.lastBg === undefined ? undefined : String(this.lastBg);
        case '#':
          return String(this.positional.length);
        case '0':
          return this.name;
        case '-':
          return this.flagString();
        case '@':
        case '*':
          return this.positional.length ? this.positional.join(name === '*' ? this.ifs0() : ' ') : undefined;
        case '_':
          return this.lastArg;
        default:
          if (/^\d+$/.test(name)) return this.positional[Number(name) - 1];
      }
      return null;
    }
    switch (name) {
      case 'RANDOM':
        return String(Math.floor(this.sys.random() * 32768));
      case 'SECONDS':
        return String(Math.floor((this.m.now - this.startNs) / 1e9));
      case 'EPOCHSECONDS':
        return String(1704067200 + Math.floor(this.m.now / 1e9));
      case 'EPOCHREALTIME':
        return (1704067200 + this.m.now / 1e9).toFixed(6);
      case 'LINENO':
        return String(this.lineno);
      case 'BASHPID':
        return String(this.p.pid);
      case 'PIPESTATUS':
        return String(this.pipestatus[0] ?? 0);
      case 'FUNCNAME':
        return this.funcNames.length ? this.funcNames[this.funcNames.length - 1] : undefined;
      case 'BASH_SOURCE':
        return this.bashSource();
      default:
        return null;
    }
  }

  /** ${BASH_SOURCE[0]}: the file the running code came from ("" for -c and stdin) */
  bashSource(): string | undefined {
    if (this.dialect !== 'bash') return undefined;
    const src = this.funcDepth > 0 && this.funcSrc ? this.funcSrc : this.srcName;
    return src === 'environment' || src === 'main' ? '' : src || undefined;
  }

  flagString(): string {
    let f = '';
    if (this.opts.errexit) f += 'e';
    if (this.opts.noglob) f += 'f';
    f += 'h';
    if (this.interactive) f += 'i';
    if (this.opts.noexec) f += 'n';
    if (this.opts.nounset) f += 'u';
    if (this.opts.xtrace) f += 'x';
    if (this.dialect === 'bash') f += 'B';
    if (this.opts.noclobber) f += 'C';
    return f;
  }

  ifs(): string {
    const v = this.lookup('IFS');
    if (!v) return DEFAULT_IFS;
    return typeof v.value === 'string' ? v.value : v.value === undefined ? DEFAULT_IFS : '';
  }

  ifs0(): string {
    const i = this.ifs();
    return i === '' ? '' : i[0]!;
  }

  /** Array-aware read: elements of an indexed/assoc array, or [scalar]. */
  elements(name: string): string[] {
    if (name === '@' || name === '*') return [...this.positional];
    if (name === 'PIPESTATUS') return this.pipestatus.map(String);
    if (name === 'FUNCNAME') return [...this.funcNames].reverse();
    if (name === 'BASH_SOURCE') {
      const b = this.bashSource();
      return b === undefined ? [] : [b];
    }
    if (name === 'BASH_REMATCH') return [...this.rematch];
    const v = this.lookup(name);
    if (!v || v.value === undefined) {
      const s = this.get(name);
      return s === undefined ? [] : [s];
    }
    if (typeof v.value === 'string') return [v.value];
    if (Array.isArray(v.value)) return v.value.filter((x) => x !== undefined);
    return [...v.value.values()];
  }

  keys(name: string): string[] {
    const v = this.lookup(name);
    if (!v || v.value === undefined) return [];
    if (typeof v.value === 'string') return ['0'];
    if (Array.isArray(v.value)) return Object.keys(v.value);
    return [...v.value.keys()];
  }

  element(name: string, index: string): string | undefined {
    if (name === 'PIPESTATUS') return this.pipestatus.map(String)[Number(index)];
    if (name === 'BASH_REMATCH') return this.rematch[Number(index)];
    if (name === 'FUNCNAME') return [...this.funcNames].reverse()[Number(index)];
    const v = this.lookup(name);
    if (!v || v.value === undefined) {
      if (index === '0') return this.get(name);
      return undefined;
    }
    if (v.value instanceof Map) return v.value.get(index);
    let i = Number(index);
    if (typeof v.value === 'string') return i === 0 ? v.value : undefined;
    if (i < 0) i += v.value.length;
    return v.value[i];
  }

  isAssoc(name: string): boolean {
    return this.lookup(name)?.value instanceof Map;
  }

  /** Assign a scalar (or an element when index is given). Returns false (and says why) if readonly. */
  assign(name: string, value: string, opts: { index?: string; local?: boolean; append?: boolean } = {}): boolean {
    let v = opts.local ? this.scopes[this.scopes.length - 1]!.get(name) : this.lookup(name);
    if (v?.readonly) {
      this.err(`${name}: readonly variable`);
      return false;
    }
    if (!v) {
      v = { value: undefined };
      (opts.local ? this.scopes[this.scopes.length - 1]! : this.scopes[0]!).set(name, v);
      if (this.opts.allexport) v.exported = true;
    }
    if (v.lower) value = value.toLowerCase();
    if (v.upper) value = value.toUpperCase();
    if (opts.index !== undefined) {
      if (v.value instanceof Map) {
        v.value.set(opts.index, opts.append ? (v.value.get(opts.index) ?? '') + value : value);
      } else {
        const arr: string[] = Array.isArray(v.value) ? v.value : v.value === undefined ? [] : [v.value];
        let i = Number(opts.index);
        if (i < 0) i += arr.length;
        arr[i] = opts.append ? (arr[i] ?? '') + value : value;
        v.value = arr;
      }
      return true;
    }
    if (Array.isArray(v.value)) {
      v.value[0] = opts.append ? (v.value[0] ?? '') + value : value;
    } else if (v.value instanceof Map) {
      v.value.set('0', opts.append ? (v.value.get('0') ?? '') + value : value);
    } else v.value = opts.append && typeof v.value === 'string' ? v.value + value : value;
    if (name === 'PWD') this.cwd = value;
    return true;
  }

  assignArray(name: string, values: string[] | Map<string, string>, opts: { local?: boolean; append?: boolean } = {}): boolean {
    let v = opts.local ? this.scopes[this.scopes.length - 1]!.get(name) : this.lookup(name);
    if (v?.readonly) {
      this.err(`${name}: readonly variable`);
      return false;
    }
    if (!v) {
      v = { value: undefined };
      (opts.local ? this.scopes[this.scopes.length - 1]! : this.scopes[0]!).set(name, v);
    }
    if (opts.append) {
      if (values instanceof Map) {
        const cur = v.value instanceof Map ? v.value : new Map<string, string>();
        for (const [k, x] of values) cur.set(k, x);
        v.value = cur;
      } else {
        const cur = Array.isArray(v.value) ? v.value : v.value === undefined ? [] : [String(v.value)];
        cur.push(...values);
        v.value = cur;
      }
    } else v.value = values;
    return true;
  }

  unset(name: string): boolean {
    for (let i = this.scopes.length - 1; i >= 0; i--) {
      const v = this.scopes[i]!.get(name);
      if (v) {
        if (v.readonly) {
          this.err(`unset: ${name}: cannot unset: readonly variable`);
          return false;
        }
        if (i > 0) v.value = undefined;
        else this.scopes[i]!.delete(name);
        return true;
      }
    }
    return true;
  }

  /** The environment given to programs: exported variables (plus temporary assignments). */
  environ(extra?: Record<string, string>): Record<string, string> {
    const env: Record<string, string> = {};
    for (const s of this.scopes) {
      for (const [k, v] of s) {
        if (v.exported) {
          if (typeof v.value === 'string') env[k] = v.value;
          else delete env[k];
        }
      }
    }
    if (extra) Object.assign(env, extra);
    return env;
  }

  varNames(): string[] {
    const s = new Set<string>();
    for (const sc of this.scopes) for (const [k, v] of sc) if (v.value !== undefined) s.add(k);
    return [...s].sort();
  }

  arithEnv(): ArithEnv {
    return (this.arithEnv_ ??= new ShellArithEnv(this));
  }
  private arithEnv_: ArithEnv | undefined;

  async arith(x: Arith | null, text = ''): Promise<bigint> {
    if (!x) return 0n;
    try {
      return await evalArith(x, this.arithEnv());
    } catch (e) {
      if (e instanceof ArithError) {
        this.arithFail(e, text);
      }
      throw e;
    }
  }

  async arithText(s: string): Promise<bigint> {
    try {
      return await evalArithText(s, this.arithEnv());
    } catch (e) {
      if (e instanceof ArithError) this.arithFail(e, s);
      throw e;
    }
  }

  arithFail(e: ArithError, text: string): never {
    if (/unbound variable/.test(e.message)) {
      this.err(e.message);
      throw new ExitShell(this.interactive ? 1 : 127);
    }
    const expr = (e.expr || text).trim();
    const tok = e.token || expr;
    this.err(`${expr}: ${e.message} (error token is "${tok}")`);
    throw new AbortCommand(1);
  }

  // ---- running ---------------------------------------------------------------------------

  /** Run parsed top-level statements: an expansion error abandons the rest of its line. */
  async runTop(stmts: Stmt[]): Promise<number> {
    let skipLine = -1;
    for (const st of stmts) {
      if (st.line === skipLine) continue;
      if (this.funcDepth === 0) this.reportLine = st.endLine + this.lineBase;
      try {
        await this.runStmt(st);
      } catch (e) {
        if (e instanceof AbortCommand) {
          this.status = e.status;
          skipLine = st.line;
          continue;
        }
        throw e;
      }
    }
    return this.status;
  }

  /** Run a parsed chunk of a script read line by line, its line numbers counted from `start`. */
  private async runChunkAt(chunk: Stmt[], start: number): Promise<void> {
    const saved = this.lineBase;
    this.lineBase = start;
    try {
      await this.runTop(chunk);
    } finally {
      this.lineBase = saved;
    }
  }

  /** One pass of a loop's body: its status, or the `break`/`continue` aimed at this loop
   *  (one aimed further out goes on up with a level less). */
  private async loopBody(body: Stmt[]): Promise<number | 'break' | 'continue'> {
    try {
      return await this.runStmts(body);
    } catch (e) {
      if (!(e instanceof LoopSignal)) throw e;
      if (e.levels > 1) {
        e.levels--;
        throw e;
      }
      return e.kind;
    }
  }

  async runStmts(stmts: Stmt[]): Promise<number> {
    for (const st of stmts) await this.runStmt(st);
    return this.status;
  }

  async runStmt(st: Stmt): Promise<number> {
    // A shell loop that never blocks must not starve the host (Ctrl-C in nsemu shell, output
    // flushing): it stays runnable for the Machine, so virtual time and determinism are untouched.
    if (++stepCounter % 4096 === 0) await yieldNow();
    if (this.p.pending.length || this.deferred.length) await this.runPendingTraps();
    this.lineno = st.line + this.lineBase;
    if (this.opts.noexec && !this.interactive) return 0;
    if (st.bg) {
      this.runBackground(st);
      this.status = 0;
      return 0;
    }
    let status: number;
    const psMark = this.procSubstOpen.length;
    try {
      if (st.neg) {
        this.errexitOff++;
        try {
          status = await this.runCmd(st);
        } finally {
          this.errexitOff--;
        }
        status = status === 0 ? 1 : 0;
      } else status = await this.runCmd(st);
    } finally {
      if (this.procSubstOpen.length > psMark) this.closeProcSubst(psMark);
    }
    this.status = status;
    if (status !== 0 && !st.neg && this.errexitOff === 0 && st.cmd && errexitApplies(st.cmd)) {
      const errTrap = this.traps.get('ERR');
      if (errTrap) await this.runTrapAction(errTrap);
      if (this.opts.errexit) throw new ExitShell(status);
    }
    if (this.p.pending.length || this.deferred.length) await this.runPendingTraps();
    return status;
  }

  private async runCmd(st: Stmt): Promise<number> {
    const c = st.cmd;
    if (!c) {
      // only redirections: `> file`
      const restore = await this.applyRedirs(st.redirs);
      if (!restore) return 1;
      restore();
      return 0;
    }
    if (c.t === 'call') return this.runCall(c, st);
    if (c.t === 'func') {
      // redirections written after a function definition apply each time it runs
      this.funcs.set(c.name, { body: st.redirs.length ? { ...c.body, redirs: [...c.body.redirs, ...st.redirs] } : c.body, line: st.line + this.lineBase, src: this.srcName || this.name });
      return 0;
    }
    if (c.t === 'bin' && (c.op === '|' || c.op === '|&')) {
      if (!st.redirs.length) return this.runPipeline(st);
    }
    const restore = await this.applyRedirs(st.redirs);
    if (!restore) return 1;
    try {
      return await this.runCompound(c, st);
    } finally {
      restore();
    }
  }

  private async runCompound(c: Cmd, st: Stmt): Promise<number> {
    switch (c.t) {
      case 'bin': {
        if (c.op === '|' || c.op === '|&') return this.runPipeline({ ...st, redirs: [] });
        this.errexitOff++;
        let s: number;
        try {
          s = await this.runStmt(c.x);
        } finally {
          this.errexitOff--;
        }
        if ((c.op === '&&' && s === 0) || (c.op === '||' && s !== 0)) return this.runStmt(c.y);
        return s;
      }
      case 'block':
        return this.runStmts(c.stmts);
      case 'subshell':
        return this.runSubshell(c.stmts, st);
      case 'if':
        return this.runIf(c);
      case 'while': {
        this.loopDepth++;
        let last = 0;
        try {
          for (;;) {
            this.errexitOff++;
            let s: number;
            try {
              s = await this.runStmts(c.cond);
            } finally {
              this.errexitOff--;
            }
            if (c.until ? s === 0 : s !== 0) break;
            const r = await this.loopBody(c.body);
            if (r === 'break') break;
            if (r !== 'continue') last = r;
          }
        } finally {
          this.loopDepth--;
        }
        return last;
      }
      case 'for': {
        const items = c.items === null ? [...this.positional] : await this.expandWords(c.items);
        this.loopDepth++;
        let last = 0;
        try {
          for (const it of items) {
            if (!this.assign(c.name, it)) return 1;
            const r = await this.loopBody(c.body);
            if (r === 'break') break;
            if (r !== 'continue') last = r;
          }
        } finally {
          this.loopDepth--;
        }
        return last;
      }
      case 'cfor': {
        this.loopDepth++;
        let last = 0;
        try {
          if (c.init) await this.arith(c.init);
          for (;;) {
            if (c.cond && (await this.arith(c.cond)) === 0n) break;
            const r = await this.loopBody(c.body);
            if (r === 'break') break;
            if (r !== 'continue') last = r;
            if (c.post) await this.arith(c.post);
          }
        } finally {
          this.loopDepth--;
        }
        return last;
      }
      case 'case': {
        const w = await this.expandString(c.word);
        let i = 0;
        let fall = false;
        while (i < c.items.length) {
          const it = c.items[i]!;
          let hit = fall;
          if (!hit) {
            for (const pw of it.patterns) {
              if (globMatch(await this.expandPattern(pw), w, this.shopt.nocasematch)) {
                hit = true;
                break;
              }
            }
          }
          if (hit) {
            const s = await this.runStmts(it.stmts);
            if (it.op === ';&') {
              fall = true;
              i++;
              continue;
            }
            if (it.op === ';;&') {
              fall = false;
              i++;
              continue;
            }
            return s;
          }
          i++;
        }
        return fall ? this.status : 0;
      }
      case 'test': {
        this.lineno = c.line + this.lineBase;
        if (this.dialect === 'sh') {
          this.err('[[: not found');
          return 127;
        }
        if (this.opts.xtrace) this.trace(['[[', ...(await this.testWords(c.x)), ']]'], true);
        try {
          return (await this.evalTest(c.x)) ? 0 : 1;
        } catch (e) {
          if (e instanceof TestError) {
            this.err(e.message);
            return 2;
          }
          throw e;
        }
      }
      case 'arith': {
        this.lineno = c.line + this.lineBase;
        if (this.opts.xtrace) this.trace([`((  ${c.text}  ))`], true);
        try {
          const v = await evalArith(c.x ?? { t: 'word', w: { parts: [{ k: 'lit', v: '0' }], line: 0 } }, this.arithEnv());
          return v !== 0n ? 0 : 1;
        } catch (e) {
          if (e instanceof ArithError) {
            this.err(`((: ${c.text} : ${e.message} (error token is "${e.token} ")`);
            return 1;
          }
          throw e;
        }
      }
      case 'let': {
        this.lineno = c.line + this.lineBase;
        let v = 0n;
        for (const x of c.exprs) {
          try {
            v = await evalArith(x, this.arithEnv());
          } catch (e) {
            if (e instanceof ArithError) {
              this.err(`let: ${e.expr || ''}: ${e.message} (error token is "${e.token}")`);
              return 1;
            }
            throw e;
          }
        }
        return v !== 0n ? 0 : 1;
      }
      case 'decl':
        this.lineno = c.line + this.lineBase;
        return this.runDecl(c);
      case 'time': {
        const t0 = this.m.now;
        const s = c.stmt ? await this.runStmt(c.stmt) : 0;
        const dt = (this.m.now - t0) / 1e9;
        const fmt = (x: number): string => `${Math.floor(x / 60)}m${(x % 60).toFixed(3)}s`;
        writeSafe(this.fds[2], c.posix ? `real ${dt.toFixed(2)}\nuser 0.00\nsys 0.00\n` : `\nreal\t${fmt(dt)}\nuser\t0m0.000s\nsys\t0m0.000s\n`);
        return s;
      }
      case 'coproc':
        this.err('coproc: not supported by nsemu');
        return 2;
      case 'call':
      case 'func':
        return 0;
    }
  }

  private async runIf(c: IfCmd): Promise<number> {
    let node: IfCmd | null = c;
    while (node) {
      if (node.cond.length === 0) return this.runStmts(node.then); // else branch
      this.errexitOff++;
      let s: number;
      try {
        s = await this.runStmts(node.cond);
      } finally {
        this.errexitOff--;
      }
      if (s === 0) return this.runStmts(node.then);
      node = node.else;
    }
    return 0;
  }

  private async runSubshell(stmts: Stmt[], st?: Stmt): Promise<number> {
    const proc = this.fork(async (c) => {
      if (stmts.length === 1) c.execStmt = stmts[0]!;
      return c.runTop(stmts);
    });
    return this.waitFg(proc, st ?? null);
  }

  // ---- pipelines and jobs ------------------------------------------------------------------

  private async runPipeline(st: Stmt): Promise<number> {
    const stages: { stmt: Stmt; errToo: boolean }[] = [];
    const flat = (s: Stmt, errToo: boolean): void => {
      const c = s.cmd;
      if (c && c.t === 'bin' && (c.op === '|' || c.op === '|&') && !s.neg && !s.bg && !s.redirs.length) {
        flat(c.x, c.op === '|&');
        flat(c.y, errToo);
      } else stages.push({ stmt: s, errToo });
    };
    const c = st.cmd as Cmd & { t: 'bin' };
    flat(c.x, c.op === '|&');
    flat(c.y, false);
    const procs: Process[] = [];
    let prevRead: Fd | undefined;
    for (let i = 0; i < stages.length; i++) {
      const stage = stages[i]!;
      const pipe = i < stages.length - 1 ? new Pipe(this.m) : undefined;
      const over: Record<number, Fd | undefined> = {};
      if (prevRead) over[0] = prevRead;
      if (pipe) {
        over[1] = pipe.writeEnd;
        if (stage.errToo) over[2] = pipe.writeEnd;
      }
      procs.push(
        this.fork(async (ch) => {
          ch.execStmt = stage.stmt;
          return ch.runTop([stage.stmt]);
        }, over),
      );
      prevRead = pipe?.readEnd;
    }
    const statuses: number[] = [];
    for (let i = 0; i < procs.length; i++) statuses.push(await this.waitFg(procs[i]!, i === procs.length - 1 ? st : undefined));
    this.pipestatus = statuses;
    let status = statuses[statuses.length - 1]!;
    if (this.opts.pipefail) {
      for (let i = statuses.length - 1; i >= 0; i--) {
        if (statuses[i] !== 0) {
          status = statuses[i]!;
          break;
        }
      }
    }
    return status;
  }

  private runBackground(st: Stmt): void {
    const stmt: Stmt = { ...st, bg: false };
    // interactively bash numbers a job one above the highest in its table (and says so)
    const report = this.interactive && !this.isSubshell;
    // the jobs that ended meanwhile are reported (and leave the table) first, as bash does after each foreground command
    if (report) this.notifyDone();
    if (report) this.nextJobId = this.jobs.reduce((n, j) => Math.max(n, j.id), 0) + 1;
    const job: Job = { id: this.nextJobId++, proc: undefined as unknown as Process, text: (st.text ?? '').trim(), done: false, status: 0 };
    if (!job.text.endsWith('&')) job.text += ' &';
    const hasStdin = st.redirs.some((r) => (r.n === null || r.n === '0') && (r.op === '<' || r.op === '<<' || r.op === '<<-' || r.op === '<<<' || r.op === '<&' || r.op === '<>'));
    const over: Record<number, Fd | undefined> = {};
    // without job control, a background command's stdin is /dev/null
    if (!hasStdin && !this.interactive) over[0] = new NullFd();
    job.proc = this.fork(
      async (c) => {
        c.execStmt = stmt;
        return c.runTop([stmt]);
      },
      over,
      (status) => {
        job.done = true;
        job.status = status;
        this.childQ.wakeAll(this.m);
      },
    );
    this.jobs.push(job);
    this.lastBg = job.proc.pid;
    if (report) writeSafe(this.fds[2], `[${job.id}] ${job.proc.pid}\n`);
  }

  /** Before an interactive prompt: `[1]+  Done                    CMD` for each job that has
   *  ended since (bash's notify_of_job_status), and the job leaves the table. */
  notifyDone(): void {
    if (!this.interactive || this.isSubshell) return;
    const all = this.jobs;
    const done = all.filter((j) => j.done);
    if (!done.length) return;
    for (const j of done) {
      const mark = j === all[all.length - 1] ? '+' : j === all[all.length - 2] ? '-' : ' ';
      const sig = this.sys.termsig.get(j.proc);
      const state = sig !== undefined ? (SIGDESC[sig] ?? `Signal ${sig}`) : j.status === 0 ? 'Done' : `Exit ${j.status}`;
      writeSafe(this.fds[2], `[${j.id}]${mark}  ${state.padEnd(24)}${j.text.replace(/\s*&$/, '')}\n`);
    }
    this.jobs = all.filter((j) => !j.done);
  }

  /**
   * Wait for a foreground child; signals that arrive meanwhile run their traps afterwards.
   * With `report`, say so when it was killed by a signal, as bash does ("Terminated").
   */
  async waitFg(child: Process, report?: Stmt | null): Promise<number> {
    let st: number;
    for (;;) {
      const r = await this.m.waitExit(this.p, child);
      if (r !== 'signal') {
        st = r;
        break;
      }
      this.deferSignals();
    }
    if (report !== undefined) this.reportKilled(child, report);
    return st;
  }

  reportKilled(child: Process, st: Stmt | null): void {
    const sig = this.sys.termsig.get(child);
    if (sig === undefined || sig === SIG.SIGINT || sig === SIG.SIGPIPE) return;
    const desc = SIGDESC[sig] ?? `Signal ${sig}`;
    if (this.dialect === 'sh' || sig === SIG.SIGTERM || this.interactive) {
      writeSafe(this.fds[2], `${desc}\n`);
      return;
    }
    const text = st ? stmtText(st).replace(/[\s;&]+$/, '') : '';
    writeSafe(this.fds[2], `${this.name}: line ${this.reportLine}: ${child.pid} ${desc.padEnd(24)}${text}\n`);
  }

  /** Fatal signals kill the shell now; handled ones are remembered for their traps. */
  deferSignals(): void {
    this.shield();
    this.p.checkSignals();
    for (let s = this.p.takeSignal(); s !== undefined; s = this.p.takeSignal()) this.deferred.push(s);
  }

  /** The interactive shell outlives the machine stopping a deadlocked command (SIGKILL to all). */
  shield(): void {
    if (!this.interactive || this.isSubshell) return;
    for (let i = this.p.pending.indexOf(SIG.SIGKILL); i >= 0; i = this.p.pending.indexOf(SIG.SIGKILL)) this.p.pending.splice(i, 1);
  }

  async runPendingTraps(): Promise<void> {
    this.shield();
    this.p.checkSignals();
    const sigs = this.deferred;
    this.deferred = [];
    for (let s = this.p.takeSignal(); s !== undefined; s = this.p.takeSignal()) sigs.push(s);
    for (const s of sigs) {
      const action = this.traps.get(s);
      if (action === undefined) {
        if (isDefaultIgnored(s)) continue;
        if (this.interactive && !this.isSubshell && (s === SIG.SIGINT || s === SIG.SIGTERM || s === SIG.SIGQUIT)) {
          // an interactive shell ignores TERM and QUIT; INT abandons what it is running
          if (s === SIG.SIGINT) throw new InterruptInput();
          continue;
        }
        throw new Killed(s);
      }
      if (action === '') continue;
      await this.runTrapAction(action);
    }
  }

  async runTrapAction(action: string): Promise<void> {
    const saved = this.status;
    this.inTrap++;
    try {
      await this.evalString(action);
    } finally {
      this.inTrap--;
    }
    this.status = saved;
  }

  setTrap(sig: number | string, action: string | undefined): void {
    if (action === undefined) {
      this.traps.delete(sig);
      if (typeof sig === 'number') {
        this.p.handled.delete(sig);
        this.sys.ignore(this.p, sig, false);
      }
    } else {
      this.traps.set(sig, action);
      if (typeof sig === 'number' && sig !== SIG.SIGKILL && sig !== SIG.SIGSTOP) {
        this.p.handled.add(sig);
        this.sys.ignore(this.p, sig, action === '');
      }
    }
  }

  findJob(spec: string): Job | undefined {
    if (spec.startsWith('%')) {
      const s = spec.slice(1);
      const live = this.jobs;
      if (s === '' || s === '%' || s === '+') return live[live.length - 1];
      if (s === '-') return live[live.length - 2];
      if (/^\d+$/.test(s)) return live.find((j) => j.id === Number(s));
      return live.find((j) => j.text.startsWith(s));
    }
    const pid = Number(spec);
    return this.jobs.find((j) => j.proc.pid === pid);
  }

  /** The `wait` builtin's waiting: all jobs, some, or the next one to finish. */
  async waitJobs(targets: Job[] | 'all', any = false): Promise<number | 'signal'> {
    for (;;) {
      const set = targets === 'all' ? this.jobs : targets;
      if (any) {
        const d = set.find((j) => j.done);
        if (d || set.length === 0) {
          if (d) this.jobs = this.jobs.filter((j) => j !== d);
          return d ? d.status : 127;
        }
      } else if (set.every((j) => j.done)) {
        if (targets === 'all') {
          this.jobs = [];
          return 0;
        }
        const last = set[set.length - 1];
        this.jobs = this.jobs.filter((j) => !set.includes(j));
        return last ? last.status : 0;
      }
      const r = await this.m.block(this.p, { queue: this.childQ });
      if (r !== 'wake') {
        this.shield();
        this.p.checkSignals();
        const sigs: number[] = [];
        for (let s = this.p.takeSignal(); s !== undefined; s = this.p.takeSignal()) sigs.push(s);
        this.deferred.push(...sigs);
        await this.runPendingTraps();
        return 128 + (sigs[0] ?? 0);
      }
    }
  }

  // ---- simple commands ---------------------------------------------------------------------

  private async runCall(c: Cmd & { t: 'call' }, st: Stmt): Promise<number> {
    const line = (c.args[0]?.line ?? c.line) + this.lineBase;
    this.lineno = line;
    this.lastSubst = 0;
    let argv = c.args.length ? await this.expandWords(c.args) : [];
    this.lineno = line;
    if (argv.length === 0) {
      // assignments only (and redirections, which apply to nothing but do open files)
      const restore = await this.applyRedirs(st.redirs);
      if (!restore) return 1;
      restore();
      let ok = true;
      const trace: string[] = [];
      for (const a of c.assigns) {
        const r = await this.doAssign(a, {});
        if (r === false) ok = false;
        else trace.push(r);
      }
      if (this.opts.xtrace && trace.length) this.trace(trace, true);
      if (!ok) {
        if (!this.interactive && this.dialect === 'sh') throw new ExitShell(2);
        // an assignment error abandons the rest of the command line
        if (!this.interactive) throw new AbortCommand(1);
        return 1;
      }
      return this.lastSubst;
    }
    if (this.aliases.size && this.shopt.expand_aliases && this.aliases.has(argv[0]!)) {
      argv = [...(this.aliases.get(argv[0]!) ?? '').split(/\s+/).filter(Boolean), ...argv.slice(1)];
    }
    // temporary assignments for this command
    const temp: Record<string, string> = {};
    const traceAssigns: string[] = [];
    for (const a of c.assigns) {
      if (!a.name) continue;
      const v = a.value ? await this.expandString(a.value, true) : '';
      temp[a.name] = v;
      traceAssigns.push(`${a.name}=${shellQuote(v)}`);
    }
    if (this.opts.xtrace) this.trace([...traceAssigns, ...argv.map((a) => shellQuote(a))], true);
    this.lastArg = argv[argv.length - 1] ?? '';
    const name = argv[0]!;
    const isExec = name === 'exec';
    const restore = await this.applyRedirs(st.redirs, isExec && argv.length === 1);
    if (!restore) return this.dialect === 'sh' ? 2 : 1;
    try {
      return await this.dispatch(argv, temp, st);
    } finally {
      restore();
    }
  }

  /** Find and run argv[0]: function, builtin, or program. */
  async dispatch(argv: string[], temp: Record<string, string>, st: Stmt | null, skipFunctions = false): Promise<number> {
    const name = argv[0]!;
    const fn = skipFunctions ? undefined : this.funcs.get(name);
    if (fn && !SPECIAL_BUILTINS.has(name)) return this.callFunction(name, fn, argv, temp);
    const bi = BUILTINS[name];
    if (bi && !(this.dialect === 'sh' && name === '[[')) {
      const hasTemp = Object.keys(temp).length > 0;
      if (hasTemp) {
        const sc = new Map<string, Var>();
        for (const [k, v] of Object.entries(temp)) sc.set(k, { value: v, exported: true });
        this.scopes.push(sc);
      }
      try {
        return await bi(this, argv);
      } catch (e) {
        // writing to a pipe nobody reads: SIGPIPE, unless the shell traps or ignores it
        if (e instanceof FdError && e.code === 'EPIPE' && !this.traps.has(SIG.SIGPIPE)) throw new Killed(SIG.SIGPIPE);
        const reason = errReason(e);
        if (reason !== undefined) {
          if (this.dialect === 'sh') this.err(`${name}: ${name}: I/O error`);
          else this.err(`${name}: write error: ${reason}`);
          return 1;
        }
        throw e;
      } finally {
        if (hasTemp) this.scopes.pop();
      }
    }
    return this.runProgram(argv, temp, st);
  }

  async runProgram(argv: string[], temp: Record<string, string>, st: Stmt | null): Promise<number> {
    const name = argv[0]!;
    const env = this.environ(temp);
    const found = this.sys.find(name, this.p, env.PATH ?? this.get('PATH') ?? DEFAULT_PATH, this.cwd);
    if (!found) return this.notFound(name);
    if (st && st === this.execStmt && !this.traps.has('EXIT')) {
      // the last command of a subshell: bash execs it in the subshell's own process
      this.execStmt = null;
      return this.sys.exec(this.p, argv, env, this.fds, this.cwd, found);
    }
    return this.spawnAndWait(argv, env, found, st);
  }

  async spawnAndWait(argv: string[], env: Record<string, string>, found: Found, st: Stmt | null = null): Promise<number> {
    const child = this.sys.spawn(this.p, argv, { env, fds: this.fds, cwd: this.cwd }, found);
    return this.waitFg(child, st);
  }

  notFound(name: string): number {
    if (name.includes('/')) {
      const n = this.sys.vfs.tryGet(this.p, normPath(this.cwd, name));
      if (!n) {
        this.err(this.dialect === 'sh' ? `${name}: not found` : `${name}: No such file or directory`);
        return 127;
      }
      this.err(n.type === 'dir' ? `${name}: Is a directory` : `${name}: Permission denied`);
      return 126;
    }
    this.err(this.dialect === 'sh' ? `${name}: not found` : `${name}: command not found`);
    return 127;
  }

  async callFunction(name: string, fn: FuncDef, argv: string[], temp: Record<string, string>): Promise<number> {
    if (this.funcDepth > 1000) {
      this.err(`${name}: maximum function nesting level exceeded (1000)`);
      throw new AbortCommand(1);
    }
    const savedPos = this.positional;
    this.positional = argv.slice(1);
    const sc = new Map<string, Var>();
    for (const [k, v] of Object.entries(temp)) sc.set(k, { value: v, exported: true });
    this.scopes.push(sc);
    this.funcDepth++;
    this.funcNames.push(name);
    const savedReport = this.reportLine;
    this.reportLine = fn.line;
    const savedSrc = this.funcSrc;
    this.funcSrc = fn.src;
    const savedLoop = this.loopDepth;
    this.loopDepth = 0;
    try {
      return await this.runStmt(fn.body);
    } catch (e) {
      if (e instanceof ReturnSignal) {
        this.status = e.status;
        return e.status;
      }
      throw e;
    } finally {
      this.loopDepth = savedLoop;
      this.reportLine = savedReport;
      this.funcSrc = savedSrc;
      this.funcNames.pop();
      this.funcDepth--;
      this.scopes.pop();
      this.positional = savedPos;
    }
  }

  trace(words: string[], quoted = false): void {
    const ps4 = this.get('PS4') ?? '+ ';
    const lead = ps4 ? ps4[0]!.repeat(this.substLevel) + ps4 : '';
    writeSafe(this.fds[2], `${lead}${(quoted ? words : words.map((w) => shellQuote(w))).join(' ')}\n`);
  }

  /** name=value (and arrays) as an assignment statement or declare argument. Returns the trace text or false. */
  async doAssign(a: { name: string | null; append: boolean; index: Arith | null; value: Word | null; array: { index: Arith | null; value: Word | null }[] | null }, opts: { local?: boolean }): Promise<string | false> {
    if (!a.name) return '';
    if (a.array) {
      const assoc = this.isAssoc(a.name);
      if (assoc) {
        const map = new Map<string, string>();
        for (const el of a.array) {
          const key = el.index ? await this.expandString(arithWord(el.index)) : '';
          map.set(key, el.value ? await this.expandString(el.value) : '');
        }
        return this.assignArray(a.name, map, { ...opts, append: a.append }) ? `${a.name}=(...)` : false;
      }
      const vals: string[] = [];
      let next = a.append ? this.keys(a.name).length : 0;
      const sparse: string[] = [];
      let isSparse = false;
      for (const el of a.array) {
        if (el.index) {
          next = Number(await this.arith(el.index));
          isSparse = true;
        }
        if (el.value) {
          for (const f of await this.expandFields(el.value)) {
            sparse[next++] = f;
            vals.push(f);
          }
        }
      }
      const ok = isSparse ? this.assignArray(a.name, sparse, opts) : this.assignArray(a.name, vals, { ...opts, append: a.append });
      return ok ? `${a.name}=(${vals.map((v) => shellQuote(v)).join(' ')})` : false;
    }
    const value = a.value ? await this.expandString(a.value, true) : '';
    let index: string | undefined;
    if (a.index) index = this.isAssoc(a.name) ? await this.expandString(arithWord(a.index)) : String(await this.arith(a.index));
    const v = this.lookup(a.name);
    let val = value;
    if (v?.integer) val = String(await this.arithText(a.append ? `${this.get(a.name) ?? 0}+(${value})` : value));
    const o: { index?: string; local?: boolean; append?: boolean } = { ...opts };
    if (index !== undefined) o.index = index;
    if (a.append && !v?.integer) o.append = true;
    if (!this.assign(a.name, val, o)) return false;
    return `${a.name}${index !== undefined ? `[${index}]` : ''}${a.append ? '+' : ''}=${shellQuote(value)}`;
  }

  private async runDecl(c: Cmd & { t: 'decl' }): Promise<number> {
    // declare/local/export/readonly/typeset: options, then names with optional values
    const flags = new Set<string>();
    const unflags = new Set<string>();
    const targets: typeof c.args = [];
    for (const a of c.args) {
      if (a.naked && !a.name && a.value) {
        const words = await this.expandFields(a.value);
        for (const w of words) {
          if (/^[-+][a-zA-Z]+$/.test(w) && targets.length === 0) {
            for (const ch of w.slice(1)) (w[0] === '-' ? flags : unflags).add(ch);
          } else {
            const m = /^([A-Za-z_][A-Za-z0-9_]*)(\+?)=(.*)$/s.exec(w);
            if (m) targets.push({ name: m[1]!, append: m[2] === '+', naked: false, index: null, value: { parts: [{ k: 'sq', v: m[3]!, dollar: false }], line: 0 }, array: null });
            else targets.push({ name: w, append: false, naked: true, index: null, value: null, array: null });
          }
        }
      } else targets.push(a);
    }
    return declareBuiltin(this, c.variant, flags, unflags, targets);
  }

  // ---- redirections ------------------------------------------------------------------------

  /**
   * Apply redirections to this shell's descriptors. Returns a function restoring them, or null
   * after printing the error (the command is then not run). permanent: `exec >file`.
   */
  async applyRedirs(redirs: Redir[], permanent = false): Promise<(() => void) | null> {
    if (!redirs.length) return () => {};
    const saved: [number, Fd | undefined][] = [];
    const set = (n: number, fd: Fd | undefined): void => {
      if (permanent) this.fds[n]?.unref();
      else saved.push([n, this.fds[n]]);
      this.fds[n] = fd?.ref();
    };
    const restore = (): void => {
      for (let i = saved.length - 1; i >= 0; i--) {
        const [n, old] = saved[i]!;
        this.fds[n]?.unref();
        this.fds[n] = old;
      }
    };
    try {
      for (const r of redirs) {
        this.lineno = r.line + this.lineBase;
        const op = r.op;
        const n = r.n !== null ? Number(r.n) : op.startsWith('<') ? 0 : 1;
        if (op === '<<' || op === '<<-') {
          set(n, new StringIn(await this.hdocText(r)));
          continue;
        }
        if (op === '<<<') {
          set(n, new StringIn(`${await this.expandString(r.word)}\n`));
          continue;
        }
        const target = await this.redirTarget(r.word);
        if (target === null) {
          restore();
          return null;
        }
        if (op === '>&' || op === '<&') {
          if (target === '-') {
            set(n, undefined);
            continue;
          }
          if (/^\d+$/.test(target)) {
            const src = this.fds[Number(target)];
            if (!src) {
              this.err(`${target}: Bad file descriptor`);
              restore();
              return null;
            }
            set(n, src);
            continue;
          }
          if (/^\d+-$/.test(target)) {
            const k = Number(target.slice(0, -1));
            set(n, this.fds[k]);
            set(k, undefined);
            continue;
          }
          if (op === '<&') {
            this.err(`${target}: ambiguous redirect`);
            restore();
            return null;
          }
          // `>& file` is `&> file`
          const fd = this.openOut(target, false);
          if (!fd) {
            restore();
            return null;
          }
          set(1, fd);
          set(2, fd);
          continue;
        }
        if (op === '&>' || op === '&>>') {
          const fd = this.openOut(target, op === '&>>');
          if (!fd) {
            restore();
            return null;
          }
          set(1, fd);
          set(2, fd);
          continue;
        }
        if (op === '<') {
          const fd = this.openIn(target);
          if (!fd) {
            restore();
            return null;
          }
          set(n, fd);
          continue;
        }
        if (op === '<>') {
          const out = this.openOut(target, true);
          if (!out) {
            restore();
            return null;
          }
          let content = '';
          try {
            content = this.sys.vfs.readText(this.p, normPath(this.cwd, target));
          } catch {
            content = '';
          }
          set(n, out instanceof FileOut ? new FileInOut(content, out) : out);
          continue;
        }
        // > >> >|
        const fd = this.openOut(target, op === '>>', op === '>|');
        if (!fd) {
          restore();
          return null;
        }
        set(n, fd);
      }
    } catch (e) {
      restore();
      throw e;
    }
    return permanent ? () => {} : restore;
  }

  private async redirTarget(w: Word): Promise<string | null> {
    const fields = await this.expandFields(w);
    if (fields.length !== 1) {
      const text = await this.expandString(w);
      this.err(`${fields.length === 0 ? rawWord(w) || text : text}: ambiguous redirect`);
      return null;
    }
    return fields[0]!;
  }

  openOut(path: string, append: boolean, force = false): Fd | null {
    const ps = this.sys.procSubst.get(path);
    if (ps) return ps;
    const abs = normPath(this.cwd, path);
    try {
      const node = this.sys.vfs.openWrite(this.p, abs, append, this.opts.noclobber && !force && !append);
      switch (node.dev) {
        case 'null':
        case 'zero':
          return new NullFd();
        case 'stdout':
          return this.fds[1] ?? new NullFd();
        case 'stderr':
        case 'tty':
          return this.fds[2] ?? new NullFd();
        case 'stdin':
          return this.fds[0] ?? new NullFd();
        default:
          return new FileOut(this.sys.vfs, node, abs);
      }
    } catch (e) {
      if (e instanceof FsError) {
        if (this.dialect === 'sh') this.err(`cannot create ${path}: ${e.code === 'ENOENT' ? 'Directory nonexistent' : e.reason}`);
        else this.err(`${path}: ${e.code === 'EEXIST' && this.opts.noclobber ? 'cannot overwrite existing file' : e.reason}`);
        return null;
      }
      throw e;
    }
  }

  openIn(path: string): Fd | null {
    const ps = this.sys.procSubst.get(path);
    if (ps) return ps;
    const abs = normPath(this.cwd, path);
    try {
      const node = this.sys.vfs.stat(this.p, abs);
      switch (node.dev) {
        case 'null':
        case 'zero':
          return new NullFd();
        case 'stdin':
        case 'tty':
          return this.fds[0] ?? new NullFd();
        case 'stdout':
          return this.fds[1] ?? new NullFd();
        case 'stderr':
          return this.fds[2] ?? new NullFd();
      }
      return new StringIn(toText(this.sys.vfs.readFile(this.p, abs)));
    } catch (e) {
      if (e instanceof FsError) {
        if (this.dialect === 'sh') this.err(`cannot open ${path}: ${e.code === 'ENOENT' ? 'No such file' : e.reason}`);
        else this.err(`${path}: ${e.reason}`);
        return null;
      }
      throw e;
    }
  }

  private async hdocText(r: Redir): Promise<string> {
    const quoted = r.word.parts.some((p) => p.k === 'sq' || p.k === 'dq' || (p.k === 'lit' && p.v.includes('\\')));
    const dash = r.op === '<<-';
    if (!r.hdoc) return '';
    if (quoted) {
      let text = r.hdoc.parts.map((p) => (p.k === 'lit' ? p.v : '')).join('');
      if (dash) text = text.replace(/^\t+/gm, '');
      return text;
    }
    const segs: SegOrBrk[] = [];
    let atLineStart = true;
    for (const p of r.hdoc.parts) {
      if (p.k === 'lit') {
        let v = p.v;
        if (dash) v = v.replace(atLineStart ? /(^|\n)\t+/g : /(\n)\t+/g, '$1');
        segs.push({ s: unescapeHdoc(v), q: true, split: false });
        atLineStart = v.endsWith('\n');
      } else {
        await this.partSegs(p, { dq: true }, segs, false);
        atLineStart = false;
      }
    }
    return segs.map((s) => (s ? s.s : '')).join('');
  }

  // ---- word expansion ----------------------------------------------------------------------

  /** Full expansion of words into fields: braces, parameters, splitting, globbing. */
  async expandWords(words: Word[]): Promise<string[]> {
    const out: string[] = [];
    for (const w of words) {
      // fast path: a plain literal word
      if (w.parts.length === 1 && w.parts[0]!.k === 'lit') {
        const v = (w.parts[0] as { v: string }).v;
        // (a lone `[`, the test command, is no pattern: hasGlob wants a `]` after it)
        if (!/[\\~*?[{]/.test(v) || v === '[') {
          out.push(v);
          continue;
        }
      }
      const one = this.simpleField(w.parts, false, false);
      if (one !== undefined) {
        out.push(one);
        continue;
      }
      // a lone $((...)): one field, unless IFS holds a character of a number
      const arith = w.parts.length === 1 ? loneArith(w.parts[0]!) : undefined;
      if (arith && (arith.quoted || !/[0-9-]/.test(this.ifs()))) {
        out.push(String(await this.arith(arith.p.x, arith.p.text)));
        continue;
      }
      for (const f of await this.expandFields(w)) out.push(f);
    }
    return out;
  }

  /**
   * The one field of a word made only of literal text, quotes and plain `$name`/`${name}` of set
   * variables, when nothing in it splits or globs (what expandFields would give, without its
   * segments; with `nosplit`, what expandString would); undefined if the word needs the full
   * expansion.
   */
  private simpleField(parts: WordPart[], dq: boolean, nosplit: boolean): string | undefined {
    let s = '';
    let quoted = dq;
    for (let i = 0; i < parts.length; i++) {
      const p = parts[i]!;
      switch (p.k) {
        case 'lit':
          if (dq) s += unescapeDq(p.v);
          else if (PLAIN_LIT.test(p.v)) s += p.v;
          else return undefined;
          break;
        case 'sq':
          if (p.dollar) return undefined;
          s += p.v;
          quoted = true;
          break;
        case 'dq': {
          if (dq) return undefined;
          const v = this.simpleField(p.parts, true, nosplit);
          if (v === undefined) return undefined;
          s += v;
          quoted = true;
          break;
        }
        case 'param': {
          const v = this.plainParam(p);
          if (v === undefined) return undefined;
          if (!dq && !nosplit) {
            // unquoted: an empty value, a character of IFS or a pattern character takes the long way
            if (v === '' || GLOB_ACTIVE.test(v)) return undefined;
            const ifs = this.ifs();
            for (let j = 0; j < ifs.length; j++) if (v.includes(ifs[j]!)) return undefined;
          }
          s += v;
          break;
        }
        default:
          return undefined;
      }
    }
    return quoted || nosplit || s !== '' ? s : undefined;
  }

  /** The value of `$name` / `${name}` with no operator, if the parameter is a set variable (not a
   *  special or dynamic parameter, whose reading may have effects); else undefined. */
  private plainParam(pe: ParamExp): string | undefined {
    if (pe.excl || pe.length || pe.width || pe.index || pe.slice || pe.repl || pe.names || pe.exp) return undefined;
    const name = pe.name;
    if (!NAME_RE.test(name) || DYNAMIC_PARAMS.has(name)) return undefined;
    return this.get(name);
  }

  async expandFields(w: Word): Promise<string[]> {
    const variants = w.parts.some((p) => p.k === 'brace') ? braceExpand(w.parts) : [w.parts];
    const out: string[] = [];
    for (const parts of variants) {
      const segs: SegOrBrk[] = [];
      await this.partsSegs(parts, { dq: false }, segs);
      for (const f of this.splitFields(segs)) {
        for (const g of this.globField(f)) out.push(g);
      }
    }
    return out;
  }

  /** Expansion without splitting or globbing (assignments, case word, [[ ]], here-strings). */
  async expandString(w: Word, assign = false): Promise<string> {
    if (w.parts.length === 1 && w.parts[0]!.k === 'lit' && !/[\\~]/.test((w.parts[0] as { v: string }).v)) return (w.parts[0] as { v: string }).v;
    const one = this.simpleField(w.parts, false, true);
    if (one !== undefined) return one;
    const segs: SegOrBrk[] = [];
    await this.partsSegs(w.parts, { dq: false, assign, nosplit: true }, segs);
    let s = '';
    let sep = false;
    for (const g of segs) {
      if (g === BRK) {
        sep = true;
        continue;
      }
      if (sep) s += ' ';
      sep = false;
      s += g.s;
    }
    return s;
  }

  /** Expansion to a pattern: quoted parts are escaped (case, [[ == ]], ${x#pat}). */
  async expandPattern(w: Word): Promise<string> {
    const segs: SegOrBrk[] = [];
    await this.partsSegs(w.parts, { dq: false, nosplit: true, pattern: true }, segs);
    return segs.map((g) => (g === BRK ? ' ' : g.q ? escapeGlob(g.s) : g.s)).join('');
  }

  private async partsSegs(parts: WordPart[], ctx: SegCtx, out: SegOrBrk[]): Promise<void> {
    for (let i = 0; i < parts.length; i++) await this.partSegs(parts[i]!, ctx, out, i === 0);
  }

  private async partSegs(p: WordPart, ctx: SegCtx, out: SegOrBrk[], first: boolean): Promise<void> {
    switch (p.k) {
      case 'lit':
        if (ctx.dq) out.push({ s: unescapeDq(p.v), q: true, split: false });
        else litSegs(p.v, out, first || !!ctx.assign, !!ctx.assign, (u) => this.tilde(u), !!ctx.pattern);
        return;
      case 'sq':
        out.push({ s: p.dollar ? ansiC(p.v) : p.v, q: true, split: false });
        return;
      case 'dq': {
        const before = out.length;
        await this.partsSegs(p.parts, { ...ctx, dq: true }, out);
        // "" is an empty field; "$@" with no arguments is none
        if (out.length === before && !p.parts.some((x) => isAtExpansion(x))) out.push({ s: '', q: true, split: false });
        return;
      }
      case 'param':
        await this.paramSegs(p, ctx, out);
        return;
      case 'cmd': {
        const s = await this.cmdSubst(p.stmts);
        out.push({ s, q: !!ctx.dq, split: !ctx.dq && !ctx.nosplit });
        return;
      }
      case 'arith': {
        const v = await this.arith(p.x, p.text);
        out.push({ s: String(v), q: !!ctx.dq, split: !ctx.dq && !ctx.nosplit });
        return;
      }
      case 'proc':
        out.push({ s: this.procSubst(p.op, p.stmts), q: true, split: false });
        return;
      case 'extglob':
        out.push({ s: `${p.op}${p.pattern})`, q: false, split: false });
        return;
      case 'brace':
        // braces inside quotes or in contexts without brace expansion: literal text
        out.push({ s: `{${(await Promise.all(p.elems.map((e) => this.expandString(e)))).join(p.seq ? '..' : ',')}}`, q: false, split: false });
        return;
    }
  }

  tilde(user: string): string | undefined {
    if (user === '') return this.get('HOME') ?? '/root';
    if (user === '+') return this.cwd;
    if (user === '-') return this.get('OLDPWD');
    if (user === 'root') return '/root';
    if (user === 'nobody') return '/nonexistent';
    return undefined;
  }

  private async paramSegs(pe: ParamExp, ctx: SegCtx, out: SegOrBrk[]): Promise<void> {
    const dq = !!ctx.dq;
    const pushVal = (s: string): void => {
      out.push({ s, q: dq, split: !dq && !ctx.nosplit });
    };
    const pushList = (vals: string[], star: boolean): void => {
      if (star && (dq || ctx.nosplit)) {
        pushVal(vals.join(dq ? this.ifs0() : ' '));
        return;
      }
      vals.forEach((v, i) => {
        if (i > 0) out.push(BRK);
        pushVal(v);
      });
    };
    let name = pe.name;
    // ${!prefix*} ${!prefix@}
    if (pe.names) {
      pushList(
        this.varNames().filter((n) => n.startsWith(name)),
        pe.names === '*',
      );
      return;
    }
    const idxWord = pe.index && pe.index.t === 'word' ? litOf(pe.index.w) : undefined;
    const atIdx = idxWord === '@' || idxWord === '*';
    if (pe.excl && pe.index && atIdx) {
      pushList(this.keys(name), idxWord === '*');
      return;
    }
    let index: string | undefined;
    if (pe.excl) {
      // indirection: the value of name is the parameter to expand
      const target = this.get(name);
      if (target === undefined) {
        if (this.opts.nounset) this.unbound(name);
        if (pe.exp === null) {
          this.err(`${name}: invalid indirect expansion`);
          throw new AbortCommand(1);
        }
        name = '';
      } else {
        const m = /^([A-Za-z_][A-Za-z0-9_]*)\[(.+)\]$/.exec(target);
        if (m) {
          name = m[1]!;
          index = m[2]!;
        } else if (NAME_RE.test(target) || /^(\d+|[@*#?$!-])$/.test(target)) name = target;
        else {
          this.err(`${target}: invalid variable name`);
          throw new AbortCommand(1);
        }
      }
    }
    // the value(s)
    let list: string[] | undefined;
    let star = false;
    let val: string | undefined;
    if (name === '@' || name === '*') {
      list = [...this.positional];
      star = name === '*';
    } else if (pe.index && atIdx) {
      list = this.elements(name);
      star = idxWord === '*';
    } else if (pe.index || index !== undefined) {
      if (index === undefined) index = this.isAssoc(name) ? await this.expandString(arithWord(pe.index!)) : String(await this.arith(pe.index));
      else if (!this.isAssoc(name)) index = String(await this.arithText(index));
      val = this.element(name, index);
    } else val = this.get(name);

    if (pe.length) {
      if (list) pushVal(String(list.length));
      else {
        if (val === undefined && this.opts.nounset && !(name === '@' || name === '*')) this.unbound(name);
        pushVal(String([...(val ?? '')].length));
      }
      return;
    }
    if (pe.slice) {
      const off = Number(await this.arith(pe.slice.offset));
      const len = pe.slice.length ? Number(await this.arith(pe.slice.length)) : undefined;
      if (list) {
        let arr = name === '@' || name === '*' ? [this.name, ...list] : list;
        if (name !== '@' && name !== '*') arr = list;
        const start = name === '@' || name === '*' ? (off < 0 ? arr.length + off : off) : off < 0 ? arr.length + off : off;
        const sl = arr.slice(Math.max(0, start), len === undefined ? undefined : len < 0 ? arr.length + len : Math.max(0, start) + len);
        pushList(sl, star);
        return;
      }
      const chars = [...(val ?? '')];
      let start = off < 0 ? chars.length + off : off;
      if (start < 0 || start > chars.length) start = chars.length;
      let end = len === undefined ? chars.length : len < 0 ? chars.length + len : start + len;
      if (end < start) {
        if (len !== undefined && len < 0) {
          this.err(`${len}: substring expression < 0`);
          throw new AbortCommand(1);
        }
        end = start;
      }
      pushVal(chars.slice(start, end).join(''));
      return;
    }
    const isSet = list ? list.length > 0 : val !== undefined;
    const isNull = list ? list.length === 0 || (list.length === 1 && list[0] === '') : !val;
    if (pe.exp) {
      const op = pe.exp.op;
      switch (op) {
        case '-':
        case ':-':
        case '=':
        case ':=':
        case '?':
        case ':?':
        case '+':
        case ':+': {
          const colon = op.startsWith(':');
          const missing = colon ? !isSet || isNull : !isSet;
          const base = op.replace(':', '');
          if (base === '+') {
            if (!missing && pe.exp.word) await this.partsSegs(pe.exp.word.parts, ctx, out);
            return;
          }
          if (!missing) break;
          if (base === '-') {
            if (pe.exp.word) await this.partsSegs(pe.exp.word.parts, ctx, out);
            else if (dq) out.push({ s: '', q: true, split: false });
            return;
          }
          if (base === '=') {
            const v = pe.exp.word ? await this.expandString(pe.exp.word) : '';
            if (!NAME_RE.test(name)) {
              this.err(`$${name}: cannot assign in this way`);
              throw new AbortCommand(1);
            }
            this.assign(name, v, index !== undefined ? { index } : {});
            pushVal(v);
            return;
          }
          // ?
          const msg = pe.exp.word ? await this.expandString(pe.exp.word) : colon ? 'parameter null or not set' : 'parameter not set';
          this.err(`${name}: ${msg}`);
          throw new ExitShell(this.interactive ? 1 : 127);
        }
      }
    }
    if (!isSet && this.opts.nounset && !(name === '@' || name === '*') && !(pe.exp && ['-', ':-', '+', ':+'].includes(pe.exp.op))) this.unbound(pe.excl ? name : pe.name + (pe.index ? `[${idxWord ?? ''}]` : ''));
    const apply = async (v: string): Promise<string> => {
      if (pe.repl) {
        let pat = pe.repl.orig ? await this.expandPattern(pe.repl.orig) : '';
        const rep = pe.repl.with ? await this.expandString(pe.repl.with) : '';
        let mode: 'first' | 'all' | 'prefix' | 'suffix' = pe.repl.all ? 'all' : 'first';
        if (pat.startsWith('#')) {
          mode = 'prefix';
          pat = pat.slice(1);
        } else if (pat.startsWith('%')) {
          mode = 'suffix';
          pat = pat.slice(1);
        }
        return replacePattern(v, pat, rep, mode);
      }
      if (!pe.exp) return v;
      const op = pe.exp.op;
      switch (op) {
        case '#':
        case '##':
        case '%':
        case '%%':
          return trimPattern(v, pe.exp.word ? await this.expandPattern(pe.exp.word) : '', op);
        case '^':
        case '^^':
        case ',':
        case ',,': {
          const pat = pe.exp.word ? await this.expandPattern(pe.exp.word) : '';
          const up = op.startsWith('^');
          const conv = (ch: string): string => (pat && !globMatch(pat, ch) ? ch : up ? ch.toUpperCase() : ch.toLowerCase());
          const chars = [...v];
          if (op.length === 2) return chars.map(conv).join('');
          return chars.length ? conv(chars[0]!) + chars.slice(1).join('') : '';
        }
        case '@': {
          const w = pe.exp.word ? await this.expandString(pe.exp.word) : '';
          switch (w) {
            case 'Q':
              return shellQuote(v, true);
            case 'E':
              return ansiC(v);
            case 'U':
              return v.toUpperCase();
            case 'u':
              return v ? v[0]!.toUpperCase() + v.slice(1) : v;
            case 'L':
              return v.toLowerCase();
            case 'a': {
              const vr = this.lookup(name);
              return `${vr?.value instanceof Map ? 'A' : Array.isArray(vr?.value) ? 'a' : ''}${vr?.exported ? 'x' : ''}${vr?.readonly ? 'r' : ''}`;
            }
            case 'A':
              return `${name}=${shellQuote(v, true)}`;
            case 'P':
              return v;
            case 'K':
              return shellQuote(v, true);
            default:
              this.err(`\${${name}@${w}}: bad substitution`);
              throw new AbortCommand(1);
          }
        }
        default:
          return v;
      }
    };
    if (list) {
      const vals: string[] = [];
      for (const v of list) vals.push(await apply(v));
      pushList(vals, star);
      return;
    }
    if (val === undefined && !pe.exp && !pe.repl) {
      if (dq) out.push({ s: '', q: true, split: false });
      return;
    }
    pushVal(await apply(val ?? ''));
  }

  unbound(name: string): never {
    this.err(`${name}: unbound variable`);
    throw new ExitShell(this.interactive ? 1 : 127);
  }

  /** IFS field splitting of expanded segments. */
  private splitFields(segs: SegOrBrk[]): Seg[][] {
    const ifs = this.ifs();
    const fields: Seg[][] = [];
    let cur: Seg[] = [];
    let started = false;
    for (const g of segs) {
      if (g === BRK) {
        if (started) {
          fields.push(cur);
          started = false;
        }
        cur = [];
        continue;
      }
      if (!g.split || ifs === '') {
        cur.push(g);
        if (g.q || g.s !== '') started = true;
        continue;
      }
      let buf = '';
      for (const ch of g.s) {
        if (ifs.includes(ch)) {
          if (buf) {
            cur.push({ s: buf, q: false, split: true });
            buf = '';
            started = true;
          }
          // a field ends here: at IFS white space only if one has started
          if (started || !' \t\n'.includes(ch)) {
            fields.push(cur);
            cur = [];
            started = false;
          }
        } else buf += ch;
      }
      if (buf) {
        cur.push({ s: buf, q: false, split: true });
        started = true;
      }
    }
    if (started) fields.push(cur);
    return fields;
  }

  private globField(f: Seg[]): string[] {
    const text = f.map((s) => s.s).join('');
    if (this.opts.noglob) return [text];
    let pat = '';
    let active = false;
    for (const s of f) {
      if (s.q) pat += escapeGlob(s.s);
      else if (s.split) pat += s.s.replace(/\\/g, '\\\\');
      else pat += s.s;
      if (!s.q && /[*?[]|[@!+]\(/.test(s.s)) active = true;
    }
    if (!active || !hasGlob(pat)) return [text];
    const matches = this.glob(pat);
    if (matches.length) return matches;
    if (this.shopt.nullglob) return [];
    if (this.shopt.failglob) {
      this.err(`no match: ${text}`);
      throw new AbortCommand(1);
    }
    return [text];
  }

  /** Pathname expansion on the virtual filesystem. */
  glob(pat: string): string[] {
    const abs = pat.startsWith('/');
    const comps = pat.split('/').filter((c, i) => c !== '' || i === 0);
    const vfs = this.sys.vfs;
    let paths: string[] = [abs ? '' : '.'];
    const start = abs ? 1 : 0;
    for (let i = start; i < comps.length; i++) {
      const comp = comps[i]!;
      const last = i === comps.length - 1;
      const next: string[] = [];
      if (!hasGlob(comp)) {
        const lit = unescapeGlob(comp);
        for (const p of paths) {
          const cand = p === '' ? `/${lit}` : p === '.' ? lit : `${p}/${lit}`;
          const n = vfs.tryGet(this.p, normPath(this.cwd, cand));
          if (n && (last || n.type === 'dir' || n.type === 'link')) next.push(cand);
        }
      } else {
        const dots = comp.startsWith('.') || comp.startsWith('\\.') || this.shopt.dotglob;
        for (const p of paths) {
          const dir = p === '' ? '/' : p;
          let names: string[];
          try {
            names = vfs.readdir(this.p, normPath(this.cwd, dir));
          } catch {
            continue;
          }
          for (const name of names) {
            if (name.startsWith('.') && !dots) continue;
            if (name === '.' || name === '..') continue;
            if (!globMatch(comp, name, this.shopt.nocaseglob)) continue;
            const cand = p === '' ? `/${name}` : p === '.' ? name : `${p}/${name}`;
            if (!last) {
              const n = vfs.tryGet(this.p, normPath(this.cwd, cand));
              if (!n || n.type !== 'dir') continue;
            }
            next.push(cand);
          }
        }
        next.sort(compareC);
      }
      paths = next;
      if (!paths.length) return [];
    }
    if (pat.endsWith('/') && paths.length) {
      paths = paths.filter((p) => vfs.tryGet(this.p, normPath(this.cwd, p))?.type === 'dir').map((p) => `${p}/`);
    }
    return paths;
  }

  // ---- command and process substitution ----------------------------------------------------

  async cmdSubst(stmts: Stmt[]): Promise<string> {
    // $(< file): the file's content, no subshell
    if (stmts.length === 1 && !stmts[0]!.cmd && stmts[0]!.redirs.length === 1 && stmts[0]!.redirs[0]!.op === '<') {
      const path = await this.expandString(stmts[0]!.redirs[0]!.word);
      try {
        return toText(this.sys.vfs.readFile(this.p, normPath(this.cwd, path))).replace(/\n+$/, '');
      } catch (e) {
        if (e instanceof FsError) {
          this.err(`${path}: ${e.reason}`);
          return '';
        }
        throw e;
      }
    }
    const pipe = new Pipe(this.m);
    const reader = pipe.readEnd.ref();
    const proc = this.fork(
      async (c) => {
        c.substLevel++;
        if (stmts.length === 1) c.execStmt = stmts[0]!;
        return c.runTop(stmts);
      },
      { 1: pipe.writeEnd },
    );
    let out = '';
    try {
      for (;;) {
        let chunk: string | null;
        try {
          chunk = await reader.pull(this.p);
        } catch (e) {
          if (e instanceof Interrupted) {
            this.deferSignals();
            continue;
          }
          throw e;
        }
        if (chunk === null) break;
        out += chunk;
      }
    } finally {
      reader.unref();
    }
    const st = await this.waitFg(proc);
    this.lastSubst = st;
    this.status = st;
    return out.replace(/\n+$/, '');
  }

  private procSubst(op: string, stmts: Stmt[]): string {
    const pipe = new Pipe(this.m);
    const end = op === '<(' ? pipe.readEnd.ref() : pipe.writeEnd.ref();
    this.fork((c) => c.runTop(stmts), op === '<(' ? { 1: pipe.writeEnd } : { 0: pipe.readEnd });
    const path = this.sys.newProcSubstPath(end);
    // the shell's own end is closed when the command that uses /dev/fd/N is done (runStmt)
    this.procSubstOpen.push([path, end]);
    return path;
  }

  /** Close the /dev/fd/N ends of process substitutions made since mark. */
  private closeProcSubst(mark: number): void {
    while (this.procSubstOpen.length > mark) {
      const [path, fd] = this.procSubstOpen.pop()!;
      this.sys.procSubst.delete(path);
      fd.unref();
    }
  }

  // ---- [[ ]] -------------------------------------------------------------------------------

  async evalTest(x: TestExpr): Promise<boolean> {
    switch (x.t) {
      case 'paren':
        return this.evalTest(x.x);
      case 'word':
        return (await this.expandString(x.w)) !== '';
      case 'un': {
        if (x.op === '!') return !(await this.evalTest(x.x));
        const arg = x.x.t === 'word' ? await this.expandString(x.x.w) : '';
        switch (x.op) {
          case '-z':
            return arg === '';
          case '-n':
            return arg !== '';
          case '-v':
            return this.isSetRef(arg);
          case '-o':
            return !!(this.opts as Record<string, boolean>)[arg];
          case '-R':
            return false;
          case '-t':
            return this.isTty(Number(arg));
          default:
            if (FILE_OPS.has(x.op)) return fileTest(this, x.op, arg);
            throw new TestError(`${x.op}: unary operator expected`);
        }
      }
      case 'bin': {
        if (x.op === '&&') return (await this.evalTest(x.x)) && (await this.evalTest(x.y));
        if (x.op === '||') return (await this.evalTest(x.x)) || (await this.evalTest(x.y));
        const l = x.x.t === 'word' ? await this.expandString(x.x.w) : '';
        if (x.op === '==' || x.op === '=' || x.op === '!=') {
          const pat = x.y.t === 'word' ? await this.expandPattern(x.y.w) : '';
          const r = globMatch(pat, l, this.shopt.nocasematch);
          return x.op === '!=' ? !r : r;
        }
        if (x.op === '=~') {
          const src = x.y.t === 'word' ? await this.regexOf(x.y.w) : '';
          let re: RegExp;
          try {
            re = new RegExp(src, this.shopt.nocasematch ? 'i' : '');
          } catch {
            return false;
          }
          const m = re.exec(l);
          this.rematch = m ? [...m].map((s) => s ?? '') : [];
          return !!m;
        }
        const r = x.y.t === 'word' ? await this.expandString(x.y.w) : '';
        switch (x.op) {
          case '<':
            return l < r;
          case '>':
            return l > r;
          case '-eq':
          case '-ne':
          case '-lt':
          case '-le':
          case '-gt':
          case '-ge': {
            const a = await this.arithText(l || '0');
            const b = await this.arithText(r || '0');
            return cmpInt(x.op, a, b);
          }
          case '-nt':
          case '-ot':
          case '-ef':
            return fileTest(this, x.op, l, r);
        }
        throw new TestError(`${x.op}: binary operator expected`);
      }
    }
  }

  /** The words of a [[ ]] expression as xtrace shows them. */
  private async testWords(x: TestExpr): Promise<string[]> {
    switch (x.t) {
      case 'paren':
        return ['(', ...(await this.testWords(x.x)), ')'];
      case 'word':
        return [shellQuote(await this.expandString(x.w))];
      case 'un':
        return [x.op, ...(await this.testWords(x.x))];
      case 'bin':
        return [...(await this.testWords(x.x)), x.op, ...(await this.testWords(x.y))];
    }
  }

  private async regexOf(w: Word): Promise<string> {
    const segs: SegOrBrk[] = [];
    await this.partsSegs(w.parts, { dq: false, nosplit: true }, segs);
    return segs
      .map((g) => (g === BRK ? ' ' : g.q ? g.s.replace(/[\\^$.*+?()[\]{}|/]/g, '\\$&') : posixClasses(g.s)))
      .join('');
  }

  isSetRef(arg: string): boolean {
    const m = /^([A-Za-z_][A-Za-z0-9_]*)(?:\[(.*)\])?$/.exec(arg);
    if (!m) return /^\d+$/.test(arg) ? Number(arg) <= this.positional.length : false;
    if (m[2] !== undefined) return this.element(m[1]!, m[2] === '@' || m[2] === '*' ? '0' : m[2]) !== undefined;
    return this.get(m[1]!) !== undefined || (this.lookup(m[1]!)?.value ?? undefined) !== undefined;
  }

  isTty(n: number): boolean {
    const fd = this.fds[n];
    return fd instanceof TermOut && fd.isatty;
  }

  // ---- eval, source, scripts -----------------------------------------------------------------

  /** One input of an interactive session: syntax errors are reported, not fatal. */
  async evalLine(src: string): Promise<number> {
    let stmts: Stmt[];
    try {
      stmts = parseScript(src, this.name);
    } catch (e) {
      if (e instanceof ShellSyntaxError) {
        this.syntaxError(e, src, 0);
        this.status = 2;
        return 2;
      }
      throw e;
    }
    try {
      return await this.runTop(stmts);
    } catch (e) {
      if (e instanceof ReturnSignal || e instanceof LoopSignal) return this.status;
      if (e instanceof InterruptInput) {
        this.status = 130;
        return 130;
      }
      throw e;
    }
  }

  /** Parse and run text in this shell (eval, traps). */
  async evalString(src: string): Promise<number> {
    let stmts: Stmt[];
    try {
      stmts = parseScript(src, this.name);
    } catch (e) {
      if (e instanceof ShellSyntaxError) {
        this.syntaxError(e, src, this.lineno);
        return 2;
      }
      throw e;
    }
    const savedBase = this.lineBase;
    this.lineBase = this.lineno - 1;
    try {
      return await this.runStmts(stmts);
    } finally {
      this.lineBase = savedBase;
    }
  }

  syntaxError(e: ShellSyntaxError, src: string, lineBase = 0): void {
    const line = e.line + lineBase;
    const text = src.split('\n')[e.line - 1] ?? '';
    if (this.dialect === 'sh') {
      writeSafe(this.fds[2], `${this.name}: ${line}: Syntax error: ${e.token ? `"${e.token}" unexpected` : e.message}\n`);
      return;
    }
    const pre = this.interactive ? 'bash: ' : `${this.name}: ${this.srcName === 'environment' && this.funcDepth === 0 && this.sourceDepth === 0 ? '-c: ' : ''}line ${line}: `;
    if (e.incomplete) {
      writeSafe(this.fds[2], `${pre}syntax error: unexpected end of file\n`);
      return;
    }
    if (e.token) writeSafe(this.fds[2], `${pre}syntax error near unexpected token \`${e.token}'\n${this.interactive ? '' : `${pre}\`${text.trim()}'\n`}`);
    else writeSafe(this.fds[2], `${pre}syntax error: ${e.message}\n`);
  }

  /**
   * Run a whole script text. Parsed at once when it is valid; otherwise one complete command
   * at a time, as bash reads it, so the commands before a syntax error still run.
   */
  async runSource(src: string): Promise<number> {
    let stmts: Stmt[] | undefined;
    try {
      stmts = parseScript(src, this.name);
    } catch (e) {
      if (!(e instanceof ShellSyntaxError)) throw e;
      // bash ends a here-document at end of file with a warning
      const m = /^unclosed here-document '(.*)'$/.exec(e.message);
      if (m && this.dialect === 'bash') {
        try {
          stmts = parse(`${src}${src.endsWith('\n') ? '' : '\n'}${m[1]}\n`, this.name);
          const lines = src.replace(/\n$/, '').split('\n').length;
          writeSafe(this.fds[2], `${this.name}: line ${lines + this.lineBase}: warning: here-document at line ${e.line + this.lineBase} delimited by end-of-file (wanted \`${m[1]}')\n`);
        } catch {
          stmts = undefined;
        }
      }
    }
    if (!stmts && this.srcName === 'environment' && this.sourceDepth === 0 && this.funcDepth === 0) {
      // bash -c: the command string is parsed before any of it runs
      try {
        parse(src, this.name);
      } catch (e) {
        if (e instanceof ShellSyntaxError) {
          this.syntaxError(e, src, this.lineBase);
          throw new ExitShell(2);
        }
        throw e;
      }
    }
    if (stmts) {
      if (this.execSingle && stmts.length === 1) this.execStmt = stmts[0]!;
      this.execSingle = false;
      return this.runTop(stmts);
    }
    const lines = src.split('\n');
    let buf = '';
    let start = 0;
    for (let i = 0; i < lines.length; i++) {
      buf += `${lines[i]}\n`;
      let chunk: Stmt[];
      try {
        chunk = parse(buf, this.name);
      } catch (e) {
        if (e instanceof ShellSyntaxError) {
          if (e.incomplete && i < lines.length - 1) continue;
          this.lineno = start + e.line;
          // at end of file bash names the line after the last one
          this.syntaxError(e.incomplete ? new ShellSyntaxError(e.message, lines.length - start, true, undefined) : e, buf, start);
          throw new ExitShell(2);
        }
        throw e;
      }
      await this.runChunkAt(chunk, start);
      buf = '';
      start = i + 1;
    }
    return this.status;
  }

  /** The prompt of an interactive shell on the session's terminal: `# `, or `[NS] # ` in a
   *  named network namespace other than the session's own (what `ip netns identify` says). */
  promptText(): string {
    const ns = this.p.netns;
    const name = ns === this.m.world.initNs ? '' : (this.m.world.netns[ns]?.names.at(-1) ?? '');
    return name ? `[${name}] # ` : '# ';
  }

  /** An interactive shell reading the session's terminal (a nested `bash`): prompt, read a
   *  complete command, run it; Ctrl-C abandons the line, end of input (Ctrl-D) or `exit` ends. */
  async runInteractive(tty: TtyIn): Promise<number> {
    let buf = '';
    for (;;) {
      if (!buf) this.notifyDone();
      tty.prompt(buf ? (this.get('PS2') ?? '> ') : this.promptText());
      let r: { text: string; found: boolean } | null;
      try {
        r = await tty.readUntil(this.p, '\n');
      } catch (e) {
        if (!(e instanceof Interrupted)) throw e;
        buf = '';
        writeSafe(this.fds[1], '\n');
        try {
          this.deferSignals();
          await this.runPendingTraps();
        } catch (x) {
          if (!(x instanceof InterruptInput)) throw x;
        }
        continue;
      }
      if (r === null) {
        writeSafe(this.fds[2], 'exit\n');
        return this.status;
      }
      buf += `${r.text}\n`;
      try {
        parse(buf, this.name);
      } catch (e) {
        if (e instanceof ShellSyntaxError && e.incomplete) continue;
      }
      const src = buf;
      buf = '';
      if (src.trim()) await this.evalLine(src);
    }
  }

  /** Read and run commands from a descriptor, one complete command at a time (bash < script). */
  async runFromFd(fd: Fd): Promise<number> {
    if (!(fd instanceof InFd)) {
      const all = await this.readAll(fd);
      return this.runSource(all);
    }
    let buf = '';
    let start = 0;
    let lineNo = 0;
    for (;;) {
      let r: { text: string; found: boolean } | null;
      try {
        r = await fd.readUntil(this.p, '\n');
      } catch (e) {
        if (e instanceof Interrupted) {
          this.deferSignals();
          await this.runPendingTraps();
          continue;
        }
        throw e;
      }
      if (r === null) {
        if (buf.trim()) {
          try {
            parse(buf, this.name);
          } catch (e) {
            if (e instanceof ShellSyntaxError) {
              this.lineno = start + e.line;
              this.syntaxError(e, buf, start);
              throw new ExitShell(2);
            }
          }
        }
        return this.status;
      }
      lineNo++;
      buf += `${r.text}\n`;
      let chunk: Stmt[];
      try {
        chunk = parse(buf, this.name);
      } catch (e) {
        if (e instanceof ShellSyntaxError) {
          if (e.incomplete) continue;
          this.lineno = start + e.line;
          this.syntaxError(e, buf, start);
          throw new ExitShell(2);
        }
        throw e;
      }
      await this.runChunkAt(chunk, start);
      buf = '';
      start = lineNo;
    }
  }

  async readAll(fd: Fd): Promise<string> {
    let s = '';
    for (;;) {
      let c: string | null;
      try {
        c = await fd.pull(this.p);
      } catch (e) {
        if (e instanceof Interrupted) {
          this.deferSignals();
          continue;
        }
        throw e;
      }
      if (c === null) return s;
      s += c;
    }
  }

  /** The shell as a program's main: its own EXIT trap, exit statuses, death by signal. */
  async main(run: () => Promise<number>): Promise<number> {
    const st = await this.settle(run);
    try {
      return await this.runExitTrap(st);
    } catch (e) {
      if (e instanceof Killed) throw e;
      throw e;
    }
  }
}

interface SegCtx {
  dq?: boolean;
  assign?: boolean;
  nosplit?: boolean;
  pattern?: boolean;
}

export class TestError extends Error {}

/** Arithmetic's view of a shell's variables (one per shell, made on first use). */
class ShellArithEnv implements ArithEnv {
  constructor(private readonly sh: Shell) {}
  get(name: string, index?: bigint | string): string | undefined {
    return index === undefined ? this.sh.get(name) : this.sh.element(name, String(index));
  }
  set(name: string, value: bigint, index?: bigint | string): void {
    this.sh.assign(name, String(value), index === undefined ? {} : { index: String(index) });
  }
  expandWord(x: Arith & { t: 'word' }): Promise<string> {
    return this.sh.expandString(x.w);
  }
  /** nounset, as it is when the expression is evaluated */
  get strict(): boolean {
    return this.sh.opts.nounset;
  }
}

/** `$((...))` or `"$((...))"` */
function loneArith(p: WordPart): { p: WordPart & { k: 'arith' }; quoted: boolean } | undefined {
  if (p.k === 'arith') return { p, quoted: false };
  if (p.k === 'dq' && p.parts.length === 1 && p.parts[0]!.k === 'arith') return { p: p.parts[0]!, quoted: true };
  return undefined;
}

function errexitApplies(c: Cmd): boolean {
  switch (c.t) {
    case 'call':
    case 'subshell':
    case 'test':
    case 'arith':
    case 'let':
    case 'decl':
    case 'time':
      return true;
    case 'bin':
      return c.op === '|' || c.op === '|&';
    default:
      return false;
  }
}

function isDefaultIgnored(sig: number): boolean {
  return sig === SIG.SIGCHLD || sig === SIG.SIGCONT || sig === 23 || sig === 28;
}

export function cmpInt(op: string, a: bigint, b: bigint): boolean {
  switch (op) {
    case '-eq':
      return a === b;
    case '-ne':
      return a !== b;
    case '-lt':
      return a < b;
    case '-le':
      return a <= b;
    case '-gt':
      return a > b;
    default:
      return a >= b;
  }
}

/** Byte-order comparison (the C locale's collation). */
export function compareC(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function isAtExpansion(p: WordPart): boolean {
  if (p.k !== 'param') return false;
  if (p.name === '@' && !p.length) return true;
  if (p.index && p.index.t === 'word' && litOf(p.index.w) === '@' && !p.length) return true;
  return false;
}

function litOf(w: Word): string | undefined {
  let s = '';
  for (const p of w.parts) {
    if (p.k !== 'lit') return undefined;
    s += p.v;
  }
  return s;
}

function rawWord(w: Word): string {
  return w.parts.map((p) => (p.k === 'lit' ? p.v : p.k === 'param' ? `$${p.name}` : '')).join('');
}

/** An arithmetic node that is a plain word (array subscripts of associative arrays). */
function arithWord(x: Arith): Word {
  if (x.t === 'word') return x.w;
  return { parts: [{ k: 'lit', v: '' }], line: 0 };
}

/** Unquoted literal text: backslash quotes the next character; tilde at the start. */
function litSegs(v: string, out: SegOrBrk[], tildeOk: boolean, assign: boolean, tilde: (u: string) => string | undefined, pattern: boolean): void {
  if (!v.includes('\\') && !(tildeOk && v.startsWith('~')) && !(assign && v.includes(':~'))) {
    // nothing to unquote or expand: the text itself (what the loop below would give)
    if (v) out.push({ s: v, q: false, split: false });
    return;
  }
  let i = 0;
  let buf = '';
  const flush = (): void => {
    if (buf) out.push({ s: buf, q: false, split: false });
    buf = '';
  };
  const tryTilde = (at: number): number => {
    let end = at + 1;
    while (end < v.length && v[end] !== '/' && !(assign && v[end] === ':')) end++;
    const user = v.slice(at + 1, end);
    if (/[\\$'"]/.test(user)) return at;
    const home = tilde(user);
    if (home === undefined) return at;
    flush();
    out.push({ s: home, q: true, split: false });
    return end;
  };
  if (tildeOk && v.startsWith('~')) i = tryTilde(0);
  while (i < v.length) {
    const c = v[i]!;
    if (c === '\\') {
      if (i + 1 < v.length) {
        flush();
        if (v[i + 1] !== '\n') {
          // in a pattern, a quoted character stays quoted (kept escaped by expandPattern)
          out.push({ s: v[i + 1]!, q: true, split: false });
        }
        i += 2;
        continue;
      }
      buf += pattern ? '\\\\' : '\\';
      i++;
      continue;
    }
    if (assign && c === ':' && v[i + 1] === '~') {
      buf += c;
      i++;
      const j = tryTilde(i);
      if (j !== i) {
        i = j;
        continue;
      }
      continue;
    }
    buf += c;
    i++;
  }
  flush();
}

/** Remove the backslashes that quote one of `quotable` or a newline (a line continuation). */
function unescapeSome(v: string, quotable: string): string {
  if (!v.includes('\\')) return v;
  let out = '';
  for (let i = 0; i < v.length; i++) {
    const c = v[i]!;
    if (c === '\\' && i + 1 < v.length) {
      const n = v[i + 1]!;
      if (quotable.includes(n)) {
        out += n;
        i++;
        continue;
      }
      if (n === '\n') {
        i++;
        continue;
      }
    }
    out += c;
  }
  return out;
}

/** Inside double quotes a backslash only quotes $ ` " \ and newline. */
const unescapeDq = (v: string): string => unescapeSome(v, '$`"\\');

/** Here-document bodies: a backslash quotes $ ` \ and newline. */
const unescapeHdoc = (v: string): string => unescapeSome(v, '$`\\');

/** $'...' escapes. */
export function ansiC(v: string): string {
  let out = '';
  for (let i = 0; i < v.length; i++) {
    const c = v[i]!;
    if (c !== '\\' || i + 1 >= v.length) {
      out += c;
      continue;
    }
    const n = v[++i]!;
    switch (n) {
      case 'n':
        out += '\n';
        break;
      case 't':
        out += '\t';
        break;
      case 'r':
        out += '\r';
        break;
      case 'a':
        out += '\x07';
        break;
      case 'b':
        out += '\b';
        break;
      case 'e':
      case 'E':
        out += '\x1b';
        break;
      case 'f':
        out += '\f';
        break;
      case 'v':
        out += '\v';
        break;
      case '\\':
      case "'":
      case '"':
      case '?':
        out += n;
        break;
      case 'x': {
        const m = /^[0-9a-fA-F]{1,2}/.exec(v.slice(i + 1));
        if (m) {
          out += String.fromCharCode(parseInt(m[0], 16));
          i += m[0].length;
        } else out += '\\x';
        break;
      }
      case 'u':
      case 'U': {
        const m = (n === 'u' ? /^[0-9a-fA-F]{1,4}/ : /^[0-9a-fA-F]{1,8}/).exec(v.slice(i + 1));
        if (m) {
          out += String.fromCodePoint(parseInt(m[0], 16));
          i += m[0].length;
        } else out += `\\${n}`;
        break;
      }
      case 'c': {
        const ch = v[i + 1];
        if (ch) {
          out += String.fromCharCode(ch.toUpperCase().charCodeAt(0) ^ 0x40);
          i++;
        }
        break;
      }
      default: {
        if (/[0-7]/.test(n)) {
          const m = /^[0-7]{1,3}/.exec(v.slice(i))!;
          out += String.fromCharCode(parseInt(m[0], 8) & 0xff);
          i += m[0].length - 1;
        } else out += `\\${n}`;
      }
    }
  }
  return out;
}

function posixClasses(s: string): string {
  return s
    .replace(/\[:alpha:\]/g, 'a-zA-Z')
    .replace(/\[:digit:\]/g, '0-9')
    .replace(/\[:alnum:\]/g, 'a-zA-Z0-9')
    .replace(/\[:space:\]/g, '\\s')
    .replace(/\[:upper:\]/g, 'A-Z')
    .replace(/\[:lower:\]/g, 'a-z')
    .replace(/\[:xdigit:\]/g, '0-9A-Fa-f')
    .replace(/\[:punct:\]/g, '!-\\/:-@\\[-`{-~')
    .replace(/\[:blank:\]/g, ' \\t');
}

/** Brace expansion: a{b,c}d -> abd acd; {1..3}; nested. */
function braceExpand(parts: WordPart[]): WordPart[][] {
  let results: WordPart[][] = [[]];
  for (const p of parts) {
    if (p.k !== 'brace') {
      for (const r of results) r.push(p);
      continue;
    }
    let alts: WordPart[][];
    if (p.seq) {
      const lits = p.elems.map((e) => litOf(e) ?? '');
      const seq = braceSequence(lits[0] ?? '', lits[1] ?? '', lits[2]);
      alts = seq ? seq.map((s) => [{ k: 'lit', v: s }]) : [[{ k: 'lit', v: `{${lits.join('..')}}` }]];
    } else alts = p.elems.flatMap((e) => braceExpand(e.parts));
    const next: WordPart[][] = [];
    for (const r of results) for (const a of alts) next.push([...r, ...a]);
    results = next;
  }
  return results;
}

function braceSequence(a: string, b: string, stepS?: string): string[] | undefined {
  const step = stepS ? Math.abs(Number(stepS)) || 1 : 1;
  if (/^-?\d+$/.test(a) && /^-?\d+$/.test(b)) {
    const x = Number(a);
    const y = Number(b);
    const width = /^-?0\d/.test(a) || /^-?0\d/.test(b) ? Math.max(a.length, b.length) : 0;
    const out: string[] = [];
    if (x <= y) for (let i = x; i <= y; i += step) out.push(pad(i, width));
    else for (let i = x; i >= y; i -= step) out.push(pad(i, width));
    return out;
  }
  if (/^[a-zA-Z]$/.test(a) && /^[a-zA-Z]$/.test(b)) {
    const x = a.charCodeAt(0);
    const y = b.charCodeAt(0);
    const out: string[] = [];
    if (x <= y) for (let i = x; i <= y; i += step) out.push(String.fromCharCode(i));
    else for (let i = x; i >= y; i -= step) out.push(String.fromCharCode(i));
    return out;
  }
  return undefined;
}

function pad(n: number, width: number): string {
  const s = String(Math.abs(n)).padStart(width - (n < 0 ? 1 : 0), '0');
  return n < 0 ? `-${s}` : s;
}

/** declare / typeset / local / export / readonly. */
async function declareBuiltin(
  sh: Shell,
  variant: string,
  flags: Set<string>,
  unflags: Set<string>,
  targets: { name: string | null; append: boolean; naked: boolean; index: Arith | null; value: Word | null; array: { index: Arith | null; value: Word | null }[] | null }[],
): Promise<number> {
  const isLocal = variant === 'local' || ((variant === 'declare' || variant === 'typeset') && sh.funcDepth > 0 && !flags.has('g'));
  if (variant === 'local' && sh.funcDepth === 0) {
    sh.err('local: can only be used in a function');
    return 1;
  }
  if (variant === 'export') flags.add('x');
  if (variant === 'readonly') flags.add('r');
  if (flags.has('f') || flags.has('F')) {
    if (!targets.length) {
      for (const n of [...sh.funcs.keys()].sort()) sh.out(flags.has('F') ? `declare -f ${n}\n` : `${n} () \n{ \n    ...\n}\n`);
      return 0;
    }
    let st = 0;
    for (const t of targets) if (t.name && !sh.funcs.has(t.name)) st = 1;
    if (variant === 'export' || flags.has('x')) return st;
    return st;
  }
  if (!targets.length || flags.has('p')) {
    // print variables
    const names = targets.length ? targets.map((t) => t.name ?? '') : sh.varNames();
    let st = 0;
    for (const n of names) {
      const v = sh.lookup(n);
      if (!v) {
        if (targets.length) {
          sh.err(`${variant === 'export' ? 'export' : 'declare'}: ${n}: not found`);
          st = 1;
        }
        continue;
      }
      if (variant === 'export' && !v.exported) continue;
      if (variant === 'readonly' && !v.readonly) continue;
      if (flags.has('x') && variant !== 'export' && !v.exported) continue;
      if (flags.has('r') && variant !== 'readonly' && !v.readonly) continue;
      let attrs = '';
      if (Array.isArray(v.value)) attrs += 'a';
      if (v.value instanceof Map) attrs += 'A';
      if (v.integer) attrs += 'i';
      if (v.lower) attrs += 'l';
      if (v.readonly) attrs += 'r';
      if (v.upper) attrs += 'u';
      if (v.exported) attrs += 'x';
      let val = '';
      if (typeof v.value === 'string') val = `="${v.value.replace(/(["\\$`])/g, '\\$1')}"`;
      else if (Array.isArray(v.value)) val = `=(${Object.keys(v.value).map((k) => `[${k}]="${(v.value as string[])[Number(k)]!.replace(/(["\\$`])/g, '\\$1')}"`).join(' ')})`;
      else if (v.value instanceof Map) val = `=(${[...v.value].map(([k, x]) => `[${k}]="${x}" `).join('')})`;
      sh.out(`declare -${attrs || '-'} ${n}${val}\n`);
    }
    return st;
  }
  let st = 0;
  for (const t of targets) {
    if (!t.name) continue;
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(t.name)) {
      sh.err(`${variant}: \`${t.name}': not a valid identifier`);
      st = 1;
      continue;
    }
    const scope = isLocal ? sh.scopes[sh.scopes.length - 1]! : sh.scopes[0]!;
    let v = isLocal ? scope.get(t.name) : sh.lookup(t.name);
    if (variant === 'export' && !isLocal && !v) v = undefined;
    if (!v) {
      v = { value: undefined };
      if (isLocal) {
        // a new local starts unset but declared (and inherits nothing)
        scope.set(t.name, v);
      } else sh.scopes[0]!.set(t.name, v);
    }
    if (v.readonly && (t.value || t.array || unflags.has('r'))) {
      sh.err(`${t.name}: readonly variable`);
      st = 1;
      continue;
    }
    if (flags.has('a') && !Array.isArray(v.value)) v.value = v.value === undefined ? (t.value || t.array ? [] : undefined) : [String(v.value)];
    if (flags.has('A') && !(v.value instanceof Map)) v.value = new Map<string, string>();
    if (flags.has('i')) v.integer = true;
    if (flags.has('l')) v.lower = true;
    if (flags.has('u')) v.upper = true;
    if (unflags.has('x')) v.exported = false;
    if (flags.has('n') && variant === 'export') v.exported = false;
    if (t.value || t.array) {
      const r = await sh.doAssign(t, { local: isLocal });
      if (r === false) {
        st = 1;
        continue;
      }
    }
    if (flags.has('x') && !(flags.has('n') && variant === 'export')) v.exported = true;
    if (flags.has('r')) v.readonly = true;
    if (flags.has('a') && v.value === undefined && !t.value) v.value = undefined;
  }
  return st;
}

