// `ip address`: forms of add, listings in every form and filter, flush, and the errors.
// The transcript below was recorded on the real kernel (Linux 6.18, iproute2 6.1) in a throw-away
// network namespace, with the commands of CMDS one after the other (`$ cmd`, stdout+stderr,
// `[rc=N]` on failure); the emulator must print the same bytes. MACs are fixed by the commands.
import { describe, expect, it } from 'vitest';
import { Env, ok, transcript } from './ip-helpers.ts';

const CMDS = `sysctl -q -w net.ipv6.conf.default.disable_ipv6=1
ip netns add a
ip link add va address 02:00:00:00:00:01 type veth peer name vb address 02:00:00:00:00:02 netns a
ip link set va up
sleep 3
ip -n a link set vb up
ip addr add 10.0.5.1/32 dev va scope link
ip addr add 10.0.1.1/24 dev va
ip addr add 10.0.1.2/24 dev va label va:1
ip addr add 10.0.2.1/24 brd + dev va
ip addr add local 10.0.3.1/24 broadcast 10.0.3.127 dev va
ip addr add 10.0.4.1 peer 10.0.4.2 dev va
ip addr add 10.0.6.1/24 dev va metric 50
ip addr
ip addr show dev va
ip -4 addr
ip -6 addr
ip -br addr
ip -br -4 addr show va
ip -o addr show va
ip -j addr show dev va
ip -j -p addr show dev lo
ip addr show va label 'va:*'
ip addr show to 10.0.1.0/24
ip addr show secondary
ip addr show scope link
ip route
ip route show table local
ip -n a addr
ip -s addr show dev lo
ip addr add 10.0.1.1/24 dev va
ip addr add 300.1.1.1/24 dev va
ip addr add 10.0.9.1/24 dev nodev
ip addr add 10.0.9.1/24
ip addr del 10.0.9.9/24 dev va
ip addr show dev nodev
ip addr flush
ip addr del 10.0.1.1/24 dev va
ip addr show dev va
ip addr flush dev va scope link
ip addr flush dev va label va
ip addr show dev va
ip addr flush dev va
ip addr show dev va
ip route
`;

