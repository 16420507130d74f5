// One step of `nsemu whatif`'s sweep (src/cli/whatif.ts): the script replayed on a fresh
// machine; a change applied in a fork of it and the reachability matrix computed there. The
// serial sweep calls these functions itself; the parallel one runs this module in worker threads
// (tinypool), each thread replaying the script once and then taking changes one after another.
// A step returns everything the output is made of, and the same script, seed and change give
// the same result in any thread, so the output is the serial one.
import { createMachine, type ExecResult, type NsemuMachine } from '../api/machine.ts';
import { reachability, type ReachabilityRow } from '../api/reachability.ts';

export interface WhatifScript {
  name: string;
  src: string;
  seed: number;
}

/** A worker's task: one change to the script. */
export interface WhatifTask extends WhatifScript {
  change: string;
}

export interface WhatifStep {
  /** the script's run, or the change's */
  status: number;
  stdout: string;
  stderr: string;
  rows: ReachabilityRow[];
}

/** The script replayed on a fresh machine with the seed. */
export async function replay(s: WhatifScript): Promise<{ m: NsemuMachine; run: ExecResult }> {
  const m = createMachine({ seed: s.seed });
  const run = await m.run(s.src, s.name);
  return { m, run };
}

/** The change applied in a fork of `m` (which stays as it was), and the matrix after it. */
export async function applyChange(m: NsemuMachine, change: string): Promise<WhatifStep> {
  const f = m.fork();
  const r = await f.exec(change);
  return { status: r.status, stdout: r.stdout, stderr: r.stderr, rows: await reachability(f) };
}

/** This thread's replay of the script it was last given. */
let replayed: { key: string; at: Promise<{ m: NsemuMachine; run: ExecResult }> } | undefined;

/** A change, in a worker thread (tinypool's task function). */
export default async function whatifTask(t: WhatifTask): Promise<WhatifStep> {
  const key = JSON.stringify([t.name, t.seed, t.src]);
  if (replayed?.key !== key) replayed = { key, at: replay(t) };
  return applyChange((await replayed.at).m, t.change);
}
