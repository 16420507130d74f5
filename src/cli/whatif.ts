// nsemu whatif SCRIPT.sh --change 'CMD' [--change ...] [--json] [--matrix]
// Replays the script on a fresh machine, computes the reachability matrix, then applies each
// change in its own fork of that machine and prints the pairs whose disposition changed:
//   ns1 -> 10.0.2.2: delivered → filtered (r: iptables -t filter FORWARD rule 1 (-j DROP))
// A change command that fails is reported with its error text and status; the others still run.
// With more than one change and a sweep long enough to gain from it, the changes run in worker
// threads, one per core (tinypool; src/cli/whatif-worker.ts), each thread replaying the script
// once: the same steps as the serial sweep, so the output is byte for byte the serial one, in the
// same order. NSEMU_JOBS=N asks for N threads (1: serial), NSEMU_DEBUG=1 says on stderr how the
// changes ran. On a terminal, stderr shows a progress bar (cli-progress); elsewhere nothing is
// written there but the script's errors.
import { availableParallelism } from 'node:os';
import { existsSync } from 'node:fs';
import { basename } from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { reachability, type ReachabilityRow } from '../api/reachability.ts';
import type { NsemuMachine } from '../api/machine.ts';
import { applyChange, replay, type WhatifScript, type WhatifStep, type WhatifTask } from './whatif-worker.ts';

export interface WhatifOptions {
  change?: string[];
  json?: boolean;
  matrix?: boolean;
  seed?: number;
  /** worker threads for the changes (default: NSEMU_JOBS, else one per core when the sweep is
   *  long enough to gain from them); 1 runs them in this thread */
  jobs?: number;
}

export interface WhatifIo {
  out(s: string): void;
  err(s: string): void;
  /** stderr is a terminal: show progress there */
  tty: boolean;
  /** told how the changes ran: 'serially' or 'in N worker threads' (tests ask) */
  ran?(how: string): void;
}

interface ChangeResult {
  change: string;
  status: number;
  stdout: string;
  stderr: string;
  changed: { from: string; to: string; before: ReachabilityRow; after: ReachabilityRow }[];
  matrix?: ReachabilityRow[];
}

const key = (r: ReachabilityRow): string => `${r.from}\u0000${r.to}`;

function rowText(r: ReachabilityRow): string {
  return `${r.from} -> ${r.to}: ${r.disposition}${r.reason ? ` (${r.reason})` : ''}`;
}

function matrixText(rows: ReachabilityRow[]): string {
  return rows.map((r) => `  ${rowText(r)}\n`).join('');
}

/** A progress bar on stderr (only on a terminal): one tick per step done. */
async function progressBar(io: WhatifIo, total: number): Promise<{ tick(what: string): void; stop(): void }> {
  if (!io.tty) return { tick() {}, stop() {} };
  const { SingleBar, Presets } = (await import('cli-progress')).default;
  // cli-progress draws with readline's escape codes on a stream: this one writes to io.err
  const stream = { isTTY: true, columns: process.stderr.columns || 80, write: (s: string) => (io.err(s), true) };
  const bar = new SingleBar({ stream: stream as unknown as NodeJS.WritableStream, format: 'whatif {bar} {value}/{total} {what}', hideCursor: true, clearOnComplete: true, barsize: 20 }, Presets.shades_classic);
  bar.start(total, 0, { what: 'replaying the script' });
  return { tick: (what) => bar.increment(1, { what }), stop: () => bar.stop() };
}

/** The changes in this thread, one after another, each in its own fork of `m`. */
async function serialChanges(m: NsemuMachine, changes: string[], tick: (what: string) => void): Promise<WhatifStep[]> {
  const steps: WhatifStep[] = [];
  for (const change of changes) {
    steps.push(await applyChange(m, change));
    tick(change);
  }
  return steps;
}

/** The worker module: its TypeScript source beside this one, or in the bundle dist/whatif-worker.js
 *  (this module is in dist/nsemu.js or in a chunk under dist/chunks/). */
