// The long differential batch: random small topologies and probes (src/verify/differential),
// each run in nsemu and on the real kernel (sandboxed), compared after normalising.
//
//   npm run differential -- [--runs N] [--seed S] [--concurrency C] [--shrink K] [--shrink-seconds T]
//                           [--save DIR] [--no-record] [--only I,J,...]
// (--only: run and shrink just these case indices of the seed)
//
// Reports cases/s and the mismatches. The first K mismatching cases (default 3) are shrunk by
// fast-check, printed ready to paste, written as DIR/diff-SEED-INDEX.sh (default test/differential)
// and recorded there with the recorder (3 runs; flaky recordings refused), and listed in
// DIR/known-mismatches.txt (test/differential.test.ts then asserts that they still differ). Needs root.
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { kernelAvailable } from '../src/verify/sandbox.ts';
import { CaseRunner, runCases, sampleCases, saveCase, shrinkCase } from '../src/verify/differential/run.ts';
import { recordInto, progressBar } from '../src/verify/verify.ts';

function usage(msg?: string): never {
  if (msg) console.error(`differential: ${msg}`);
  console.error('usage: npm run differential -- [--runs N] [--seed S] [--concurrency C] [--shrink K] [--shrink-seconds T] [--save DIR] [--no-record] [--only I,J,...]');
  process.exit(2);
}

const args = process.argv.slice(2);
const o = { only: [] as number[], shrinkSeconds: 300, runs: 500, seed: Date.now() % 2 ** 31, concurrency: 16, shrink: 3, save: 'test/differential', record: true };
for (let i = 0; i < args.length; i++) {
  const a = args[i]!;
  const num = (): number => {
    const v = Number(args[++i]);
    if (!Number.isInteger(v) || v < 0) usage(`${a} wants a non-negative integer, got "${args[i]}"`);
    return v;
  };
  if (a === '--runs') o.runs = num();
  else if (a === '--seed') o.seed = num();
  else if (a === '--concurrency') o.concurrency = Math.max(1, num());
  else if (a === '--shrink') o.shrink = num();
  else if (a === '--save') o.save = args[++i] ?? usage('--save wants a directory');
  else if (a === '--no-record') o.record = false;
  else if (a === '--only') o.only = (args[++i] ?? '').split(',').map(Number).filter((n) => Number.isInteger(n) && n >= 0);
  else if (a === '--shrink-seconds') o.shrinkSeconds = num();
  else usage(a === '-h' || a === '--help' ? undefined : `unknown argument ${a}`);
}

const k = kernelAvailable();
if (!k.ok) {
  console.error(`differential: cannot run on the real kernel here: ${k.reason}`);
  process.exit(2);
}

const runner = new CaseRunner();
const t0 = Date.now();
const tty = process.stderr.isTTY === true;
let bad = 0;
const sampled = sampleCases(o.seed, o.only.length ? Math.max(...o.only) + 1 : o.runs);
const picked = o.only.length ? o.only.map((i) => sampled[i]!) : sampled;
if (o.only.length) o.runs = picked.length;
console.log(`differential: ${o.runs} cases, seed ${o.seed}, ${o.concurrency} at a time`);
const indexOf = (j: number): number => (o.only.length ? o.only[j]! : j);
const results0 = await runCases(picked, runner, o.concurrency, (r, done) => {
  if (!r.result.match) bad++;
  if (tty) process.stderr.write(progressBar(done, o.runs, `${bad} mismatches`) + (done === o.runs ? '\n' : ''));
  else if (done % 50 === 0) console.log(`  ${done}/${o.runs} done, ${bad} mismatches, ${((Date.now() - t0) / 1000).toFixed(0)} s`);
}, (j) => `differential case (seed ${o.seed}, case ${indexOf(j)})`);
const results = results0.map((r) => ({ ...r, index: indexOf(r.index) }));
const secs = (Date.now() - t0) / 1000;
const mism = results.filter((r) => !r.result.match);
console.log(`differential: ${results.length} cases in ${secs.toFixed(1)} s = ${(results.length / secs).toFixed(2)} cases/s; ${mism.length} mismatches (seed ${o.seed})`);
for (const m of mism) {
  const lines = m.result.diff.split('\n').filter((l) => /^[-+][^-+]|^exit status/.test(l));
  console.log(`  mismatch: case ${m.index}: ${lines.slice(0, 6).join(' | ')}${lines.length > 6 ? ' | …' : ''}`);
}

let status = mism.length ? 1 : 0;
const seen = new Set<string>();
for (const m of mism.slice(0, o.shrink)) {
  console.log(`\n=== shrinking case ${m.index} (seed ${o.seed}) ...`);
  const s = await shrinkCase(o.seed, m.index, runner, o.shrinkSeconds * 1000);
  if (!s) {
    console.log('  (did not mismatch again: flaky, not kept)');
    continue;
  }
  if (seen.has(s.script)) {
    console.log('  (same minimal script as an earlier one)');
    continue;
  }
  seen.add(s.script);
  const name = `diff-${o.seed}-${m.index}`;
  console.log(`--- minimal script (${s.steps} shrink steps${s.interrupted ? ', interrupted by the time limit' : ''}), ready to paste:\n${s.script}`);
  console.log(`--- its diff (--- kernel, +++ nsemu):\n${s.result.diff}`);
  const path = saveCase(o.save, name, s.script);
  console.log(`saved ${path}`);
  if (o.record) {
    const st = await recordInto(o.save, [path], (l) => console.log(`  ${l}`));
    if (st) console.log(`  ${path}: not recorded; delete it or investigate`);
    else {
      appendFileSync(join(o.save, 'known-mismatches.txt'), `${name}.sh\n`);
      console.log(`  listed in ${join(o.save, 'known-mismatches.txt')} (remove the line when nsemu is fixed)`);
    }
  }
}
runner.close();
process.exit(status);
