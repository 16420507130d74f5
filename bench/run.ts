// npm run bench: throughputs of the emulator, and the same workloads on the real kernel in the
// same run where this machine allows it (root + network namespaces), as medians over several runs
// and ratios against each row's target. Nothing here is asserted: benchmarks are not tests.
//
//   npm run bench -- [--quick] [--runs N] [--only ID,ID…] [--cap SECONDS] [--no-kernel] [--out FILE] [--list]
//
// Both sides time the same span, the workload alone: nsemu in bench/child.ts (its own node
// process per row: a fresh heap, peak RSS of its own, killable at the cap) around runScript of
// the workload on a machine already set up, or around the whole `nsemu run` process for the rows
// that are about `nsemu run`; the kernel inside the recorder's sandbox (src/verify/sandbox.ts),
// with `date +%s%N` just before and after the same workload text, after the same set-up. Sandbox
// start, set-up and counter reads are outside both spans.
//
// Every row has a cap (--cap, wall seconds of its nsemu side): a run that would take longer is
// shortened (the ping count sized by a probe run) or ended (the workloads print their progress,
// and the figure is reported at the size reached), and the row says so.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { kernelAvailable, runInSandbox } from '../src/verify/sandbox.ts';
import { kernelRelease, toolVersions } from '../src/verify/recorder.ts';
import type { Spec } from './child.ts';
import { PING_BRIDGE_SETUP, PING_NAT_SETUP, manyNamespacesScript, meshCounters, meshSetup, meshWorkload, pingFlood, rxPackets, setupScript } from './workloads.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const NSEMU_BIN = join(ROOT, 'bin', 'nsemu.js');
const SEED003 = ['../shared/scenarios/seed003-veth-two-ns.sh', 'test/scenarios/seed003-veth-two-ns.sh', 'examples/seed003-veth-two-ns.sh'].map((p) => resolve(ROOT, p));

// ---------------------------------------------------------------------------------------------
// Options

const ROWS = ['ping-bridge', 'ping-nat', 'mesh-hops', 'setup-run', 'setup-api', 'rss', 'startup', 'differential'] as const;
type RowId = (typeof ROWS)[number];

function usage(msg?: string): never {
  if (msg) console.error(`bench: ${msg}`);
  console.error(`usage: npm run bench -- [--quick] [--runs N] [--only ${ROWS.join(',')}] [--cap SECONDS] [--no-kernel] [--out FILE] [--list]`);
  process.exit(2);
}

const args = process.argv.slice(2);
const o = { quick: false, runs: 0, only: [] as RowId[], cap: 0, kernel: true, out: join(ROOT, 'bench', 'results.json') };
for (let i = 0; i < args.length; i++) {
  const a = args[i]!;
  const num = (): number => {
    const v = Number(args[++i]);
    if (!Number.isFinite(v) || v <= 0) usage(`${a} wants a positive number, got "${args[i] ?? ''}"`);
    return v;
  };
  if (a === '--quick') o.quick = true;
  else if (a === '--runs') o.runs = Math.round(num());
  else if (a === '--cap') o.cap = num();
  else if (a === '--no-kernel') o.kernel = false;
  else if (a === '--out') o.out = resolve(args[++i] ?? usage('--out wants a file'));
  else if (a === '--only') {
    for (const id of (args[++i] ?? '').split(',').filter(Boolean)) {
      if (!(ROWS as readonly string[]).includes(id)) usage(`unknown workload "${id}" (workloads: ${ROWS.join(', ')})`);
      o.only.push(id as RowId);
    }
  } else if (a === '--list') {
    console.log(ROWS.join('\n'));
    process.exit(0);
  } else usage(a === '-h' || a === '--help' ? undefined : `unknown argument ${a}`);
}
const RUNS = o.runs || (o.quick ? 3 : 5);
const CAP_MS = (o.cap || (o.quick ? 12 : 180)) * 1000;
const SIZES = o.quick
  ? { pings: 2000, mesh: 12, meshPings: 10, setup: 100, rss: [200, 500, 1000], cases: 40 }
  : { pings: 20_000, mesh: 64, meshPings: 50, setup: 1000, rss: [1000, 5000, 10_000], cases: 500 };
const selected = (id: RowId): boolean => o.only.length === 0 || o.only.includes(id);

// ---------------------------------------------------------------------------------------------
// Progress (stderr, only on a terminal)

const tty = process.stderr.isTTY === true;
let progressShown = false;
function progress(msg: string): void {
  if (!tty) return;
  process.stderr.write(`\r\x1b[K${msg.slice(0, (process.stderr.columns || 100) - 1)}`);
  progressShown = true;
}
function progressClear(): void {
  if (tty && progressShown) process.stderr.write('\r\x1b[K');
  progressShown = false;
}
function log(line: string): void {
  progressClear();
  console.log(line);
}

