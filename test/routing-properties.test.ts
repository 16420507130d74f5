// Properties of IPv4 routing over random trees of routers (test/routing-model.ts builds them):
// a ping's outcome — a reply and its TTL, an ICMP error and who sent it, silence, or a connect
// error — is what a pure model of the route tables predicts, walked hop by hop; and no packet
// loops forever: TTL ends every routing loop, the run stops on its own, having sent a bounded
// number of frames.
// The model is itself checked against the kernel: where the real kernel is available, one
// sampled case of each outcome runs there (sandboxed) and must end as the model says; a failing
// case prints its script, which runs unchanged there (npx tsx scripts/kernel-run.ts FILE.sh) to
// say which side is wrong. ROUTING_RUNS=N runs more cases in nsemu.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { runScript } from '../src/shell/index.ts';
import type { World as KernelWorld } from '../src/kernel/types.ts';
import { runInSandbox } from '../src/verify/sandbox.ts';
import { describeNeeds, kernel } from './helpers/needs.ts';
import { buildWorld, expectedOutput, linkCount, observed, predict, script, specArb, type Spec, type World } from './routing-model.ts';

function framesSent(w: KernelWorld): number {
  let t = 0;
  for (const ns of Object.values(w.netns)) for (const d of Object.values(ns.devs)) t += d.stats.txPackets;
  return t;
}

/** Build, ping, compare with the model; returns the outcome's kind, the failing route types
 *  the packets met, and the frames sent. */
async function check(sp: Spec): Promise<{ kind: string; hits: string[]; frames: number }> {
  const w = buildWorld(sp);
  const src = script(w);
  const { hits, ...outcome } = predict(w);
  const r = await runScript(src, { seed: 1, maxTime: 600 });
  // no packet storm, no virtual-time limit, no deadlock: the run ended by itself
  expect(r.output, src).not.toMatch(/nsemu: /);
  expect(observed(r.output), `the model says ${JSON.stringify(outcome)} for:\n${src}`).toBe(expectedOutput(outcome));
  // a bound on every frame: at most 5 IP packets (the request, a reply or an error, an error
  // about the reply, a redirect, …), each sent at most 65 times (TTL), plus a few ARP exchanges
  // per link
  const frames = framesSent(r.machine.world);
  expect(frames, src).toBeLessThanOrEqual(5 * 65 + 4 * linkCount(w));
  const kind = outcome.kind === 'error' ? outcome.text : outcome.kind;
  return { kind, hits, frames };
}

function tally(m: Map<string, number>, k: string): void {
  m.set(k, (m.get(k) ?? 0) + 1);
}

const RUNS = Number(process.env.ROUTING_RUNS ?? 40);

describe('routing over random trees of routers', () => {
  it('a ping ends as the route tables say (reply and ttl, net unreachable, time exceeded, silence)', async () => {
    const kinds = new Map<string, number>();
    await fc.assert(
      fc.asyncProperty(specArb(), async (sp) => {
        tally(kinds, (await check(sp)).kind);
      }),
      { numRuns: RUNS, seed: 20_241_128 },
    );
    // the generator reaches every outcome (else the property proves little)
    expect([...kinds.keys()]).toEqual(expect.arrayContaining(['Destination Net Unreachable', 'Time to live exceeded', 'connect', 'none', 'reply']));
  });

  it('routing loops (default routes between neighbours) end by TTL: time exceeded from the router where it ran out', async () => {
    const kinds = new Map<string, number>();
    let loops = 0;
    await fc.assert(
      fc.asyncProperty(specArb({ minRouters: 2, right: 30, missing: 30, noDefault: 0, target: 'unknown' }), async (sp) => {
        const { kind, frames } = await check(sp);
        tally(kinds, kind);
        // a loop run to its end: the request alone crossed ~64 links
        if (kind === 'Time to live exceeded' && !sp.ttl) {
          expect(frames).toBeGreaterThanOrEqual(64);
          loops++;
        }
      }),
      { numRuns: Math.ceil(RUNS / 2), seed: 20_241_129 },
    );
    expect(loops).toBeGreaterThan(3);
  });

  it('routes of types that fail the lookup: unreachable, prohibit, throw answer with their errors, blackhole is silent', async () => {
    const kinds = new Map<string, number>();
    const hits = new Set<string>();
    await fc.assert(
      fc.asyncProperty(specArb({ minRouters: 2, right: 40, missing: 0, failing: 60, target: 'host' }), async (sp) => {
        const r = await check(sp);
        tally(kinds, r.kind);
        for (const h of r.hits) hits.add(h);
      }),
      { numRuns: Math.ceil((RUNS * 3) / 4), seed: 20_241_130 },
    );
    expect([...hits].sort()).toEqual(['blackhole', 'prohibit', 'throw', 'unreachable']);
    expect([...kinds.keys()]).toEqual(expect.arrayContaining(['Destination Host Unreachable', 'Packet filtered', 'Destination Net Unreachable', 'none']));
  });
});

describeNeeds('routing over random trees of routers, on the real kernel', kernel(), () => {
  it('a sampled case of each outcome ends on the kernel as the model says', async () => {
    // samples of the three generators above, the first case of each outcome
    const samples = [
      ...fc.sample(specArb(), { numRuns: 30, seed: 11 }),
      ...fc.sample(specArb({ minRouters: 2, right: 30, missing: 30, noDefault: 0, target: 'unknown' }), { numRuns: 15, seed: 11 }),
      ...fc.sample(specArb({ minRouters: 2, right: 40, missing: 0, failing: 60, target: 'host' }), { numRuns: 30, seed: 11 }),
    ];
    const picked = new Map<string, World>();
    for (const sp of samples) {
      const w = buildWorld(sp);
      const o = predict(w);
      const kind = o.kind === 'error' ? o.text : o.kind;
      if (!picked.has(kind)) picked.set(kind, w);
    }
    expect([...picked.keys()]).toEqual(expect.arrayContaining(['Destination Net Unreachable', 'Time to live exceeded', 'connect', 'none', 'reply']));
    for (const [kind, w] of picked) {
      const src = script(w);
      const { hits: _hits, ...outcome } = predict(w);
      const r = await runInSandbox(src);
      expect(observed(r.output), `the model says ${kind} (${JSON.stringify(outcome)}) for:\n${src}`).toBe(expectedOutput(outcome));
    }
  });
});