function workerModule(): { filename: string; fromSources: boolean } | undefined {
  const here = new URL('.', import.meta.url);
  if (import.meta.url.endsWith('.ts')) return { filename: fileURLToPath(new URL('whatif-worker.ts', here)), fromSources: true };
  const dist = here.pathname.endsWith('/chunks/') ? new URL('..', here) : here;
  const f = fileURLToPath(new URL('whatif-worker.js', dist));
  return existsSync(f) ? { filename: f, fromSources: false } : undefined;
}

/** Where tsx's register() is (import.meta.resolve is not there under every loader). */
function tsxApi(): string {
  return typeof import.meta.resolve === 'function' ? import.meta.resolve('tsx/esm/api') : pathToFileURL(createRequire(import.meta.url).resolve('tsx/esm/api')).href;
}

/** The changes in a pool of worker threads (each replays the script once); their results in the
 *  serial order. Undefined when there is no worker module to run. */
async function workerChanges(script: WhatifScript, changes: string[], threads: number, tick: (what: string) => void): Promise<WhatifStep[] | undefined> {
  const w = workerModule();
  if (!w) return undefined;
  const { Tinypool } = await import('tinypool');
  // from the sources, each thread first registers tsx's loader (a worker does not inherit the
  // main thread's), then loads the TypeScript worker
  const filename = w.fromSources
    ? `data:text/javascript,${encodeURIComponent(`const { register } = await import(${JSON.stringify(tsxApi())}); register(); export default (await import(${JSON.stringify(pathToFileURL(w.filename).href)})).default;`)}`
    : w.filename;
  const pool = new Tinypool({ filename, minThreads: threads, maxThreads: threads, isolateWorkers: false });
  try {
    return await Promise.all(
      changes.map(async (change) => {
        const task: WhatifTask = { ...script, change };
        const step = (await pool.run(task)) as WhatifStep;
        tick(change);
        return step;
      }),
    );
  } finally {
    await pool.destroy();
  }
}

/** The threads asked for: the option, else NSEMU_JOBS; undefined when neither says. */
function jobsAsked(o: WhatifOptions): number | undefined {
  const env = Number.parseInt(process.env.NSEMU_JOBS ?? '', 10);
  return o.jobs ?? (Number.isFinite(env) && env > 0 ? env : undefined);
}

/** How much slower a thread does the same work than this one: it replays the script and
 *  compiles the code again, and the threads share the cores and the memory bus (measured: 12
 *  changes on a 100-namespace topology, 2 threads on 2 cores, took 1.75× the serial time per
 *  change, so 2 threads were slower than none). */
const THREAD_COST = 2;

/** Whether threads are worth their start-up, judged by the replay's and the first matrix's times
 *  here (a change costs about a matrix): a thread's replay and share of the changes, at
 *  THREAD_COST, must take less than the changes do here. */
export function worthThreads(replayMs: number, matrixMs: number, changes: number, threads: number): boolean {
  const serial = changes * matrixMs;
  return serial > 2000 && THREAD_COST * (replayMs + (changes / threads) * matrixMs) < serial;
}