// ---------------------------------------------------------------------------------------------
// Statistics and formatting

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const h = s.length >> 1;
  return s.length === 0 ? NaN : s.length % 2 ? s[h]! : (s[h - 1]! + s[h]!) / 2;
};
function fmt(x: number | undefined): string {
  if (x === undefined || !Number.isFinite(x)) return '—';
  if (Math.abs(x) >= 100) return Math.round(x).toLocaleString('en-US');
  if (Math.abs(x) >= 10) return x.toFixed(1);
  return x.toPrecision(3);
}
const secs = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;

// ---------------------------------------------------------------------------------------------
// The emulator side: bench/child.ts in its own process, killed at the cap

interface ChildRun { run: number; ms: number; status: number; pre?: string; post?: string; output?: string; n?: number; maxRss: number }
interface ChildTick { run: number; n: number; ms: number; maxRss: number }
interface ChildResult { runs: ChildRun[]; lastTick?: ChildTick; count?: number; readyRss?: number; endRss?: number; killed: boolean; error?: string; wallMs: number }

/** bench/child.ts compiled as the package's library is (esbuild, one file), once per bench: under
 *  tsx every function would carry its keep-names wrapper, which the code users run has not. */
let childJs: string | undefined;
async function childModule(): Promise<string> {
  if (!childJs) {
    const out = join(ROOT, 'node_modules', '.cache', 'nsemu-bench', 'child.mjs');
    const { build } = await import('esbuild');
    await build({ entryPoints: [join(ROOT, 'bench', 'child.ts')], outfile: out, bundle: true, format: 'esm', platform: 'node', target: 'node20', packages: 'external', logLevel: 'warning' });
    childJs = out;
  }
  return childJs;
}

async function runChild(spec: Spec, capMs: number, label: string): Promise<ChildResult> {
  const child0 = await childModule();
  const dir = mkdtempSync(join(tmpdir(), 'nsemu-bench-'));
  const specPath = join(dir, 'spec.json');
  writeFileSync(specPath, JSON.stringify(spec));
  const res: ChildResult = { runs: [], killed: false, wallMs: 0 };
  const t0 = performance.now();
  return new Promise((done) => {
    const child = spawn(process.execPath, [child0, specPath], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let buf = '';
    let err = '';
    const timer = setTimeout(() => {
      res.killed = true;
      child.kill('SIGKILL');
    }, capMs);
    child.stderr.on('data', (b: Buffer) => void (err = (err + b.toString()).slice(-3000)));
    child.stdout.on('data', (b: Buffer) => {
      buf += b.toString();
      let nl: number;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        let m: Record<string, unknown>;
        try {
          m = JSON.parse(line) as Record<string, unknown>;
        } catch {
          continue;
        }
        const el = secs(performance.now() - t0);
        if (m.type === 'tick') {
          res.lastTick = m as unknown as ChildTick;
          progress(`${label}: nsemu run ${res.lastTick.run + 1}/${'runs' in spec ? spec.runs : 1}, ${res.lastTick.n} done, ${el}`);
        } else if (m.type === 'run') {
          res.runs.push(m as unknown as ChildRun);
          progress(`${label}: nsemu ${res.runs.length}/${'runs' in spec ? spec.runs : 1} runs, ${el}`);
        } else if (m.type === 'count') res.count = m.count as number;
        else if (m.type === 'ready') res.readyRss = m.maxRss as number;
        else if (m.type === 'end') res.endRss = m.maxRss as number;
        else if (m.type === 'error') res.error = String(m.message);
      }
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      rmSync(dir, { recursive: true, force: true });
      res.wallMs = performance.now() - t0;
      if (!res.killed && code !== 0 && !res.error) res.error = `bench/child.ts exited with ${code}: ${err.trim().split('\n').slice(-6).join(' / ')}`;
      done(res);
    });
  });
}

