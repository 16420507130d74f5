// The Machine: one emulated computer. It owns the kernel state (the World: plain mutable
// objects, indexed as the kernel indexes them), the event queue in virtual time, and the
// processes. Two rules make runs deterministic and concurrent:
//   * the World changes only inside `mutate` (one system call: it validates before it writes,
//     as the kernel does, so a throw leaves the World as it was; events it scheduled are
//     dropped) or inside an event batch (timers and frames between two process steps);
//   * the clock advances only when every live process is blocked (sleep, waiting for a packet,
//     for a child, for a pipe); then the next due events run.
import { Heap } from './heap.ts';
import { nextRandom } from './rng.ts';
import type { World } from './types.ts';
import type { TraceEvent } from './trace.ts';

export interface Kctx {
  w: World;
  m: Machine;
}

/** A scheduled piece of kernel work: a function and up to four arguments, so per-frame work
 *  (a frame reaching a device) needs no closure of its own. */
interface Ev {
  t: number;
  seq: number;
  fn: (k: Kctx, a: any, b: any, c: any, d: any) => void;
  a: unknown;
  b: unknown;
  c: unknown;
  d: unknown;
}

export type WakeReason = 'wake' | 'timeout' | 'signal' | 'deadlock';

export const SIG = { SIGHUP: 1, SIGINT: 2, SIGQUIT: 3, SIGKILL: 9, SIGUSR1: 10, SIGUSR2: 12, SIGPIPE: 13, SIGALRM: 14, SIGTERM: 15, SIGCHLD: 17, SIGCONT: 18, SIGSTOP: 19 } as const;

/** Signals whose default action is to do nothing (signal(7)): they never kill. */
const DEFAULT_IGNORED: ReadonlySet<number> = new Set([SIG.SIGCHLD, SIG.SIGCONT, 23 /* SIGURG */, 28 /* SIGWINCH */]);

/** Thrown inside a process's code when it must die of a signal; the spawner turns it into 128+sig. */
export class Killed extends Error {
  constructor(readonly sig: number) {
    super(`killed by signal ${sig}`);
  }
}

interface Waiter {
  p: Process;
  resolve: (r: WakeReason) => void;
  queue?: WaitQueue;
  done: boolean;
}

/** Processes blocked until something happens (a packet for a socket, a child's exit, pipe data). */
export class WaitQueue {
  readonly waiters = new Set<Waiter>();
  wakeAll(m: Machine): void {
    // waking removes the waiter from the set, which a Set's iterator allows
    for (const w of this.waiters) m.wakeWaiter(w, 'wake');
  }
}

const wakeOnTimeout = (k: Kctx, w: Waiter): void => k.m.wakeWaiter(w, 'timeout');

export interface ProcessInit {
  parent?: Process;
  netns?: number;
  uid?: number;
  gid?: number;
  comm: string;
}

export class Process {
  exited = false;
  status = 0;
  /** signals delivered but not yet acted on */
  readonly pending: number[] = [];
  /** signals the process handles itself (tcpdump, ping, the shell's trap): not fatal */
  readonly handled = new Set<number>();
  readonly exitQueue = new WaitQueue();
  waiter: Waiter | undefined;
  constructor(
    readonly pid: number,
    readonly ppid: number,
    public netns: number,
    public uid: number,
    public gid: number,
    public comm: string,
  ) {}

  /** Take the next pending signal (for processes that handle signals themselves). */
  takeSignal(): number | undefined {
    return this.pending.shift();
  }

  /** Throw Killed if an unhandled signal is pending (default action: terminate). */
  checkSignals(): void {
    for (const s of this.pending) if (s === SIG.SIGKILL || !this.handled.has(s)) throw new Killed(s);
  }
}

export interface MachineOptions {
  seed?: number;
  /** stop the run when virtual time would pass this (ns); a script that would run forever ends */
  maxTime?: number;
  /** called when the machine has to stop a run (deadlock, time limit, packet storm) */
  onNotice?: (msg: string) => void;
  /** most kernel events one command or one clock step may run before the run is stopped as a
   *  packet storm (a bridge loop duplicates every broadcast frame forever) */
  stormBudget?: number;
  /** an interactive session's wall clock (ms, monotonic): while a process runs, virtual time
   *  goes no faster than it (a ping prints a line a second, sleep 5 takes 5 s), and a process
   *  blocked with nothing left to happen waits (for a signal) instead of being stopped. At an
   *  idle prompt time stands still. Scripts have no pace: pure virtual time. */
  pace?: () => number;
}

export const NS_PER_SEC = 1_000_000_000;
export const NS_PER_MS = 1_000_000;

