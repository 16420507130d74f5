// Machine.fork: a copy that behaves exactly as its parent would (the same commands print the
// same bytes on both), and whose changes never reach the parent, whatever was set up before.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { runScript } from '../src/shell/index.ts';
import { createMachine } from '../src/kernel/world.ts';
import type { Machine } from '../src/kernel/machine.ts';

/** Lines from the tutorials' vocabulary, in an order that builds something (and some that fail). */
const SETUP = [
  'ip netns add a; ip netns add b',
  'ip link add va netns a type veth peer name vb netns b',
  'ip -n a addr add 10.0.0.1/24 dev va; ip -n b addr add 10.0.0.2/24 dev vb',
  'ip -n a link set va up; ip -n b link set vb up',
  'ip netns exec a ping -c 1 -W 1 10.0.0.2',
  'ip link add br0 type bridge; ip link set br0 up',
  'ip netns exec b iptables -A INPUT -p icmp -j DROP',
  'ip -n a route add 10.9.0.0/16 via 10.0.0.2',
  'echo hello > /tmp/f; sleep 3',
];
const AFTER = [
  'ip netns exec a ping -c 2 -i 0.5 -W 1 10.0.0.2; echo rc=$?',
  'ip -n a link set va down; ip -n a -br link',
  'ip netns del b; ip netns list',
  'ip netns exec b iptables -F; ip netns exec b iptables -L -n -v',
  'ip -n a neigh; ip -n a route',
  'cat /tmp/f; rm -f /tmp/f; ls /tmp',
  'sleep 30; ip -n a neigh',
  'ip link add vx type veth peer name vy; ip -br link',
  'ip netns add a',
];

async function run(m: Machine, lines: string[]): Promise<string> {
  let out = '';
  for (const l of lines) out += `$ ${l}\n${(await runScript(l, { machine: m })).output}`;
  return out;
}

describe('Machine.fork', () => {
  it('the fork prints what the parent would, and never changes the parent', async () => {
    await fc.assert(
      fc.asyncProperty(fc.subarray(SETUP), fc.array(fc.constantFrom(...AFTER), { minLength: 1, maxLength: 4 }), async (setup, after) => {
        const m = createMachine({ seed: 7 });
        await run(m, setup);
        const f = m.fork();
        const parentBefore = structuredClone(m.world);
        const parentNow = m.now;
        const inFork = await run(f, after);
        // the parent is exactly as it was while its fork ran
        expect(m.world).toEqual(parentBefore);
        expect(m.now).toBe(parentNow);
        // and doing the same itself, it prints the same bytes and ends in the same state
        expect(await run(m, after)).toBe(inFork);
        expect(f.world).toEqual(m.world);
      }),
      { numRuns: 25, seed: 20261207 },
    );
  });

  it('forks of forks are independent of each other', async () => {
    const m = createMachine({ seed: 3 });
    await run(m, SETUP.slice(0, 4));
    const f1 = m.fork();
    const f2 = f1.fork();
    await run(f1, ['ip -n a link set va down']);
    expect(await run(f2, ['ip -n a -br link show va'])).toMatch(/va@if\d+ +UP /);
    expect(await run(m, ['ip -n a -br link show va'])).toMatch(/va@if\d+ +UP /);
    expect(await run(f1, ['ip -n a -br link show va'])).toMatch(/va@if\d+ +DOWN /);
  });
});
