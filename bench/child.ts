// One emulator-side measurement of npm run bench, in its own node process (bench/run.ts starts
// it): the rows do not share a heap or JIT state, peak RSS is this process's alone, and the parent
// can end a measurement that runs past its cap by killing this process.
//
//   node --import tsx bench/child.ts SPEC.json
//
// Writes one JSON object per line on stdout:
//   {"type":"ready","maxRss":KB}                         modules loaded, before any workload
//   {"type":"tick","run":R,"n":I,"ms":T,"maxRss":KB}     the workload printed "@@TICK I" (T ms into it)
//   {"type":"run","run":R,"ms":T,"status":S,"pre":…,"post":…,"output":…}   one timed run
//   {"type":"end","maxRss":KB}
// Only the workload is timed: the set-up and the pre/post scripts (counters) run outside the span.
import { readFileSync } from 'node:fs';
import { createMachine } from '../src/kernel/world.ts';
import { runScript, preloadTextTools } from '../src/shell/index.ts';

export interface ScriptSpec {
  kind: 'script';
  /** run once per machine, untimed, under set -e */
  setup: string;
  /** untimed, before each run (its output is reported) */
  pre?: string;
  /** the timed span */
  workload: string;
  /** untimed, after each run */
  post?: string;
  runs: number;
  /** a fresh machine (and set-up) per run, instead of one machine for all runs */
  fresh: boolean;
  /** run the workload as `bash FILE` (name) instead of bash -c */
  name?: string;
  /** keep the workload's output in the run record (last 2000 characters) */
  keepOutput?: boolean;
  /** size the workload to the time budget: `placeholder` in the workload is replaced by a count,
   *  `target` unless one untimed probe run of `probe` says a run would take over `budgetMs` */
  calibrate?: { placeholder: string; target: number; probe: number; budgetMs: number; step: number };
}

export interface DifferentialSpec {
  kind: 'differential';
  seed: number;
  cases: number;
  runs: number;
}

export type Spec = ScriptSpec | DifferentialSpec;

const emit = (o: Record<string, unknown>): void => void process.stdout.write(`${JSON.stringify(o)}\n`);
const maxRss = (): number => process.resourceUsage().maxRSS;

async function script(spec: ScriptSpec): Promise<void> {
  let m = createMachine({ seed: 1 });
  let fresh = true;
  for (let run = 0; run < spec.runs; run++) {
    if (run > 0 && spec.fresh) {
      m = createMachine({ seed: 1 });
      fresh = true;
    }
    if (fresh && spec.setup) {
      const s = await runScript(`set -e\n${spec.setup}`, { machine: m });
      if (s.status !== 0) {
        emit({ type: 'error', message: `set-up failed (status ${s.status}): ${s.output.slice(-1500)}` });
        process.exit(1);
      }
    }
    fresh = false;
    if (run === 0 && spec.calibrate) {
      const c = spec.calibrate;
      let count = c.target;
      if (c.probe < c.target) {
        const t = performance.now();
        await runScript(spec.workload.replaceAll(c.placeholder, String(c.probe)), { machine: m });
        const perItem = (performance.now() - t) / c.probe;
        if (perItem * c.target > c.budgetMs) count = Math.max(c.probe, Math.floor(c.budgetMs / perItem / c.step) * c.step);
      }
      emit({ type: 'count', count });
      spec.workload = spec.workload.replaceAll(c.placeholder, String(count));
    }
    const pre = spec.pre ? (await runScript(spec.pre, { machine: m })).output : '';
    let t0 = 0;
    let pending = '';
    const onOutput = (_fd: 1 | 2, chunk: string): void => {
      pending += chunk;
      let nl: number;
      while ((nl = pending.indexOf('\n')) >= 0) {
        const line = pending.slice(0, nl);
        pending = pending.slice(nl + 1);
        const t = /^@@TICK (\d+)/.exec(line);
        if (t) emit({ type: 'tick', run, n: Number(t[1]), ms: performance.now() - t0, maxRss: maxRss() });
      }
    };
    const opts: Parameters<typeof runScript>[1] = { machine: m, onOutput };
    if (spec.name) Object.assign(opts, { name: spec.name, mode: 'file' });
    t0 = performance.now();
    const r = await runScript(spec.workload, opts);
    const ms = performance.now() - t0;
    const post = spec.post ? (await runScript(spec.post, { machine: m })).output : '';
    emit({ type: 'run', run, ms, status: r.status, pre, post, output: spec.keepOutput || r.status !== 0 ? r.output.slice(-2000) : '', maxRss: maxRss() });
  }
}

async function differential(spec: DifferentialSpec): Promise<void> {
  const { sampleCases } = await import('../src/verify/differential/run.ts');
  const { caseToScript } = await import('../src/verify/differential/script.ts');
  for (let run = 0; run < spec.runs; run++) {
    const cases = sampleCases(spec.seed + run, spec.cases); // not timed: fast-check's sampling
    const t0 = performance.now();
    let bad = 0;
    for (let i = 0; i < cases.length; i++) {
      const src = caseToScript(cases[i]!, `differential case ${i}`);
      const r = await runScript(src, { seed: 1, name: `case${i}.sh`, mode: 'file', maxTime: 3600 });
      if (r.status === 70) bad++;
      if ((i + 1) % 10 === 0) emit({ type: 'tick', run, n: i + 1, ms: performance.now() - t0, maxRss: maxRss() });
    }
    emit({ type: 'run', run, ms: performance.now() - t0, status: bad ? 70 : 0, n: cases.length, maxRss: maxRss() });
  }
}

const spec = JSON.parse(readFileSync(process.argv[2]!, 'utf8')) as Spec;
await preloadTextTools();
// warm the shell once, so the first timed run does not pay for loading the tools' modules
await runScript('ip netns add warm; ip link add x type veth peer name y; true');
emit({ type: 'ready', maxRss: maxRss() });
if (spec.kind === 'script') await script(spec);
else await differential(spec);
emit({ type: 'end', maxRss: maxRss() });
process.exit(0);