export class Machine {
  world: World;
  now = 0;
  private queue = new Heap<Ev>();
  private seq = 0;
  /** events scheduled inside a mutate that has not committed yet */
  private staged: Ev[] | null = null;
  private inBatch = false;
  readonly procs = new Map<number, Process>();
  private nextPid = 1;
  private runnable = 0;
  private kicked = false;
  readonly maxTime: number;
  private onNotice: (msg: string) => void;
  /** called as each process exits (the kernel drops what it held) */
  onExit: ((m: Machine, p: Process) => void) | undefined;
  /** count of events run: for benchmarks and storm budgets */
  eventsRun = 0;
  readonly stormBudget: number;
  /** events run in the current batch (one mutate, one clock step) */
  private batchEvents = 0;
  /** the budget ran out: the run is being stopped */
  stormed = false;
  /** the packet-path trace, while someone listens (src/kernel/trace.ts) */
  tracer: ((e: TraceEvent) => void) | undefined;
  /** per-machine side tables that hold non-serialisable kernel state (sockets, queued frames) */
  readonly side = new Map<string, unknown>();

  constructor(world: World, opts: MachineOptions = {}) {
    this.world = world;
    this.maxTime = opts.maxTime ?? 24 * 3600 * NS_PER_SEC;
    this.onNotice = opts.onNotice ?? (() => {});
    this.stormBudget = opts.stormBudget ?? 250_000;
    this.pace = opts.pace;
  }

  /** MachineOptions.pace; `paceFrom`: the virtual and wall times that match since the last
   *  idle moment; `paceTimer`: the one wake-up set for when the next event is due. */
  private readonly pace: (() => number) | undefined;
  private paceFrom: { virt: number; wall: number } | undefined;
  private paceTimer: ReturnType<typeof setTimeout> | undefined;

  // ---- copies ------------------------------------------------------------------------------

  /** How each side table is copied into a fork (registered by the module that owns it): the
   *  copy, or undefined when it belongs to processes or to frames and stays behind. */
  static readonly sideCopiers = new Map<string, (v: unknown, to: Machine) => unknown>();

  /**
   * An independent machine with this one's kernel state, clock, pending kernel work (timers,
   * frames in flight) and files, as fork(2) copies a process: what either does later never
   * reaches the other. Processes are not copied (nor their sockets, captures and timers); a
   * fork is taken between commands, not inside one.
   */
  fork(opts: { onNotice?: (msg: string) => void } = {}): Machine {
    if (this.inBatch || this.staged) throw new Error('fork inside a kernel operation');
    const m = new Machine(structuredClone(this.world), { maxTime: this.maxTime, stormBudget: this.stormBudget, onNotice: opts.onNotice ?? this.onNotice });
    m.now = this.now;
    m.seq = this.seq;
    m.nextPid = this.nextPid;
    m.eventsRun = this.eventsRun;
    m.onExit = this.onExit;
    const copyArg = (v: unknown): unknown => (v instanceof Uint8Array ? v.slice() : v);
    m.queue = this.queue.copy(
      (ev) => ev.fn !== wakeOnTimeout,
      (ev) => ({ ...ev, a: copyArg(ev.a), b: copyArg(ev.b), c: copyArg(ev.c), d: copyArg(ev.d) }),
    );
    for (const [key, v] of this.side) {
      const copier = Machine.sideCopiers.get(key);
      if (!copier) throw new Error(`fork: nothing says how to copy the side table '${key}'`);
      const c = copier(v, m);
      if (c !== undefined) m.side.set(key, c);
    }
    return m;
  }

  // ---- the World -------------------------------------------------------------------------

  /**
   * Run a kernel operation on a draft of the World, then the work it made due at this instant
   * (link-watch events, frames handed to a peer: what the kernel's softirqs and urgent work
   * items do before the system call returns). A throw leaves the World as it was.
   */
  mutate<T>(fn: (k: Kctx) => T): T {
    if (this.inBatch || this.staged) throw new Error('nested World mutation');
    const staged: Ev[] = [];
    this.staged = staged;
    const k: Kctx = { w: this.world, m: this };
    let result: T;
    const check = Machine.atomicCheck;
    const before = check?.before(this.world);
    try {
      result = fn(k);
    } catch (e) {
      check?.afterFailure(before, this.world, e);
      throw e;
    } finally {
      this.staged = null;
    }
    for (const ev of staged) this.queue.push(ev);
    this.inBatch = true;
    this.batchEvents = 0;
    try {
      this.drain(k, this.now);
    } finally {
      this.inBatch = false;
    }
    this.checkStorm();
    return result;
  }

  /** Set by the test suite (test/setup.ts): proves that every failed `mutate` left the World
   *  exactly as it found it, i.e. that kernel operations validate before they write. */
  static atomicCheck: { before(w: World): unknown; afterFailure(before: unknown, w: World, e: unknown): void } | undefined;

