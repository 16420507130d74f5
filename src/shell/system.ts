// What the shell needs from "the operating system", one per Machine: the filesystem, the
// programs on $PATH (nsemu's userland, the shell's own tools, just-bash's text tools), each
// process's working directory, and fork+exec of programs as child Processes with their own
// descriptors, namespace and uid.
import { Killed, Machine, type Process } from '../kernel/machine.ts';
import { kernelFiles } from '../kernel/files.ts';
import type { KernelFiles } from '../kernel/files.ts';
import { nextRandom } from '../kernel/rng.ts';
import type { Command, CommandContext, Input, Output, SpawnOptions } from '../userland/command.ts';
import { Fd, FdError, InFd, Interrupted, inputOf, outputOf, NullFd } from './streams.ts';
import { FsError, normPath, toText, Vfs, type FileData } from './vfs.ts';

const SIGPIPE = 13;

export const DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/** Programs Debian installs in sbin (so `which ip` says /usr/sbin/ip as on the real machine). */
const SBIN = new Set([
  'ip', 'ethtool', 'iptables', 'ip6tables', 'iptables-save', 'iptables-restore', 'ip6tables-save', 'ip6tables-restore',
  'iptables-legacy', 'iptables-nft', 'ebtables', 'arptables', 'nft', 'brctl', 'bridge', 'sysctl', 'ifconfig', 'route', 'arp',
  'tc', 'devlink', 'rtmon', 'conntrack', 'ovs-vswitchd', 'ovsdb-server', 'ipmaddr', 'iptunnel', 'nameif', 'mii-tool',
  'xtables-nft-multi', 'dhclient', 'ifup', 'ifdown', 'rtacct', 'genl', 'bridge-utils',
]);

const MARKER = '#!nsemu-program ';

/** How many command look-ups System.find remembers (the whole table is dropped when full). */
const FIND_CACHE_SIZE = 512;

/** A program found on the PATH: the command to run and its path. */
export interface Found {
  cmd: Command;
  path: string;
  /** a script run by an interpreter: argv becomes [interp, path, ...args] */
  interp?: string;
}

export interface ProgOpts {
  env: Record<string, string>;
  /** descriptors of the new process (index = fd number); taken with a new reference */
  fds: (Fd | undefined)[];
  netns?: number;
  uid?: number;
  gid?: number;
  cwd?: string;
}

/** The message printed for an uncaught write error of a program ("cat: write error: ..."). */
export function errReason(e: unknown): string | undefined {
  if (e instanceof FsError) return e.reason;
  if (e instanceof FdError) return e.message;
  return undefined;
}

/** Adapter: a foreign Output (given to ctx.run by a tool) as a descriptor. */
class OutputFd extends Fd {
  readonly kind = 'foreign';
  constructor(private out: Output) {
    super();
  }
  override get writable(): boolean {
    return true;
  }
  override write(data: FileData): void {
    this.out.write(data);
  }
}

/** Adapter: a foreign Input as a descriptor. */
class InputFd extends InFd {
  readonly kind = 'foreign';
  constructor(private inp: Input) {
    super();
  }
  protected source(): Promise<string | null> {
    return this.inp.read();
  }
}

// A fork gets its own copy of the files and programs; processes (their descriptors, working
// directories) stay with the parent.
Machine.sideCopiers.set('nsemu.shell.system', (v, to) => {
  const s = v as System;
  const c = new System(to, kernelFiles(to), s.programs);
  c.vfs.copyFilesFrom(s.vfs);
  c.rng = s.rng;
  return c;
});

export class System {
  readonly vfs: Vfs;
  readonly programs = new Map<string, Command>();
  private readonly cwds = new WeakMap<Process, string>();
  private readonly inFds = new WeakMap<Input, Fd>();
  private readonly outFds = new WeakMap<Output, Fd>();
  rng: number;
  private readonly ignored = new WeakMap<Process, Set<number>>();
  /** the command line of each process (for ps, pgrep -f, /proc/PID/cmdline) */
  readonly argv = new WeakMap<Process, string[]>();
  /** processes that died of a signal (bash reports "Killed" for them) */
  readonly termsig = new WeakMap<Process, number>();
  /** /dev/fd/N paths of live process substitutions */
  readonly procSubst = new Map<string, Fd>();
  private procSubstNext = 63;
  /** find's answers, valid while vfs.gen is the one they were found at */
  private readonly found = new Map<string, { gen: number; found: Found | undefined }>();

