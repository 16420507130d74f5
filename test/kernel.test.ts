// The kernel through its API: operstate rules, ifindex allocation, moves, deletes, routes that
// come with addresses, the neighbour state machine in virtual time, and World immutability.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createMachine } from '../src/kernel/world.ts';
import type { Kctx, Machine } from '../src/kernel/machine.ts';
import { NS_PER_SEC } from '../src/kernel/machine.ts';
import { netnsAddNamed, netnsDelNamed } from '../src/kernel/netns.ts';
import { vethNewlink } from '../src/devices/veth.ts';
import { devByName, devChangeNetNamespace, devClose, devOpen, unregisterNetdevice } from '../src/kernel/dev.ts';
import { deviceOps } from '../src/devices/ops.ts';
import { inetDelIfa, inetInsertIfa } from '../src/protocols/ipv4/devinet.ts';
import { KernelError } from '../src/kernel/errors.ts';
import { runScript } from '../src/shell/index.ts';
import { worldJson } from './helpers/world-json.ts';

const ip = (s: string): number => s.split('.').reduce((a, b) => (a << 8) | Number(b), 0) >>> 0;

function dev(m: Machine, ns: number, name: string) {
  return devByName(m.world.netns[ns]!, name)!;
}

function pair(m: Machine): { a: number; b: number } {
  let a = 0;
  let b = 0;
  m.mutate((k) => {
    a = netnsAddNamed(k, 'a');
    b = netnsAddNamed(k, 'b');
    vethNewlink(k, a, { name: 'va' }, b, { name: 'vb' });
  });
  return { a, b };
}

function up(k: Kctx, ns: number, name: string): void {
  devOpen(k, ns, devByName(k.w.netns[ns]!, name)!);
}

/** `ip netns exec NAME ping ARGS` through the shell, on this machine. */
async function runPing(m: Machine, netns: number, ...args: string[]): Promise<{ rc: number; out: string }> {
  const name = m.world.netnsNames.find((e) => e.ns === netns)!.name;
  const r = await runScript(`ip netns exec ${name} ping ${args.join(' ')}`, { machine: m });
  return { rc: r.status, out: r.output };
}

describe('veth carrier and operstate (6.1+ default_operstate)', () => {
  it('a pair in one namespace: peer registered first, both LOWERLAYERDOWN-computed, carrier only when both are up', () => {
    const m = createMachine();
    const init = m.world.initNs;
    m.mutate((k) => vethNewlink(k, init, { name: 'x' }, init, { name: 'y' }));
    expect(dev(m, init, 'y').ifindex).toBe(2);
    expect(dev(m, init, 'x').ifindex).toBe(3);
    expect(dev(m, init, 'x').operstate).toBe('LOWERLAYERDOWN');
    m.mutate((k) => up(k, init, 'x'));
    expect(dev(m, init, 'x').carrier).toBe(false);
    m.mutate((k) => up(k, init, 'y'));
    expect(dev(m, init, 'x').carrier).toBe(true);
    expect(dev(m, init, 'x').operstate).toBe('UP');
  });

  it('both ends created in fresh namespaces get ifindex 2 and compute DOWN (iflink == ifindex)', () => {
    const m = createMachine();
    const { a, b } = pair(m);
    expect(dev(m, a, 'va').ifindex).toBe(2);
    expect(dev(m, b, 'vb').ifindex).toBe(2);
    m.mutate((k) => up(k, a, 'va'));
    expect(dev(m, a, 'va').operstate).toBe('DOWN');
  });

  it('the pod_ns sequence: LOWERLAYERDOWN sticks after the peer moves, DOWN after a carrier loss', () => {
    const m = createMachine();
    const init = m.world.initNs;
    let pod = 0;
    m.mutate((k) => {
      pod = netnsAddNamed(k, 'pod');
      vethNewlink(k, init, { name: 'veth0' }, init, { name: 'veth1' });
    });
    m.mutate((k) => devChangeNetNamespace(k, init, devByName(k.w.netns[init]!, 'veth1')!, pod));
    m.mutate((k) => up(k, init, 'veth0'));
    expect(dev(m, init, 'veth0').operstate).toBe('LOWERLAYERDOWN');
    m.mutate((k) => up(k, pod, 'veth1'));
    expect(dev(m, init, 'veth0').operstate).toBe('UP');
    m.mutate((k) => devClose(k, pod, devByName(k.w.netns[pod]!, 'veth1')!));
    expect(dev(m, init, 'veth0').carrier).toBe(false);
    expect(dev(m, init, 'veth0').operstate).toBe('DOWN');
  });
});

