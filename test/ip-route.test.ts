// `ip route`: add/del/replace/change/append/flush, listings and filters, `get`, errors.
// The transcript below was recorded on the real kernel (Linux 6.18, iproute2 6.1) in a throw-away
// network namespace, with the commands of CMDS one after the other (`$ cmd`, stdout+stderr,
// `[rc=N]` on failure); the emulator must print the same bytes. MACs are fixed by the commands.
import { describe, expect, it } from 'vitest';
import { Env, ok, transcript } from './ip-helpers.ts';

const CMDS = `sysctl -q -w net.ipv6.conf.default.disable_ipv6=1
ip netns add a
ip link add ra address 02:00:00:00:00:01 type veth peer name rb address 02:00:00:00:00:02 netns a
ip addr add 10.1.1.1/24 dev ra
ip addr add 10.1.2.1/24 dev ra
ip link set ra up
ip -n a link set rb up
sleep 2
ip route add 10.2.1.0/24 via 10.1.1.2
ip route add 10.2.2.0/24 via 10.1.1.2 dev ra metric 10
ip route add 10.2.2.0/24 via 10.1.1.3 metric 20
ip route add 10.2.3.0/24 dev ra
ip route add 10.2.4.0/24 via 10.9.0.1 dev ra onlink
ip route add 10.2.5.0/24 via 10.1.1.2 src 10.1.2.1
ip route add 10.2.6.0/24 dev ra scope host
ip route add 10.2.7.0/24 via 10.1.1.2 proto static
ip route add 10.2.8.1 via 10.1.1.2 proto 99
ip route add blackhole 10.3.1.0/24
ip route add unreachable 10.3.2.0/24
ip route add prohibit 10.3.3.0/24
ip route add throw 10.3.4.0/24
ip route add default via 10.1.1.254
ip route add default via 10.1.1.2 metric 100
ip route
ip route show dev ra
ip route show proto kernel
ip route show type unreachable
ip route list match 10.2.2.7
ip route show root 10.2.0.0/16
ip route show exact 10.2.2.0/24
ip route show table local
ip -j route show 10.2.2.0/24
ip -j -p route show 10.2.4.0/24
ip -o route show scope link
ip route get 10.1.1.1
ip route get 10.1.1.2
ip route get 10.1.1.255
ip route get 10.2.2.7
ip route get 10.2.4.1
ip route get 10.2.5.9
ip route get 192.0.2.1 from 10.1.2.1
ip route get 10.2.3.9 oif ra
ip route get 10.3.1.1
ip route get 10.3.2.1
ip route get 10.3.3.1
ip route get 10.3.4.1
ip -j route get 10.2.2.7
ip route add 10.2.1.0/24 via 10.1.1.2
ip route add 10.4.0.0/24 via 10.99.0.1
ip route add 10.4.0.5/16 dev ra
ip route add 10.4.0.0/24 dev nodev
ip route add 10.4.0.0/24 dev ra src 10.9.9.9
ip route add 10.4.0.0/24
ip route del 10.4.0.0/24
ip route change 10.4.0.0/24 dev ra
ip route add blackhole 10.4.1.0/24 dev ra
ip route add 10.4.2.0/24 via 10.1.1.2 scope host
ip route replace 10.2.1.0/24 via 10.1.1.3
ip route change 10.2.3.0/24 via 10.1.1.2
ip route append 10.2.3.0/24 via 10.1.1.3
ip route del 10.2.2.0/24 metric 20
ip route del 10.2.7.0/24 via 10.1.1.2
ip route del default metric 100
ip route del blackhole 10.3.1.0/24
ip route
ip route flush proto 99
ip route flush dev ra proto boot
ip route
ip route flush
ip link set ra down
ip route
ip route show table local
`;

