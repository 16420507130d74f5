// nsemu/fast-check (src/fast-check): its arbitraries make scripts nsemu runs cleanly and machines
// in the state the spec says; each invariant holds on sampled topologies and throws, with a
// readable message, on a case built to break it.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createMachine, type ExecResult, type NsemuMachine } from '../src/index.ts';
import { addressesOf, commands, invariants, probes, routerChain, topology, type MachineLike } from '../src/fast-check/index.ts';
import type { Tap } from '../src/capture/taps.ts';

/** what nsemu says when it is nsemu's fault, not the script's */
const clean = (r: ExecResult, what: string): void => {
  for (const bad of ['nsemu: internal error', 'is not emulated', 'not supported', '    at ', 'TypeError', 'undefined'])
    if (r.stderr.includes(bad) || r.stdout.includes(bad)) throw new Error(`${what}: ${JSON.stringify(bad)} in its output:\n${r.stderr}${r.stdout}`);
};

describe('the arbitraries', () => {
  it('make scripts that run in nsemu without errors, and commands nsemu knows (valid ones and invalid ones)', async () => {
    let failedCmds = 0;
    let okCmds = 0;
    await fc.assert(
      fc.asyncProperty(topology(), async (t) => {
        const m = createMachine({ seed: 3 });
        const r = await m.run(t.script);
        expect(r.stderr).toBe('');
        expect(r.status).toBe(0);
        clean(r, 'the topology script');
        for (const c of fc.sample(commands(t), { numRuns: 12, seed: t.script.length })) {
          const x = await m.exec(c);
          clean(x, c);
          // an invalid command is the tool's own error (ip's, iptables', sysctl's, bridge's)
          if (x.status !== 0) expect(x.stderr, c).toMatch(/^(Error|Cannot|RTNETLINK|iptables|sysctl|Command|Invalid|Object|Usage|ip:|bridge)/);
          if (x.status === 0) okCmds++;
          else failedCmds++;
        }
      }),
      { numRuns: 25, seed: 11 },
    );
    // both kinds are drawn, in earnest numbers
    expect(okCmds).toBeGreaterThan(50);
    expect(failedCmds).toBeGreaterThan(50);
  });

  it('build() gives the state the script gives, and the state is the spec', async () => {
    await fc.assert(
      fc.asyncProperty(topology({ maxNamespaces: 4, maxRules: 3 }), async (t) => {
        const m = await t.build(5);
        const direct = createMachine({ seed: 5 });
        await direct.run(t.script);
        expect(m.snapshot()).toEqual(direct.snapshot());
        const s = m.snapshot();
        expect(Object.keys(s.namespaces).sort()).toEqual(['(init)', ...t.spec.namespaces].sort());
        for (const l of t.spec.links)
          for (const e of [l.a, l.b]) {
            const d = s.namespaces[e.ns]!.devices[e.dev]!;
            expect(d, `${e.ns}/${e.dev}`).toBeDefined();
            expect(d.up).toBe(e.up);
            expect(d.master).toBe(e.bridge);
            expect(d.addresses.filter((a) => !a.includes(':'))).toEqual(e.address ? [e.address] : []);
          }
        for (const b of t.spec.bridges) expect(s.namespaces[b.ns]!.devices[b.name]!.kind).toBe('bridge');
        for (const n of t.spec.namespaces) expect(s.namespaces[n]!.sysctls['net.ipv4.ip_forward'] ?? '0').toBe(t.spec.routers.includes(n) ? '1' : '0');
        for (const r of t.spec.routes) expect(s.namespaces[r.ns]!.routes.some((x) => x.startsWith(r.route)), `${r.ns}: ${r.route} in ${s.namespaces[r.ns]!.routes.join('; ')}`).toBe(true);
        for (const n of t.spec.namespaces) {
          const rules = Object.values(s.namespaces[n]!.netfilter['filter'] ?? {}).flatMap((c) => c.rules.map((r) => r.rule));
          expect(rules.length).toBe(t.spec.rules.filter((r) => r.ns === n).length);
        }
      }),
      { numRuns: 20, seed: 12 },
    );
  });

  it('probes() draws sources from the namespaces and destinations from the addresses (and an unknown one)', () => {
    const [t] = fc.sample(topology({ minNamespaces: 3 }), { numRuns: 1, seed: 4 });
    const ps = fc.sample(probes(t!), { numRuns: 200, seed: 4 });
    const known = new Set(addressesOf(t!.spec).map((a) => a.address));
    for (const p of ps) {
      expect(t!.spec.namespaces).toContain(p.from);
      expect(known.has(p.to) || p.to === '10.99.0.1').toBe(true);
    }
    expect(new Set(ps.map((p) => p.from)).size).toBe(t!.spec.namespaces.length);
  });

  it('respects the options: bounds and features switched off', () => {
    for (const t of fc.sample(topology({ maxNamespaces: 2, maxLinks: 2, bridges: false, routes: false, iptables: false, routers: false, downLinks: false, prefix: 'zz' }), { numRuns: 50, seed: 2 })) {
      expect(t.spec.namespaces.length).toBeLessThanOrEqual(2);
      expect(t.spec.namespaces.every((n) => n.startsWith('zz'))).toBe(true);
      expect(t.spec.links.length).toBeLessThanOrEqual(2);
      expect([t.spec.bridges, t.spec.routes, t.spec.rules, t.spec.routers]).toEqual([[], [], [], []]);
      expect(t.spec.links.every((l) => l.a.up && l.b.up)).toBe(true);
      expect(t.script).not.toMatch(/iptables|type bridge|route add|ip_forward/);
    }
  });
});