describe('ifindex allocation and moves', () => {
  it('is cyclic per namespace: deleted numbers are not reused; explicit indexes do not move the cursor', () => {
    const m = createMachine();
    const init = m.world.initNs;
    m.mutate((k) => vethNewlink(k, init, { name: 'a1' }, init, { name: 'b1' }));
    m.mutate((k) => {
      const d = devByName(k.w.netns[init]!, 'a1')!;
      deviceOps(d.kind).dellink?.(k, init, d);
      unregisterNetdevice(k, init, d.ifindex);
    });
    expect(devByName(m.world.netns[init]!, 'b1')).toBeUndefined();
    m.mutate((k) => vethNewlink(k, init, { name: 'a2', ifindex: 40 }, init, { name: 'b2' }));
    expect(dev(m, init, 'b2').ifindex).toBe(4);
    expect(dev(m, init, 'a2').ifindex).toBe(40);
    m.mutate((k) => vethNewlink(k, init, { name: 'a3' }, init, { name: 'b3' }));
    expect(dev(m, init, 'b3').ifindex).toBe(5);
  });

  it('a moved device arrives down, without addresses, keeps its index if free, and routes via it vanish', () => {
    const m = createMachine();
    const { a, b } = pair(m);
    m.mutate((k) => {
      up(k, a, 'va');
      inetInsertIfa(k, a, devByName(k.w.netns[a]!, 'va')!, { local: ip('10.1.0.1'), prefixlen: 24 });
    });
    expect(m.world.netns[a]!.routes.some((r) => r.dst === ip('10.1.0.0'))).toBe(true);
    let c = 0;
    m.mutate((k) => {
      c = netnsAddNamed(k, 'c');
      devChangeNetNamespace(k, a, devByName(k.w.netns[a]!, 'va')!, c);
    });
    const moved = dev(m, c, 'va');
    expect(moved.up).toBe(false);
    expect(moved.addrs).toEqual([]);
    expect(moved.ifindex).toBe(2);
    expect(m.world.netns[a]!.routes).toEqual([]);
    // the peer follows the move
    expect(dev(m, b, 'vb').peer).toEqual({ ns: c, ifindex: 2 });
    // the old namespace got an id for the new one (after the one it has for b, the veth peer's)
    expect(m.world.netns[a]!.nsids).toEqual({ [b]: 0, [c]: 1 });
  });

  it('deleting a namespace takes the peer in another namespace with it, a little later', () => {
    const m = createMachine();
    const init = m.world.initNs;
    let x = 0;
    m.mutate((k) => {
      x = netnsAddNamed(k, 'x');
      vethNewlink(k, init, { name: 'h' }, x, { name: 'g' });
    });
    m.mutate((k) => netnsDelNamed(k, 'x'));
    expect(devByName(m.world.netns[init]!, 'h')).toBeDefined();
    m.runUntil(m.now + NS_PER_SEC);
    expect(devByName(m.world.netns[init]!, 'h')).toBeUndefined();
    expect(m.world.netns[x]).toBeUndefined();
  });
});

describe('addresses and their routes', () => {
  it('a down device gets only the local route; up adds prefix and broadcast; down removes them again', () => {
    const m = createMachine();
    const { a } = pair(m);
    m.mutate((k) => inetInsertIfa(k, a, devByName(k.w.netns[a]!, 'va')!, { local: ip('10.2.0.1'), prefixlen: 24 }));
    const types = (): string[] => m.world.netns[a]!.routes.map((r) => `${r.type} ${r.dst >>> 0}/${r.dstLen}`);
    expect(types()).toEqual([`local ${ip('10.2.0.1')}/32`]);
    m.mutate((k) => up(k, a, 'va'));
    expect(types()).toContain(`unicast ${ip('10.2.0.0')}/24`);
    expect(types()).toContain(`broadcast ${ip('10.2.0.255')}/32`);
    m.mutate((k) => devClose(k, a, devByName(k.w.netns[a]!, 'va')!));
    expect(types()).toEqual([`local ${ip('10.2.0.1')}/32`]);
  });

  it('a second address in the subnet is secondary, and deleting the primary takes it along', () => {
    const m = createMachine();
    const { a } = pair(m);
    m.mutate((k) => {
      const d = devByName(k.w.netns[a]!, 'va')!;
      inetInsertIfa(k, a, d, { local: ip('10.3.0.1'), prefixlen: 24 });
      inetInsertIfa(k, a, d, { local: ip('10.3.0.2'), prefixlen: 24 });
    });
    expect(dev(m, a, 'va').addrs.map((x) => x.secondary)).toEqual([false, true]);
    m.mutate((k) => inetDelIfa(k, a, devByName(k.w.netns[a]!, 'va')!, (x) => x.local === ip('10.3.0.1')));
    expect(dev(m, a, 'va').addrs).toEqual([]);
  });
});

