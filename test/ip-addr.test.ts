// `ip address`: forms of add, listings in every form and filter, flush, and the errors.
// The whole session of these commands on the real kernel is the recorded scenario
// test/scenarios/ip-addr-session.sh (run in nsemu by test/scenarios.test.ts); the tests here
// check single behaviours in nsemu alone (the World after a failed command, and the like).
import { describe, expect, it } from 'vitest';
import { Env, ok } from './ip-helpers.ts';

describe('ip address', () => {
  it('leaves the World unchanged when a command fails', async () => {
    const env = new Env();
    await ok(env, 'ip link add va type veth peer name vb');
    await ok(env, 'ip addr add 10.0.1.1/24 dev va');
    const bad: [string, number, string][] = [
      ['ip addr add 10.0.1.1/24 dev va', 2, 'Error: ipv4: Address already assigned.\n'],
      ['ip addr add 300.1.1.1/24 dev va', 1, 'Error: any valid prefix is expected rather than "300.1.1.1/24".\n'],
      ['ip addr add 10.0.1.5/33 dev va', 1, 'Error: any valid prefix is expected rather than "10.0.1.5/33".\n'],
      ['ip addr add 10.0.1.5/24 dev nodev', 1, 'Cannot find device "nodev"\n'],
      ['ip addr add 10.0.1.5/24', 1, 'Not enough information: "dev" argument is required.\n'],
      ['ip addr add dev va', 2, 'RTNETLINK answers: Operation not supported\n'],
      ['ip addr add 10.0.2.1/24 dev va scope bogus', 255, 'Error: argument "bogus" is wrong: invalid scope value.\n'],
      ['ip addr add 10.0.2.1/24 dev va metric x', 255, 'Error: argument "x" is wrong: "metric" value is invalid\n\n'],
      ['ip addr del 10.9.9.9/24 dev va', 2, 'Error: ipv4: Address not found.\n'],
      ['ip addr show dev nodev', 1, 'Device "nodev" does not exist.\n'],
      ['ip addr show dev va dev vb', 255, 'Error: either "dev" is duplicate, or "vb" is a garbage.\n'],
      ['ip addr flush', 1, 'Flush requires arguments.\n'],
      ['ip addr flush dev nodev', 1, 'Device "nodev" does not exist.\n'],
      ['ip addr frob', 255, 'Command "frob" is unknown, try "ip address help".\n'],
    ];
    for (const [cmd, rc, err] of bad) {
      const before = structuredClone(env.m.world);
      const r = await env.run(cmd);
      expect({ cmd, rc: r.rc, err: r.err, out: r.out }).toEqual({ cmd, rc, err, out: '' });
      expect(env.m.world, cmd).toEqual(before);
    }
    const before = structuredClone(env.m.world);
    const r = await env.run('ip addr add 10.0.3.1/24 dev va', { uid: 1000 });
    expect([r.rc, r.err]).toEqual([2, 'RTNETLINK answers: Operation not permitted\n']);
    expect(env.m.world).toEqual(before);
  });

  it('deleting a primary takes its secondaries; wildcard deletion warns', async () => {
    const env = new Env();
    await ok(env, 'ip link add va type veth peer name vb');
    await ok(env, 'ip addr add 10.0.1.1/24 dev va');
    await ok(env, 'ip addr add 10.0.1.2/24 dev va');
    await ok(env, 'ip addr add 10.0.2.1/24 dev va');
    const r = await env.run('ip addr del 10.0.1.1 dev va');
    expect(r.rc).toBe(0);
    expect(r.err).toBe(
      'Warning: Executing wildcard deletion to stay compatible with old scripts.\n' +
        '         Explicitly specify the prefix length (10.0.1.1/32) to avoid this warning.\n' +
        '         This special behaviour is likely to disappear in further releases,\n' +
        '         fix your scripts!\n',
    );
    expect(await ok(env, 'ip -br -4 addr show va')).toBe('va@vb            DOWN           10.0.2.1/24 \n');
  });

  it('replace changes the prefix route metric; ip -s -s flush lists what it deletes', async () => {
    const env = new Env();
    await ok(env, 'ip link add va type veth peer name vb');
    await ok(env, 'ip link set va up');
    await ok(env, 'ip addr add 10.0.1.1/24 dev va metric 10');
    await ok(env, 'ip addr replace 10.0.1.1/24 dev va metric 5');
    expect(await ok(env, 'ip route show dev va')).toBe('10.0.1.0/24 proto kernel scope link src 10.0.1.1 metric 5 linkdown \n');
    expect(await ok(env, 'ip -s -s addr flush dev va')).toBe(
      '3: va    inet 10.0.1.1/24 metric 5 scope global va\n       valid_lft forever preferred_lft forever\n\n*** Round 1, deleting 1 addresses ***\n*** Flush is complete after 1 round ***\n',
    );
  });

  it('ip -6 address dumps links as addrconf does (no qdisc, group or link-netns)', async () => {
    const env = new Env();
    expect(await ok(env, 'ip -6 addr')).toBe('1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 state UNKNOWN qlen 1000\n    inet6 ::1/128 scope host \n       valid_lft forever preferred_lft forever\n');
    expect(await ok(env, 'ip -6 addr show dev lo')).toMatch(/^1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue state UNKNOWN group default qlen 1000\n/);
  });
});
