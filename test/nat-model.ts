// Random NAT topologies for test/nat-properties.test.ts (and for runs on the real kernel: the
// scripts use only real commands): private hosts behind one NAT router, a chain of routers that
// know only the public links, a server.
import fc from 'fast-check';
import type { CtEntry, World } from '../src/kernel/types.ts';

export type Nat = 'none' | 'masquerade' | 'snat' | 'snat-range';

export interface Spec {
  /** per private host: its ping identifier (several may share one) */
  ids: number[];
  /** routers between the NAT router and the server */
  hops: number;
  nat: Nat;
}

export const specArb: fc.Arbitrary<Spec> = fc.record({
  ids: fc.array(fc.constantFrom(100, 200, 300), { minLength: 1, maxLength: 4 }),
  hops: fc.integer({ min: 0, max: 2 }),
  nat: fc.constantFrom<Nat>('none', 'masquerade', 'masquerade', 'snat', 'snat-range'),
});

/** The NAT router's public addresses: .1 on its outside link, plus .10-.13 for the range. */
export const PUBLIC = ['10.0.0.1', '10.0.0.10', '10.0.0.11', '10.0.0.12', '10.0.0.13'];

export function script(s: Spec): string {
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
  // the hosts ping at once, but their first requests 50 ms apart: two flows' first packets
  // NATed at the same instant on two CPUs can both pick one identifier, and the kernel then
  // drops one of them at conntrack confirmation (a race the flows' overlap does not need)
  hosts.forEach((h, i) => L.push(`${i ? 'sleep 0.05; ' : ''}ip netns exec ${h} ping -c 3 -i 0.2 -W 1 -e ${s.ids[i]} 10.0.${last}.2 | grep transmitted | sed 's/^/${h}: /' &`));
  L.push('wait');
  return `${L.join('\n')}\n`;
}

export function flows(w: World): CtEntry[] {
  const nsId = w.netnsNames.find((n) => n.name === 'nat')!.ns;
  return Object.values(w.netns[nsId]!.ct.entries);
}