/** Wall time of one command (spawn to exit), and the last @@TICK it printed; killed at capMs. */
function timeCommand(argv: string[], capMs: number): Promise<{ ms: number; status: number; out: string; lastTick?: { n: number; ms: number }; killed: boolean }> {
  return new Promise((done) => {
    const t0 = performance.now();
    const child = spawn(argv[0]!, argv.slice(1), { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let lastTick: { n: number; ms: number } | undefined;
    let killed = false;
    const timer = setTimeout(() => {
      killed = true;
      child.kill('SIGKILL');
    }, capMs);
    child.stdout.on('data', (b: Buffer) => {
      const s = b.toString();
      out = (out + s).slice(-4000);
      for (const m of s.matchAll(/@@TICK (\d+)/g)) lastTick = { n: Number(m[1]), ms: performance.now() - t0 };
    });
    child.stderr.on('data', (b: Buffer) => void (out = (out + b.toString()).slice(-4000)));
    child.on('close', (code, sig) => {
      clearTimeout(timer);
      const r: { ms: number; status: number; out: string; lastTick?: { n: number; ms: number }; killed: boolean } = { ms: performance.now() - t0, status: code ?? 128 + (sig ? 9 : 0), out, killed };
      if (lastTick) r.lastTick = lastTick;
      done(r);
    });
  });
}

// ---------------------------------------------------------------------------------------------
// The kernel side: the same text in the recorder's sandbox, timestamps around the workload only

interface KernelSpec { setup: string; pre?: string; workload: string; post?: string; runs: number; fresh: boolean; file?: string }
interface KernelRun { ms: number; status: number; pre: string; post: string }

const kernelStatus = o.kernel ? kernelAvailable() : { ok: false, reason: 'not asked for: --no-kernel', missingTools: [] };

function kernelScript(k: KernelSpec, runs: number): string {
  const lines = ['set +e'];
  if (k.file !== undefined) lines.push(`cat > /run/bench-workload.sh <<'__NSEMU_BENCH_EOF__'`, k.file, '__NSEMU_BENCH_EOF__');
  lines.push(
    `if ! ( set -e`,
    k.setup || 'true',
    `) >/run/bench-setup.log 2>&1; then echo "@@SETUP-FAILED"; tail -n 20 /run/bench-setup.log; exit 1; fi`,
    `for __r in $(seq 1 ${runs}); do`,
    'echo "@@PRE"',
    `{ ${k.pre ?? 'true'}`,
    '} 2>&1',
    '__t0=$(date +%s%N)',
    '{',
    k.workload,
    '} >/run/bench-out 2>&1',
    '__st=$?',
    '__t1=$(date +%s%N)',
    'echo "@@POST"',
    `{ ${k.post ?? 'true'}`,
    '} 2>&1',
    'echo "@@RUN $__st $__t0 $__t1"',
    '[ $__st = 0 ] || tail -n 20 /run/bench-out',
    'done',
  );
  return lines.join('\n') + '\n';
}

function parseKernel(out: string): { runs: KernelRun[]; error?: string } {
  const runs: KernelRun[] = [];
  if (out.includes('@@SETUP-FAILED')) return { runs, error: `set-up failed: ${out.split('@@SETUP-FAILED')[1]!.trim().slice(-800)}` };
  let section: 'none' | 'pre' | 'post' = 'none';
  let pre = '';
  let post = '';
  for (const line of out.split('\n')) {
    const r = /^@@RUN (\d+) (\d+) (\d+)$/.exec(line);
    if (line === '@@PRE') {
      section = 'pre';
      pre = '';
    } else if (line === '@@POST') {
      section = 'post';
      post = '';
    } else if (r) {
      runs.push({ status: Number(r[1]), ms: Number(BigInt(r[3]!) - BigInt(r[2]!)) / 1e6, pre, post });
      section = 'none';
    } else if (section === 'pre') pre += `${line}\n`;
    else if (section === 'post') post += `${line}\n`;
  }
  const bad = runs.find((x) => x.status !== 0);
  if (bad) return { runs, error: `workload failed (status ${bad.status}): ${out.slice(-600)}` };
  return { runs };
}

async function kernelRuns(k: KernelSpec, label: string): Promise<{ runs: KernelRun[]; error?: string; capped?: string } | undefined> {
  if (!kernelStatus.ok) return undefined;
  const all: KernelRun[] = [];
  const batches = k.fresh ? Array.from({ length: k.runs }, () => 1) : [k.runs];
  // the kernel side has the row's cap too: no new sandbox once it is past (one run at least)
  const deadline = performance.now() + CAP_MS;
  for (const n of batches) {
    if (all.length > 0 && performance.now() > deadline) {
      return { runs: all, capped: `stopped at the cap (${secs(CAP_MS)}) after ${all.length} of ${k.runs} runs` };
    }
    progress(`${label}: kernel run ${all.length + 1}/${k.runs}`);
    const r = await runInSandbox(kernelScript(k, n), { timeoutMs: Math.max(CAP_MS, 600_000) });
    if (r.timedOut) return { runs: all, error: 'timed out in the sandbox' };
    const p = parseKernel(r.output);
    all.push(...p.runs);
    if (p.error) return { runs: all, error: p.error };
    if (p.runs.length < n) return { runs: all, error: `sandbox exited with ${r.status}: ${r.output.slice(-600)}` };
  }
  return { runs: all };
}

// ---------------------------------------------------------------------------------------------
// Rows

interface Target { text: string; /** is the row's figure good enough? */ met: (r: Row) => boolean | undefined }
interface Row {
  id: RowId;
  workload: string;
  unit: string;
  nsemu?: number;
  kernel?: number;
  /** what the kernel column holds when it is not the kernel (startup rows: node -e 0) */
  reference?: string;
  ratio?: number;
  /** how to read ratio */
  ratioOf?: string;
  target: string;
  met?: boolean;
  size?: string;
  runs: { nsemu: number[]; kernel: number[] };
  notes: string[];
}
const rows: Row[] = [];

function addRow(r: Omit<Row, 'met'>, t: Target): void {
  const row: Row = { ...r };
  const met = t.met(row);
  if (met !== undefined) row.met = met;
  rows.push(row);
  const k = row.kernel === undefined ? '' : ` | ${row.reference ?? 'kernel'} ${fmt(row.kernel)}`;
  const ratio = row.ratio === undefined ? '' : ` | ${row.ratio.toFixed(2)}× (${row.ratioOf})`;
  log(`${row.workload}: nsemu ${fmt(row.nsemu)} ${row.unit}${k}${ratio} | target ${row.target}${row.met === undefined ? '' : row.met ? ' ✓' : ' ✗'}`);
  for (const n of row.notes) log(`    ${n}`);
}

const kernelNote = (k: { error?: string; capped?: string } | undefined): string[] =>
  k === undefined ? [`kernel: skipped (${kernelStatus.reason})`] : k.error ? [`kernel: ${k.error}`] : k.capped ? [`kernel: ${k.capped}`] : [];

function capNote(c: ChildResult, what: string): string[] {
  const notes: string[] = [];
  if (c.error) notes.push(`nsemu: ${c.error}`);
  if (c.killed) notes.push(`nsemu: stopped at the cap (${secs(CAP_MS)}) ${what}`);
  return notes;
}

/** ping-bridge, ping-nat: one set-up, then the flood timed RUNS times. */
async function pingRow(id: RowId, title: string, setup: string, targetRatio: number): Promise<void> {
  const label = id;
  const c = await runChild(
    { kind: 'script', setup, workload: pingFlood('@@COUNT'), runs: RUNS, fresh: false, calibrate: { placeholder: '@@COUNT', target: SIZES.pings, probe: Math.min(SIZES.pings, 1000), budgetMs: (CAP_MS * 0.8) / (RUNS + 1), step: 1000 } },
    CAP_MS,
    label,
  );
  const count = c.count ?? SIZES.pings;
  const ok = c.runs.filter((r) => r.status === 0);
  const nsemu = ok.length ? median(ok.map((r) => count / (r.ms / 1000))) : undefined;
  const k = await kernelRuns({ setup, workload: `${pingFlood(count)} >/dev/null`, runs: RUNS, fresh: false }, label);
  const kernel = k && !k.error ? median(k.runs.map((r) => count / (r.ms / 1000))) : undefined;
  const notes = [...capNote(c, `after ${ok.length} of ${RUNS} runs`), ...kernelNote(k)];
  if (count < SIZES.pings) notes.push(`nsemu: ping count lowered from ${SIZES.pings} to ${count} (a probe run said ${SIZES.pings} would not fit the cap); the kernel pinged ${count} too`);
  const bad = c.runs.find((r) => r.status !== 0);
  if (bad) notes.push(`nsemu: ping failed (status ${bad.status}): ${bad.output?.slice(-300)}`);
  const row: Omit<Row, 'met'> = { id, workload: title, unit: 'round trips/s', target: `≥ ${targetRatio}× kernel`, size: `ping -f -c ${count}`, runs: { nsemu: ok.map((r) => count / (r.ms / 1000)), kernel: k?.runs.map((r) => count / (r.ms / 1000)) ?? [] }, notes };
  if (nsemu !== undefined) row.nsemu = nsemu;
  if (kernel !== undefined) row.kernel = kernel;
  if (nsemu !== undefined && kernel !== undefined) Object.assign(row, { ratio: nsemu / kernel, ratioOf: 'nsemu/kernel' });
  addRow(row, { text: '', met: (r) => (r.ratio === undefined ? undefined : r.ratio >= targetRatio) });
}

async function meshRow(): Promise<void> {
  const n = SIZES.mesh;
  const spec = { setup: meshSetup(n), pre: meshCounters(n), workload: meshWorkload(n, SIZES.meshPings), post: meshCounters(n), runs: RUNS, fresh: true };
  const c = await runChild({ kind: 'script', ...spec }, CAP_MS, 'mesh-hops');
  const hops = (r: { pre?: string; post?: string }): number => rxPackets(r.post ?? '') - rxPackets(r.pre ?? '');
  const ok = c.runs.filter((r) => r.status === 0);
  const k = await kernelRuns(spec, 'mesh-hops');
  const kOk = k && !k.error ? k.runs : [];
  const rate = (r: { ms: number; pre?: string; post?: string }): number => hops(r) / (r.ms / 1000);
  const notes = [...capNote(c, `after ${ok.length} of ${RUNS} runs`), ...kernelNote(k)];
  if (ok.length) notes.push(`nsemu: ${hops(ok[0]!)} frame hops (rx_packets over every device) for ${n} × ${SIZES.meshPings} broadcast pings (${n * (n - 1) * SIZES.meshPings} echo replies) in ${secs(median(ok.map((r) => r.ms)))}`);
  if (kOk.length) notes.push(`kernel: ${hops(kOk[0]!)} frame hops in ${secs(median(kOk.map((r) => r.ms)))}`);
  const bad = c.runs.find((r) => r.status !== 0);
  if (bad) notes.push(`nsemu: a ping failed (status ${bad.status}): ${bad.output?.slice(-300)}`);
  const row: Omit<Row, 'met'> = { id: 'mesh-hops', workload: `frame hops, all-pairs pings, ${n}-namespace bridge mesh (single thread)`, unit: 'hops/s', target: '≥ 2M hops/s', size: `${n} namespaces`, runs: { nsemu: ok.map(rate), kernel: kOk.map(rate) }, notes };
  if (ok.length) row.nsemu = median(ok.map(rate));
  if (kOk.length) row.kernel = median(kOk.map(rate));
  if (row.nsemu !== undefined && row.kernel !== undefined) Object.assign(row, { ratio: row.nsemu / row.kernel, ratioOf: 'nsemu/kernel' });
  addRow(row, { text: '', met: (r) => (r.nsemu === undefined ? undefined : r.nsemu >= 2e6) });
}

/** setup-run and setup-api share one kernel measurement (the same script, `bash FILE` in the sandbox). */
async function setupRows(): Promise<void> {
  const n = SIZES.setup;
  const every = Math.max(1, n / 20);
  const script = setupScript(n, every);
  const dir = mkdtempSync(join(tmpdir(), 'nsemu-bench-'));
  const file = join(dir, 'setup.sh');
  writeFileSync(file, script);
  // nsemu: via `nsemu run FILE` (the whole process: node, tsx, loading, the script) ...
  const viaRun: { ms: number; n: number }[] = [];
  const runNotes: string[] = [];
  if (selected('setup-run')) {
    const deadline = performance.now() + CAP_MS;
    for (let r = 0; r < RUNS; r++) {
      const left = deadline - performance.now();
      if (left <= 0) {
        runNotes.push(`nsemu: stopped at the cap (${secs(CAP_MS)}) after ${viaRun.length} of ${RUNS} runs`);
        break;
      }
      progress(`setup-run: nsemu run ${r + 1}/${RUNS}`);
      const t = await timeCommand([process.execPath, NSEMU_BIN, 'run', file], left);
      if (t.killed) {
        if (viaRun.length === 0 && t.lastTick) viaRun.push({ ms: t.lastTick.ms, n: t.lastTick.n });
        runNotes.push(`nsemu: stopped at the cap (${secs(CAP_MS)})${t.lastTick ? `; run ${r + 1} had reached ${t.lastTick.n} of ${n} namespaces after ${secs(t.lastTick.ms)}` : ''}`);
        break;
      }
      if (t.status !== 0) {
        runNotes.push(`nsemu: nsemu run exited with ${t.status}: ${t.out.slice(-300)}`);
        break;
      }
      viaRun.push({ ms: t.ms, n });
    }
  }
  // ... and via the TS API (runScript on a machine, in bench/child.ts)
  let api: ChildResult | undefined;
  if (selected('setup-api')) api = await runChild({ kind: 'script', setup: '', workload: script, name: file, runs: RUNS, fresh: true }, CAP_MS, 'setup-api');
  const apiRuns: { ms: number; n: number }[] = api ? api.runs.filter((r) => r.status === 0).map((r) => ({ ms: r.ms, n })) : [];
  if (api && api.killed && apiRuns.length === 0 && api.lastTick) apiRuns.push({ ms: api.lastTick.ms, n: api.lastTick.n });
  // the kernel at the size nsemu reached (per namespace, the kernel's cost does not grow with n)
  const reached = Math.min(viaRun[0]?.n ?? n, apiRuns[0]?.n ?? n);
  const kn = reached < n ? reached : n;
  const kfile = kn === n ? script : setupScript(kn, every);
  const k = await kernelRuns({ setup: '', workload: 'bash /run/bench-workload.sh', file: kfile, runs: RUNS, fresh: true }, 'setup');
  rmSync(dir, { recursive: true, force: true });
  const kRates = k && !k.error ? k.runs.map((r) => kn / (r.ms / 1000)) : [];
  const kernel = kRates.length ? median(kRates) : undefined;
  const mk = (id: RowId, title: string, runsOf: { ms: number; n: number }[], extra: string[], factor: number): void => {
    const rates = runsOf.map((r) => r.n / (r.ms / 1000));
    const notes = [...extra, ...kernelNote(k)];
    if (runsOf.length) notes.push(`nsemu: ${runsOf[0]!.n} namespaces in ${secs(median(runsOf.map((r) => r.ms)))}${kernel !== undefined ? `; kernel: ${kn} in ${secs(median(k!.runs.map((r) => r.ms)))}` : ''}`);
    if (kn < n) notes.push(`size: nsemu reached ${reached} of ${n} namespaces within the cap; the kernel ran ${kn}`);
    const row: Omit<Row, 'met'> = { id, workload: title, unit: 'namespaces/s', target: `≥ ${factor}× faster than the kernel`, size: `${runsOf[0]?.n ?? n} namespaces`, runs: { nsemu: rates, kernel: kRates }, notes };
    if (rates.length) row.nsemu = median(rates);
    if (kernel !== undefined) row.kernel = kernel;
    if (row.nsemu !== undefined && kernel !== undefined) Object.assign(row, { ratio: row.nsemu / kernel, ratioOf: 'speed nsemu/kernel' });
    addRow(row, { text: '', met: (r) => (r.ratio === undefined ? undefined : r.ratio >= factor) });
  };
  if (selected('setup-run')) mk('setup-run', `${n} namespaces + veth + bridge port, \`nsemu run\` of the script (whole process)`, viaRun, runNotes, 10);
  if (selected('setup-api') && api) mk('setup-api', `the same through the TS API (runScript on a machine)`, apiRuns, capNote(api, `after ${apiRuns.length} of ${RUNS} runs`), 100);
}

/** Peak RSS (and time) of N namespaces with a veth each, one child process per N. */
async function rssRows(): Promise<void> {
  const sizes = SIZES.rss;
  const points: { n: number; reached: number; ms: number; rssKB: number; readyKB?: number; capped: boolean }[] = [];
  for (const n of sizes) {
    // one child process per run (its peak RSS is its own), up to RUNS of them within the cap
    type Pt = { n: number; reached: number; ms: number; rssKB: number; readyKB?: number; capped: boolean };
    const got: Pt[] = [];
    let c!: ChildResult;
    const deadline = performance.now() + CAP_MS;
    for (let r = 0; r < RUNS; r++) {
      const left = deadline - performance.now();
      if (r > 0 && left <= 0) break;
      c = await runChild({ kind: 'script', setup: '', workload: manyNamespacesScript(n, Math.max(1, n / 50)), runs: 1, fresh: true }, r === 0 ? CAP_MS : left, `rss N=${n} (run ${r + 1}/${RUNS})`);
      const run = c.runs[0];
      const p: Pt | undefined = run && run.status === 0 ? { n, reached: n, ms: run.ms, rssKB: c.endRss ?? run.maxRss, capped: false } : r === 0 && c.lastTick ? { n, reached: c.lastTick.n, ms: c.lastTick.ms, rssKB: c.lastTick.maxRss, capped: true } : undefined;
      if (p && c.readyRss !== undefined) p.readyKB = c.readyRss;
      if (p) got.push(p);
      if (!p || p.capped) break;
    }
    const pt: Pt | undefined = got.length ? { ...got[0]!, ms: median(got.map((g) => g.ms)), rssKB: median(got.map((g) => g.rssKB)), readyKB: median(got.map((g) => g.readyKB ?? 0)) } : undefined;
    const notes: string[] = [];
    if (c.error) notes.push(`nsemu: ${c.error}`);
    if (pt) {
      points.push(pt);
      notes.push(`nsemu: ${pt.reached} namespaces in ${secs(pt.ms)} (${fmt((pt.ms * 1000) / pt.reached)} µs each), RSS before the workload ${fmt((pt.readyKB ?? 0) / 1000)} MB, ${fmt(((pt.rssKB - (pt.readyKB ?? 0)) * 1000) / pt.reached)} bytes per namespace; median of ${got.length} child processes`);
      if (pt.capped) notes.push(`nsemu: stopped at the cap (${secs(CAP_MS)}) at ${pt.reached} of ${n} namespaces: peak RSS so far`);
    }
    notes.push('kernel: no column (kernel memory is not a process RSS)');
    const row: Omit<Row, 'met'> = { id: 'rss', workload: `${n.toLocaleString('en-US')} namespaces with a veth each: peak RSS (child process)`, unit: 'MB', target: n >= 10_000 ? '< 1 GB peak RSS' : '(linear in N)', size: `${pt?.reached ?? 0} of ${n} namespaces`, runs: { nsemu: got.map((g) => g.rssKB / 1000), kernel: [] }, notes };
    if (pt) row.nsemu = pt.rssKB / 1000;
    addRow(row, { text: '', met: (r) => (n < 10_000 || r.nsemu === undefined || pt?.capped ? undefined : r.nsemu < 1000) });
  }
  const full = points.filter((p) => !p.capped);
  if (full.length >= 2) {
    const a = full[0]!;
    const b = full[full.length - 1]!;
    log(`    linearity (${a.n} → ${b.n} namespaces): time per namespace ×${((b.ms / b.n) / (a.ms / a.n)).toFixed(2)}, memory per namespace ×${(((b.rssKB - (b.readyKB ?? 0)) / b.n) / ((a.rssKB - (a.readyKB ?? 0)) / a.n)).toFixed(2)} (1.00 = linear)`);
    rows[rows.length - 1]!.notes.push(`linearity ${a.n}→${b.n}: time/namespace ×${((b.ms / b.n) / (a.ms / a.n)).toFixed(2)}`);
  }
}

/** nsemu run of `true` and of seed003, against `node -e 0`, interleaved so drift hits all three. */
async function startupRows(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'nsemu-bench-'));
  const trueFile = join(dir, 'true.sh');
  writeFileSync(trueFile, 'true\n');
  const seed = SEED003.find((p) => spawnSync('test', ['-f', p]).status === 0);
  const node: number[] = [];
  const tr: number[] = [];
  const sd: number[] = [];
  const notes: string[] = [];
  const deadline = performance.now() + CAP_MS;
  for (let r = 0; r < RUNS && performance.now() < deadline; r++) {
    progress(`startup: run ${r + 1}/${RUNS}`);
    const a = await timeCommand([process.execPath, '-e', '0'], 60_000);
    const b = await timeCommand([process.execPath, NSEMU_BIN, 'run', trueFile], 60_000);
    if (a.status === 0) node.push(a.ms);
    if (b.status === 0) tr.push(b.ms);
    else notes.push(`nsemu run true.sh: exit ${b.status}: ${b.out.slice(-200)}`);
    if (seed) {
      const c = await timeCommand([process.execPath, NSEMU_BIN, 'run', seed], 60_000);
      if (c.status === 0) sd.push(c.ms);
      else notes.push(`nsemu run seed003: exit ${c.status}: ${c.out.slice(-200)}`);
    }
  }
  if (node.length < RUNS) notes.push(`stopped at the cap (${secs(CAP_MS)}) after ${node.length} of ${RUNS} runs`);
  rmSync(dir, { recursive: true, force: true });
  const nodeMs = node.length ? median(node) : undefined;
  const mk = (name: string, xs: number[], limit: number, extra: string[]): void => {
    const row: Omit<Row, 'met'> = { id: 'startup', workload: `\`nsemu run\` of ${name}`, unit: 'ms wall', reference: 'node -e 0', target: `≤ ${limit}× node -e 0`, runs: { nsemu: xs, kernel: node }, notes: extra };
    if (xs.length) row.nsemu = median(xs);
    if (nodeMs !== undefined) row.kernel = nodeMs;
    if (row.nsemu !== undefined && nodeMs !== undefined) Object.assign(row, { ratio: row.nsemu / nodeMs, ratioOf: 'time nsemu/node -e 0' });
    addRow(row, { text: '', met: (r) => (r.ratio === undefined ? undefined : r.ratio <= limit) });
  };
  mk('a script holding only `true`', tr, 3, notes);
  if (seed) mk(`seed003-veth-two-ns.sh (${seed.replace(`${resolve(ROOT, '..')}/`, '../')})`, sd, 5, []);
  else log('seed003-veth-two-ns.sh: not found (../shared/scenarios, test/scenarios, examples): row skipped');
}

