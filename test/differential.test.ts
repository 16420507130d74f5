// Differential property tests: random small topologies and probes (src/verify/differential),
// run in nsemu and on the real kernel (sandboxed), compared after normalising.
//   - a fixed-seed batch on the real kernel (skipped without root unless NSEMU_REQUIRE_KERNEL=1);
//   - the regression scenarios under test/differential/ against their recordings (output and exit
//     status); those listed in test/differential/known-mismatches.txt are expected failures
//     (it.fails: reported as such, and a failure once they match, so the list must be updated);
//   - the generator and the shrinker, with a stub kernel (no root needed).
import { describe, expect, it } from 'vitest';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { describeNeeds, kernel } from './helpers/needs.ts';
import { CaseRunner, runCases, sampleCases, shrinkCase } from '../src/verify/differential/run.ts';
import { caseToScript } from '../src/verify/differential/script.ts';
import { nsemuRunner, type Runner } from '../src/verify/verify.ts';
import { normalize } from '../src/verify/normalize.ts';
import { unifiedDiff } from '../src/verify/diff.ts';
import { expectedPath, readManifest } from '../src/verify/recorder.ts';

/** The batch `npm test` runs: this seed's first BATCH cases all match on Linux 6.x. */
export const BATCH_SEED = 1;
export const BATCH = 24;

const root = join(import.meta.dirname, '..');
const regDir = join(root, 'test', 'differential');
const knownFile = join(regDir, 'known-mismatches.txt');

describe('differential generator', () => {
  it('is deterministic per seed and writes self-contained scripts', () => {
    const a = sampleCases(7, 40).map((c) => caseToScript(c));
    const b = sampleCases(7, 40).map((c) => caseToScript(c));
    expect(a).toEqual(b);
    for (const s of a) {
      expect(s).toMatch(/^#!\/bin\/bash\n/);
      expect(s).toContain('trap cleanup EXIT');
      expect(s).toContain('sleep 3.5');
    }
  });

  it('generated scripts run in nsemu without unknown commands or internal errors', async () => {
    for (const [i, c] of sampleCases(11, 40).entries()) {
      const s = caseToScript(c);
      const r = await nsemuRunner(`case${i}.sh`, s);
      expect(r.output, s).not.toMatch(/command not found|internal error|not supported|Usage:/);
    }
  });

  it('shrinks a mismatch to a minimal script (stub kernel that differs on sysctl -w)', async () => {
    const stub: Runner = async (path, source) => {
      const r = await nsemuRunner(path, source);
      return source.includes('sysctl -w') ? { output: `${r.output}kernel-only line\n`, status: r.status } : r;
    };
    const runner = new CaseRunner({ kernel: stub });
    const seed = 3;
    const cases = sampleCases(seed, 30);
    const results = await runCases(cases, runner, 4);
    const first = results.find((r) => !r.result.match);
    expect(first, 'some case of seed 3 uses sysctl').toBeDefined();
    const s = await shrinkCase(seed, first!.index, runner, 60_000);
    runner.close();
    expect(s).toBeDefined();
    expect(s!.result.match).toBe(false);
    expect(s!.c.steps).toHaveLength(1);
    expect(s!.c.steps[0]!.op).toBe('sysctl');
    expect(s!.c.veths).toHaveLength(1);
    expect(s!.c.addrs).toHaveLength(0);
    expect(s!.c.ups).toHaveLength(0);
    expect(s!.c.probes).toHaveLength(1);
    expect(s!.script.split('\n').filter((l) => l.startsWith('ip ')).length).toBeLessThanOrEqual(4);
  });
});

describe('differential regression scenarios (test/differential)', () => {
  const known = existsSync(knownFile)
    ? readFileSync(knownFile, 'utf8').split('\n').map((l) => l.replace(/#.*/, '').trim()).filter(Boolean)
    : [];
  const scripts = existsSync(regDir) ? readdirSync(regDir).filter((f) => f.endsWith('.sh')).sort() : [];
  const manifest = readManifest(join(regDir, 'expected'));
  it('known-mismatches.txt lists only scripts that exist', () => {
    for (const k of known) expect(scripts, `${knownFile} lists ${k}`).toContain(k);
  });
  for (const f of scripts) {
    const path = join(regDir, f);
    const isKnown = known.includes(f);
    const body = async () => {
      const exp = expectedPath(path);
      expect(existsSync(exp), `${exp} missing: record it with npx tsx scripts/record.ts ${path}`).toBe(true);
      const entry = manifest[basename(f, '.sh')];
      expect(entry, `${f} has no entry in test/differential/expected/MANIFEST.json: record it`).toBeDefined();
      const want = readFileSync(exp, 'utf8');
      const r = await nsemuRunner(path, readFileSync(path, 'utf8'));
      const got = normalize(r.output);
      if (got !== want) throw new Error(`${f}: nsemu differs from the kernel's recording:\n${unifiedDiff(want, got, `kernel ${basename(exp)}`, `nsemu ${f}`, { maxLines: 120 })}`);
      expect(r.status, `${f}: the output matches, but the exit status is not the kernel run's`).toBe(entry!.status);
    };
    if (isKnown) it.fails(`${f}: expected failure (a known mismatch, in the README's Differences; remove it from known-mismatches.txt once it matches)`, body);
    else it(f, body);
  }
});

describeNeeds('differential batch on the real kernel', kernel(), () => {
  it(`seed ${BATCH_SEED}: ${BATCH} random cases match the kernel`, async () => {
    const runner = new CaseRunner();
    try {
      // a few sandboxes at a time: many at once on a small machine load it into timing races
      const results = await runCases(sampleCases(BATCH_SEED, BATCH), runner, 4, undefined, (i) => `differential case (seed ${BATCH_SEED}, case ${i})`);
      const bad: typeof results = [];
      for (const r of results.filter((x) => !x.result.match)) {
        // the kernel disagreeing with itself on a run is no evidence against nsemu
        const unstable = await runner.kernelUnstable(r.script);
        if (unstable.length) console.warn(`[nsemu] differential case ${r.index} of seed ${BATCH_SEED}: the kernel printed something else on a re-run (timing on a loaded machine); not counted`);
        else bad.push(r);
      }
      if (bad.length) {
        const s = await shrinkCase(BATCH_SEED, bad[0]!.index, runner, 120_000);
        const shown = s ?? { script: bad[0]!.script, result: bad[0]!.result };
        throw new Error(
          `${bad.length}/${BATCH} differential cases differ from the kernel (cases ${bad.map((b) => b.index).join(', ')} of seed ${BATCH_SEED}). ` +
            `Minimal script, ready to paste (save it under test/differential/ and record it):\n${shown.script}\n--- kernel, +++ nsemu:\n${shown.result.diff}`,
        );
      }
    } finally {
      runner.close();
    }
  });
});
