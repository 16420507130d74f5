// Recording scenario scripts on the real kernel: run each one several times in the sandbox,
// normalise, refuse flaky results, and keep a manifest beside the recordings so that hand edits
// of an expected output (or a script changed without re-recording) are visible.
//
//   DIR/NAME.sh                  the script
//   DIR/expected/NAME.out        its normalised stdout+stderr on the real kernel
//   DIR/expected/MANIFEST.json   { NAME: ManifestEntry } (sorted by name)
import { createHash } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { basename, dirname, join, relative } from 'node:path';
import { unifiedDiff } from './diff.ts';
import { normalize } from './normalize.ts';
import { machineState, runFileInSandbox, SANDBOX_PATH } from './sandbox.ts';

export interface ManifestEntry {
  /** `uname -r` of the recording machine. */
  kernel: string;
  /** Versions of the userland tools the scripts call. */
  tools: Record<string, string>;
  /** ISO date and time of the recording. */
  recorded: string;
  scriptSha256: string;
  outputSha256: string;
  /** How many identical runs the recording is based on. */
  runs: number;
  /** The script's exit status (the same in every run). */
  status: number;
}

export type Manifest = Record<string, ManifestEntry>;

export const sha256 = (data: string | Buffer): string => createHash('sha256').update(data).digest('hex');

export function expectedDir(scriptPath: string): string {
  return join(dirname(scriptPath), 'expected');
}

export function expectedPath(scriptPath: string): string {
  return join(expectedDir(scriptPath), `${basename(scriptPath, '.sh')}.out`);
}

export function manifestPath(dir: string): string {
  return join(dir, 'MANIFEST.json');
}

export function readManifest(dir: string): Manifest {
  const p = manifestPath(dir);
  return existsSync(p) ? (JSON.parse(readFileSync(p, 'utf8')) as Manifest) : {};
}

export function writeManifest(dir: string, m: Manifest): void {
  const sorted: Manifest = {};
  for (const k of Object.keys(m).sort()) sorted[k] = m[k]!;
  writeAtomic(manifestPath(dir), JSON.stringify(sorted, null, 2) + '\n');
}

function writeAtomic(path: string, text: string): void {
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, text);
  renameSync(tmp, path);
}

function firstLine(cmd: string): string {
  const r = spawnSync('bash', ['-c', cmd], { encoding: 'utf8', env: { PATH: SANDBOX_PATH, LC_ALL: 'C' } });
  return `${r.stdout ?? ''}${r.stderr ?? ''}`.split('\n')[0]!.trim();
}

/** The version of each tool, as short strings (`iproute2: "6.1.0"`); "missing" when absent. */
export function toolVersions(): Record<string, string> {
  const v = (cmd: string, re: RegExp): string => {
    const line = firstLine(`${cmd} 2>&1`);
    return re.exec(line)?.[1] ?? (line || 'missing');
  };
  return {
    iproute2: v('ip -V', /iproute2-([^\s,]+)/),
    iputils: v('ping -V', /iputils[- ](\S+)/),
    ethtool: v('ethtool --version', /ethtool version (\S+)/),
    procps: v('sysctl --version', /procps-ng (\S+)/),
    iptables: v('iptables -V', /iptables v(\S+ \S+)/),
    tcpdump: v('tcpdump --version', /tcpdump version (\S+)/),
    libpcap: v('tcpdump --version | sed -n 2p', /libpcap version (\S+)/),
    conntrack: v('conntrack --version', /conntrack v(\S+)/),
    'net-tools': v('ifconfig --version', /net-tools (\S+)/),
    'bridge-utils': v('brctl --version', /bridge-utils, (\S+)/),
    openvswitch: v('ovs-vsctl --version', /Open vSwitch\) (\S+)/),
    'util-linux': v('unshare --version', /util-linux (\S+)/),
    bash: v('bash --version', /version ([0-9.]+)/),
    coreutils: v('sort --version', /\(GNU coreutils\) (\S+)/),
  };
}

export function kernelRelease(): string {
  return firstLine('uname -r');
}

export interface Recording {
  name: string;
  scriptPath: string;
  /** Normalised output of the first run. */
  output: string;
  status: number;
  /** Per run: normalised output and status. */
  runs: { output: string; status: number }[];
  /** Human-readable report of the runs that differ from the first one ('' when none). */
  flaky: string;
  /** Set if the machine's own networking changed during a run (must never happen). */
  leak: string;
}

export type Log = (line: string) => void;

