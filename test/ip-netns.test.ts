// `ip netns`: names (newest first), nsids and who allocates them, set, list-id, errors.
// The transcript below was recorded on the real kernel (Linux 6.18, iproute2 6.1) in a throw-away
// network namespace, with the commands of CMDS one after the other (`$ cmd`, stdout+stderr,
// `[rc=N]` on failure); the emulator must print the same bytes. MACs are fixed by the commands.
import { describe, expect, it } from 'vitest';
import { Env, ok, transcript } from './ip-helpers.ts';

const CMDS = `ip netns list
ip netns add a
ip netns add b
ip netns add c
ip netns list
ip netns
ip -j netns list
ip netns list-id
ip netns identify
ip -n b netns identify
ip netns add a
ip netns add x/y
ip netns del zz
ip netns exec zz true
ip -n zz link
ip netns exec a nosuchcmd
ip netns exec a
ip netns exec
ip link add va address 02:00:00:00:00:01 type veth peer name vb address 02:00:00:00:00:02 netns a
ip netns list
ip netns list-id
ip -n a netns list-id
ip -n a link show vb
ip -n a netns list-id
ip netns set c 7
ip netns set b auto
ip netns set b 3
ip netns set a 7
ip netns set c 8
ip netns set zz 1
ip netns set b x
ip netns list
ip netns list-id
ip -j -p netns list-id
ip netns list-id nsid 7
ip -n b link add vc address 02:00:00:00:00:03 type veth peer name vd address 02:00:00:00:00:04 netns c
ip -n b netns list
ip -n b link show vc
ip -n c link show vd
ip -n c netns list
ip netns del c
ip netns list
ip -n b link show vc
ip netns del a
ip netns del b
ip netns list
ip netns frob
`;

const REAL = `$ ip netns list
$ ip netns add a
$ ip netns add b
$ ip netns add c
$ ip netns list
c
b
a
$ ip netns
c
b
a
$ ip -j netns list
[{"name":"c"},{"name":"b"},{"name":"a"}]
$ ip netns list-id
$ ip netns identify

$ ip -n b netns identify
b
$ ip netns add a
Cannot create namespace file "/run/netns/a": File exists
[rc=1]
$ ip netns add x/y
Invalid netns name "x/y"
[rc=255]
$ ip netns del zz
Cannot remove namespace file "/run/netns/zz": No such file or directory
[rc=1]
$ ip netns exec zz true
Cannot open network namespace "zz": No such file or directory
[rc=255]
$ ip -n zz link
Cannot open network namespace "zz": No such file or directory
[rc=255]
$ ip netns exec a nosuchcmd
exec of "nosuchcmd" failed: No such file or directory
[rc=1]
$ ip netns exec a
No command specified
[rc=1]
$ ip netns exec
No netns name specified
[rc=1]
$ ip link add va address 02:00:00:00:00:01 type veth peer name vb address 02:00:00:00:00:02 netns a
$ ip netns list
c
b
a (id: 0)
$ ip netns list-id
nsid 0 (iproute2 netns name: a)
$ ip -n a netns list-id
$ ip -n a link show vb
2: vb@if2: <BROADCAST,MULTICAST> mtu 1500 qdisc noop state DOWN mode DEFAULT group default qlen 1000
    link/ether 02:00:00:00:00:02 brd ff:ff:ff:ff:ff:ff link-netnsid 0
$ ip -n a netns list-id
nsid 0 
$ ip netns set c 7
$ ip netns set b auto
$ ip netns set b 3
Error: Peer netns already has a nsid assigned.
[rc=2]
$ ip netns set a 7
Error: Peer netns already has a nsid assigned.
[rc=2]
$ ip netns set c 8
Error: Peer netns already has a nsid assigned.
[rc=2]
$ ip netns set zz 1
Cannot open network namespace "zz": No such file or directory
[rc=1]
$ ip netns set b x
Error: argument "x" is wrong: Invalid "netnsid" value
[rc=255]
$ ip netns list
c (id: 7)
b (id: 1)
a (id: 0)
$ ip netns list-id
nsid 0 (iproute2 netns name: a)
nsid 1 (iproute2 netns name: b)
nsid 7 (iproute2 netns name: c)
$ ip -j -p netns list-id
[ {
        "nsid": 0,
        "name": "a"
    },{
        "nsid": 1,
        "name": "b"
    },{
        "nsid": 7,
        "name": "c"
    } ]
$ ip netns list-id nsid 7
nsid 7 (iproute2 netns name: c)
$ ip -n b link add vc address 02:00:00:00:00:03 type veth peer name vd address 02:00:00:00:00:04 netns c
$ ip -n b netns list
c (id: 0)
b
a
$ ip -n b link show vc
2: vc@if2: <BROADCAST,MULTICAST> mtu 1500 qdisc noop state DOWN mode DEFAULT group default qlen 1000
    link/ether 02:00:00:00:00:03 brd ff:ff:ff:ff:ff:ff link-netns c
$ ip -n c link show vd
2: vd@if2: <BROADCAST,MULTICAST> mtu 1500 qdisc noop state DOWN mode DEFAULT group default qlen 1000
    link/ether 02:00:00:00:00:04 brd ff:ff:ff:ff:ff:ff link-netns b
$ ip -n c netns list
c
b (id: 0)
a
$ ip netns del c
$ ip netns list
b (id: 1)
a (id: 0)
$ ip -n b link show vc
2: vc@if2: <BROADCAST,MULTICAST> mtu 1500 qdisc noop state DOWN mode DEFAULT group default qlen 1000
    link/ether 02:00:00:00:00:03 brd ff:ff:ff:ff:ff:ff link-netnsid 0
$ ip netns del a
$ ip netns del b
$ ip netns list
$ ip netns frob
Command "frob" is unknown, try "ip netns help".
[rc=255]
`;

