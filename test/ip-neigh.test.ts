// `ip neigh`: add with each nud state, change/replace/del/flush, filters, get, errors.
// The whole session of these commands on the real kernel is the recorded scenario
// test/scenarios/ip-neigh-session.sh (run in nsemu by test/scenarios.test.ts); the tests here
// check single behaviours in nsemu alone (the World after a failed command, and the like).
import { describe, expect, it } from 'vitest';
import { Env, ok } from './ip-helpers.ts';

describe('ip neigh', () => {
  it('leaves the World unchanged when a command fails (except the entry a failed add leaves)', async () => {
    const env = new Env();
    await ok(env, 'ip link add na type veth peer name nb');
    await ok(env, 'ip neigh add 10.5.1.10 lladdr 02:00:00:00:01:10 dev na');
    const bad: [string, number, string][] = [
      ['ip neigh add 10.5.1.10 lladdr 02:00:00:00:01:10 dev na', 2, 'RTNETLINK answers: File exists\n'],
      ['ip neigh add 10.5.1.16 lladdr zz dev na', 1, '"zz" is invalid lladdr.\n'],
      ['ip neigh add 10.5.1.16 lladdr 02:00:00:00:01:16', 255, 'Device and destination are required arguments.\n'],
      ['ip neigh add 10.5.1.16 lladdr 02:00:00:00:01:16 dev nodev', 1, 'Cannot find device "nodev"\n'],
      ['ip neigh add 10.5.1.16 lladdr 02:00:00:00:01:16 dev na nud bogus', 255, 'Error: argument "bogus" is wrong: nud state is bad\n'],
      ['ip neigh del 10.5.1.99 dev na', 2, 'RTNETLINK answers: No such file or directory\n'],
      ['ip neigh change 10.5.1.98 lladdr 02:00:00:00:01:98 dev na', 2, 'RTNETLINK answers: No such file or directory\n'],
      ['ip neigh get 10.5.1.99 dev na', 2, 'Error: Neighbour entry not found.\n'],
      ['ip neigh flush', 1, 'Flush requires arguments.\n'],
      ['ip neigh show dev nodev', 1, 'Cannot find device "nodev"\n'],
      ['ip neigh frob', 255, 'Command "frob" is unknown, try "ip neigh help".\n'],
    ];
    for (const [cmd, rc, err] of bad) {
      const before = structuredClone(env.m.world);
      const r = await env.run(cmd);
      expect({ cmd, rc: r.rc, err: r.err, out: r.out }).toEqual({ cmd, rc, err, out: '' });
      expect(env.m.world, cmd).toEqual(before);
    }
    const r = await env.run('ip neigh add 10.5.1.15 dev na');
    expect([r.rc, r.err]).toEqual([2, 'Error: No link layer address given.\n']);
    expect(await ok(env, 'ip neigh show nud all 10.5.1.15')).toBe('10.5.1.15 dev na \n');
  });

  it('a reachable entry goes stale on its timer; -s shows the ages', async () => {
    const env = new Env();
    await ok(env, 'ip link add na type veth peer name nb');
    await ok(env, 'ip link set na up');
    await ok(env, 'ip neigh add 10.5.1.11 lladdr 02:00:00:00:01:11 dev na nud reachable');
    expect(await ok(env, 'ip neigh show 10.5.1.11')).toBe('10.5.1.11 dev na lladdr 02:00:00:00:01:11 REACHABLE \n');
    env.settle(50);
    expect(await ok(env, 'ip neigh show 10.5.1.11')).toBe('10.5.1.11 dev na lladdr 02:00:00:00:01:11 STALE \n');
    expect(await ok(env, 'ip -s neigh show 10.5.1.11')).toMatch(/^10\.5\.1\.11 dev na lladdr 02:00:00:00:01:11  used 50\/50\/\d+probes 0 STALE \n$/);
  });
});