  /** Run events due up to `until`; with `untilRunnable`, stop as soon as a process can run. */
  private drain(k: Kctx, until: number, untilRunnable = false): void {
    for (;;) {
      if (untilRunnable && this.runnable > 0) break;
      const ev = this.queue.peek();
      if (!ev || ev.t > until || this.overBudget()) break;
      this.queue.pop();
      if (ev.t > this.now) this.now = ev.t;
      this.eventsRun++;
      ev.fn(k, ev.a, ev.b, ev.c, ev.d);
    }
  }

  private overBudget(): boolean {
    if (++this.batchEvents <= this.stormBudget) return false;
    this.stormed = true;
    return true;
  }

  /** A storm: drop every pending event and stop every process, saying why. */
  private checkStorm(): void {
    if (!this.stormed) return;
    this.stormed = false;
    this.queue = new Heap<Ev>();
    this.onNotice(
      `nsemu: packet storm: more than ${this.stormBudget} kernel events in one step (a loop of bridges floods every broadcast frame forever); stopping every process`,
    );
    for (const p of [...this.procs.values()]) {
      p.pending.push(SIG.SIGKILL);
      if (p.waiter) this.wakeWaiter(p.waiter, 'deadlock');
    }
  }

  /** Schedule kernel work `delay` ns from now (called from kernel code). */
  schedule(delay: number, fn: (k: Kctx) => void): void {
    this.scheduleCall(delay, fn, undefined, undefined, undefined, undefined);
  }

  /** schedule(delay, (k) => fn(k, a, b, c, d)) without making that closure (the per-frame
   *  path). The arguments are ids and frames, never World objects, so that a copy of the
   *  machine can run the same events on its own World. */
  scheduleCall<A, B, C, D>(delay: number, fn: (k: Kctx, a: A, b: B, c: C, d: D) => void, a: A, b: B, c: C, d: D): void {
    const ev: Ev = { t: this.now + Math.max(0, delay), seq: this.seq++, fn, a, b, c, d };
    if (this.staged) this.staged.push(ev);
    else this.queue.push(ev);
    if (!this.staged && this.runnable === 0) this.kick();
  }

  /** A random number in [0,1) from the World's generator. */
  random(w: World): number {
    const [v, s] = nextRandom(w.rng);
    w.rng = s;
    return v;
  }

  // ---- processes ---------------------------------------------------------------------------