  constructor(
    readonly m: Machine,
    readonly files: KernelFiles,
    programs: Record<string, Command> | ReadonlyMap<string, Command>,
  ) {
    this.vfs = new Vfs(m, files);
    this.vfs.cmdline = (p) => this.argv.get(p);
    this.rng = (m.world.seed ^ 0x5eed5) >>> 0;
    for (const [name, cmd] of programs instanceof Map ? programs : Object.entries(programs)) this.addProgram(name, cmd);
    m.side.set('nsemu.shell.system', this);
  }

  /** Record that p ignores sig (trap '' SIG): kill(1) then leaves it alone, as SIG_IGN does. */
  ignore(p: Process, sig: number, on: boolean): void {
    let s = this.ignored.get(p);
    if (!s) this.ignored.set(p, (s = new Set()));
    if (on) s.add(sig);
    else s.delete(sig);
  }

  ignores(p: Process, sig: number): boolean {
    return this.ignored.get(p)?.has(sig) ?? false;
  }

  static of(m: Machine): System {
    const s = m.side.get('nsemu.shell.system');
    if (!(s instanceof System)) throw new Error('this machine has no shell system');
    return s;
  }

  static maybe(m: Machine): System | undefined {
    const s = m.side.get('nsemu.shell.system');
    return s instanceof System ? s : undefined;
  }

  addProgram(name: string, cmd: Command): void {
    this.programs.set(name, cmd);
    this.vfs.gen++;
    this.vfs.putFile(SBIN.has(name) ? '/usr/sbin' : '/usr/bin', name, `${MARKER}${name}\n`, 0o755);
  }

  /** A deterministic pseudo-random number in [0,1) (mktemp names, $RANDOM): not the World's RNG. */
  random(): number {
    const [v, s] = nextRandom(this.rng);
    this.rng = s;
    return v;
  }

  newProcSubstPath(fd: Fd): string {
    const path = `/dev/fd/${this.procSubstNext++}`;
    this.procSubst.set(path, fd);
    return path;
  }

  cwd(p: Process): string {
    let q: Process | undefined = p;
    while (q) {
      const c = this.cwds.get(q);
      if (c) return c;
      q = this.m.procs.get(q.ppid);
    }
    return '/root';
  }

  setCwd(p: Process, dir: string): void {
    this.cwds.set(p, dir);
  }

  /** Look a command name up as execve(2) via $PATH would. */
  find(name: string, caller: Process, pathVar: string = DEFAULT_PATH, cwd = '/'): Found | undefined {
    if (name === '') return undefined;
    // A search that saw only the memory tree, as root (no permission checks), gives the same
    // answer until the tree changes: remembered per (name, PATH, cwd) and generation.
    if (caller.uid !== 0) return this.search(name, caller, pathVar, cwd);
    const key = `${name}\0${pathVar}\0${cwd}`;
    const vfs = this.vfs;
    const hit = this.found.get(key);
    if (hit && hit.gen === vfs.gen) return hit.found;
    const gen = vfs.gen;
    const virtual = vfs.virtualLookups;
    const found = this.search(name, caller, pathVar, cwd);
    if (vfs.virtualLookups === virtual && vfs.gen === gen) {
      if (this.found.size >= FIND_CACHE_SIZE) this.found.clear();
      this.found.set(key, { gen, found });
    }
    return found;
  }

  private search(name: string, caller: Process, pathVar: string, cwd: string): Found | undefined {
    if (name.includes('/')) return this.fileProgram(normPath(cwd, name), caller);
    for (const dir of pathVar.split(':')) {
      const f = this.fileProgram(normPath(cwd, `${dir || '.'}/${name}`), caller);
      if (f) return f;
    }
    return undefined;
  }

  private fileProgram(path: string, caller: Process): Found | undefined {
    const n = this.vfs.tryGet(caller, path);
    if (!n || n.type !== 'file' || !(n.mode & 0o111)) return undefined;
    let text = '';
    try {
      text = toText(this.vfs.readFile(caller, path));
    } catch {
      return undefined;
    }
    if (text.startsWith(MARKER)) {
      const cmd = this.programs.get(text.slice(MARKER.length).trim());
      return cmd ? { cmd, path } : undefined;
    }
    // a script: #!/bin/sh runs in sh, anything else in bash
    const first = text.split('\n', 1)[0] ?? '';
    const interp = /^#!\s*\S*\/(sh|dash)\b/.test(first) ? 'sh' : 'bash';
    const cmd = this.programs.get(interp);
    return cmd ? { cmd, path, interp } : undefined;
  }

