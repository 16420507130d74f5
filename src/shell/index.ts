// nsemu's shell: bash scripts run against the emulated machine.
//
// Why this design: the shell is where determinism and concurrency meet. `cmd &` must be a real
// process that runs concurrently with what follows in *virtual* time (a background tcpdump
// captures while the ping after it runs), `$!`, `wait`, `kill`, `trap`, `timeout` and the
// namespace of each process must be nsemu's own. just-bash (a bash interpreter in TypeScript)
// runs `cmd &` to completion before the next statement, has no trap/mktemp/jobs, and its
// builtins (wait) cannot be replaced; so nsemu interprets bash itself, over the full typed AST
// that mvdan-sh (mvdan.cc/sh, GopherJS build) parses (ast.ts converts it to plain objects).
// The interpreter (interp.ts) owns processes, pids, signals and waiting, all through the
// Machine: a wait is always Machine.block/waitExit, so the clock advances only when every
// process waits. Pure text tools (grep, sed, awk, sort, ...) are not hand-written: they are
// just-bash 3.4.2's implementations (texttools.ts), run as emulated programs that see nsemu's
// virtual filesystem (vfs.ts: in-memory tree plus /proc/sys/net, /sys/class/net, /run/netns,
// /proc/PID/ns computed for the reading process's namespace).
import type { Machine } from '../kernel/machine.ts';
import { NS_PER_SEC, WaitQueue } from '../kernel/machine.ts';
import { createMachine } from '../kernel/world.ts';
import { kernelFiles, type KernelFiles } from '../kernel/files.ts';
import { programs as userlandPrograms } from '../userland/index.ts';
import type { Command } from '../userland/command.ts';
import { InterruptInput, Shell } from './interp.ts';
import { shellPrograms } from './programs.ts';
import { ExternalIn, StringIn, TermOut, NullFd, TtyIn, type Fd } from './streams.ts';
import { System } from './system.ts';
import { preloadTextTools, textToolsNamedIn } from './texttools.ts';

export { Shell } from './interp.ts';
export { System } from './system.ts';
export { parse, ShellSyntaxError } from './ast.ts';
export { preloadTextTools } from './texttools.ts';

export interface RunOptions {
  seed?: number;
  /** $0 and the name in error messages (default "bash", as for bash -c) */
  name?: string;
  /** run as `bash -c SRC` (default when no name is given) or as `bash FILE` */
  mode?: 'c' | 'file';
  /** $1 ... */
  args?: string[];
  /** virtual-time limit in seconds */
  maxTime?: number;
  /**
   * the script's standard input: a string, or a function giving the next chunk (null at end)
   * that is called only when a process reads (the CLI passes the host's stdin this way)
   */
  stdin?: string | (() => Promise<string | null>);
  /** called for every write to the terminal, in the order written */
  onOutput?: (fd: 1 | 2, chunk: string) => void;
  /** run on this machine instead of a fresh one */
  machine?: Machine;
  /** extra or replacement programs (tests) */
  programs?: Record<string, Command>;
  /** kernel side of the virtual files (default: kernelFiles(machine)) */
  files?: KernelFiles;
}

export interface RunResult {
  stdout: string;
  stderr: string;
  /** stdout and stderr interleaved as written */
  output: string;
  status: number;
  machine: Machine;
}

/** The environment a script starts with (root's login on Debian 12, minus the host's noise). */
export function defaultEnv(): Record<string, string> {
  return {
    PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
    HOME: '/root',
    USER: 'root',
    LOGNAME: 'root',
    SHELL: '/bin/bash',
    LANG: 'C.UTF-8',
    TERM: 'dumb',
    SHLVL: '0',
  };
}

/** The shell system of a machine (filesystem, programs), created on first use. */
export function systemOf(m: Machine, extra?: Record<string, Command>, files?: KernelFiles): System {
  const existing = System.maybe(m);
  if (existing) {
    for (const [k, v] of Object.entries(extra ?? {})) existing.addProgram(k, v);
    return existing;
  }
  // in the order (and with the overriding) of { ...shellPrograms(), ...userland, ...extra }
  const programs = new Map((shellProgramList ??= Object.entries(shellPrograms())));
  for (const k of Object.keys(userlandPrograms)) programs.set(k, userlandPrograms[k]!);
  if (extra) for (const k of Object.keys(extra)) programs.set(k, extra[k]!);
  return new System(m, files ?? kernelFiles(m), programs);
}
/** shellPrograms() made once: its programs keep no state of their own */
let shellProgramList: [string, Command][] | undefined;

