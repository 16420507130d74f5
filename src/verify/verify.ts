// `nsemu verify`: run scripts in nsemu and on the real kernel, normalise both, compare.
//
// Both sides are injectable so tests can run without root (a stub kernel runner), and the
// differential property tests reuse the same comparison. The real kernel is only ever reached
// through src/verify/sandbox.ts.
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { normalize } from './normalize.ts';
import { unifiedDiff } from './diff.ts';
import { runFileInSandbox } from './sandbox.ts';

export interface RunOutput {
  /** stdout and stderr interleaved as written */
  output: string;
  status: number;
}

/** Runs the script file on one side. */
export type Runner = (scriptPath: string, source: string) => Promise<RunOutput>;

/** nsemu, seed 1, as `nsemu run SCRIPT` does. Runs one at a time: an exception the emulator
 *  throws outside the script's promise (from a timer) is then reported as that script's
 *  `nsemu: internal error: …` (exit 70, as the CLI does) instead of killing the caller. */
export const nsemuRunner: Runner = (scriptPath, source) => {
  const run = nsemuChain.then(() => runNsemuOnce(scriptPath, source));
  nsemuChain = run.catch(() => undefined);
  return run;
};
let nsemuChain: Promise<unknown> = Promise.resolve();

const internalError = (e: unknown): string =>
  `nsemu: internal error: ${e instanceof Error ? (e.stack ?? e.message).split('\n').slice(0, 4).join('\n') : String(e)}\n`;

async function runNsemuOnce(scriptPath: string, source: string): Promise<RunOutput> {
  const { runScript } = await import('../shell/index.ts');
  let out = '';
  let onCrash: (e: unknown) => void = () => {};
  const crashed = new Promise<RunOutput>((done) => {
    onCrash = (e) => done({ output: out + internalError(e), status: 70 });
  });
  const handler = (e: unknown): void => onCrash(e);
  process.on('uncaughtException', handler);
  try {
    const ran = runScript(source, { seed: 1, name: scriptPath, mode: 'file', maxTime: 3600, onOutput: (_fd, s) => void (out += s) }).then(
      (r): RunOutput => ({ output: r.output, status: r.status }),
      (e: unknown): RunOutput => ({ output: out + internalError(e), status: 70 }),
    );
    return await Promise.race([ran, crashed]);
  } finally {
    process.off('uncaughtException', handler);
  }
}

/** The real kernel, in a throwaway sandbox (never the machine's own namespace). */
export const kernelRunner: Runner = async (scriptPath) => {
  const r = await runFileInSandbox(scriptPath, { timeoutMs: 5 * 60_000 });
  return { output: r.output, status: r.status };
};

export interface VerifyResult {
  name: string;
  scriptPath: string;
  match: boolean;
  /** normalised outputs */
  kernel: RunOutput;
  nsemu: RunOutput;
  /** unified diff (--- kernel, +++ nsemu) plus an exit-status line; '' when they match */
  diff: string;
}

/** Compares two runs after normalising; the exit status is part of the comparison. */
export function compareRuns(name: string, kernelRaw: RunOutput, nsemuRaw: RunOutput, scriptPath = name): VerifyResult {
  const kernel = { output: normalize(kernelRaw.output), status: kernelRaw.status };
  const nsemu = { output: normalize(nsemuRaw.output), status: nsemuRaw.status };
  let diff = unifiedDiff(kernel.output, nsemu.output, `kernel ${name}`, `nsemu ${name}`, { maxLines: 200 });
  if (kernel.status !== nsemu.status) diff += `exit status: kernel ${kernel.status}, nsemu ${nsemu.status}\n`;
  return { name, scriptPath, match: diff === '', kernel, nsemu, diff };
}

export interface VerifyOptions {
  kernel?: Runner;
  nsemu?: Runner;
  /** kernel runs at the same time (each is its own sandbox); nsemu runs one at a time */
  concurrency?: number;
  /** called after each script with the number done */
  onProgress?: (done: number, total: number, r: VerifyResult) => void;
}

/** Verifies one script given by path (source read from the file). */
export async function verifyScript(scriptPath: string, opts: VerifyOptions = {}): Promise<VerifyResult> {
  const source = readFileSync(scriptPath, 'utf8');
  const [k, n] = await Promise.all([(opts.kernel ?? kernelRunner)(scriptPath, source), (opts.nsemu ?? nsemuRunner)(scriptPath, source)]);
  return compareRuns(basename(scriptPath, '.sh'), k, n, scriptPath);
}

