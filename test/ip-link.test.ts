// `ip link`: listings in every form, add/set/del, and the error of each mistake.
// The whole session of these commands on the real kernel is the recorded scenario
// test/scenarios/ip-link-session.sh (run in nsemu by test/scenarios.test.ts); the tests here
// check single behaviours in nsemu alone (the World after a failed command, and the like).
import { describe, expect, it } from 'vitest';
import { Env, ok } from './ip-helpers.ts';

describe('ip link', () => {
  it('leaves the World unchanged when a command fails', async () => {
    const env = new Env();
    await ok(env, 'ip netns add a');
    await ok(env, 'ip link add vx type veth peer name vy');
    await ok(env, 'ip link add br0 type bridge');
    const bad: [string, number, string][] = [
      ['ip link add vx type veth', 2, 'RTNETLINK answers: File exists\n'],
      ['ip link add vq type veth peer name vx', 2, 'RTNETLINK answers: File exists\n'],
      ['ip link add foo type dummy', 2, 'Error: Unknown device type.\n'],
      ['ip link add foo', 1, 'Not enough information: "type" argument is required\n'],
      ['ip link add abcdefghijklmnopq type veth', 2, 'Error: Attribute failed policy validation.\n'],
      ['ip link add name abcdefghijklmnopq type veth', 255, 'Error: argument "abcdefghijklmnopq" is wrong: "name" not a valid ifname\n'],
      ['ip link add x/y type veth', 255, 'Error: argument "x/y" is wrong: "dev" not a valid ifname\n'],
      ['ip link add vq type veth peer name vr netns nope', 255, 'Error: argument "nope" is wrong: Invalid "netns" value\n\n'],
      ['ip link add vq mtu 70000 type veth', 2, 'RTNETLINK answers: Invalid argument\n'],
      ['ip link add vq address 01:00:00:00:00:01 type veth', 2, 'RTNETLINK answers: Cannot assign requested address\n'],
      ['ip link add vq type veth garbage', 1, "Usage: ip link <options> type veth [peer <options>]\nTo get <options> type 'ip link add help'\n"],
      ['ip link set nodev up', 1, 'Cannot find device "nodev"\n'],
      ['ip link set vx mtu 70000', 2, 'Error: mtu greater than device maximum.\n'],
      ['ip link set vx mtu 10', 2, 'Error: mtu less than device minimum.\n'],
      ['ip link set vx mtu abc', 255, 'Error: argument "abc" is wrong: Invalid "mtu" value\n\n'],
      ['ip link set vx address 01:00:00:00:00:01', 2, 'RTNETLINK answers: Cannot assign requested address\n'],
      ['ip link set vx address 02:00:00:00:00', 1, 'Invalid address length 5 - must be 6 bytes\n'],
      ['ip link set vx address zz', 1, '"zz" is invalid lladdr.\n'],
      ['ip link set vx master nobr', 255, 'Error: argument "nobr" is wrong: Device does not exist\n\n'],
      ['ip link set vx master vy', 2, 'RTNETLINK answers: Operation not supported\n'],
      ['ip link set br0 master br0', 2, 'Error: Can not enslave a bridge to a bridge.\n'],
      ['ip link set lo master br0', 2, 'RTNETLINK answers: Invalid argument\n'],
      ['ip link set vx netns nope', 255, 'Error: argument "nope" is wrong: Invalid "netns" value\n\n'],
      ['ip link set vx netns 99999', 2, 'RTNETLINK answers: No such process\n'],
      ['ip link set br0 netns a', 2, 'Error: The interface netns is immutable.\n'],
      ['ip link set lo netns a', 2, 'Error: The interface netns is immutable.\n'],
      ['ip link set vx addrgenmode foo', 255, 'Error: argument "foo" is wrong: Invalid address generation mode\n\n'],
      ['ip link set vx promisc maybe', 1, 'Error: argument of "promisc" must be "on" or "off", not "maybe"\n'],
      ['ip link set vx index 40', 255, 'index can be used only when creating devices or when moving device to another netns.\n'],
      ['ip link set', 255, 'Not enough information: "dev" argument is required.\n'],
      ['ip link set vx mtu', 255, 'Command line is not complete. Try option "help"\n'],
      ['ip link set vx foo', 255, 'Error: either "dev" is duplicate, or "foo" is a garbage.\n'],
      ['ip link del lo', 2, 'RTNETLINK answers: Operation not supported\n'],
      ['ip link del nodev', 1, 'Cannot find device "nodev"\n'],
      ['ip link frob', 255, 'Command "frob" is unknown, try "ip link help".\n'],
    ];
    for (const [cmd, rc, err] of bad) {
      const before = structuredClone(env.m.world);
      const r = await env.run(cmd);
      expect({ cmd, rc: r.rc, err: r.err, out: r.out }).toEqual({ cmd, rc, err, out: '' });
      expect(env.m.world, cmd).toEqual(before);
    }
  });

  it('refuses changes from a non-root user, with nothing changed', async () => {
    const env = new Env();
    await ok(env, 'ip link add vx type veth peer name vy');
    for (const cmd of ['ip link add v2 type veth', 'ip link set vx up', 'ip link del vx', 'ip link set vx name vz']) {
      const before = structuredClone(env.m.world);
      const r = await env.run(cmd, { uid: 65534 });
      expect([r.rc, r.err]).toEqual([2, 'RTNETLINK answers: Operation not permitted\n']);
      expect(env.m.world).toEqual(before);
    }
    expect((await env.run('ip link show vx', { uid: 65534 })).rc).toBe(0);
  });

  it('names and numbers like the kernel: peer first, veth%d for missing names', async () => {
    const env = new Env();
    await ok(env, 'ip link add type veth');
    await ok(env, 'ip link add ix0 type veth');
    await ok(env, 'ip link add ix1 index 50 type veth peer name ix2 index 40');
    await ok(env, 'ip link add ix5 type veth peer name ix6 index 30');
    const out = await ok(env, 'ip -o link');
    expect(out.split('\n').filter(Boolean).map((l) => l.split(' ').slice(0, 2).join(' '))).toEqual([
      '1: lo:',
      '2: veth0@veth1:',
      '3: veth1@veth0:',
      '4: veth2@ix0:',
      '5: ix0@veth2:',
      '6: ix6@ix5:',
      '7: ix5@ix6:',
      '40: ix2@ix1:',
      '50: ix1@ix2:',
    ]);
  });

  it('a link dump allocates the nsid of the peer namespace in the dumping namespace', async () => {
    const env = new Env();
    await ok(env, 'ip netns add a');
    await ok(env, 'ip netns add b');
    await ok(env, 'ip -n a link add va type veth peer name vb netns b');
    expect(env.m.world.netns[env.ns('b')]!.nsids[env.ns('a')]).toBeUndefined();
    const out = await ok(env, 'ip -n b link show vb');
    expect(out).toContain(' link-netns a\n');
    expect(env.m.world.netns[env.ns('b')]!.nsids[env.ns('a')]).toBe(0);
  });

  it('-j output is valid JSON with the kernel attributes', async () => {
    const env = new Env();
    await ok(env, 'ip link add vx address 02:00:00:00:00:01 type veth peer name vy address 02:00:00:00:00:02');
    const j = JSON.parse(await ok(env, 'ip -j -d link show vx'));
    expect(j[0]).toMatchObject({ ifindex: 3, link: 'vy', ifname: 'vx', mtu: 1500, linkinfo: { info_kind: 'veth' }, inet6_addr_gen_mode: 'eui64' });
    expect(JSON.parse(await ok(env, 'ip -j -p -s link show lo'))[0].stats64.rx).toBeDefined();
  });

  it('-d shows bridge and bridge port details', async () => {
    const env = new Env();
    await ok(env, 'ip link add br0 address 02:00:00:00:00:0b type bridge');
    await ok(env, 'ip link add vx address 02:00:00:00:00:01 type veth peer name vy');
    await ok(env, 'ip link set vx master br0');
    const br = await ok(env, 'ip -d link show br0');
    expect(br.split('\n')[2]).toMatch(/^    bridge forward_delay 1500 hello_time 200 max_age 2000 ageing_time 30000 stp_state 0 priority 32768 vlan_filtering 0 bridge_id 8000\.2:0:0:0:0:b designated_root 8000\.2:0:0:0:0:b /);
    const port = await ok(env, 'ip -d link show vx');
    expect(port).toContain('\n    veth \n    bridge_slave state disabled priority 32 cost 2 hairpin off ');
    expect(port).toContain(' promiscuity 1  allmulti 1 minmtu 68 maxmtu 65535 ');
  });

  it('-c colours names, addresses and states', async () => {
    const env = new Env();
    const out = await ok(env, 'ip -c link show lo');
    expect(out).toBe('1: \x1b[36mlo: \x1b[0m<LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue state UNKNOWN mode DEFAULT group default qlen 1000\n    link/loopback \x1b[33m00:00:00:00:00:00\x1b[0m brd \x1b[33m00:00:00:00:00:00\x1b[0m\n');
  });

  it('a peer asked to come up at creation fails as veth_newlink does, and uses up an index', async () => {
    const env = new Env();
    const r = await env.run('ip link add vd up type veth peer name ve up');
    expect([r.rc, r.err]).toEqual([2, 'RTNETLINK answers: Transport endpoint is not connected\n']);
    // ("vf" would be iproute2's `vf` keyword)
    await ok(env, 'ip link add vh type veth peer name vg');
    expect(await ok(env, 'ip -br link show vg')).toMatch(/^vg@vh /);
    expect(env.m.world.netns[env.init]!.devs[3]?.name).toBe('vg');
  });
});