describe('ip netns', () => {
  it('prints what the real kernel printed for the whole session', async () => {
    const env = new Env();
    expect(await transcript(env, CMDS)).toBe(REAL);
  });

  it('leaves the World unchanged when a command fails', async () => {
    const env = new Env();
    await ok(env, 'ip netns add a');
    await ok(env, 'ip netns set a 3');
    const bad: [string, number, string][] = [
      ['ip netns add a', 1, 'Cannot create namespace file "/run/netns/a": File exists\n'],
      ['ip netns add x/y', 255, 'Invalid netns name "x/y"\n'],
      ['ip netns add', 1, 'No netns name specified\n'],
      ['ip netns del zz', 1, 'Cannot remove namespace file "/run/netns/zz": No such file or directory\n'],
      ['ip netns set a 4', 2, 'Error: Peer netns already has a nsid assigned.\n'],
      ['ip netns set zz 1', 1, 'Cannot open network namespace "zz": No such file or directory\n'],
      ['ip netns set a x', 255, 'Error: argument "x" is wrong: Invalid "netnsid" value\n'],
      ['ip netns exec zz true', 255, 'Cannot open network namespace "zz": No such file or directory\n'],
      ['ip -n zz link', 255, 'Cannot open network namespace "zz": No such file or directory\n'],
      ['ip -n', 255, 'Cannot open network namespace "(null)": No such file or directory\n'],
      ['ip netns exec a nosuchcmd', 1, 'exec of "nosuchcmd" failed: No such file or directory\n'],
      ['ip netns exec a', 1, 'No command specified\n'],
      ['ip netns exec', 1, 'No netns name specified\n'],
      ['ip netns identify abc', 1, "Specified string 'abc' is not a pid\n"],
      ['ip netns identify 999999', 1, 'Cannot open network namespace: No such file or directory\n'],
      ['ip netns pids zz', 1, 'Cannot open network namespace: No such file or directory\n'],
      ['ip netns list-id nsid 9', 2, 'Error: Peer netns reference is invalid.\n'],
      ['ip netns frob', 255, 'Command "frob" is unknown, try "ip netns help".\n'],
    ];
    for (const [cmd, rc, err] of bad) {
      const before = env.m.world;
      const r = await env.run(cmd);
      expect({ cmd, rc: r.rc, err: r.err, out: r.out }).toEqual({ cmd, rc, err, out: '' });
      expect(env.m.world, cmd).toBe(before);
    }
  });

  it('non-root users cannot add, delete or enter namespaces', async () => {
    const env = new Env();
    await ok(env, 'ip netns add a');
    const cases: [string, number, string][] = [
      ['ip netns add b', 1, 'mount --make-shared /run/netns failed: Operation not permitted\n'],
      ['ip netns del a', 1, 'Cannot remove namespace file "/run/netns/a": Operation not permitted\n'],
      ['ip netns exec a true', 255, 'setting the network namespace "a" failed: Operation not permitted\n'],
      ['ip -n a link', 255, 'setting the network namespace "a" failed: Operation not permitted\n'],
    ];
    for (const [cmd, rc, err] of cases) {
      const before = env.m.world;
      const r = await env.run(cmd, { uid: 65534 });
      expect([r.rc, r.err]).toEqual([rc, err]);
      expect(env.m.world).toBe(before);
    }
    expect(await ok(env, 'ip netns list', { uid: 65534 })).toBe('a\n');
  });

  it('exec runs the command in the namespace and returns its status', async () => {
    const env = new Env();
    await ok(env, 'ip netns add a');
    expect(await ok(env, 'ip netns exec a whichns')).toBe(`${env.ns('a')}\n`);
    expect((await env.run('ip netns exec a exitwith 7')).rc).toBe(7);
    expect((await env.run('ip netns exec a false')).rc).toBe(1);
  });

  it('-all netns exec prints a header per namespace, newest first', async () => {
    const env = new Env();
    await ok(env, 'ip netns add a');
    await ok(env, 'ip netns add b');
    expect(await ok(env, 'ip -all netns exec echo hi')).toBe('\nnetns: b\nhi\n\nnetns: a\nhi\n');
    await ok(env, 'ip -all netns del');
    expect(await ok(env, 'ip netns list')).toBe('');
  });

  it('deleting a name lets the namespace go once nothing holds it', async () => {
    const env = new Env();
    await ok(env, 'ip netns add a');
    await ok(env, 'ip link add va type veth peer name vb netns a');
    await ok(env, 'ip netns del a');
    env.settle(1);
    expect(await ok(env, 'ip -br link')).toBe('lo               UNKNOWN        00:00:00:00:00:00 <LOOPBACK,UP,LOWER_UP> \n');
  });
});