/** Verifies scripts, results in the order given. */
export async function verifyScripts(paths: string[], opts: VerifyOptions = {}): Promise<VerifyResult[]> {
  const results: VerifyResult[] = new Array(paths.length);
  let next = 0;
  let done = 0;
  const worker = async (): Promise<void> => {
    while (next < paths.length) {
      const i = next++;
      results[i] = await verifyScript(paths[i]!, opts);
      done++;
      opts.onProgress?.(done, paths.length, results[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(opts.concurrency ?? 4, paths.length)) }, worker));
  return results;
}

/** The report: one diff per mismatching script, then `verify: M/N scripts match`. */
export function formatReport(results: VerifyResult[]): string {
  let out = '';
  for (const r of results) if (!r.match) out += `MISMATCH ${r.scriptPath} (--- kernel, +++ nsemu, normalised):\n${r.diff}`;
  out += `${summaryLine(results)}\n`;
  return out;
}

export function summaryLine(results: VerifyResult[]): string {
  return `verify: ${results.filter((r) => r.match).length}/${results.length} scripts match`;
}

/** A one-line progress bar for a TTY (rewritten in place with \r). */
export function progressBar(done: number, total: number, label = '', width = 30): string {
  const fill = total ? Math.round((done / total) * width) : width;
  return `\r[${'#'.repeat(fill)}${'-'.repeat(width - fill)}] ${done}/${total} ${label}`.slice(0, 100).padEnd(60) ;
}

/** `nsemu verify --record DIR`: the recorder (3 runs each, flaky recordings refused). A script
 *  outside DIR is copied to DIR/NAME.sh first, so that DIR/expected/MANIFEST.json describes the
 *  script beside it. Returns the exit status (0 when every script was recorded). */
export async function recordInto(dir: string, paths: string[], log: (line: string) => void, runs = 3): Promise<number> {
  const { copyFileSync, mkdirSync } = await import('node:fs');
  const { join, resolve } = await import('node:path');
  const { recordScript, saveRecording, kernelRelease, toolVersions } = await import('./recorder.ts');
  mkdirSync(dir, { recursive: true });
  const env = { kernel: kernelRelease(), tools: toolVersions() };
  let status = 0;
  for (const p of paths) {
    const target = join(dir, basename(p));
    if (resolve(target) !== resolve(p)) copyFileSync(p, target);
    const rec = await recordScript(target, runs, log);
    if (rec.leak) {
      log(`LEAK: ${rec.name}:\n${rec.leak}`);
      status = 1;
    }
    if (rec.flaky) {
      log(rec.flaky.trimEnd());
      log(`${rec.name}: NOT recorded (runs differ)`);
      status = 1;
      continue;
    }
    saveRecording(rec, env);
    log(`${rec.name}: recorded ${join(dir, 'expected', `${rec.name}.out`)}, exit ${rec.status}, identical over ${runs} runs`);
  }
  return status;
}

export interface VerifyCliIO {
  out: (s: string) => void;
  err: (s: string) => void;
  /** stderr is a terminal: show a progress bar when several scripts run */
  tty: boolean;
  /** default: kernelAvailable() from sandbox.ts */
  kernelStatus?: () => { ok: boolean; reason: string };
}

/** The whole `nsemu verify` command; returns the exit status (0 all match, 1 mismatch, 2 cannot run). */
export async function verifyCommand(paths: string[], o: { record?: string }, io: VerifyCliIO, opts: VerifyOptions = {}): Promise<number> {
  const { existsSync } = await import('node:fs');
  if (!paths.length) {
    io.err('nsemu: verify: no scripts given\n');
    return 2;
  }
  for (const p of paths)
    if (!existsSync(p)) {
      io.err(`nsemu: verify: ${p}: No such file or directory\n`);
      return 2;
    }
  if (!opts.kernel || o.record !== undefined) {
    const k = (io.kernelStatus ?? (await import('./sandbox.ts')).kernelAvailable)();
    if (!k.ok) {
      io.err(`nsemu: verify: cannot run on the real kernel here: ${k.reason}\n`);
      return 2;
    }
  }
  if (o.record !== undefined) return recordInto(o.record, paths, (l) => io.out(`${l}\n`));
  const bar = io.tty && paths.length > 1;
  const results = await verifyScripts(paths, {
    ...opts,
    onProgress: (done, total, r) => {
      if (bar) io.err(progressBar(done, total, basename(r.scriptPath)) + (done === total ? '\n' : ''));
      opts.onProgress?.(done, total, r);
    },
  });
  io.out(formatReport(results));
  return results.every((r) => r.match) ? 0 : 1;
}
