// fast-check arbitraries for the differential tests: small random topologies built only from
// what nsemu supports today (named namespaces, veth pairs, IPv4 addresses from three subnets,
// link up/down, moves between namespaces, deletes, routes incl. default/onlink, a few sysctls,
// lo up), and probes of them. When nsemu learns bridges, forwarding or netfilter, they join here.
//
// A Case is plain data; script.ts turns it into a bash script that runs unchanged on the kernel
// (in the sandbox) and in nsemu. Indices are taken modulo what exists when the script is
// compiled, so every shrunk case is still a valid case.
import fc from 'fast-check';

export const SUBNETS = ['10.1.0', '10.2.0', '192.168.7'] as const;

/** A veth end: pair index and side (a = va<i>, b = vb<i>). */
export interface End {
  pair: number;
  side: 'a' | 'b';
}

export interface Addr {
  end: End;
  subnet: number;
  host: number;
  prefix: 24 | 16 | 32;
}

export type Sysctl = 'rp_filter' | 'accept_local' | 'arp_ignore';

export type Step =
  | { op: 'up' | 'down' | 'del'; end: End }
  | { op: 'move'; end: End; ns: number }
  | { op: 'netnsDel'; ns: number }
  | { op: 'addr'; addr: Addr }
  | { op: 'route'; ns: number; kind: 'via' | 'dev' | 'defaultVia' | 'defaultDev' | 'onlink'; subnet: number; gw: number; end: End }
  | { op: 'sysctl'; ns: number; key: Sysctl; scope: 'all' | 'default' | 'dev'; end: End; value: number }
  | { op: 'loUp'; ns: number };

export type Probe =
  | { kind: 'ping'; ns: number; subnet: number; host: number }
  | { kind: 'pingLo'; ns: number }
  | { kind: 'neigh' | 'briefLink' | 'briefAddr' | 'route'; ns: number }
  | { kind: 'routeGet'; ns: number; subnet: number; host: number };

export interface Case {
  /** number of namespaces, 1–4 */
  namespaces: number;
  /** veth pairs: the namespaces of their two ends (may be the same) */
  veths: { a: number; b: number }[];
  /** setup: addresses and which ends are set up, then settle */
  addrs: Addr[];
  ups: End[];
  loUps: number[];
  /** changes after the first settle, then settle again */
  steps: Step[];
  probes: Probe[];
}

const idx = fc.nat({ max: 7 });
const end: fc.Arbitrary<End> = fc.record({ pair: idx, side: fc.constantFrom<'a' | 'b'>('a', 'b') });
const subnet = fc.nat({ max: SUBNETS.length - 1 });
const host = fc.integer({ min: 1, max: 4 });
const addr: fc.Arbitrary<Addr> = fc.record({ end, subnet, host, prefix: fc.constantFrom<24 | 16 | 32>(24, 24, 24, 16, 32) });

const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ op: fc.constantFrom<'up' | 'down' | 'del'>('up', 'down', 'del'), end }),
  fc.record({ op: fc.constant<'move'>('move'), end, ns: idx }),
  fc.record({ op: fc.constant<'netnsDel'>('netnsDel'), ns: idx }),
  fc.record({ op: fc.constant<'addr'>('addr'), addr }),
  fc.record({
    op: fc.constant<'route'>('route'),
    ns: idx,
    kind: fc.constantFrom<'via' | 'dev' | 'defaultVia' | 'defaultDev' | 'onlink'>('via', 'dev', 'defaultVia', 'defaultDev', 'onlink'),
    subnet,
    gw: host,
    end,
  }),
  fc.record({
    op: fc.constant<'sysctl'>('sysctl'),
    ns: idx,
    key: fc.constantFrom<Sysctl>('rp_filter', 'accept_local', 'arp_ignore'),
    scope: fc.constantFrom<'all' | 'default' | 'dev'>('all', 'default', 'dev'),
    end,
    value: fc.nat({ max: 2 }),
  }),
  fc.record({ op: fc.constant<'loUp'>('loUp'), ns: idx }),
);

const probe: fc.Arbitrary<Probe> = fc.oneof(
  { arbitrary: fc.record({ kind: fc.constant<'ping'>('ping'), ns: idx, subnet, host }), weight: 3 },
  { arbitrary: fc.record({ kind: fc.constant<'pingLo'>('pingLo'), ns: idx }), weight: 1 },
  { arbitrary: fc.record({ kind: fc.constantFrom<'neigh' | 'briefLink' | 'briefAddr' | 'route'>('neigh', 'briefLink', 'briefAddr', 'route'), ns: idx }), weight: 3 },
  { arbitrary: fc.record({ kind: fc.constant<'routeGet'>('routeGet'), ns: idx, subnet, host }), weight: 2 },
);

/** One random case: a topology, changes to it, and probes. */
export const caseArb: fc.Arbitrary<Case> = fc.record({
  namespaces: fc.integer({ min: 1, max: 4 }),
  veths: fc.array(fc.record({ a: idx, b: idx }), { minLength: 1, maxLength: 3 }),
  addrs: fc.array(addr, { maxLength: 5 }),
  ups: fc.array(end, { maxLength: 6 }),
  loUps: fc.array(idx, { maxLength: 2 }),
  steps: fc.array(step, { maxLength: 4 }),
  probes: fc.array(probe, { minLength: 1, maxLength: 5 }),
});
