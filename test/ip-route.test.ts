// `ip route`: add/del/replace/change/append/flush, listings and filters, `get`, errors.
// The whole session of these commands on the real kernel is the recorded scenario
// test/scenarios/ip-route-session.sh (run in nsemu by test/scenarios.test.ts); the tests here
// check single behaviours in nsemu alone (the World after a failed command, and the like).
import { describe, expect, it } from 'vitest';
import { Env, ok } from './ip-helpers.ts';

describe('ip route', () => {
  it('leaves the World unchanged when a command fails', async () => {
    const env = new Env();
    await ok(env, 'ip link add ra type veth peer name rb');
    await ok(env, 'ip link add rc type veth peer name rd');
    await ok(env, 'ip addr add 10.1.1.1/24 dev ra');
    await ok(env, 'ip link set ra up');
    await ok(env, 'ip route add 10.2.1.0/24 via 10.1.1.2');
    const bad: [string, number, string][] = [
      ['ip route add 10.2.1.0/24 via 10.1.1.2', 2, 'RTNETLINK answers: File exists\n'],
      ['ip route add 10.9.0.0/24 via 10.99.9.9', 2, 'Error: Nexthop has invalid gateway.\n'],
      ['ip route add 10.9.0.0/24 dev rc', 2, 'Error: Device for nexthop is not up.\n'],
      ['ip route add 10.9.0.0/24 via 10.1.1.9 dev rc onlink', 2, 'Error: Nexthop device is not up.\n'],
      ['ip route add 10.9.0.5/16 dev ra', 2, 'Error: Invalid prefix for given prefix length.\n'],
      ['ip route add 10.9.0.0/24 dev nodev', 1, 'Cannot find device "nodev"\n'],
      ['ip route add 10.9.0.0/24 dev ra src 10.5.5.5', 2, 'Error: Invalid prefsrc address.\n'],
      ['ip route add 10.9.0.0/24', 2, 'RTNETLINK answers: No such device\n'],
      ['ip route add 10.9.1.0/24 via 10.1.1.9 scope host', 2, 'Error: Route with host scope can not have a gateway.\n'],
      ['ip route add local 10.9.2.1 dev ra scope link', 2, 'Error: Invalid scope.\n'],
      ['ip route add blackhole 10.9.3.0/24 dev ra', 2, 'Error: Gateway, device and multipath can not be specified for this route type.\n'],
      ['ip route add 10.9.6.0/24 dev ra proto bogus', 255, 'Error: argument "bogus" is wrong: "protocol" value is invalid\n\n'],
      ['ip route add 10.9.6.0/24 dev ra table bogus', 255, 'Error: argument "bogus" is wrong: "table" value is invalid\n\n'],
      ['ip route add bogus', 1, 'Error: any valid prefix is expected rather than "bogus".\n'],
      ['ip route add 10.9.7.0/24 via 10.1.1.5 via 10.1.1.6', 255, 'Error: argument "via" is wrong: use nexthop syntax to specify multiple via\n\n'],
      ['ip route del 10.9.10.0/24', 2, 'RTNETLINK answers: No such process\n'],
      ['ip route change 10.9.10.0/24 dev ra', 2, 'RTNETLINK answers: No such file or directory\n'],
      ['ip route show dev nodev', 1, 'Cannot find device "nodev"\n'],
      ['ip route get', 1, 'need at least a destination address\n'],
      ['ip route get 10.2.1.1 oif nodev', 1, 'Cannot find device "nodev"\n'],
      ['ip route flush', 1, '"ip route flush" requires arguments.\n'],
      ['ip route frob', 255, 'Command "frob" is unknown, try "ip route help".\n'],
    ];
    for (const [cmd, rc, err] of bad) {
      const before = structuredClone(env.m.world);
      const r = await env.run(cmd);
      expect({ cmd, rc: r.rc, err: r.err, out: r.out }).toEqual({ cmd, rc, err, out: '' });
      expect(env.m.world, cmd).toEqual(before);
    }
  });

  it('route get answers with the caller uid', async () => {
    const env = new Env();
    expect(await ok(env, 'ip route get 127.0.0.1', { uid: 65534 })).toBe('local 127.0.0.1 dev lo src 127.0.0.1 uid 65534 \n    cache <local> \n');
  });

  it('a route through a device whose peer is down is marked linkdown', async () => {
    const env = new Env();
    await ok(env, 'ip link add ra type veth peer name rb');
    await ok(env, 'ip addr add 10.1.1.1/24 dev ra');
    await ok(env, 'ip link set ra up');
    expect(await ok(env, 'ip route')).toBe('10.1.1.0/24 dev ra proto kernel scope link src 10.1.1.1 linkdown \n');
    await ok(env, 'ip link set rb up');
    expect(await ok(env, 'ip route')).toBe('10.1.1.0/24 dev ra proto kernel scope link src 10.1.1.1 \n');
  });
});
