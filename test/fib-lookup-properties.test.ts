// The FIB's index and the route cache change how fast a lookup is, never its answer:
// - fibLookup through the per-table index (fib_trie.ts) agrees with a plain scan of ns.routes
//   (the lookup nsemu had before the index) over random route sets — prefixes, tos, metrics,
//   types, tables, devices with and without carrier — built and taken apart through fib.ts,
//   and so does an index rebuilt from a clone of the namespace;
// - after any command, the cached answers of ipRouteOutput, ipRouteInput and isLocalAddr on the
//   live namespace (its cache warm from before the command) are those a clone computes afresh.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { Device, Netns, Route, RouteType } from '../src/kernel/types.ts';
import { RT_TABLE } from '../src/kernel/types.ts';
import { fibLookup, fibRemoveAt, fibTableInsert, insertRoute, type FibResult } from '../src/protocols/ipv4/fib.ts';
import { ipRouteInput, ipRouteOutput, isLocalAddr } from '../src/protocols/ipv4/route.ts';
import { fibIndexCoherent } from '../src/protocols/ipv4/fib_trie.ts';
import { inPrefix } from '../src/protocols/wire/addr.ts';
import { confAny } from '../src/kernel/sysctl.ts';
import { KernelError } from '../src/kernel/errors.ts';
import { createMachine } from '../src/kernel/world.ts';
import { runScript } from '../src/shell/index.ts';

const RUNS = Number(process.env.FIB_RUNS ?? 300);

/** The lookup as it was before the index: every route of each table, longest prefix first met. */
function scanLookup(ns: Netns, dst: number, opts: { oif?: number; table?: number } = {}): FibResult | undefined {
  const tables = opts.table !== undefined ? [opts.table] : [RT_TABLE.local, RT_TABLE.main, RT_TABLE.default];
  for (const t of tables) {
    let best: Route | undefined;
    for (const r of ns.routes) {
      if (r.table !== t || !inPrefix(dst, r.dst, r.dstLen)) continue;
      if (best && r.dstLen <= best.dstLen) continue;
      if (opts.oif !== undefined && r.dev !== undefined && r.dev !== opts.oif) continue;
      const d = r.dev !== undefined ? ns.devs[r.dev] : undefined;
      if (r.type !== 'local' && d && !d.carrier && confAny(ns, d, 'ignore_routes_with_linkdown')) continue;
      best = r;
    }
    if (best) return { route: best, type: best.type };
  }
  return undefined;
}

const TYPES: RouteType[] = ['unicast', 'local', 'broadcast', 'multicast', 'anycast', 'unreachable', 'prohibit', 'blackhole', 'throw', 'nat'];
const TABLES = [RT_TABLE.local, RT_TABLE.main, RT_TABLE.default, 100];
/** a few networks, so that prefixes nest and collide */
const BASES = [0x0a000000, 0x0a000100, 0x0a0001c0, 0x0a010000, 0xc0a80101, 0x7f000001, 0];
const LENS = [0, 1, 8, 16, 23, 24, 25, 26, 30, 31, 32];

const mask = (l: number): number => (l === 0 ? 0 : (0xffffffff << (32 - l)) >>> 0);

const addrArb = fc.tuple(fc.constantFrom(...BASES), fc.integer({ min: 0, max: 300 })).map(([b, o]) => (b + o) >>> 0);

const routeArb = fc.record({
  table: fc.constantFrom(...TABLES),
  type: fc.constantFrom(...TYPES),
  dst: addrArb,
  dstLen: fc.constantFrom(...LENS),
  masked: fc.boolean(),
  tos: fc.constantFrom(0, 0, 4, 8, 16),
  priority: fc.constantFrom(0, 0, 1, 5, 100),
  dev: fc.constantFrom(undefined, 1, 2, 3, 9),
});

type RouteSpec = typeof routeArb extends fc.Arbitrary<infer T> ? T : never;

type Op = { kind: 'add'; r: RouteSpec; mode: 'add' | 'append' | 'prepend' | 'replace' } | { kind: 'del'; at: number };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('add' as const), r: routeArb, mode: fc.constantFrom('add' as const, 'append' as const, 'prepend' as const, 'replace' as const) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('del' as const), at: fc.nat() }) },
);