describe('the invariants hold on sampled topologies', () => {
  it('determinism and failedCommandsChangeNothing', async () => {
    let failed = 0;
    await fc.assert(
      fc.asyncProperty(topology({ maxNamespaces: 3 }), fc.array(commands(), { minLength: 1, maxLength: 1 }), async (t, generic) => {
        await invariants.determinism(t.script + 'ip -br -n pt0 addr\nip netns exec pt0 ping -c 1 -W 1 10.77.0.2; echo $?\n', { seed: 9 });
        const m = await t.build();
        const cmds = [...fc.sample(commands(t), { numRuns: 10, seed: t.script.length }), ...generic];
        failed += (await invariants.failedCommandsChangeNothing(m, cmds)).failed;
      }),
      { numRuns: 15, seed: 13 },
    );
    expect(failed).toBeGreaterThan(20);
  });

  it('noFrameLeavesByIngress (bridges forwarding in earnest), ttlBoundsLoops, reachabilitySymmetric', async () => {
    let forwarded = 0;
    await fc.assert(
      fc.asyncProperty(topology({ maxNamespaces: 4, maxBridges: 2, routes: false, iptables: false }), async (t) => {
        const m = await t.build();
        forwarded += (await invariants.noFrameLeavesByIngress(m.fork())).forwarded;
        for (const p of fc.sample(probes(t), { numRuns: 2, seed: 1 })) await invariants.ttlBoundsLoops(m, p);
        // only connected routes: what one side reaches, the other does
        await invariants.reachabilitySymmetric(m);
      }),
      { numRuns: 15, seed: 14 },
    );
    expect(forwarded).toBeGreaterThan(0);
  });

  it('routerChain: reachability is symmetric, and the hosts reach each other exactly when every link is up and no rule drops them', async () => {
    const seen = { delivered: 0, not: 0 };
    await fc.assert(
      fc.asyncProperty(routerChain({ maxRouters: 3 }), async (t) => {
        const m = await t.build();
        const rows = await invariants.reachabilitySymmetric(m);
        const { namespaces, links, rules } = t.spec;
        const far = links.at(-1)!.b.address!.split('/')[0]!;
        const row = rows.find((r) => r.from === namespaces[0] && r.to === far)!;
        const open = links.every((l) => l.a.up && l.b.up) && rules.length === 0;
        expect(row.disposition === 'delivered', `${row.disposition} ${row.reason ?? ''}\n${t.script}`).toBe(open);
        // and a real ping agrees
        const ping = await m.exec(`ip netns exec ${namespaces[0]} ping -c 1 -W 1 ${far}`);
        expect(ping.status === 0).toBe(open);
        seen[open ? 'delivered' : 'not']++;
      }),
      { numRuns: 20, seed: 21 },
    );
    // both outcomes were drawn
    expect(seen.delivered).toBeGreaterThan(0);
    expect(seen.not).toBeGreaterThan(0);
  });

  it('ttlBoundsLoops on a real routing loop: the ping ends by TTL, with bounded frames', async () => {
    const m = createMachine();
    await m.run(
      [
        'ip netns add h; ip netns add r1; ip netns add r2',
        'ip link add e0 netns h type veth peer name ea netns r1; ip link add eb netns r1 type veth peer name ec netns r2',
        'ip -n h addr add 10.1.0.2/24 dev e0; ip -n r1 addr add 10.1.0.1/24 dev ea; ip -n r1 addr add 10.2.0.1/24 dev eb; ip -n r2 addr add 10.2.0.2/24 dev ec',
        'ip -n h link set e0 up; ip -n r1 link set ea up; ip -n r1 link set eb up; ip -n r2 link set ec up',
        'ip -n h route add default via 10.1.0.1',
        'ip -n r1 route add 10.9.0.0/24 via 10.2.0.2; ip -n r2 route add 10.9.0.0/24 via 10.2.0.1; ip -n r2 route add 10.1.0.0/24 via 10.2.0.1',
        'for r in r1 r2; do ip netns exec $r sysctl -q -w net.ipv4.ip_forward=1; done',
        'sleep 1',
      ].join('\n') + '\n',
    );
    const r = await invariants.ttlBoundsLoops(m, { from: 'h', to: '10.9.0.1', ttl: 20 });
    expect(r.status).not.toBe(0);
    // the request bounced between r1 and r2 until its TTL ran out: about 20 frames, not more
    expect(r.frames).toBeGreaterThanOrEqual(18);
    expect(r.frames).toBeLessThan(30);
  });
});

