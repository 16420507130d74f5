// The scripts nsemu/fast-check's arbitraries make run unchanged on the real kernel, and the
// kernel's pings agree with nsemu's: every namespace pings every address of a sampled
// topology() and routerChain() draw once, on both sides.
import fc from 'fast-check';
import { expect, it } from 'vitest';
import { createMachine } from '../src/index.ts';
import { addressesOf, routerChain, topology, type Topology } from '../src/fast-check/index.ts';
import { runInSandbox } from '../src/verify/sandbox.ts';
import { describeNeeds, kernel } from './helpers/needs.ts';

/** The script (under set -e), then one line per (namespace, address): "ns address rc" of
 *  `ping -c 1 -W 1`. */
function pingAllScript(t: Topology): string {
  const pings = t.spec.namespaces.flatMap((n) => addressesOf(t.spec).map((a) => `ip netns exec ${n} ping -c 1 -W 1 ${a.address} >/dev/null 2>&1 && r=0 || r=$?; echo "${n} ${a.address} $r"`));
  return `${t.script}${pings.join('\n')}\n`;
}

describeNeeds('nsemu/fast-check scripts on the real kernel', kernel(), () => {
  const draws = [
    ...fc.sample(routerChain({ maxRouters: 3 }), { numRuns: 4, seed: 21 }),
    ...fc.sample(topology({ maxNamespaces: 3, maxLinks: 3 }), { numRuns: 4, seed: 22 }),
  ];
  it.each(draws.map((t, i) => [i, t] as const))('draw %i: the script runs, and every ping ends as on the kernel', async (_i, t) => {
    const src = pingAllScript(t);
    const real = await runInSandbox(src);
    const m = createMachine({ seed: 1 });
    const emu = await m.run(src);
    expect(emu.status).toBe(0);
    expect(real.status, real.output).toBe(0);
    expect(emu.stdout).toBe(real.output);
  });
});