  spawn(init: ProcessInit, main: (p: Process) => Promise<number>): Process {
    const parent = init.parent;
    const p = new Process(
      this.nextPid++,
      parent?.pid ?? 0,
      init.netns ?? parent?.netns ?? this.world.initNs,
      init.uid ?? parent?.uid ?? 0,
      init.gid ?? parent?.gid ?? 0,
      init.comm,
    );
    this.procs.set(p.pid, p);
    this.runnable++;
    // Start on a microtask so the caller can finish wiring (pipes, $!) before it runs.
    queueMicrotask(() => {
      main(p).then(
        (status) => this.finish(p, status),
        (e: unknown) => {
          if (e instanceof Killed) this.finish(p, 128 + e.sig);
          else {
            this.onNotice(`nsemu: internal error in ${p.comm}: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
            this.finish(p, 70);
          }
        },
      );
    });
    return p;
  }

  /** A process's main has returned (or thrown): it exits with `status`. */
  private finish(p: Process, status: number): void {
    p.exited = true;
    p.status = status;
    this.procs.delete(p.pid);
    this.onExit?.(this, p);
    p.exitQueue.wakeAll(this);
    this.runnable--;
    if (this.runnable === 0) this.kick();
  }

  /** Pid the next spawned process will get ($! needs it before the child runs). */
  peekPid(): number {
    return this.nextPid;
  }

  /**
   * Block process p until woken through `queue`, until `timeout` ns pass, or until a signal
   * arrives. Resolves with why it woke. Returns 'signal' at once if a signal is already pending.
   */
  block(p: Process, opts: { queue?: WaitQueue; timeout?: number } = {}): Promise<WakeReason> {
    if (p.pending.length > 0) return Promise.resolve('signal');
    if (p.waiter) throw new Error(`process ${p.pid} blocked twice`);
    return new Promise<WakeReason>((resolve) => {
      const w: Waiter = { p, resolve, done: false };
      if (opts.queue) {
        w.queue = opts.queue;
        opts.queue.waiters.add(w);
      }
      p.waiter = w;
      if (opts.timeout !== undefined) {
        const ev: Ev = { t: this.now + Math.max(0, opts.timeout), seq: this.seq++, fn: wakeOnTimeout, a: w, b: undefined, c: undefined, d: undefined };
        this.queue.push(ev);
      }
      this.runnable--;
      if (this.runnable === 0) this.kick();
    });
  }

  /** Sleep in virtual time; resolves early with 'signal' if one arrives. */
  sleep(p: Process, ns: number): Promise<WakeReason> {
    return this.block(p, { timeout: ns });
  }

  wakeWaiter(w: Waiter, reason: WakeReason): void {
    if (w.done) return;
    w.done = true;
    w.queue?.waiters.delete(w);
    if (w.p.waiter === w) w.p.waiter = undefined;
    this.runnable++;
    w.resolve(reason);
  }

  /** Deliver a signal (kill(2)). One the process does not handle and that is ignored by
   *  default is discarded, as the kernel does. */
  kill(p: Process, sig: number): void {
    if (p.exited) return;
    if (DEFAULT_IGNORED.has(sig) && !p.handled.has(sig)) return;
    p.pending.push(sig);
    if (p.waiter) this.wakeWaiter(p.waiter, 'signal');
  }

  /** Wait for a process to exit; resolves with its status (or 'signal' for the waiter). */
  async waitExit(waiter: Process, child: Process): Promise<number | 'signal'> {
    while (!child.exited) {
      const r = await this.block(waiter, { queue: child.exitQueue });
      if (r === 'signal' || r === 'deadlock') return 'signal';
    }
    return child.status;
  }

  /** Resolves when every process has exited (the end of a run). */
  idle(): Promise<void> {
    if (this.runnable === 0 && this.procs.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }
  private idleWaiters: (() => void)[] = [];

  // ---- the clock -------------------------------------------------------------------------------

  private kick(): void {
    if (this.kicked) return;
    this.kicked = true;
    // Every process is blocked (the count is exact: a woken process counts as runnable until it
    // blocks again), so the clock may advance once the current microtask has run. Most steps
    // take a microtask; every 256th a macrotask, so the host (Ctrl-C, stdin, output) gets turns
    // during a long run. Which one is used changes no order inside the machine.
    if ((++this.kicks & 255) !== 0) queueMicrotask(this.onKick);
    else setImmediate(this.onKick);
  }
  private kicks = 0;
  private readonly onKick = (): void => {
    this.kicked = false;
    if (this.runnable === 0) this.advance();
  };

  /** Run due events in one batch, advancing time, until some process can run again. */
  private advance(): void {
    if (this.procs.size === 0) {
      // Nobody left to observe anything: pending timers are moot for this run.
      this.paceFrom = undefined;
      const ws = this.idleWaiters;
      this.idleWaiters = [];
      for (const r of ws) r();
      return;
    }
    const next = this.queue.peek();
    let until = this.maxTime;
    if (this.pace && (!next || next.t <= this.maxTime)) {
      // nothing left to happen: wait for the user (Ctrl-C signals the foreground job); time
      // stands still until something is scheduled again
      if (!next) {
        this.paceFrom = undefined;
        return;
      }
      const wall = this.pace();
      this.paceFrom ??= { virt: this.now, wall };
      const due = this.paceFrom.virt + Math.floor((wall - this.paceFrom.wall) * NS_PER_MS);
      if (next.t > due) {
        clearTimeout(this.paceTimer);
        this.paceTimer = setTimeout(this.onKick, Math.ceil((next.t - due) / NS_PER_MS));
        return;
      }
      until = due;
    }
    if (!next || next.t > this.maxTime) {
      this.onNotice(
        next
          ? `nsemu: virtual time limit (${this.maxTime / NS_PER_SEC} s) reached; stopping every process`
          : 'nsemu: every process is blocked and nothing is left to happen; stopping them',
      );
      for (const p of [...this.procs.values()]) {
        p.pending.push(SIG.SIGKILL);
        if (p.waiter) this.wakeWaiter(p.waiter, 'deadlock');
      }
      return;
    }
    this.inBatch = true;
    this.batchEvents = 0;
    try {
      this.drain({ w: this.world, m: this }, until, true);
    } catch (e) {
      // a kernel bug in timer-driven work: say so and end the run, rather than crash the host
      this.onNotice(`nsemu: internal error in the kernel's timer work: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
      for (const p of [...this.procs.values()]) this.kill(p, SIG.SIGKILL);
      return;
    } finally {
      this.inBatch = false;
    }
    this.checkStorm();
    if (this.runnable === 0) this.kick();
  }

  /** Run all events due up to `until` without any process (for API users and tests). */
  runUntil(until: number): void {
    this.inBatch = true;
    this.batchEvents = 0;
    try {
      this.drain({ w: this.world, m: this }, until);
    } finally {
      this.inBatch = false;
    }
    this.checkStorm();
    if (until > this.now) this.now = until;
  }
}