describe('ARP and the neighbour table in virtual time', () => {
  function wired(): { m: Machine; a: number; b: number } {
    const m = createMachine({ seed: 7 });
    const { a, b } = pair(m);
    m.mutate((k) => {
      inetInsertIfa(k, a, devByName(k.w.netns[a]!, 'va')!, { local: ip('10.0.0.1'), prefixlen: 24 });
      inetInsertIfa(k, b, devByName(k.w.netns[b]!, 'vb')!, { local: ip('10.0.0.2'), prefixlen: 24 });
      up(k, a, 'va');
      up(k, b, 'vb');
      up(k, a, 'lo');
    });
    return { m, a, b };
  }

  it('ping works; the pinger has REACHABLE, the pinged STALE→DELAY for the pinger', async () => {
    const { m, a, b } = wired();
    const r = await runPing(m, a, '-c', '1', '10.0.0.2');
    expect(r.rc).toBe(0);
    expect(r.out).toMatch(/64 bytes from 10\.0\.0\.2: icmp_seq=1 ttl=64 time=/);
    expect([...m.world.netns[a]!.neigh.values()].map((n) => n.state)).toEqual(['REACHABLE']);
    expect([...m.world.netns[b]!.neigh.values()].map((n) => n.state)).toEqual(['DELAY']);
  });

  it('an unanswered address: INCOMPLETE, three broadcast requests, FAILED at 3 s, then host unreachable', async () => {
    const { m, a } = wired();
    const r = await runPing(m, a, '-c', '1', '-W', '5', '10.0.0.9');
    expect(r.out).toContain('From 10.0.0.1 icmp_seq=1 Destination Host Unreachable');
    expect(r.out).toContain('1 packets transmitted, 0 received, +1 errors, 100% packet loss');
    expect(r.rc).toBe(1);
    const n = [...m.world.netns[a]!.neigh.values()][0]!;
    expect(n.state).toBe('FAILED');
    expect(n.updated).toBeGreaterThanOrEqual(3 * NS_PER_SEC);
    expect(n.updated).toBeLessThan(3.1 * NS_PER_SEC);
    expect(dev(m, a, 'va').stats.txPackets).toBe(3);
  });

  it('REACHABLE turns STALE within 15–45 s when unused; the next use goes DELAY→PROBE→REACHABLE', async () => {
    const { m, a } = wired();
    await runPing(m, a, '-c', '1', '10.0.0.2');
    m.runUntil(m.now + 46 * NS_PER_SEC);
    expect([...m.world.netns[a]!.neigh.values()][0]!.state).toBe('STALE');
    await runPing(m, a, '-c', '1', '10.0.0.2');
    expect([...m.world.netns[a]!.neigh.values()][0]!.state).toBe('DELAY');
    m.runUntil(m.now + 5.5 * NS_PER_SEC);
    expect([...m.world.netns[a]!.neigh.values()][0]!.state).toBe('REACHABLE');
  });

  it('with lo down, a ping to an own address is lost and local ICMP errors are not delivered', async () => {
    const { m, a } = wired();
    m.mutate((k) => devClose(k, a, devByName(k.w.netns[a]!, 'lo')!));
    expect((await runPing(m, a, '-c', '1', '-W', '1', '10.0.0.1')).rc).toBe(1);
    const r = await runPing(m, a, '-c', '1', '-W', '5', '10.0.0.9');
    expect(r.out).not.toContain('Unreachable');
  });
});

describe('the World is a value', () => {
  it('a failing operation leaves the World exactly as it was (kernel operations validate before they write)', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom('dup-veth', 'dup-addr', 'bad-move', 'dup-netns'), { minLength: 1, maxLength: 6 }), (ops) => {
        const m = createMachine({ seed: 3 });
        const { a } = pair(m);
        m.mutate((k) => inetInsertIfa(k, a, devByName(k.w.netns[a]!, 'va')!, { local: ip('10.9.0.1'), prefixlen: 24 }));
        m.mutate((k) => netnsAddNamed(k, 'zz'));
        for (const op of ops) {
          // real work first (a command of its own), then one operation that fails as the kernel's would
          if (op === 'dup-addr') m.mutate((k) => up(k, a, 'va'));
          const before = structuredClone(m.world);
          expect(() =>
            m.mutate((k) => {
              if (op === 'dup-veth') vethNewlink(k, a, { name: 'n1' }, a, { name: 'va' });
              if (op === 'dup-addr') inetInsertIfa(k, a, devByName(k.w.netns[a]!, 'va')!, { local: ip('10.9.0.1'), prefixlen: 24 });
              if (op === 'bad-move') devChangeNetNamespace(k, a, devByName(k.w.netns[a]!, 'lo')!, k.w.initNs);
              if (op === 'dup-netns') netnsAddNamed(k, 'zz');
            }),
          ).toThrow(KernelError);
          expect(m.world).toEqual(before);
        }
      }),
      { numRuns: 50 },
    );
  });

  it('same seed, same operations ⇒ identical World (MACs, timers, RNG)', async () => {
    const run = async (seed: number) => {
      const m = createMachine({ seed });
      const { a } = pair(m);
      m.mutate((k) => {
        inetInsertIfa(k, a, devByName(k.w.netns[a]!, 'va')!, { local: ip('10.0.0.1'), prefixlen: 24 });
        up(k, a, 'va');
        up(k, a, 'lo');
      });
      const r = await runPing(m, a, '-c', '2', '-W', '4', '10.0.0.7');
      return worldJson({ w: m.world, out: r.out, now: m.now });
    };
    expect(await run(5)).toBe(await run(5));
    expect(await run(5)).not.toBe(await run(6));
  });
});