/** Runs a script `runs` times in the sandbox, one run at a time. */
export async function recordScript(scriptPath: string, runs: number, log: Log = () => {}): Promise<Recording> {
  const name = basename(scriptPath, '.sh');
  const results: { output: string; status: number }[] = [];
  let leak = '';
  for (let i = 1; i <= runs; i++) {
    const before = machineState();
    const t0 = Date.now();
    const r = await runFileInSandbox(scriptPath);
    const after = machineState();
    if (before !== after) leak += `run ${i}: the machine's networking changed:\n${unifiedDiff(before, after, 'before', 'after')}`;
    results.push({ output: normalize(r.output), status: r.status });
    log(`${name}: run ${i}/${runs}: exit ${r.status}${r.timedOut ? ' (TIMEOUT)' : ''}, ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  }
  const first = results[0]!;
  let flaky = '';
  results.forEach((r, i) => {
    if (i === 0) return;
    if (r.output !== first.output)
      flaky += `FLAKY: ${name} run ${i + 1} differs from run 1:\n${unifiedDiff(first.output, r.output, `${name} run 1`, `${name} run ${i + 1}`, { maxLines: 80 })}`;
    if (r.status !== first.status) flaky += `FLAKY: ${name} run ${i + 1} exited ${r.status}, run 1 exited ${first.status}\n`;
  });
  return { name, scriptPath, output: first.output, status: first.status, runs: results, flaky, leak };
}

/** Writes expected/NAME.out and its manifest entry. */
export function saveRecording(rec: Recording, env: { kernel: string; tools: Record<string, string> }): void {
  const dir = expectedDir(rec.scriptPath);
  mkdirSync(dir, { recursive: true });
  writeAtomic(expectedPath(rec.scriptPath), rec.output);
  const entry: ManifestEntry = {
    kernel: env.kernel,
    tools: env.tools,
    recorded: new Date().toISOString(),
    scriptSha256: sha256(readFileSync(rec.scriptPath)),
    outputSha256: sha256(rec.output),
    runs: rec.runs.length,
    status: rec.status,
  };
  withLock(manifestPath(dir) + '.lock', () => writeManifest(dir, { ...readManifest(dir), [rec.name]: entry }));
}

/** Serialises manifest updates of recorders running at the same time (a lock file). */
function withLock(lock: string, fn: () => void): void {
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      closeSync(openSync(lock, 'wx'));
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      // a lock older than a minute was left by a killed recorder
      const st = statSync(lock, { throwIfNoEntry: false });
      if (st && Date.now() - st.mtimeMs > 60_000) rmSync(lock, { force: true });
      if (Date.now() > deadline) throw new Error(`cannot lock ${lock}`);
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 50);
    }
  }
  try {
    fn();
  } finally {
    rmSync(lock, { force: true });
  }
}

export interface ManifestProblem {
  file: string;
  problem: string;
}

/** Checks one expected/ directory against its manifest and the scripts beside it. */
export function checkExpectedDir(dir: string): ManifestProblem[] {
  const problems: ManifestProblem[] = [];
  const m = readManifest(dir);
  const scriptsDir = dirname(dir);
  const rel = (p: string) => relative(process.cwd(), p) || p;
  const outs = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.out')).sort() : [];
  for (const f of outs) {
    const name = f.slice(0, -4);
    const file = join(dir, f);
    const e = m[name];
    if (!e) {
      problems.push({ file, problem: `no entry "${name}" in ${manifestPath(dir)}: expected outputs come from scripts/record.ts, not from hand edits` });
      continue;
    }
    const got = sha256(readFileSync(file));
    if (got !== e.outputSha256)
      problems.push({ file, problem: `sha256 ${got} differs from the manifest's ${e.outputSha256}: the file was changed after recording (hand edit?); re-record with: npx tsx scripts/record.ts ${rel(join(scriptsDir, name + '.sh'))}` });
    const script = join(scriptsDir, `${name}.sh`);
    if (!existsSync(script)) problems.push({ file, problem: `no script ${rel(script)} for this recording` });
    else if (sha256(readFileSync(script)) !== e.scriptSha256)
      problems.push({ file: script, problem: `the script changed since ${name}.out was recorded; re-record with: npx tsx scripts/record.ts ${rel(script)}` });
  }
  for (const name of Object.keys(m))
    if (!outs.includes(`${name}.out`)) problems.push({ file: manifestPath(dir), problem: `entry "${name}" has no ${name}.out` });
  return problems;
}

/** The manifest of a directory of recorded files (test/tcpdump/ by scripts/record-tcpdump.ts). */
export interface FilesManifest {
  kernel: string;
  tools: Record<string, string>;
  recorded: string;
  /** file name → sha256 */
  files: Record<string, string>;
}

/** Checks every file of DIR whose name matches `recorded` against DIR/MANIFEST.json, both ways. */
export function checkFilesManifest(dir: string, recorded: RegExp, recorder: string): ManifestProblem[] {
  const p = manifestPath(dir);
  if (!existsSync(p)) return [{ file: p, problem: `missing: run ${recorder}` }];
  const m = JSON.parse(readFileSync(p, 'utf8')) as FilesManifest;
  const problems: ManifestProblem[] = [];
  const present = readdirSync(dir).filter((f) => recorded.test(f)).sort();
  for (const f of present) {
    const want = m.files[f];
    const file = join(dir, f);
    if (!want) problems.push({ file, problem: `not in ${p}: recorded files come from ${recorder}, not from hand edits` });
    else if (sha256(readFileSync(file)) !== want)
      problems.push({ file, problem: `sha256 differs from the manifest's ${want}: the file was changed after recording (hand edit?); re-record with ${recorder}` });
  }
  for (const f of Object.keys(m.files)) if (!present.includes(f)) problems.push({ file: p, problem: `lists ${f}, which is missing` });
  return problems;
}
