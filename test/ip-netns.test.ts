// `ip netns`: names (newest first), nsids and who allocates them, set, list-id, errors.
// The whole session of these commands on the real kernel is the recorded scenario
// test/scenarios/ip-netns-session.sh (run in nsemu by test/scenarios.test.ts); the tests here
// check single behaviours in nsemu alone (the World after a failed command, and the like).
import { describe, expect, it } from 'vitest';
import { Env, ok } from './ip-helpers.ts';

describe('ip netns', () => {
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
      const before = structuredClone(env.m.world);
      const r = await env.run(cmd);
      expect({ cmd, rc: r.rc, err: r.err, out: r.out }).toEqual({ cmd, rc, err, out: '' });
      expect(env.m.world, cmd).toEqual(before);
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
      const before = structuredClone(env.m.world);
      const r = await env.run(cmd, { uid: 65534 });
      expect([r.rc, r.err]).toEqual([rc, err]);
      expect(env.m.world).toEqual(before);
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