const REAL = `$ sysctl -q -w net.ipv6.conf.default.disable_ipv6=1
$ ip netns add a
$ ip link add va address 02:00:00:00:00:01 type veth peer name vb address 02:00:00:00:00:02 netns a
$ ip link set va up
$ sleep 3
$ ip -n a link set vb up
$ ip addr add 10.0.5.1/32 dev va scope link
$ ip addr add 10.0.1.1/24 dev va
$ ip addr add 10.0.1.2/24 dev va label va:1
$ ip addr add 10.0.2.1/24 brd + dev va
$ ip addr add local 10.0.3.1/24 broadcast 10.0.3.127 dev va
$ ip addr add 10.0.4.1 peer 10.0.4.2 dev va
$ ip addr add 10.0.6.1/24 dev va metric 50
$ ip addr
1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue state UNKNOWN group default qlen 1000
    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00
    inet 127.0.0.1/8 scope host lo
       valid_lft forever preferred_lft forever
    inet6 ::1/128 scope host 
       valid_lft forever preferred_lft forever
2: va@if2: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue state UP group default qlen 1000
    link/ether 02:00:00:00:00:01 brd ff:ff:ff:ff:ff:ff link-netns a
    inet 10.0.5.1/32 scope link va
       valid_lft forever preferred_lft forever
    inet 10.0.1.1/24 scope global va
       valid_lft forever preferred_lft forever
    inet 10.0.2.1/24 brd 10.0.2.255 scope global va
       valid_lft forever preferred_lft forever
    inet 10.0.3.1/24 brd 10.0.3.127 scope global va
       valid_lft forever preferred_lft forever
    inet 10.0.4.1 peer 10.0.4.2/32 scope global va
       valid_lft forever preferred_lft forever
    inet 10.0.6.1/24 metric 50 scope global va
       valid_lft forever preferred_lft forever
    inet 10.0.1.2/24 scope global secondary va:1
       valid_lft forever preferred_lft forever
$ ip addr show dev va
2: va@if2: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue state UP group default qlen 1000
    link/ether 02:00:00:00:00:01 brd ff:ff:ff:ff:ff:ff link-netns a
    inet 10.0.5.1/32 scope link va
       valid_lft forever preferred_lft forever
    inet 10.0.1.1/24 scope global va
       valid_lft forever preferred_lft forever
    inet 10.0.2.1/24 brd 10.0.2.255 scope global va
       valid_lft forever preferred_lft forever
    inet 10.0.3.1/24 brd 10.0.3.127 scope global va
       valid_lft forever preferred_lft forever
    inet 10.0.4.1 peer 10.0.4.2/32 scope global va
       valid_lft forever preferred_lft forever
    inet 10.0.6.1/24 metric 50 scope global va
       valid_lft forever preferred_lft forever
    inet 10.0.1.2/24 scope global secondary va:1
       valid_lft forever preferred_lft forever
$ ip -4 addr
1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue state UNKNOWN group default qlen 1000
    inet 127.0.0.1/8 scope host lo
       valid_lft forever preferred_lft forever
2: va@if2: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue state UP group default qlen 1000 link-netns a
    inet 10.0.5.1/32 scope link va
       valid_lft forever preferred_lft forever
    inet 10.0.1.1/24 scope global va
       valid_lft forever preferred_lft forever
    inet 10.0.2.1/24 brd 10.0.2.255 scope global va
       valid_lft forever preferred_lft forever
    inet 10.0.3.1/24 brd 10.0.3.127 scope global va
       valid_lft forever preferred_lft forever
    inet 10.0.4.1 peer 10.0.4.2/32 scope global va
       valid_lft forever preferred_lft forever
    inet 10.0.6.1/24 metric 50 scope global va
       valid_lft forever preferred_lft forever
    inet 10.0.1.2/24 scope global secondary va:1
       valid_lft forever preferred_lft forever
$ ip -6 addr
1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 state UNKNOWN qlen 1000
    inet6 ::1/128 scope host 
       valid_lft forever preferred_lft forever
$ ip -br addr
lo               UNKNOWN        127.0.0.1/8 ::1/128 
va@if2           UP             10.0.5.1/32 10.0.1.1/24 10.0.2.1/24 10.0.3.1/24 10.0.4.1 peer 10.0.4.2/32 10.0.6.1/24 metric 50 10.0.1.2/24 
$ ip -br -4 addr show va
va@if2           UP             10.0.5.1/32 10.0.1.1/24 10.0.2.1/24 10.0.3.1/24 10.0.4.1 peer 10.0.4.2/32 10.0.6.1/24 metric 50 10.0.1.2/24 
$ ip -o addr show va
2: va    inet 10.0.5.1/32 scope link va\\       valid_lft forever preferred_lft forever
2: va    inet 10.0.1.1/24 scope global va\\       valid_lft forever preferred_lft forever
2: va    inet 10.0.2.1/24 brd 10.0.2.255 scope global va\\       valid_lft forever preferred_lft forever
2: va    inet 10.0.3.1/24 brd 10.0.3.127 scope global va\\       valid_lft forever preferred_lft forever
2: va    inet 10.0.4.1 peer 10.0.4.2/32 scope global va\\       valid_lft forever preferred_lft forever
2: va    inet 10.0.6.1/24 metric 50 scope global va\\       valid_lft forever preferred_lft forever
2: va    inet 10.0.1.2/24 scope global secondary va:1\\       valid_lft forever preferred_lft forever
$ ip -j addr show dev va
[{"ifindex":2,"link_index":2,"ifname":"va","flags":["BROADCAST","MULTICAST","UP","LOWER_UP"],"mtu":1500,"qdisc":"noqueue","operstate":"UP","group":"default","txqlen":1000,"link_type":"ether","address":"02:00:00:00:00:01","broadcast":"ff:ff:ff:ff:ff:ff","link_netnsid":0,"addr_info":[{"family":"inet","local":"10.0.5.1","prefixlen":32,"scope":"link","label":"va","valid_life_time":4294967295,"preferred_life_time":4294967295},{"family":"inet","local":"10.0.1.1","prefixlen":24,"scope":"global","label":"va","valid_life_time":4294967295,"preferred_life_time":4294967295},{"family":"inet","local":"10.0.2.1","prefixlen":24,"broadcast":"10.0.2.255","scope":"global","label":"va","valid_life_time":4294967295,"preferred_life_time":4294967295},{"family":"inet","local":"10.0.3.1","prefixlen":24,"broadcast":"10.0.3.127","scope":"global","label":"va","valid_life_time":4294967295,"preferred_life_time":4294967295},{"family":"inet","local":"10.0.4.1","address":"10.0.4.2","prefixlen":32,"scope":"global","label":"va","valid_life_time":4294967295,"preferred_life_time":4294967295},{"family":"inet","local":"10.0.6.1","prefixlen":24,"metric":50,"scope":"global","label":"va","valid_life_time":4294967295,"preferred_life_time":4294967295},{"family":"inet","local":"10.0.1.2","prefixlen":24,"scope":"global","secondary":true,"label":"va:1","valid_life_time":4294967295,"preferred_life_time":4294967295}]}]
$ ip -j -p addr show dev lo
[ {
        "ifindex": 1,
        "ifname": "lo",
        "flags": [ "LOOPBACK","UP","LOWER_UP" ],
        "mtu": 65536,
        "qdisc": "noqueue",
        "operstate": "UNKNOWN",
        "group": "default",
        "txqlen": 1000,
        "link_type": "loopback",
        "address": "00:00:00:00:00:00",
        "broadcast": "00:00:00:00:00:00",
        "addr_info": [ {
                "family": "inet",
                "local": "127.0.0.1",
                "prefixlen": 8,
                "scope": "host",
                "label": "lo",
                "valid_life_time": 4294967295,
                "preferred_life_time": 4294967295
            },{
                "family": "inet6",
                "local": "::1",
                "prefixlen": 128,
                "scope": "host",
                "valid_life_time": 4294967295,
                "preferred_life_time": 4294967295
            } ]
    } ]
$ ip addr show va label 'va:*'
    inet 10.0.1.2/24 scope global secondary va:1
       valid_lft forever preferred_lft forever
$ ip addr show to 10.0.1.0/24
2: va@if2: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue state UP group default qlen 1000 link-netns a
    inet 10.0.1.1/24 scope global va
       valid_lft forever preferred_lft forever
    inet 10.0.1.2/24 scope global secondary va:1
       valid_lft forever preferred_lft forever
$ ip addr show secondary
2: va@if2: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue state UP group default qlen 1000
    link/ether 02:00:00:00:00:01 brd ff:ff:ff:ff:ff:ff link-netns a
    inet 10.0.1.2/24 scope global secondary va:1
       valid_lft forever preferred_lft forever
$ ip addr show scope link
2: va@if2: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue state UP group default qlen 1000
    link/ether 02:00:00:00:00:01 brd ff:ff:ff:ff:ff:ff link-netns a
    inet 10.0.5.1/32 scope link va
       valid_lft forever preferred_lft forever
$ ip route
10.0.1.0/24 dev va proto kernel scope link src 10.0.1.1 
10.0.2.0/24 dev va proto kernel scope link src 10.0.2.1 
10.0.3.0/24 dev va proto kernel scope link src 10.0.3.1 
10.0.4.2 dev va proto kernel scope link src 10.0.4.1 
10.0.6.0/24 dev va proto kernel scope link src 10.0.6.1 metric 50 
$ ip route show table local
local 10.0.1.1 dev va proto kernel scope host src 10.0.1.1 
local 10.0.1.2 dev va proto kernel scope host src 10.0.1.1 
broadcast 10.0.1.255 dev va proto kernel scope link src 10.0.1.1 
local 10.0.2.1 dev va proto kernel scope host src 10.0.2.1 
broadcast 10.0.2.255 dev va proto kernel scope link src 10.0.2.1 
local 10.0.3.1 dev va proto kernel scope host src 10.0.3.1 
broadcast 10.0.3.127 dev va proto kernel scope link src 10.0.3.1 
broadcast 10.0.3.255 dev va proto kernel scope link src 10.0.3.1 
local 10.0.4.1 dev va proto kernel scope host src 10.0.4.1 
local 10.0.5.1 dev va proto kernel scope host src 10.0.5.1 
local 10.0.6.1 dev va proto kernel scope host src 10.0.6.1 
broadcast 10.0.6.255 dev va proto kernel scope link src 10.0.6.1 
local 127.0.0.0/8 dev lo proto kernel scope host src 127.0.0.1 
local 127.0.0.1 dev lo proto kernel scope host src 127.0.0.1 
broadcast 127.255.255.255 dev lo proto kernel scope link src 127.0.0.1 
$ ip -n a addr
1: lo: <LOOPBACK> mtu 65536 qdisc noop state DOWN group default qlen 1000
    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00
2: vb@if2: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue state UP group default qlen 1000
    link/ether 02:00:00:00:00:02 brd ff:ff:ff:ff:ff:ff link-netnsid 0
    inet6 fe80::ff:fe00:2/64 scope link tentative 
       valid_lft forever preferred_lft forever
$ ip -s addr show dev lo
1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue state UNKNOWN group default qlen 1000
    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00
    inet 127.0.0.1/8 scope host lo
       valid_lft forever preferred_lft forever
    inet6 ::1/128 scope host 
       valid_lft forever preferred_lft forever
    RX:  bytes packets errors dropped  missed   mcast           
             0       0      0       0       0       0 
    TX:  bytes packets errors dropped carrier collsns           
             0       0      0       0       0       0 
$ ip addr add 10.0.1.1/24 dev va
Error: ipv4: Address already assigned.
[rc=2]
$ ip addr add 300.1.1.1/24 dev va
Error: any valid prefix is expected rather than "300.1.1.1/24".
[rc=1]
$ ip addr add 10.0.9.1/24 dev nodev
Cannot find device "nodev"
[rc=1]
$ ip addr add 10.0.9.1/24
Not enough information: "dev" argument is required.
[rc=1]
$ ip addr del 10.0.9.9/24 dev va
Error: ipv4: Address not found.
[rc=2]
$ ip addr show dev nodev
Device "nodev" does not exist.
[rc=1]
$ ip addr flush
Flush requires arguments.
[rc=1]
$ ip addr del 10.0.1.1/24 dev va
$ ip addr show dev va
2: va@if2: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue state UP group default qlen 1000
    link/ether 02:00:00:00:00:01 brd ff:ff:ff:ff:ff:ff link-netns a
    inet 10.0.5.1/32 scope link va
       valid_lft forever preferred_lft forever
    inet 10.0.2.1/24 brd 10.0.2.255 scope global va
       valid_lft forever preferred_lft forever
    inet 10.0.3.1/24 brd 10.0.3.127 scope global va
       valid_lft forever preferred_lft forever
    inet 10.0.4.1 peer 10.0.4.2/32 scope global va
       valid_lft forever preferred_lft forever
    inet 10.0.6.1/24 metric 50 scope global va
       valid_lft forever preferred_lft forever
$ ip addr flush dev va scope link
$ ip addr flush dev va label va
$ ip addr show dev va
2: va@if2: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue state UP group default qlen 1000
    link/ether 02:00:00:00:00:01 brd ff:ff:ff:ff:ff:ff link-netns a
$ ip addr flush dev va
$ ip addr show dev va
2: va@if2: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue state UP group default qlen 1000
    link/ether 02:00:00:00:00:01 brd ff:ff:ff:ff:ff:ff link-netns a
$ ip route
`;

describe('ip address', () => {
  it('prints what the real kernel printed for the whole session', async () => {
    const env = new Env();
    expect(await transcript(env, CMDS)).toBe(REAL);
  });

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
      const before = env.m.world;
      const r = await env.run(cmd);
      expect({ cmd, rc: r.rc, err: r.err, out: r.out }).toEqual({ cmd, rc, err, out: '' });
      expect(env.m.world, cmd).toBe(before);
    }
    const before = env.m.world;
    const r = await env.run('ip addr add 10.0.3.1/24 dev va', { uid: 1000 });
    expect([r.rc, r.err]).toEqual([2, 'RTNETLINK answers: Operation not permitted\n']);
    expect(env.m.world).toBe(before);
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