  /** Is there a program (or builtin with a program twin) of this name? */
  has(name: string): boolean {
    return this.programs.has(name) || (name.includes('/') && !!this.find(name, { pid: 0, netns: 0, uid: 0, gid: 0 } as unknown as Process));
  }

  // ---- descriptors seen by programs ----------------------------------------------------------

  input(fd: Fd | undefined, p: Process): Input {
    const i = inputOf(fd, p);
    if (fd) this.inFds.set(i, fd);
    return i;
  }

  output(fd: Fd | undefined): Output {
    const o = outputOf(fd);
    if (fd) this.outFds.set(o, fd);
    return o;
  }

  /** The descriptor behind an Input/Output a program was given (or an adapter for foreign ones). */
  fdOfInput(i: Input): Fd {
    return this.inFds.get(i) ?? new InputFd(i);
  }
  fdOfOutput(o: Output): Fd {
    return this.outFds.get(o) ?? new OutputFd(o);
  }

  // ---- processes -------------------------------------------------------------------------------

  /** fork+exec: start argv[0] (resolved with env.PATH) as a child of parent. */
  spawn(parent: Process, argv: string[], opts: ProgOpts, found?: Found): Process {
    const cwd = opts.cwd ?? this.cwd(parent);
    const f = found ?? this.find(argv[0] ?? '', parent, opts.env.PATH ?? DEFAULT_PATH, cwd);
    const fds = opts.fds.map((fd) => fd?.ref());
    const name = argv[0] ?? '';
    const init: { parent: Process; comm: string; netns?: number; uid?: number; gid?: number } = {
      parent,
      comm: basename(f?.interp ?? name),
    };
    if (opts.netns !== undefined) init.netns = opts.netns;
    if (opts.uid !== undefined) init.uid = opts.uid;
    if (opts.gid !== undefined) init.gid = opts.gid;
    const child = this.m.spawn(init, async (p) => {
      try {
        if (!f) {
          writeSafe(fds[2], `bash: ${name}: command not found\n`);
          return 127;
        }
        return await this.exec(p, argv, opts.env, fds, cwd, f);
      } catch (e) {
        if (e instanceof Killed) this.termsig.set(p, e.sig);
        throw e;
      } finally {
        for (const fd of fds) fd?.unref();
      }
    });
    this.cwds.set(child, cwd);
    return child;
  }

  /** Run a program in process p itself (execve): returns its exit status. fds are not released. */
  async exec(p: Process, argv: string[], env: Record<string, string>, fds: (Fd | undefined)[], cwd: string, found: Found): Promise<number> {
    this.cwds.set(p, cwd);
    const args = found.interp ? [found.interp, found.path, ...argv.slice(1)] : argv;
    this.argv.set(p, args);
    p.comm = basename(found.interp ?? args[0] ?? '').slice(0, 15);
    const ctx = this.context(p, args, env, fds);
    try {
      return await found.cmd(ctx);
    } catch (e) {
      if (e instanceof Killed) throw e;
      if (e instanceof Interrupted) {
        p.checkSignals();
        return 128 + (p.pending[0] ?? 2);
      }
      if (e instanceof FdError && e.code === 'EPIPE' && !p.handled.has(SIGPIPE)) throw new Killed(SIGPIPE);
      const reason = errReason(e);
      if (reason !== undefined) {
        writeSafe(fds[2], `${basename(args[0] ?? '')}: write error: ${reason}\n`);
        return 1;
      }
      throw e;
    }
  }

  /** Wait for a child in the way a program that exec'd it would: signals go to the child. */
  async waitChild(parent: Process, child: Process): Promise<number> {
    for (;;) {
      const r = await this.m.waitExit(parent, child);
      if (r !== 'signal') return r;
      if (parent.pending.includes(9)) {
        this.m.kill(child, 9);
        parent.checkSignals();
      }
      for (let s = parent.takeSignal(); s !== undefined; s = parent.takeSignal()) this.m.kill(child, s);
    }
  }