const REAL = `$ sysctl -q -w net.ipv6.conf.default.disable_ipv6=1
$ ip netns add a
$ ip link add ra address 02:00:00:00:00:01 type veth peer name rb address 02:00:00:00:00:02 netns a
$ ip addr add 10.1.1.1/24 dev ra
$ ip addr add 10.1.2.1/24 dev ra
$ ip link set ra up
$ ip -n a link set rb up
$ sleep 2
$ ip route add 10.2.1.0/24 via 10.1.1.2
$ ip route add 10.2.2.0/24 via 10.1.1.2 dev ra metric 10
$ ip route add 10.2.2.0/24 via 10.1.1.3 metric 20
$ ip route add 10.2.3.0/24 dev ra
$ ip route add 10.2.4.0/24 via 10.9.0.1 dev ra onlink
$ ip route add 10.2.5.0/24 via 10.1.1.2 src 10.1.2.1
$ ip route add 10.2.6.0/24 dev ra scope host
$ ip route add 10.2.7.0/24 via 10.1.1.2 proto static
$ ip route add 10.2.8.1 via 10.1.1.2 proto 99
$ ip route add blackhole 10.3.1.0/24
$ ip route add unreachable 10.3.2.0/24
$ ip route add prohibit 10.3.3.0/24
$ ip route add throw 10.3.4.0/24
$ ip route add default via 10.1.1.254
$ ip route add default via 10.1.1.2 metric 100
$ ip route
default via 10.1.1.254 dev ra 
default via 10.1.1.2 dev ra metric 100 
10.1.1.0/24 dev ra proto kernel scope link src 10.1.1.1 
10.1.2.0/24 dev ra proto kernel scope link src 10.1.2.1 
10.2.1.0/24 via 10.1.1.2 dev ra 
10.2.2.0/24 via 10.1.1.2 dev ra metric 10 
10.2.2.0/24 via 10.1.1.3 dev ra metric 20 
10.2.3.0/24 dev ra scope link 
10.2.4.0/24 via 10.9.0.1 dev ra onlink 
10.2.5.0/24 via 10.1.1.2 dev ra src 10.1.2.1 
10.2.6.0/24 dev ra scope host 
10.2.7.0/24 via 10.1.1.2 dev ra proto static 
10.2.8.1 via 10.1.1.2 dev ra proto openr 
blackhole 10.3.1.0/24 
unreachable 10.3.2.0/24 
prohibit 10.3.3.0/24 
throw 10.3.4.0/24 
$ ip route show dev ra
default via 10.1.1.254 
default via 10.1.1.2 metric 100 
10.1.1.0/24 proto kernel scope link src 10.1.1.1 
10.1.2.0/24 proto kernel scope link src 10.1.2.1 
10.2.1.0/24 via 10.1.1.2 
10.2.2.0/24 via 10.1.1.2 metric 10 
10.2.2.0/24 via 10.1.1.3 metric 20 
10.2.3.0/24 scope link 
10.2.4.0/24 via 10.9.0.1 onlink 
10.2.5.0/24 via 10.1.1.2 src 10.1.2.1 
10.2.6.0/24 scope host 
10.2.7.0/24 via 10.1.1.2 proto static 
10.2.8.1 via 10.1.1.2 proto openr 
$ ip route show proto kernel
10.1.1.0/24 dev ra scope link src 10.1.1.1 
10.1.2.0/24 dev ra scope link src 10.1.2.1 
$ ip route show type unreachable
unreachable 10.3.2.0/24 
$ ip route list match 10.2.2.7
default via 10.1.1.254 dev ra 
default via 10.1.1.2 dev ra metric 100 
10.2.2.0/24 via 10.1.1.2 dev ra metric 10 
10.2.2.0/24 via 10.1.1.3 dev ra metric 20 
$ ip route show root 10.2.0.0/16
10.2.1.0/24 via 10.1.1.2 dev ra 
10.2.2.0/24 via 10.1.1.2 dev ra metric 10 
10.2.2.0/24 via 10.1.1.3 dev ra metric 20 
10.2.3.0/24 dev ra scope link 
10.2.4.0/24 via 10.9.0.1 dev ra onlink 
10.2.5.0/24 via 10.1.1.2 dev ra src 10.1.2.1 
10.2.6.0/24 dev ra scope host 
10.2.7.0/24 via 10.1.1.2 dev ra proto static 
10.2.8.1 via 10.1.1.2 dev ra proto openr 
$ ip route show exact 10.2.2.0/24
10.2.2.0/24 via 10.1.1.2 dev ra metric 10 
10.2.2.0/24 via 10.1.1.3 dev ra metric 20 
$ ip route show table local
local 10.1.1.1 dev ra proto kernel scope host src 10.1.1.1 
broadcast 10.1.1.255 dev ra proto kernel scope link src 10.1.1.1 
local 10.1.2.1 dev ra proto kernel scope host src 10.1.2.1 
broadcast 10.1.2.255 dev ra proto kernel scope link src 10.1.2.1 
local 127.0.0.0/8 dev lo proto kernel scope host src 127.0.0.1 
local 127.0.0.1 dev lo proto kernel scope host src 127.0.0.1 
broadcast 127.255.255.255 dev lo proto kernel scope link src 127.0.0.1 
$ ip -j route show 10.2.2.0/24
[{"dst":"10.2.2.0/24","gateway":"10.1.1.2","dev":"ra","metric":10,"flags":[]},{"dst":"10.2.2.0/24","gateway":"10.1.1.3","dev":"ra","metric":20,"flags":[]}]
$ ip -j -p route show 10.2.4.0/24
[ {
        "dst": "10.2.4.0/24",
        "gateway": "10.9.0.1",
        "dev": "ra",
        "flags": [ "onlink" ]
    } ]
$ ip -o route show scope link
10.1.1.0/24 dev ra proto kernel src 10.1.1.1 
10.1.2.0/24 dev ra proto kernel src 10.1.2.1 
10.2.3.0/24 dev ra 
$ ip route get 10.1.1.1
local 10.1.1.1 dev lo src 10.1.1.1 uid 0 
    cache <local> 
$ ip route get 10.1.1.2
10.1.1.2 dev ra src 10.1.1.1 uid 0 
    cache 
$ ip route get 10.1.1.255
broadcast 10.1.1.255 dev ra src 10.1.1.1 uid 0 
    cache <local,brd> 
$ ip route get 10.2.2.7
10.2.2.7 via 10.1.1.2 dev ra src 10.1.1.1 uid 0 
    cache 
$ ip route get 10.2.4.1
10.2.4.1 via 10.9.0.1 dev ra src 10.1.1.1 uid 0 
    cache 
$ ip route get 10.2.5.9
10.2.5.9 via 10.1.1.2 dev ra src 10.1.2.1 uid 0 
    cache 
$ ip route get 192.0.2.1 from 10.1.2.1
192.0.2.1 from 10.1.2.1 via 10.1.1.254 dev ra uid 0 
    cache 
$ ip route get 10.2.3.9 oif ra
10.2.3.9 dev ra src 10.1.1.1 uid 0 
    cache 
$ ip route get 10.3.1.1
RTNETLINK answers: Invalid argument
[rc=2]
$ ip route get 10.3.2.1
RTNETLINK answers: No route to host
[rc=2]
$ ip route get 10.3.3.1
RTNETLINK answers: Permission denied
[rc=2]
$ ip route get 10.3.4.1
RTNETLINK answers: Network is unreachable
[rc=2]
$ ip -j route get 10.2.2.7
[{"dst":"10.2.2.7","gateway":"10.1.1.2","dev":"ra","prefsrc":"10.1.1.1","flags":[],"uid":0,"cache":[]}]
$ ip route add 10.2.1.0/24 via 10.1.1.2
RTNETLINK answers: File exists
[rc=2]
$ ip route add 10.4.0.0/24 via 10.99.0.1
Error: Nexthop has invalid gateway.
[rc=2]
$ ip route add 10.4.0.5/16 dev ra
Error: Invalid prefix for given prefix length.
[rc=2]
$ ip route add 10.4.0.0/24 dev nodev
Cannot find device "nodev"
[rc=1]
$ ip route add 10.4.0.0/24 dev ra src 10.9.9.9
Error: Invalid prefsrc address.
[rc=2]
$ ip route add 10.4.0.0/24
RTNETLINK answers: No such device
[rc=2]
$ ip route del 10.4.0.0/24
RTNETLINK answers: No such process
[rc=2]
$ ip route change 10.4.0.0/24 dev ra
RTNETLINK answers: No such file or directory
[rc=2]
$ ip route add blackhole 10.4.1.0/24 dev ra
Error: Gateway, device and multipath can not be specified for this route type.
[rc=2]
$ ip route add 10.4.2.0/24 via 10.1.1.2 scope host
Error: Route with host scope can not have a gateway.
[rc=2]
$ ip route replace 10.2.1.0/24 via 10.1.1.3
$ ip route change 10.2.3.0/24 via 10.1.1.2
$ ip route append 10.2.3.0/24 via 10.1.1.3
$ ip route del 10.2.2.0/24 metric 20
$ ip route del 10.2.7.0/24 via 10.1.1.2
$ ip route del default metric 100
$ ip route del blackhole 10.3.1.0/24
$ ip route
default via 10.1.1.254 dev ra 
10.1.1.0/24 dev ra proto kernel scope link src 10.1.1.1 
10.1.2.0/24 dev ra proto kernel scope link src 10.1.2.1 
10.2.1.0/24 via 10.1.1.3 dev ra 
10.2.2.0/24 via 10.1.1.2 dev ra metric 10 
10.2.3.0/24 via 10.1.1.2 dev ra 
10.2.3.0/24 via 10.1.1.3 dev ra 
10.2.4.0/24 via 10.9.0.1 dev ra onlink 
10.2.5.0/24 via 10.1.1.2 dev ra src 10.1.2.1 
10.2.6.0/24 dev ra scope host 
10.2.8.1 via 10.1.1.2 dev ra proto openr 
unreachable 10.3.2.0/24 
prohibit 10.3.3.0/24 
throw 10.3.4.0/24 
$ ip route flush proto 99
$ ip route flush dev ra proto boot
$ ip route
10.1.1.0/24 dev ra proto kernel scope link src 10.1.1.1 
10.1.2.0/24 dev ra proto kernel scope link src 10.1.2.1 
unreachable 10.3.2.0/24 
prohibit 10.3.3.0/24 
throw 10.3.4.0/24 
$ ip route flush
"ip route flush" requires arguments.
[rc=1]
$ ip link set ra down
$ ip route
unreachable 10.3.2.0/24 
prohibit 10.3.3.0/24 
throw 10.3.4.0/24 
$ ip route show table local
local 10.1.1.1 dev ra proto kernel scope host src 10.1.1.1 
local 10.1.2.1 dev ra proto kernel scope host src 10.1.2.1 
local 127.0.0.0/8 dev lo proto kernel scope host src 127.0.0.1 
local 127.0.0.1 dev lo proto kernel scope host src 127.0.0.1 
broadcast 127.255.255.255 dev lo proto kernel scope link src 127.0.0.1 
`;