async function differentialRow(): Promise<void> {
  const n = SIZES.cases;
  const c = await runChild({ kind: 'differential', seed: 12, cases: n, runs: RUNS }, CAP_MS, 'differential');
  const rates = c.runs.map((r) => (r.n ?? n) / (r.ms / 1000));
  if (c.killed && rates.length === 0 && c.lastTick) rates.push(c.lastTick.n / (c.lastTick.ms / 1000));
  const notes = capNote(c, c.runs.length ? `after ${c.runs.length} of ${RUNS} runs` : c.lastTick ? `in run 1 at case ${c.lastTick.n} of ${n}` : 'before any case');
  if (c.runs.some((r) => r.status !== 0)) notes.push('nsemu: some cases ended with an internal error (status 70)');
  notes.push('kernel: no column (emulator-only)');
  const row: Omit<Row, 'met'> = { id: 'differential', workload: `random topologies of the differential generator, emulator only (${n} cases a run)`, unit: 'cases/s', target: '≥ 200 cases/s', size: `${n} cases`, runs: { nsemu: rates, kernel: [] }, notes };
  if (rates.length) row.nsemu = median(rates);
  addRow(row, { text: '', met: (r) => (r.nsemu === undefined ? undefined : r.nsemu >= 200) });
}

// ---------------------------------------------------------------------------------------------
// Main