function fakeNs(carrier: boolean[], ignore: boolean[], all: boolean): Netns {
  const devs: Record<number, Device> = {};
  for (let i = 1; i <= 3; i++) {
    devs[i] = { ifindex: i, carrier: carrier[i - 1], sysctl: { 'ipv4/ignore_routes_with_linkdown': ignore[i - 1] ? '1' : '0' } } as unknown as Device;
  }
  return { devs, routes: [], sysctl: { 'ipv4/conf/all/ignore_routes_with_linkdown': all ? '1' : '0' }, fibMain: false, fibLocal: false } as unknown as Netns;
}

const toRoute = (x: RouteSpec): Route => {
  const r: Route = { table: x.table, type: x.type, dst: x.masked ? (x.dst & mask(x.dstLen)) >>> 0 : x.dst, dstLen: x.dstLen, tos: x.tos, priority: x.priority, protocol: 4, scope: 0, onlink: false };
  if (x.dev !== undefined) r.dev = x.dev;
  return r;
};

describe('FIB index', () => {
  it('fibLookup agrees with a plain scan of the routes, incrementally kept and rebuilt', () => {
    fc.assert(
      fc.property(
        fc.array(opArb, { minLength: 1, maxLength: 40 }),
        fc.array(fc.boolean(), { minLength: 3, maxLength: 3 }),
        fc.array(fc.boolean(), { minLength: 3, maxLength: 3 }),
        fc.boolean(),
        fc.array(fc.record({ dst: addrArb, oif: fc.constantFrom(undefined, 1, 2, 9), table: fc.constantFrom(undefined, undefined, ...TABLES) }), { minLength: 1, maxLength: 30 }),
        (ops, carrier, ignore, all, probes) => {
          const ns = fakeNs(carrier, ignore, all);
          const check = (): void => {
            // kept in step by the writes themselves, not by the rebuild a lookup would do
            expect(fibIndexCoherent(ns)).toBe(true);
            const clone = structuredClone(ns);
            for (const p of probes) {
              const want = scanLookup(ns, p.dst, p);
              const got = fibLookup(ns, p.dst, p);
              expect(got?.route).toBe(want?.route);
              expect(got?.type).toBe(want?.type);
              // a clone (no index of its own: built from its list) finds the same route
              expect(fibLookup(clone, p.dst, p)?.route).toEqual(want?.route);
            }
          };
          check(); // the index exists from here on, and is kept by every write below
          for (const op of ops) {
            if (op.kind === 'del') {
              if (ns.routes.length > 0) fibRemoveAt(ns, op.at % ns.routes.length);
            } else {
              try {
                fibTableInsert(ns, toRoute(op.r), op.mode);
              } catch (e) {
                if (!(e instanceof KernelError)) throw e;
              }
            }
            check();
          }
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('a list written behind fib.ts (replaced or resized) is re-read, not trusted', () => {
    const ns = fakeNs([true, true, true], [false, false, false], false);
    const r = (dst: number, len: number): Route => ({ table: RT_TABLE.main, type: 'unicast', dst, dstLen: len, tos: 0, priority: 0, protocol: 4, scope: 0, onlink: false, dev: 1 });
    insertRoute(ns, r(0x0a000000, 8));
    expect(fibLookup(ns, 0x0a010203)?.route.dstLen).toBe(8);
    ns.routes = [r(0x0a010000, 16)];
    expect(fibLookup(ns, 0x0a010203)?.route.dstLen).toBe(16);
    ns.routes.push(r(0x0a010200, 24));
    expect(fibLookup(ns, 0x0a010203)?.route.dstLen).toBe(24);
  });
});

// ---------------------------------------------------------------------------------------------
// The route cache against fresh lookups, across commands that change what a lookup answers

const SETUP = [
  'ip netns add a; ip netns add b',
  'ip link add va netns a type veth peer name vb netns b',
  'ip -n a link add br0 type bridge',
  'ip -n a link set lo up; ip -n b link set vb up',
].join('\n');

const A = ['10.0.1.1', '10.0.1.2', '10.0.1.9', '10.0.2.1', '10.0.2.7', '192.168.5.1', '127.0.0.1'];
const PFX = ['10.0.1.0/24', '10.0.2.0/24', '10.0.0.0/16', '0.0.0.0/0', '10.0.2.7/32', '192.168.5.0/24', '10.0.1.128/25'];
const DEVS = ['va', 'br0', 'lo'];

const cmdArb: fc.Arbitrary<string> = fc.oneof(
  fc.tuple(fc.constantFrom(...A), fc.constantFrom(8, 16, 24, 25, 32), fc.constantFrom(...DEVS)).map(([a, l, d]) => `ip -n a addr add ${a}/${l} dev ${d}`),
  fc.tuple(fc.constantFrom(...A), fc.constantFrom(8, 16, 24, 25, 32), fc.constantFrom(...DEVS)).map(([a, l, d]) => `ip -n a addr del ${a}/${l} dev ${d}`),
  fc.tuple(fc.constantFrom(...DEVS), fc.constantFrom('up', 'down')).map(([d, s]) => `ip -n a link set ${d} ${s}`),
  fc.constantFrom('up', 'down').map((s) => `ip -n b link set vb ${s}`),
  fc
    .tuple(
      fc.constantFrom('add', 'replace', 'append', 'del'),
      fc.constantFrom(...PFX),
      fc.constantFrom('via 10.0.1.2', 'via 10.0.2.1', 'dev va', 'dev br0', 'type unreachable', 'type prohibit', 'type blackhole', 'type throw', 'via 10.0.1.2 dev va onlink'),
      fc.constantFrom('', ' metric 10', ' metric 5', ' tos 0x10', ' table local', ' src 10.0.1.1'),
    )
    .map(([c, p, how, extra]) => `ip -n a route ${c} ${p} ${how}${extra}`),
  fc
    .tuple(fc.constantFrom('rp_filter', 'ignore_routes_with_linkdown', 'forwarding', 'accept_local', 'route_localnet'), fc.constantFrom('all', 'va'), fc.constantFrom(0, 1, 2))
    .map(([k, d, v]) => `ip netns exec a sysctl -q -w net.ipv4.conf.${d}.${k}=${v}`),
  fc.constantFrom('ip -n a route flush table main', 'ip -n a addr flush dev va', 'ip -n a link set va netns b', 'ip -n b link set va netns a'),
);

const ipv4 = (s: string): number => s.split('.').reduce((a, b) => (a << 8) | Number(b), 0) >>> 0;
const PROBES = [...A, '10.0.1.255', '10.0.3.3', '8.8.8.8', '255.255.255.255', '224.0.0.1', '0.0.0.0', '10.0.1.0'].map(ipv4);

function answers(ns: Netns): unknown[] {
  const out: unknown[] = [];
  const va = Object.values(ns.devs).find((d) => d.name === 'va');
  const attempt = (f: () => unknown): unknown => {
    try {
      return f();
    } catch (e) {
      if (e instanceof KernelError) return { errno: e.errno, extack: e.extack };
      throw e;
    }
  };
  for (const dst of PROBES) {
    out.push(isLocalAddr(ns, dst));
    for (const saddr of [undefined, ipv4('10.0.1.1')]) {
      for (const oif of [undefined, va?.ifindex]) out.push(attempt(() => ipRouteOutput(ns, dst, { oif, saddr, now: 0 })));
    }
    if (va) for (const src of [ipv4('10.0.1.2'), ipv4('10.0.1.1'), ipv4('192.168.5.1'), 0]) out.push(attempt(() => ipRouteInput(ns, dst, src, va, 0)));
  }
  return out;
}

describe('route cache', () => {
  it('after each command, cached answers are those of a fresh lookup', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(cmdArb, { minLength: 1, maxLength: 12 }), async (cmds) => {
        const m = createMachine({ seed: 1 });
        await runScript(SETUP, { machine: m });
        const aId = m.world.netnsNames.find((e) => e.name === 'a')!.ns;
        const ns = m.world.netns[aId]!;
        answers(ns); // warm
        for (const c of cmds) {
          await runScript(c, { machine: m });
          // every write the command made to ns.routes went through fib.ts
          expect(fibIndexCoherent(ns)).toBe(true);
          const fresh = answers(structuredClone(ns));
          expect(answers(ns), `after ${cmds.slice(0, cmds.indexOf(c) + 1).join('; ')}`).toEqual(fresh);
        }
      }),
      { numRuns: Math.max(10, Math.round(RUNS / 6)) },
    );
  }, 120_000);
});