  /**
   * The CommandContext of a program running in p. Besides the interface's members it has
   * `exec(argv, opts)`: execve(2) after setns/setresuid, i.e. the program is replaced in the same
   * process (same pid, as `ip netns exec`, setpriv and env really do); resolves with its status.
   */
  context(p: Process, argv: string[], env: Record<string, string>, fds: (Fd | undefined)[]): ExecContext {
    return new Context(this, p, argv, env, fds);
  }
}

/** System.context's value: one object a program run, its methods shared on the prototype (bound
 *  to the program's process and descriptors through its fields), its streams made when asked. */
class Context implements ExecContext {
  readonly m: Machine;
  /** the standard descriptors as they were at exec (the streams are made from these) */
  private readonly std: (Fd | undefined)[];
  private stdin_: Input | undefined;
  private stdout_: Output | undefined;
  private stderr_: Output | undefined;

  constructor(
    private readonly sys: System,
    readonly proc: Process,
    readonly argv: string[],
    readonly env: Record<string, string>,
    private readonly fds: (Fd | undefined)[],
  ) {
    this.m = sys.m;
    this.std = [fds[0], fds[1], fds[2]];
  }

  get stdin(): Input {
    return (this.stdin_ ??= this.sys.input(this.std[0], this.proc));
  }
  get stdout(): Output {
    return (this.stdout_ ??= this.sys.output(this.std[1]));
  }
  get stderr(): Output {
    return (this.stderr_ ??= this.sys.output(this.std[2]));
  }

  private abs(path: string): string {
    return normPath(this.sys.cwd(this.proc), path);
  }

  private childOpts(o: SpawnOptions = {}): ProgOpts {
    const { sys, fds } = this;
    const cfds = [...fds];
    cfds[0] = o.stdin ? sys.fdOfInput(o.stdin) : fds[0];
    cfds[1] = o.stdout ? sys.fdOfOutput(o.stdout) : fds[1];
    cfds[2] = o.stderr ? sys.fdOfOutput(o.stderr) : fds[2];
    const po: ProgOpts = { env: o.env ?? this.env, fds: cfds, cwd: sys.cwd(this.proc) };
    if (o.netns !== undefined) po.netns = o.netns;
    if (o.uid !== undefined) po.uid = o.uid;
    if (o.gid !== undefined) po.gid = o.gid;
    return po;
  }

  has(name: string): boolean {
    return this.sys.has(name);
  }

  async run(args: string[], o?: SpawnOptions): Promise<number> {
    return this.sys.waitChild(this.proc, this.sys.spawn(this.proc, args, this.childOpts(o)));
  }

  spawn(args: string[], o?: SpawnOptions): Process {
    return this.sys.spawn(this.proc, args, this.childOpts(o));
  }

  async exec(args: string[], o: SpawnOptions = {}): Promise<number> {
    const { sys, proc: p } = this;
    const po = this.childOpts(o);
    const f = sys.find(args[0] ?? '', p, po.env.PATH ?? DEFAULT_PATH, sys.cwd(p));
    if (!f) {
      writeSafe(po.fds[2], `bash: ${args[0] ?? ''}: command not found\n`);
      return 127;
    }
    if (o.netns !== undefined) p.netns = o.netns;
    if (o.uid !== undefined) p.uid = o.uid;
    if (o.gid !== undefined) p.gid = o.gid;
    return sys.exec(p, args, po.env, po.fds, sys.cwd(p), f);
  }

  async readFile(path: string): Promise<string> {
    return this.sys.vfs.readText(this.proc, this.abs(path));
  }
  async writeFile(path: string, data: string | Uint8Array, append?: boolean): Promise<void> {
    this.sys.vfs.writeFile(this.proc, this.abs(path), data, !!append);
  }
  async fileExists(path: string): Promise<boolean> {
    return this.sys.vfs.exists(this.proc, this.abs(path));
  }
}

/** CommandContext plus exec (see System.context). */
export interface ExecContext extends CommandContext {
  exec(argv: string[], opts?: SpawnOptions): Promise<number>;
}

export function basename(s: string): string {
  const t = s.endsWith('/') ? s.replace(/\/+$/, '') : s;
  const i = t.lastIndexOf('/');
  return i >= 0 ? t.slice(i + 1) : t;
}

/** Write to a descriptor, ignoring failures (diagnostics to a closed stderr). */
export function writeSafe(fd: Fd | undefined, s: string): void {
  try {
    fd?.write(s);
  } catch {
    /* nowhere to report it */
  }
}

export { NullFd };
