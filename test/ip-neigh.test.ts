// `ip neigh`: add with each nud state, change/replace/del/flush, filters, get, errors.
// The transcript below was recorded on the real kernel (Linux 6.18, iproute2 6.1) in a throw-away
// network namespace, with the commands of CMDS one after the other (`$ cmd`, stdout+stderr,
// `[rc=N]` on failure); the emulator must print the same bytes. MACs are fixed by the commands.
import { describe, expect, it } from 'vitest';
import { Env, ok, transcript } from './ip-helpers.ts';

const CMDS = `sysctl -q -w net.ipv6.conf.default.disable_ipv6=1
ip netns add a
ip link add na address 02:00:00:00:00:01 type veth peer name nb address 02:00:00:00:00:02 netns a
ip addr add 10.5.1.1/24 dev na
ip link set na up
ip -n a link set nb up
sleep 2
ip neigh add 10.5.1.10 lladdr 02:00:00:00:01:10 dev na
ip neigh add 10.5.1.11 lladdr 02:00:00:00:01:11 dev na nud reachable
ip neigh add 10.5.1.12 lladdr 02:00:00:00:01:12 dev na nud stale
ip neigh add 10.5.1.13 lladdr 02:00:00:00:01:13 dev na nud noarp
ip neigh add 10.5.1.15 dev na nud noarp
ip neigh show 10.5.1.10
ip neigh show 10.5.1.11
ip neigh show 10.5.1.12
ip neigh show nud noarp
ip neigh show nud none
ip neigh show dev na 10.5.1.12
ip -j neigh show 10.5.1.10
ip -br neigh show 10.5.1.10
ip neigh get 10.5.1.10 dev na
ip neigh get 10.5.1.99 dev na
ip neigh add 10.5.1.10 lladdr 02:00:00:00:01:10 dev na
ip neigh add 10.5.1.16 lladdr zz dev na
ip neigh add 10.5.1.16 lladdr 02:00:00:00:01:16
ip neigh add 10.5.1.16 lladdr 02:00:00:00:01:16 dev nodev
ip neigh add 10.5.1.16 lladdr 02:00:00:00:01:16 dev na nud bogus
ip neigh del 10.5.1.99 dev na
ip neigh change 10.5.1.98 lladdr 02:00:00:00:01:98 dev na
ip neigh change 10.5.1.12 lladdr 02:00:00:00:01:32 dev na
ip neigh show 10.5.1.12
ip neigh change 10.5.1.11 dev na nud stale
ip neigh show 10.5.1.11
ip neigh replace 10.5.1.10 lladdr 02:00:00:00:01:30 dev na
ip neigh show 10.5.1.10
ip neigh del 10.5.1.13 dev na
ip neigh show 10.5.1.13
ip neigh flush
ip neigh flush dev na
ip neigh show 10.5.1.10
ip neigh show 10.5.1.11
ip neigh show nud all 10.5.1.15
ip neigh flush dev na nud permanent
ip neigh show nud all dev na
ip neigh frob
`;