/** Which code `nsemu run` runs: bin/nsemu.js takes the bundle only when it is newer than every
 *  source it was built from (else the sources through tsx, slower to start). */
function nsemuRunPath(): string {
  if (process.env.NSEMU_DEV === '1') return 'TypeScript sources via tsx (NSEMU_DEV=1)';
  try {
    const built = statSync(join(ROOT, 'dist', 'nsemu.js')).mtimeMs;
    const sources = JSON.parse(readFileSync(join(ROOT, 'dist', 'sources.json'), 'utf8')) as string[];
    const newer = sources.find((f) => statSync(join(ROOT, f)).mtimeMs > built);
    return newer ? `TypeScript sources via tsx (${newer} is newer than the bundle: npm run build)` : 'the bundle dist/nsemu.js';
  } catch {
    return 'TypeScript sources via tsx (no usable bundle: npm run build)';
  }
}

const tools = toolVersions();
const gitRev = spawnSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).stdout.trim();
const env = {
  node: process.version,
  kernel: kernelRelease(),
  iproute2: tools.iproute2,
  iputils: tools.iputils,
  iptables: tools.iptables,
  'bridge-utils': tools['bridge-utils'],
  nsemu: gitRev,
  nsemuRun: nsemuRunPath(),
};
log(`nsemu bench (${o.quick ? 'quick' : 'full'}): ${RUNS} runs per figure (median), cap ${secs(CAP_MS)} per row; nsemu ${env.nsemu}`);
log(`node ${env.node}, kernel ${env.kernel}, iproute2 ${env.iproute2}, iputils ${env.iputils}, iptables ${env.iptables}, bridge-utils ${env['bridge-utils']}`);
log(`nsemu run runs ${env.nsemuRun}; the other rows run bench/child.ts compiled by esbuild, as the library (dist/lib) is`);
log(kernelStatus.ok ? 'real kernel: yes (recorder sandbox)' : `real kernel: no (${kernelStatus.reason})`);
const t0 = performance.now();

