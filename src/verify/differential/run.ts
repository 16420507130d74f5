// Runs differential cases through the verify machinery (src/verify/verify.ts): each case is
// written as a script, run in nsemu and on the real kernel (sandbox.ts), and compared after
// normalising. A mismatch is shrunk by fast-check (replaying the case by its path) to a minimal
// script.
import fc from 'fast-check';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { caseArb, type Case } from './arbitraries.ts';
import { caseToScript } from './script.ts';
import { normalize } from '../normalize.ts';
import { compareRuns, kernelRunner, nsemuRunner, type Runner, type RunOutput, type VerifyResult } from '../verify.ts';

export interface DiffRunOptions {
  kernel?: Runner;
  nsemu?: Runner;
}

/** Runs scripts given as text; kernel results are cached by text (shrinking repeats cases). */
export class CaseRunner {
  private dir = mkdtempSync(join(tmpdir(), 'nsemu-differential-'));
  private n = 0;
  private cache = new Map<string, Promise<RunOutput>>();
  readonly kernel: Runner;
  readonly nsemu: Runner;
  constructor(o: DiffRunOptions = {}) {
    this.kernel = o.kernel ?? kernelRunner;
    this.nsemu = o.nsemu ?? nsemuRunner;
  }
  async run(source: string, name = `case${this.n}`): Promise<VerifyResult> {
    const path = join(this.dir, `${name}-${this.n++}.sh`);
    writeFileSync(path, source);
    let k = this.cache.get(source);
    if (!k) {
      k = this.kernel(path, source);
      this.cache.set(source, k);
    }
    const [kr, nr] = await Promise.all([k, this.nsemu(path, source)]);
    return compareRuns(name, kr, nr, path);
  }
  /** Does the kernel print the same again? Runs it `times` more (uncached, one at a time) and
   *  returns the normalised outputs that differ from the first run's, if any: a case whose kernel
   *  output depends on timing (a loaded machine) is no evidence against nsemu. */
  async kernelUnstable(source: string, times = 2): Promise<string[]> {
    const first = this.cache.get(source);
    if (!first) return [];
    const want = normalize((await first).output);
    const differ: string[] = [];
    for (let i = 0; i < times; i++) {
      const path = join(this.dir, `again-${this.n++}.sh`);
      writeFileSync(path, source);
      const again = normalize((await this.kernel(path, source)).output);
      if (again !== want) differ.push(again);
    }
    return differ;
  }
  close(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

export interface CaseResult {
  index: number;
  c: Case;
  script: string;
  result: VerifyResult;
}

/** The first `runs` cases of a seed (the same ones fc.check would try, in order). */
export function sampleCases(seed: number, runs: number): Case[] {
  return fc.sample(caseArb, { seed, numRuns: runs });
}

/** Runs cases with up to `concurrency` at a time (each kernel run is its own sandbox). */
export async function runCases(
  cases: Case[],
  runner: CaseRunner,
  concurrency: number,
  onDone?: (r: CaseResult, done: number) => void,
  titleOf: (i: number) => string = (i) => `differential case ${i}`,
): Promise<CaseResult[]> {
  const out: CaseResult[] = new Array(cases.length);
  let next = 0;
  let done = 0;
  const worker = async (): Promise<void> => {
    while (next < cases.length) {
      const i = next++;
      const script = caseToScript(cases[i]!, titleOf(i));
      const result = await runner.run(script, `case${i}`);
      out[i] = { index: i, c: cases[i]!, script, result };
      onDone?.(out[i]!, ++done);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, cases.length)) }, worker));
  return out;
}

export interface Shrunk {
  c: Case;
  script: string;
  result: VerifyResult;
  /** shrink steps that still mismatched */
  steps: number;
  interrupted: boolean;
}

/** Shrinks case `index` of `seed` (known to mismatch) to a minimal mismatching case. */
export async function shrinkCase(seed: number, index: number, runner: CaseRunner, timeLimitMs = 300_000, title = `differential case (seed ${seed}, case ${index}, shrunk)`): Promise<Shrunk | undefined> {
  let last: { c: Case; result: VerifyResult } | undefined;
  const r = await fc.check(
    fc.asyncProperty(caseArb, async (c) => {
      const result = await runner.run(caseToScript(c, title), 'shrink');
      if (!result.match) last = { c, result };
      return result.match;
    }),
    { seed, path: String(index), interruptAfterTimeLimit: timeLimitMs, endOnFailure: false },
  );
  const c = r.counterexample?.[0] ?? last?.c;
  if (!c) return undefined;
  const script = caseToScript(c, title);
  const result = last && JSON.stringify(last.c) === JSON.stringify(c) ? last.result : await runner.run(script, 'shrunk');
  return { c, script, result, steps: r.numShrinks, interrupted: r.interrupted };
}

/** Writes a shrunk case as DIR/NAME.sh. */
export function saveCase(dir: string, name: string, script: string): string {
  mkdirSync(dir, { recursive: true });
  const p = join(dir, `${name}.sh`);
  writeFileSync(p, script);
  return p;
}