class Collector {
  stdout = '';
  stderr = '';
  output = '';
  constructor(private onOutput?: (fd: 1 | 2, chunk: string) => void) {}
  sink = (fd: 1 | 2, text: string): void => {
    if (fd === 1) this.stdout += text;
    else this.stderr += text;
    this.output += text;
    this.onOutput?.(fd, text);
  };
}

/** Terminal descriptor that tells when the last process holding it has closed it. */
class TermFd extends TermOut {
  onClosed: (() => void) | undefined;
  protected override closed(): void {
    this.onClosed?.();
  }
}

/**
 * Run a bash script in a fresh machine (or opts.machine). Resolves when the script has exited
 * and every process still holding its stdout/stderr has too (as `bash script | cat` would).
 */
export async function runScript(src: string, opts: RunOptions = {}): Promise<RunResult> {
  const tools = textToolsNamedIn(src);
  if (tools.length > 0) await preloadTextTools(tools);
  const col = new Collector(opts.onOutput);
  const notice = (msg: string): void => col.sink(2, msg.endsWith('\n') ? msg : `${msg}\n`);
  const mopts: { seed: number; onNotice: (m: string) => void; maxTime?: number } = { seed: opts.seed ?? 1, onNotice: notice };
  if (opts.maxTime !== undefined) mopts.maxTime = Math.round(opts.maxTime * NS_PER_SEC);
  const m = opts.machine ?? createMachine(mopts);
  const sys = systemOf(m, opts.programs, opts.files);
  const out = new TermFd(col.sink, 1);
  const err = new TermFd(col.sink, 2);
  const stdin: Fd = typeof opts.stdin === 'function' ? new ExternalIn(opts.stdin) : opts.stdin ? new StringIn(opts.stdin) : new NullFd();
  let resolveDone!: (st: number) => void;
  const done = new Promise<number>((r) => (resolveDone = r));
  const proc = m.spawn({ comm: 'bash' }, async (p) => {
    sys.argv.set(p, opts.name === undefined ? ['bash', '-c', src, ...(opts.args ?? [])] : ['bash', opts.name, ...(opts.args ?? [])]);
    const sh = new Shell(sys, p, { fds: [stdin, out, err], env: defaultEnv(), cwd: '/root', name: opts.name ?? 'bash' });
    sh.positional = opts.args ?? [];
    sh.srcName = (opts.mode ?? (opts.name === undefined ? 'c' : 'file')) === 'c' ? 'environment' : sh.name;
    let st = 1;
    try {
      st = await sh.main(() => sh.runSource(src));
      return st;
    } catch (e) {
      st = 128 + ((e as { sig?: number }).sig ?? 0);
      throw e;
    } finally {
      sh.closeAll();
      resolveDone(st);
    }
  });
  await done;
  // Processes that outlive the script keep running while they hold its output (the reader of a
  // pipe waits for them); those that do not are left behind, and stopped here.
  if (m.procs.size > 0) {
    const closed = new Promise<void>((r) => {
      const check = (): void => {
        if (out.refs <= 0 && err.refs <= 0) r();
      };
      out.onClosed = check;
      err.onClosed = check;
      check();
    });
    await Promise.race([closed, m.idle()]);
    if (m.procs.size > 0) {
      for (const p of [...m.procs.values()]) m.kill(p, 9);
      await m.idle();
    }
  }
  const status = proc.exited ? proc.status : await done;
  return { stdout: col.stdout, stderr: col.stderr, output: col.output, status, machine: m };
}

/**
 * An interactive session on one machine (nsemu shell): commands are run one complete input at
 * a time by a long-lived shell process. Without `pace`, time stands still while the session
 * waits for input. With `pace` (the CLI's wall clock) virtual time follows it while anything
 * runs, at the prompt too: a background ping goes on printing a line a second, as on a real box;
 * with nothing scheduled at all, time stands still.
 *
 * The session's terminal input is `tty`: what the user types while a foreground job runs goes
 * there (feed), and the job reads it (a nested interactive `bash`, `cat`, `read`); what nobody
 * read goes back to the top-level shell when the job ends (typeahead).
 */
export class Session {
  readonly machine: Machine;
  private queue: { src: string; resolve: (st: number | 'exit') => void }[] = [];
  private wake: (() => void) | undefined;
  private readonly inputQ = new WaitQueue();
  private readonly paced: boolean;
  private ended = false;
  readonly exited: Promise<number>;
  /** the session's shell, once its process has started (what completion looks at) */
  shell: Shell | undefined;
  /** the terminal's input queue */
  readonly tty: TtyIn;