// --- each invariant fails on a case made to break it

/** A fake machine whose exec feeds the taps the frames given (what a broken kernel would do). */
function tapFeeder(frames: (deliver: Tap['deliver']) => void): MachineLike {
  const side = new Map<string, unknown>();
  const fake = {
    kernel: { side },
    async exec(): Promise<ExecResult> {
      for (const t of (side.get('taps') as Set<Tap> | undefined) ?? []) frames(t.deliver.bind(t));
      return { stdout: '', stderr: '', status: 1 };
    },
    run(): Promise<ExecResult> {
      return fake.exec();
    },
    snapshot: () => ({ time: 0, namespaces: {} }),
    fork: () => fake as unknown as NsemuMachine,
    advance() {},
  };
  return fake as unknown as MachineLike;
}

const ipv4Frame = (): Uint8Array => {
  const f = new Uint8Array(60);
  f[12] = 0x08;
  return f;
};

describe('each invariant can fail', () => {
  it('determinism: two runs that differ', async () => {
    let k = 0;
    const create = (): Pick<MachineLike, 'run' | 'snapshot'> => ({ run: async () => ({ stdout: `a\nrun ${k++}\n`, stderr: '', status: 0 }), snapshot: () => ({ time: 0, namespaces: {} }) });
    await expect(invariants.determinism('anything', { create })).rejects.toThrow(/determinism: .* differ in stdout, at line 2:\n {2}first: {2}run 0\n {2}second: run 1/);
  });

  it('failedCommandsChangeNothing: a command that fails but has changed the state', async () => {
    const real = createMachine();
    await real.exec('ip netns add x');
    const broken: MachineLike = {
      exec: async (c: string) => {
        await real.exec('ip -n x link set lo up');
        return { stdout: '', stderr: `${c}: failed\n`, status: 2 };
      },
      run: (s: string) => real.run(s),
      snapshot: () => real.snapshot(),
      fork: () => broken as NsemuMachine,
      advance: (s: number) => real.advance(s),
    };
    await expect(invariants.failedCommandsChangeNothing(broken, ['ip link frob'])).rejects.toThrow(/`ip link frob` failed \(status 2: ip link frob: failed\) but changed the state:\n {2}x: lo up false → true/);
  });

  it('noFrameLeavesByIngress: a frame in and out of the same bridge port', async () => {
    const port = { name: 'p0', ifindex: 4, master: 2 } as Parameters<Tap['deliver']>[1];
    const f = ipv4Frame();
    const m = tapFeeder((deliver) => {
      deliver(1e9, port, f, 'in', 7);
      deliver(1e9, port, f, 'out', 7);
    });
    await expect(invariants.noFrameLeavesByIngress(m, 'true')).rejects.toThrow(/a frame came in on p0 \(bridge port, ifindex 4, namespace 7\) and went back out of it/);
    // a frame forwarded to another port is fine
    const other = { name: 'p1', ifindex: 5, master: 2 } as Parameters<Tap['deliver']>[1];
    const ok = tapFeeder((deliver) => {
      deliver(1e9, port, f, 'in', 7);
      deliver(1e9, other, f, 'out', 7);
    });
    expect(await invariants.noFrameLeavesByIngress(ok, 'true')).toEqual({ forwarded: 1 });
  });

  it('ttlBoundsLoops: a loop whose frames do not stop', async () => {
    const dev = { name: 'a', ifindex: 3 } as Parameters<Tap['deliver']>[1];
    const m = tapFeeder((deliver) => {
      for (let k = 0; k < 5000; k++) deliver(k, dev, ipv4Frame(), 'out', 1);
    });
    await expect(invariants.ttlBoundsLoops(m, { from: 'h', to: '10.9.0.1', ttl: 4 })).rejects.toThrow(/ping -t 4 from h to 10.9.0.1 caused 5000 IPv4 frames, more than 560/);
  });

  it('reachabilitySymmetric: a filter that drops one direction only', async () => {
    const m = createMachine();
    await m.run('ip netns add a; ip netns add b\nip link add e netns a type veth peer name e netns b\nip -n a addr add 10.5.0.1/24 dev e; ip -n b addr add 10.5.0.2/24 dev e\nip -n a link set e up; ip -n b link set e up\nip netns exec b iptables -A INPUT -p icmp --icmp-type echo-request -j DROP\nsleep 1\n');
    await expect(invariants.reachabilitySymmetric(m)).rejects.toThrow(/b reaches a \(10.5.0.1 delivered\) but a reaches no address of b \(10.5.0.2: filtered/);
  });
});
