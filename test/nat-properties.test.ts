// Properties of NAT over random topologies: private hosts behind one NAT router (MASQUERADE,
// SNAT to its address, or SNAT to a range of its addresses), then a chain of routers that know
// nothing of the private nets, then a server. Every host's pings — concurrent, some with the
// same ICMP identifier — get all their replies back; the NAT router tracks one flow per host,
// whose outside tuple uses one of its own addresses and which no other flow shares; without a
// NAT rule no reply comes back at all. A few of the generated scripts also run on the real
// kernel (sandboxed), which must print the same.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { runScript } from '../src/shell/index.ts';
import { ipv4ToText } from '../src/protocols/wire/addr.ts';
import { runInSandbox } from '../src/verify/sandbox.ts';
import { describeNeeds, kernel } from './helpers/needs.ts';
import { flows, PUBLIC, script, specArb, type Nat } from './nat-model.ts';

describe('NAT over random topologies', () => {
  it("NAT'd replies return to the original source; flows are one per host and unique outside", async () => {
    const seen = new Set<Nat>();
    await fc.assert(
      fc.asyncProperty(specArb, async (s) => {
        seen.add(s.nat);
        const src = script(s);
        const r = await runScript(src, { seed: 7, maxTime: 300 });
        expect(r.output, src).not.toMatch(/nsemu: /);
        const got = r.output.split('\n').filter(Boolean).sort();
        const want = s.ids.map((_, i) => `h${i}: 3 packets transmitted, ${s.nat === 'none' ? 0 : 3} received, ${s.nat === 'none' ? '100' : '0'}% packet loss`).sort();
        expect(got.map((l) => l.replace(/, time \d+ms$/, '')), src).toEqual(want);
        const fl = flows(r.machine.world);
        if (s.nat === 'none') {
          // no rule needed conntrack: nothing was tracked
          expect(fl, src).toEqual([]);
          return;
        }
        expect(fl.map((e) => ipv4ToText(e.orig.src)).sort(), src).toEqual(s.ids.map((_, i) => `192.168.${i}.2`).sort());
        const allowed = s.nat === 'snat-range' ? PUBLIC.slice(1) : ['10.0.0.1'];
        for (const e of fl) expect(allowed, src).toContain(ipv4ToText(e.reply.dst));
        // the outside (reply) tuples are all different: address and identifier together
        const outside = fl.map((e) => `${e.reply.dst}/${e.reply.sport}`);
        expect(new Set(outside).size, src).toBe(fl.length);
        // an identifier changes only on a clash: of the flows sharing one, the first keeps it
        for (const id of new Set(s.ids)) expect(fl.some((e) => e.orig.sport === id && e.reply.sport === id), src).toBe(true);
      }),
      { numRuns: Number(process.env.NAT_RUNS ?? 25), seed: 20_261_128 },
    );
    expect([...seen].sort()).toEqual(['masquerade', 'none', 'snat', 'snat-range']);
  });
});

describeNeeds('NAT topologies on the real kernel', kernel(), () => {
  it('prints what nsemu prints for sampled specs', async () => {
    const lines = (out: string): string[] => out.split('\n').filter(Boolean).map((l) => l.replace(/, time \d+ms$/, '')).sort();
    // one spec of each NAT kind, with identifiers shared between hosts
    const specs = fc.sample(specArb, { numRuns: 40, seed: 5 }).filter((s, i, all) => all.findIndex((o) => o.nat === s.nat) === i);
    expect(specs.map((s) => s.nat).sort()).toEqual(['masquerade', 'none', 'snat', 'snat-range']);
    for (const s of specs) {
      const src = script(s);
      const [e, kr] = [await runScript(src, { seed: 3 }), await runInSandbox(src)];
      expect(lines(e.output), src).toEqual(lines(kr.output));
    }
  });
});