export async function whatifCommand(name: string, src: string, o: WhatifOptions, io: WhatifIo): Promise<number> {
  const changes = o.change ?? [];
  const script: WhatifScript = { name, src, seed: o.seed ?? 1 };
  const bar = await progressBar(io, changes.length + 1);
  // NSEMU_DEBUG=1: say on stderr how the changes ran
  const debug = (s: string): void => void (process.env.NSEMU_DEBUG === '1' && io.err(`nsemu: whatif: ${s}\n`));
  const tell = (how: string, where = ''): void => {
    io.ran?.(how);
    debug(`the changes ran ${how}${where}`);
  };
  let run: WhatifStep;
  let after: WhatifStep[] | undefined;
  try {
    const t0 = performance.now();
    const { m, run: r } = await replay(script);
    const t1 = performance.now();
    run = { status: r.status, stdout: r.stdout, stderr: r.stderr, rows: await reachability(m) };
    const t2 = performance.now();
    bar.tick('the script as written');
    // one thread per core (or as asked), no more than there are changes; one change has nothing
    // to share out, and unless threads were asked for, a short sweep is over before they start
    const asked = jobsAsked(o);
    const threads = Math.max(1, Math.min(asked ?? availableParallelism(), changes.length));
    if (threads > 1 && (asked !== undefined || worthThreads(t1 - t0, t2 - t1, changes.length, threads))) {
      try {
        after = await workerChanges(script, changes, threads, bar.tick);
        if (after) tell(`in ${threads} worker threads`, ` (${basename(workerModule()!.filename)})`);
      } catch (e) {
        // no worker threads here (or they failed): the serial sweep gives the same output
        debug(`worker threads failed (${e instanceof Error ? e.message : String(e)})`);
        after = undefined;
      }
    }
    if (!after) {
      after = await serialChanges(m, changes, bar.tick);
      tell('serially');
    }
  } finally {
    bar.stop();
  }
  const base = run.rows;
  if (run.status !== 0) io.err(`nsemu: whatif: ${name} exited with status ${run.status}${run.stderr ? `:\n${run.stderr}` : ''}${run.stderr.endsWith('\n') || !run.stderr ? '' : '\n'}`);
  const baseKeys = new Set(base.map(key));
  const results: ChangeResult[] = changes.map((change, i) => {
    const r = after[i]!;
    const byKey = new Map(r.rows.map((x) => [key(x), x]));
    const changed: ChangeResult['changed'] = [];
    for (const b of base) {
      const a = byKey.get(key(b));
      if (!a) continue;
      if (a.disposition !== b.disposition) changed.push({ from: b.from, to: b.to, before: b, after: a });
    }
    // pairs that appear only after the change (a new namespace, a new address)
    for (const a of r.rows) if (!baseKeys.has(key(a))) changed.push({ from: a.from, to: a.to, before: { from: a.from, to: a.to, disposition: 'no-route', hops: [], reason: 'did not exist' }, after: a });
    return { change, status: r.status, stdout: r.stdout, stderr: r.stderr, changed, ...(o.matrix ? { matrix: r.rows } : {}) };
  });
  if (o.json) {
    io.out(`${JSON.stringify({ script: name, status: run.status, ...(o.matrix || changes.length === 0 ? { matrix: base } : {}), changes: results.map((c) => ({ change: c.change, status: c.status, stderr: c.stderr, changed: c.changed.map((x) => ({ from: x.from, to: x.to, before: x.before.disposition, after: x.after.disposition, reason: x.after.reason ?? x.before.reason ?? '' })), ...(c.matrix ? { matrix: c.matrix } : {}) })) }, null, 2)}\n`);
    return 0;
  }
  let out = '';
  if (o.matrix || changes.length === 0) out += `reachability of ${name} (${base.length} pairs):\n${matrixText(base)}`;
  for (const c of results) {
    if (out) out += '\n';
    out += `--change '${c.change}'`;
    if (c.status !== 0) out += ` failed with status ${c.status}: ${c.stderr.trimEnd() || '(no message)'}`;
    out += '\n';
    if (c.changed.length === 0) out += '  no pair changed\n';
    for (const x of c.changed) out += `  ${x.from} -> ${x.to}: ${x.before.disposition} → ${x.after.disposition}${whyText(x.before, x.after)}\n`;
    if (c.matrix) out += `reachability after it (${c.matrix.length} pairs):\n${matrixText(c.matrix)}`;
  }
  io.out(out);
  return 0;
}

function whyText(before: ReachabilityRow, after: ReachabilityRow): string {
  const why = after.disposition === 'delivered' ? before.reason && `was: ${before.reason}` : after.reason;
  return why ? ` (${why})` : '';
}
