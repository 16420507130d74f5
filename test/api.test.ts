// The library door: createMachine/exec/run/advance, snapshots that never change, diff and its
// round trip, forks that never reach their parent, failed commands that change nothing.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyDiff, createMachine, diff, INIT_NS, type MachineSnapshot } from '../src/index.ts';

const LINES = [
  'ip netns add a',
  'ip netns add b',
  'ip link add va netns a type veth peer name vb netns b',
  'ip -n a addr add 10.0.0.1/24 dev va',
  'ip -n b addr add 10.0.0.2/24 dev vb',
  'ip -n a link set va up',
  'ip -n b link set vb up',
  'ip -n a link set va down',
  'ip -n a route add 10.9.0.0/16 via 10.0.0.2',
  'ip -n a route del 10.9.0.0/16',
  'ip netns exec a ping -c 1 -W 1 10.0.0.2',
  'ip link add br0 type bridge; ip link set br0 up',
  'ip netns exec b iptables -A INPUT -p icmp -j DROP',
  'ip netns exec b iptables -P FORWARD DROP',
  'ip netns exec a sysctl -q -w net.ipv4.ip_forward=1',
  'ip neigh add 10.1.1.1 lladdr 02:00:00:00:00:01 dev lo',
  'ip netns del b',
  'sleep 40',
];
const withoutTime = ({ time: _t, ...rest }: MachineSnapshot) => rest;

describe('createMachine', () => {
  it('runs commands and scripts, keeping the state between them', async () => {
    const m = createMachine({ seed: 1 });
    expect(await m.exec('ip netns add ns1')).toEqual({ stdout: '', stderr: '', status: 0 });
    expect(await m.exec('ip netns list')).toEqual({ stdout: 'ns1\n', stderr: '', status: 0 });
    expect(await m.exec('ip link add x type nosuch')).toEqual({ stdout: '', stderr: 'Error: Unknown device type.\n', status: 2 });
    const r = await m.run('echo $0\nnosuch\n');
    expect(r).toEqual({ stdout: 'script\n', stderr: 'script: line 2: nosuch: command not found\n', status: 127 });
    expect(m.time).toBe(0);
    m.advance(2.5);
    expect(m.time).toBe(2.5);
    expect(() => m.advance(-1)).toThrow(RangeError);
  });

  it('snapshots name things as the tools do and never change afterwards', async () => {
    const m = createMachine({ seed: 1 });
    await m.exec(LINES.slice(0, 7).join('; '));
    const s = m.snapshot();
    const text = JSON.stringify(s);
    expect(Object.keys(s.namespaces).sort()).toEqual([INIT_NS, 'a', 'b'].sort());
    expect(s.namespaces.a!.devices.va).toMatchObject({ kind: 'veth', up: true, operstate: 'UP', addresses: ['10.0.0.1/24'], peer: 'b/vb' });
    expect(s.namespaces.a!.routes).toContain('10.0.0.0/24 dev va proto kernel scope link src 10.0.0.1');
    expect(Object.isFrozen(s.namespaces.a!.devices.va)).toBe(true);
    await m.exec('ip netns del a; ip netns exec b ip link set vb down');
    expect(JSON.stringify(s)).toBe(text);
  });

  it('diff reads like the tools, is empty for the same state, and applying it gives the later snapshot', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.constantFrom(...LINES), { maxLength: 8 }), fc.array(fc.constantFrom(...LINES), { minLength: 1, maxLength: 5 }), async (first, then) => {
        const m = createMachine({ seed: 2 });
        for (const l of first) await m.exec(l);
        const a = m.snapshot();
        expect(diff(a, a)).toEqual([]);
        for (const l of then) await m.exec(l);
        const b = m.snapshot();
        const d = diff(a, b);
        expect(withoutTime(applyDiff(a, d))).toEqual(withoutTime(b));
        for (const c of d) expect(c.text).toMatch(/^\S+: \S/);
      }),
      { numRuns: 40, seed: 7 },
    );
  });

  it('names a removed route the way a person would', async () => {
    const m = createMachine();
    await m.exec('ip netns add ns1; ip -n ns1 link add eth0 type veth peer name p0; ip -n ns1 addr add 10.0.1.2/24 dev eth0; ip -n ns1 link set eth0 up; ip -n ns1 link set p0 up; ip -n ns1 route add 10.0.2.0/24 via 10.0.1.1');
    const a = m.snapshot();
    await m.exec('ip -n ns1 route del 10.0.2.0/24');
    expect(diff(a, m.snapshot()).map((c) => c.text)).toEqual(['ns1: route 10.0.2.0/24 via 10.0.1.1 dev eth0 removed']);
  });

  it('a fork never reaches its parent, and a failed command changes nothing', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.constantFrom(...LINES), { maxLength: 8 }), fc.array(fc.constantFrom(...LINES), { minLength: 1, maxLength: 4 }), async (first, then) => {
        const m = createMachine({ seed: 3 });
        for (const l of first) await m.exec(l);
        const before = m.snapshot();
        const f = m.fork();
        for (const l of then) {
          const s = f.snapshot();
          const r = await f.exec(l);
          // a failed command leaves the state as it was (sleep aside, nothing here fails halfway)
          if (r.status !== 0) expect(withoutTime(f.snapshot())).toEqual(withoutTime(s));
        }
        expect(m.snapshot()).toEqual(before);
      }),
      { numRuns: 30, seed: 11 },
    );
  });
});