const REAL = `$ sysctl -q -w net.ipv6.conf.default.disable_ipv6=1
$ ip netns add a
$ ip link add na address 02:00:00:00:00:01 type veth peer name nb address 02:00:00:00:00:02 netns a
$ ip addr add 10.5.1.1/24 dev na
$ ip link set na up
$ ip -n a link set nb up
$ sleep 2
$ ip neigh add 10.5.1.10 lladdr 02:00:00:00:01:10 dev na
$ ip neigh add 10.5.1.11 lladdr 02:00:00:00:01:11 dev na nud reachable
$ ip neigh add 10.5.1.12 lladdr 02:00:00:00:01:12 dev na nud stale
$ ip neigh add 10.5.1.13 lladdr 02:00:00:00:01:13 dev na nud noarp
$ ip neigh add 10.5.1.15 dev na nud noarp
Error: No link layer address given.
[rc=2]
$ ip neigh show 10.5.1.10
10.5.1.10 dev na lladdr 02:00:00:00:01:10 PERMANENT 
$ ip neigh show 10.5.1.11
10.5.1.11 dev na lladdr 02:00:00:00:01:11 REACHABLE 
$ ip neigh show 10.5.1.12
10.5.1.12 dev na lladdr 02:00:00:00:01:12 STALE 
$ ip neigh show nud noarp
10.5.1.13 dev na lladdr 02:00:00:00:01:13 NOARP 
$ ip neigh show nud none
10.5.1.15 dev na 
$ ip neigh show dev na 10.5.1.12
10.5.1.12 lladdr 02:00:00:00:01:12 STALE 
$ ip -j neigh show 10.5.1.10
[{"dst":"10.5.1.10","dev":"na","lladdr":"02:00:00:00:01:10","state":["PERMANENT"]}]
$ ip -br neigh show 10.5.1.10
10.5.1.10                               na               02:00:00:00:01:10
$ ip neigh get 10.5.1.10 dev na
10.5.1.10 dev na lladdr 02:00:00:00:01:10 PERMANENT 
$ ip neigh get 10.5.1.99 dev na
Error: Neighbour entry not found.
[rc=2]
$ ip neigh add 10.5.1.10 lladdr 02:00:00:00:01:10 dev na
RTNETLINK answers: File exists
[rc=2]
$ ip neigh add 10.5.1.16 lladdr zz dev na
"zz" is invalid lladdr.
[rc=1]
$ ip neigh add 10.5.1.16 lladdr 02:00:00:00:01:16
Device and destination are required arguments.
[rc=255]
$ ip neigh add 10.5.1.16 lladdr 02:00:00:00:01:16 dev nodev
Cannot find device "nodev"
[rc=1]
$ ip neigh add 10.5.1.16 lladdr 02:00:00:00:01:16 dev na nud bogus
Error: argument "bogus" is wrong: nud state is bad
[rc=255]
$ ip neigh del 10.5.1.99 dev na
RTNETLINK answers: No such file or directory
[rc=2]
$ ip neigh change 10.5.1.98 lladdr 02:00:00:00:01:98 dev na
RTNETLINK answers: No such file or directory
[rc=2]
$ ip neigh change 10.5.1.12 lladdr 02:00:00:00:01:32 dev na
$ ip neigh show 10.5.1.12
10.5.1.12 dev na lladdr 02:00:00:00:01:32 PERMANENT 
$ ip neigh change 10.5.1.11 dev na nud stale
$ ip neigh show 10.5.1.11
10.5.1.11 dev na lladdr 02:00:00:00:01:11 STALE 
$ ip neigh replace 10.5.1.10 lladdr 02:00:00:00:01:30 dev na
$ ip neigh show 10.5.1.10
10.5.1.10 dev na lladdr 02:00:00:00:01:30 PERMANENT 
$ ip neigh del 10.5.1.13 dev na
$ ip neigh show 10.5.1.13
$ ip neigh flush
Flush requires arguments.
[rc=1]
$ ip neigh flush dev na
$ ip neigh show 10.5.1.10
10.5.1.10 dev na lladdr 02:00:00:00:01:30 PERMANENT 
$ ip neigh show 10.5.1.11
$ ip neigh show nud all 10.5.1.15
$ ip neigh flush dev na nud permanent
$ ip neigh show nud all dev na
$ ip neigh frob
Command "frob" is unknown, try "ip neigh help".
[rc=255]
`;

describe('ip neigh', () => {
  it('prints what the real kernel printed for the whole session', async () => {
    const env = new Env();
    expect(await transcript(env, CMDS)).toBe(REAL);
  });

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
      const before = env.m.world;
      const r = await env.run(cmd);
      expect({ cmd, rc: r.rc, err: r.err, out: r.out }).toEqual({ cmd, rc, err, out: '' });
      expect(env.m.world, cmd).toBe(before);
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
