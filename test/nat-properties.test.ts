// Properties of NAT over random topologies: private hosts behind one NAT router (MASQUERADE,
// SNAT to its address, or SNAT to a range of its addresses), then a chain of routers that know
// nothing of the private nets, then a server. Every host's pings — concurrent, some with the
// same ICMP identifier — get all their replies back; the NAT router tracks one flow per host,
// whose outside tuple uses one of its own addresses and which no other flow shares; without a
// NAT rule no reply comes back at all.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { runScript } from '../src/shell/index.ts';
import type { CtEntry, World } from '../src/kernel/types.ts';
import { ipv4ToText } from '../src/protocols/wire/addr.ts';

type Nat = 'none' | 'masquerade' | 'snat' | 'snat-range';

interface Spec {
  /** per private host: its ping identifier (several may share one) */
  ids: number[];
  /** routers between the NAT router and the server */
  hops: number;
  nat: Nat;
}

const specArb: fc.Arbitrary<Spec> = fc.record({
  ids: fc.array(fc.constantFrom(100, 200, 300), { minLength: 1, maxLength: 4 }),
  hops: fc.integer({ min: 0, max: 2 }),
  nat: fc.constantFrom<Nat>('none', 'masquerade', 'masquerade', 'snat', 'snat-range'),
});

/** The NAT router's public addresses: .1 on its outside link, plus .10-.13 for the range. */
const PUBLIC = ['10.0.0.1', '10.0.0.10', '10.0.0.11', '10.0.0.12', '10.0.0.13'];

function script(s: Spec): string {
  const L: string[] = [];
  const hosts = s.ids.map((_, i) => `h${i}`);
  const routers = Array.from({ length: s.hops }, (_, i) => `r${i}`);
  for (const n of [...hosts, 'nat', ...routers, 'srv']) L.push(`ip netns add ${n}`, `ip -n ${n} link set lo up`);
  const link = (a: string, da: string, b: string, db: string): void => {
    L.push(`ip link add ${da} netns ${a} type veth peer name ${db} netns ${b}`, `ip -n ${a} link set ${da} up`, `ip -n ${b} link set ${db} up`);
  };
  hosts.forEach((h, i) => {
    link(h, 'e0', 'nat', `p${i}`);
    L.push(`ip -n ${h} addr add 192.168.${i}.2/24 dev e0`, `ip -n nat addr add 192.168.${i}.1/24 dev p${i}`, `ip -n ${h} route add default via 192.168.${i}.1`);
  });
  // the public chain: nat -(10.0.0.0/24)- r0 -(10.0.1.0/24)- r1 … - srv
  const chain = ['nat', ...routers, 'srv'];
  for (let j = 0; j + 1 < chain.length; j++) {
    link(chain[j]!, 'o0', chain[j + 1]!, 'i0');
    L.push(`ip -n ${chain[j]} addr add 10.0.${j}.1/24 dev o0`, `ip -n ${chain[j + 1]} addr add 10.0.${j}.2/24 dev i0`);
  }
  for (const a of PUBLIC.slice(1)) L.push(`ip -n nat addr add ${a}/24 dev o0`);
  const last = chain.length - 2;
  // the public side knows only the public links (no default routes): private nets are unknown
  // past the NAT router, so a reply can only come back through its translation
  for (let j = 0; j < chain.length; j++) {
    for (let x = 0; x <= last; x++) {
      if (x === j || x === j - 1) continue;
      L.push(`ip -n ${chain[j]} route add 10.0.${x}.0/24 via ${x > j ? `10.0.${j}.2` : `10.0.${j - 1}.1`}`);
    }
  }
  for (const r of ['nat', ...routers]) L.push(`ip netns exec ${r} sysctl -q -w net.ipv4.ip_forward=1`);
  const nat = {
    none: '',
    masquerade: '-j MASQUERADE',
    snat: '-j SNAT --to-source 10.0.0.1',
    'snat-range': '-j SNAT --to-source 10.0.0.10-10.0.0.13',
  }[s.nat];
  if (nat) L.push(`ip netns exec nat iptables -t nat -A POSTROUTING -o o0 ${nat}`);
  L.push('sleep 2');
  hosts.forEach((h, i) => L.push(`ip netns exec ${h} ping -c 3 -i 0.2 -W 1 -e ${s.ids[i]} 10.0.${last}.2 | grep transmitted | sed 's/^/${h}: /' &`));
  L.push('wait');
  return `${L.join('\n')}\n`;
}

function flows(w: World): CtEntry[] {
  const nsId = w.netnsNames.find((n) => n.name === 'nat')!.ns;
  return Object.values(w.netns[nsId]!.ct.entries);
}

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
  }, 120_000);
});