  /**
   * opts.env: variables set over the default environment (TERM of the real terminal);
   * opts.pace: the wall clock (ms) virtual time follows (MachineOptions.pace);
   * opts.onPrompt: an interactive shell run in the session (a nested bash) shows its prompt.
   */
  constructor(opts: { seed?: number; maxTime?: number; onOutput: (fd: 1 | 2, chunk: string) => void; env?: Record<string, string>; pace?: () => number; onPrompt?: (text: string) => void }) {
    const col = new Collector(opts.onOutput);
    const notice = (msg: string): void => col.sink(2, msg.endsWith('\n') ? msg : `${msg}\n`);
    this.paced = opts.pace !== undefined;
    this.machine = createMachine({ seed: opts.seed ?? 1, onNotice: notice, maxTime: Math.round((opts.maxTime ?? 365 * 86400) * NS_PER_SEC), ...(opts.pace ? { pace: opts.pace } : {}) });
    const sys = systemOf(this.machine);
    const out = new TermOut(col.sink, 1, true);
    const err = new TermOut(col.sink, 2, true);
    this.tty = new TtyIn(this.machine, this.paced, (t) => opts.onPrompt?.(t));
    let resolveExit!: (n: number) => void;
    this.exited = new Promise((r) => (resolveExit = r));
    this.machine.spawn({ comm: 'bash' }, async (p) => {
      const sh = new Shell(sys, p, { fds: [this.tty, out, err], env: { ...defaultEnv(), ...opts.env }, cwd: '/root', name: 'bash', interactive: true });
      this.shell = sh;
      // an interactive shell ignores SIGTERM and SIGQUIT, and SIGINT only interrupts
      for (const s of [2, 3, 15]) p.handled.add(s);
      let st = 0;
      try {
        st = await sh.main(async () => {
          for (;;) {
            const job = await this.next(sh);
            if (!job) return sh.status;
            try {
              const r = await sh.evalLine(job.src);
              sh.notifyDone();
              job.resolve(r);
            } catch (e) {
              job.resolve('exit');
              throw e;
            }
          }
        });
      } finally {
        this.ended = true;
        for (const j of this.queue.splice(0)) j.resolve('exit');
        sh.closeAll();
        resolveExit(st);
      }
      return st;
    });
  }

  private async next(sh: Shell): Promise<{ src: string; resolve: (st: number | 'exit') => void } | undefined> {
    while (!this.queue.length) {
      if (this.ended) return undefined;
      if (!this.paced) {
        await new Promise<void>((r) => (this.wake = r));
        continue;
      }
      // paced: the prompt waits in the machine, so time goes on for what runs in the background
      const r = await this.machine.block(sh.p, { queue: this.inputQ });
      if (r === 'wake') continue;
      try {
        await sh.runPendingTraps();
      } catch (e) {
        if (!(e instanceof InterruptInput)) throw e;
      }
    }
    return this.queue.shift();
  }

  /** Run one complete input (as parsed by the caller); resolves with $? or 'exit'. */
  run(src: string): Promise<number | 'exit'> {
    if (this.ended) return Promise.resolve('exit');
    return new Promise((resolve) => {
      this.queue.push({ src, resolve });
      this.inputQ.wakeAll(this.machine);
      this.wake?.();
    });
  }

  /** A line typed while a command runs: it goes to the terminal, for the job to read. */
  feed(line: string): void {
    this.tty.push(`${line}\n`);
  }

  /** What was typed during the last command and not read by it (the top-level shell's next input). */
  typeahead(): string {
    return this.tty.take();
  }

  /**
   * Ctrl-C: SIGINT to what the session runs in the foreground (its processes and the shell's
   * own loop), as a terminal signals its foreground process group; the top-level shell's
   * background jobs (and what they started) are not in it.
   */
  interrupt(): void {
    const bg = new Set<number>();
    for (const j of this.shell?.jobs ?? []) if (!j.done) bg.add(j.proc.pid);
    const inBg = (p: { pid: number; ppid: number }): boolean => {
      for (let q: { pid: number; ppid: number } | undefined = p; q; q = this.machine.procs.get(q.ppid)) if (bg.has(q.pid)) return true;
      return false;
    };
    for (const p of [...this.machine.procs.values()]) if (!inBg(p)) this.machine.kill(p, 2);
    this.tty.wakeReaders();
  }

  /** An empty line at the prompt: the jobs that ended are reported (as bash does before each prompt). */
  notifyJobs(): void {
    this.shell?.notifyDone();
  }

  /** End the session (Ctrl-D). */
  close(): void {
    this.ended = true;
    this.tty.end();
    this.inputQ.wakeAll(this.machine);
    this.wake?.();
  }
}