if (selected('ping-bridge')) await pingRow('ping-bridge', '`ping -f` across a Linux bridge (2 namespaces, bridge in a third)', PING_BRIDGE_SETUP, 3);
if (selected('ping-nat')) await pingRow('ping-nat', 'ping flood through a MASQUERADE router', PING_NAT_SETUP, 2);
if (selected('mesh-hops')) await meshRow();
if (selected('setup-run') || selected('setup-api')) await setupRows();
if (selected('rss')) await rssRows();
if (selected('startup')) await startupRows();
if (selected('differential')) await differentialRow();
progressClear();

// the table
const head = ['workload', 'unit', 'nsemu', 'kernel', 'ratio', 'target', 'met'];
const body = rows.map((r) => [
  r.workload + (r.size ? ` [${r.size}]` : ''),
  r.unit,
  fmt(r.nsemu),
  r.kernel === undefined ? '—' : `${fmt(r.kernel)}${r.reference ? ` (${r.reference})` : ''}`,
  r.ratio === undefined ? '—' : `${r.ratio.toFixed(2)}×`,
  r.target,
  r.met === undefined ? '—' : r.met ? 'yes' : 'no',
]);
const esc = (s: string): string => s.replaceAll('|', '\\|');
log('');
log(`| ${head.join(' | ')} |`);
log(`|${head.map(() => '---').join('|')}|`);
for (const b of body) log(`| ${b.map(esc).join(' | ')} |`);
log('');
log(`ratio: nsemu/kernel for throughputs (higher is faster), nsemu/node -e 0 for start-up times (lower is better); medians of up to ${RUNS} runs; ${secs(performance.now() - t0)} in all`);

writeFileSync(
  o.out,
  `${JSON.stringify(
    {
      date: new Date().toISOString(),
      mode: o.quick ? 'quick' : 'full',
      runs: RUNS,
      capSeconds: CAP_MS / 1000,
      environment: env,
      kernelAvailable: kernelStatus.ok,
      rows: rows.map((r) => ({
        id: r.id,
        workload: r.workload,
        unit: r.unit,
        size: r.size,
        nsemu: r.nsemu ?? null,
        kernel: r.reference ? null : r.kernel ?? null,
        ...(r.reference ? { reference: r.reference, referenceValue: r.kernel ?? null } : {}),
        ratio: r.ratio ?? null,
        ratioOf: r.ratioOf ?? null,
        target: r.target,
        met: r.met ?? null,
        runs: r.runs,
        notes: r.notes,
      })),
    },
    null,
    2,
  )}\n`,
);
log(`wrote ${o.out.replace(`${ROOT}/`, '')}`);