describe('ip route', () => {
  it('prints what the real kernel printed for the whole session', async () => {
    const env = new Env();
    expect(await transcript(env, CMDS)).toBe(REAL);
  });

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
      const before = env.m.world;
      const r = await env.run(cmd);
      expect({ cmd, rc: r.rc, err: r.err, out: r.out }).toEqual({ cmd, rc, err, out: '' });
      expect(env.m.world, cmd).toBe(before);
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

describe('ip route flush', () => {
  it('-s -s lists what it deletes, -s counts the rounds (as recorded on the kernel)', async () => {
    const env = new Env();
    await ok(env, 'ip link add fa type veth peer name fb');
    await ok(env, 'ip addr add 10.6.1.1/24 dev fa');
    await ok(env, 'ip link set fa up');
    await ok(env, 'ip link set fb up');
    await ok(env, 'ip route add 10.6.2.0/24 via 10.6.1.2');
    await ok(env, 'ip route add 10.6.3.0/24 via 10.6.1.2 metric 5');
    const t = await transcript(env, 'ip -s -s route flush dev fa proto boot\nip -s route flush dev fa\nip -s route flush dev fa');
    expect(t).toBe(
      '$ ip -s -s route flush dev fa proto boot\n10.6.2.0/24 via 10.6.1.2 \n10.6.3.0/24 via 10.6.1.2 metric 5 \n\n*** Round 1, deleting 2 entries ***\n*** Flush is complete after 1 round ***\n' +
        '$ ip -s route flush dev fa\n\n*** Round 1, deleting 1 entries ***\n*** Flush is complete after 1 round ***\n' +
        '$ ip -s route flush dev fa\nNothing to flush.\n',
    );
  });
});
