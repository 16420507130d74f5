// Properties of whole runs: the same script and seed give the same bytes; a command that fails
// leaves the World exactly as it was; pings agree with a plain model of who shares a link.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { runScript } from '../src/shell/index.ts';
import { createMachine } from '../src/kernel/world.ts';
import { worldJson } from './helpers/world-json.ts';

const NS = ['n1', 'n2', 'n3'];
const DEV = ['va', 'vb', 'vc', 'vd'];
const pick = <T,>(xs: T[]) => fc.constantFrom(...xs);
const octet = fc.integer({ min: 1, max: 3 });

/** Commands of the tutorials' kind, valid or not in the state they land in. */
const command = fc.oneof(
  pick(NS).map((n) => `ip netns add ${n}`),
  pick(NS).map((n) => `ip netns del ${n}`),
  fc.tuple(pick(DEV), pick(DEV), pick(NS)).map(([a, b, n]) => `ip link add ${a} type veth peer name ${b} netns ${n}`),
  fc.tuple(pick(DEV), pick(NS)).map(([d, n]) => `ip link set ${d} netns ${n}`),
  fc.tuple(pick(NS), pick(DEV), fc.constantFrom('up', 'down')).map(([n, d, s]) => `ip -n ${n} link set ${d} ${s}`),
  fc.tuple(pick(NS), pick(DEV), octet, octet).map(([n, d, x, y]) => `ip -n ${n} addr add 10.9.${x}.${y}/24 dev ${d}`),
  fc.tuple(pick(NS), octet).map(([n, x]) => `ip -n ${n} route add 10.8.0.0/16 via 10.9.${x}.1`),
  fc.tuple(pick(NS), octet, octet).map(([n, x, y]) => `ip netns exec ${n} ping -c 1 -W 1 10.9.${x}.${y}`),
  fc.tuple(pick(NS), pick(DEV)).map(([n, d]) => `ip -n ${n} link del ${d}`),
  fc.integer({ min: 1, max: 40 }).map((s) => `sleep ${s}`),
  pick(NS).map((n) => `ip -n ${n} neigh show nud all | sort`),
);

const observe = NS.map((n) => `ip -n ${n} -br addr 2>&1; ip -n ${n} route 2>&1`).join('; ');

describe('whole runs', () => {
  it('same script + same seed ⇒ byte-identical output (and a different seed changes the MACs)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(command, { minLength: 1, maxLength: 12 }), fc.integer({ min: 1, max: 1000 }), async (cmds, seed) => {
        const script = `ip netns add n1\nip link add va type veth peer name vb netns n1\nip link show va\n${cmds.join('\n')}\n${observe}\n`;
        const a = await runScript(script, { seed });
        const b = await runScript(script, { seed });
        expect(b.output).toBe(a.output);
        expect(b.status).toBe(a.status);
        const c = await runScript(script, { seed: seed + 1 });
        expect(c.output).not.toBe(a.output);
      }),
      { numRuns: 25 },
    );
  });

  it('a command that fails leaves the World unchanged', async () => {
    const bad = fc.constantFrom(
      'ip netns add n1',
      'ip link add va type veth peer name vb',
      'ip link set nodev up',
      'ip addr add 300.1.1.1/24 dev va',
      'ip -n n1 addr add 10.9.1.1/24 dev vb',
      'ip route add 10.7.0.0/16 via 10.99.0.1',
      'ip -n ghost link',
      'ip link set lo netns n1',
      'ip link del nodev',
      'ip netns del ghost',
      'ip -n n1 route del 10.6.0.0/16',
      'ip -n n1 neigh del 10.9.1.9 dev vb',
      'setpriv --reuid=65534 --regid=65534 --clear-groups ip link add x type veth peer name y',
      'ping -c 1 -W 1 192.0.2.1',
      'sysctl -w net.ipv4.ip_default_ttl=0',
    );
    await fc.assert(
      fc.asyncProperty(fc.array(command, { maxLength: 6 }), bad, async (cmds, badCmd) => {
        const m = createMachine({ seed: 9 });
        await runScript(`ip netns add n1\nip link add va type veth peer name vb netns n1\nip -n n1 addr add 10.9.1.1/24 dev vb\n${cmds.join('\n')}\n`, { machine: m });
        // the SNMP counters are the exception: the kernel counts failures too (a connect() that
        // finds no route is IpOutNoRoutes)
        const world = (): string => worldJson(m.world, ['snmp', 'icmpmsg', 'netstat']);
        const before = world();
        const r = await runScript(`${badCmd}\n`, { machine: m });
        // a "bad" command can be valid in the state the others left (ip netns del n1, then add)
        fc.pre(r.status !== 0);
        expect(r.output).not.toMatch(/at .*\.ts:\d+/); // no stack trace for a user's mistake
        expect(world()).toBe(before);
      }),
      { numRuns: 40 },
    );
  });

  it('on a chain of namespaces joined by veths, a ping succeeds exactly when both ends are up and addressed in one subnet', async () => {
    await fc.assert(
      fc.asyncProperty(fc.boolean(), fc.boolean(), fc.boolean(), async (upA, upB, sameNet) => {
        const script = [
          'ip netns add a; ip netns add b',
          'ip link add x netns a type veth peer name y netns b',
          'ip -n a addr add 10.5.1.1/24 dev x',
          `ip -n b addr add ${sameNet ? '10.5.1.2' : '10.5.2.2'}/24 dev y`,
          upA ? 'ip -n a link set x up' : ':',
          upB ? 'ip -n b link set y up' : ':',
          'ip netns exec a ping -c 1 -W 1 10.5.1.2 >/dev/null 2>&1; echo rc=$?',
        ].join('\n');
        const r = await runScript(script, { seed: 1 });
        const expected = upA && upB && sameNet ? 0 : upA ? 1 : 2;
        expect(r.output.trim()).toBe(`rc=${expected}`);
      }),
      { numRuns: 8 },
    );
  });
});
