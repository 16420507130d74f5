#!/bin/bash
# nsemu error table: bad commands of ip (link/addr/route/neigh/netns), ping, ethtool, sysctl and
# the kernel files, each followed by `rc=N`; stdout and stderr both captured (2>&1).
# Recorded on the real kernel by scripts/record.ts (expected/errors.out; never edit by hand).
# After all the failures, the state (links, addresses, routes, neighbours, namespaces) is
# printed again and compared with the state before them: failed commands change nothing.
# Non-root cases drop to uid/gid 65534 with setpriv.
# Runs in a fresh network namespace that plays the machine's root namespace ("the host"): the
# recorder's sandbox, or nsemu. `sleep 3.5` lets link state settle after changes.
ip link set lo up
[ "$(ip -o link show | wc -l)" = 1 ] || { echo "refusing to run: not a fresh network namespace (ip -o link must list lo only)" >&2; exit 2; }
NETNS="er_a er_b"
for n in $NETNS; do
  [ -e /var/run/netns/$n ] && { echo "refusing to run: netns $n already exists" >&2; exit 2; }
done
cleanup() { for n in $NETNS; do ip netns del $n 2>/dev/null; done; ip link del er0 2>/dev/null; ip link del er2 2>/dev/null; }
trap cleanup EXIT

n=0
t() { n=$((n+1)); echo "### $n: $*"; "$@" 2>&1; echo "rc=$?"; }  # one case: command, output, status
NOBODY="setpriv --reuid=65534 --regid=65534 --clear-groups"

# setup: er0 (host) -- er1 (er_a), both up and addressed; er2/er3 both down in the host;
# er_a also has a device called er0 (for the name clash on moves); er_b is empty
ip netns add er_a
ip netns add er_b
ip link add er0 type veth peer name er1 netns er_a
ip link add er2 type veth peer name er3
ip -n er_a link add er0 type veth peer name er5
ip addr add 10.214.1.1/24 dev er0
ip link set er0 up
ip -n er_a addr add 10.214.1.2/24 dev er1
ip -n er_a link set er1 up
ip -n er_a link set lo up
ip route add 10.215.9.0/24 via 10.214.1.2
ip neigh add 10.214.1.50 lladdr 02:00:00:00:02:50 dev er0
ip netns set er_b 5
sleep 3.5
state() { ip -br link; ip -br addr; ip route show table all; ip neigh | sort; ip netns list; ip -n er_a -br link; ip -n er_a -br addr; ip -n er_a route; }
before=$(state 2>&1)
echo "### state before"
echo "$before"

echo "######## ip (general)"
t ip nosuchobject
t ip -badopt link
t ip -n
t ip -n er_zz link

echo "######## ip link"
t ip link show nodev
t ip link show dev er0 extra
t ip link set nodev up
t ip link del nodev
t ip link del lo
t ip link frob
t ip link set
t ip link set dev
t ip link set er0 foo
t ip link add er0 type veth peer name erz
t ip link add erz type veth peer name er2
t ip link add erz type veth peer name erz
t ip link add type veth peer name er0
t ip link add erz
t ip link add erz type nosuchtype
t ip link add erz type dummy
t ip link add abcdefghijklmnop type veth
t ip link add erz type veth peer name abcdefghijklmnop
t ip link add er/z type veth
t ip link add a type veth
t ip link add erz index 0 type veth
t ip link add erz index 1 type veth
t ip link add erz index abc type veth
t ip link set er0 mtu 70000
t ip link set er0 mtu 60
t ip link set er0 mtu abc
t ip link set er0 address zz
t ip link set er0 address 01:00:00:00:00:01
t ip link set er0 name lo
t ip link set er0 name abcdefghijklmnop
t ip link set er0 netns er_zz
t ip link set lo netns er_a
n=$((n+1)); echo "### $n: ip -n er_a link set er0 netns \$\$  (\$\$: the host)"; ip -n er_a link set er0 netns $$ 2>&1; echo "rc=$?"
t ip link set er0 master nobr
t ip link set er0 master er2
t ip link set er0 txqueuelen abc
t ip link set er0 state bogus
t ip link add erz type veth peer name erz2 netns er_zz

echo "######## ip addr"
t ip addr add 10.1.1.1/24 dev nodev
t ip addr add 10.1.1.1/24
t ip addr add dev er0
t ip addr add 300.1.1.1/24 dev er0
t ip addr add 10.1.1.1/33 dev er0
t ip addr add 10.1.1.1/abc dev er0
t ip -6 addr add 10.1.1.1/24 dev er0
t ip addr add 2001:db8::1/129 dev er0
t ip addr add 10.214.1.1/24 dev er0
t ip addr del 10.214.9.9/24 dev er0
t ip addr del 10.214.1.1/16 dev er0
t ip addr add 10.1.1.1/24 dev er0 peer 300.1.1.1
t ip addr add 10.1.1.1/24 dev er0 valid_lft abc
t ip addr add 10.1.1.1/24 dev er0 scope bogus
t ip addr add 10.1.1.1/24 dev er0 brd 300.0.0.1
t ip addr show nodev
t ip addr show dev nodev
t ip addr flush
t ip addr flush dev nodev
t ip addr frob

echo "######## ip route"
t ip route add 10.215.1.0/24 via 10.99.99.1
t ip route add 10.215.1.0/24 via 10.99.99.1 dev er0
t ip route add 10.215.1.0/24 dev nodev
t ip route add 10.215.5.5/16 dev er0
t ip route add 10.215.9.0/24 via 10.214.1.2
t ip route add 10.215.9.0/24 dev er0
t ip route del 10.216.0.0/24
t ip route del 10.215.9.0/24 via 10.214.1.3
t ip route change 10.216.0.0/24 dev er0
t ip route add 10.215.1.0/24 dev er0 src 10.99.99.99
t ip route add 10.215.2.0/24 via 10.99.0.1 dev er2 onlink
t ip route add 10.215.3.0/24 dev er2
t ip route add 10.215.4.0/24
t ip route add bogus
t ip route add 10.215.6.0/24 via 10.214.1.2 metric abc
t ip route add 10.215.6.0/24 via 10.214.1.2 table 99999999999
t ip route add 10.215.6.0/24 via 10.214.1.2 table nosuchtable
t ip route add 10.215.6.0/24 via 10.214.1.2 proto nosuchproto
t ip route add 10.215.6.0/24 via 10.214.1.2 scope nosuchscope
t ip route add 10.215.6.0/24 via 300.1.1.1
t ip route add nosuchtype 10.215.6.0/24
t ip route show table nosuchtable
t ip route show dev nodev
t ip route get
t ip route get 300.1.1.1
t ip route get 10.215.9.1 oif nodev
t ip route get 192.0.2.1
t ip route flush
t ip route frob

echo "######## ip neigh"
t ip neigh add 10.214.1.9 lladdr 02:00:00:00:00:09 dev nodev
t ip neigh add 10.214.1.9 lladdr 02:00:00:00:00:09
t ip neigh add 10.214.1.50 lladdr 02:00:00:00:00:09 dev er0
t ip neigh del 10.214.1.77 dev er0
t ip neigh change 10.214.1.78 lladdr 02:00:00:00:00:09 dev er0
t ip neigh add 10.214.1.9 lladdr zz dev er0
t ip neigh add 10.214.1.9 lladdr 02:00:00:00:00:09 dev er0 nud bogus
t ip neigh add 300.1.1.1 lladdr 02:00:00:00:00:09 dev er0
t ip neigh flush
t ip neigh show dev nodev
t ip neigh frob

echo "######## ip netns"
t ip netns add er_a
t ip netns add er/x
t ip netns add ""
t ip netns del er_zz
t ip netns exec er_zz true
t ip netns exec er_a nosuchcmd
t ip netns exec
t ip netns exec er_a
t ip netns set er_b 6
t ip netns set er_b auto
t ip netns set er_zz 5
t ip netns set er_a abc
t ip netns pids er_zz
t ip netns identify 999999
t ip netns frob

echo "######## not root (uid 65534)"
t $NOBODY ip link add erz type veth
t $NOBODY ip link set er0 down
t $NOBODY ip addr add 10.1.1.1/24 dev er0
t $NOBODY ip route add 10.215.8.0/24 via 10.214.1.2
t $NOBODY ip neigh add 10.214.1.9 lladdr 02:00:00:00:00:09 dev er0
t $NOBODY ip netns add er_n
t $NOBODY ip netns del er_b
t $NOBODY ip netns exec er_a true
t $NOBODY sysctl -w net.ipv4.ip_forward=1
t $NOBODY ip -br link show er0
t $NOBODY ip route show 10.215.9.0/24

echo "######## ping"
t ping
t ping -z
t ping -W 1 -c 0 127.0.0.1
t ping -W 1 -c abc 127.0.0.1
t ping -c 1 -w abc 127.0.0.1
t ping -c 1 -W 1 -s 70000 127.0.0.1
t ping -c 1 -W 1 -t 256 127.0.0.1
t ping -c 1 -W -1 127.0.0.1
t ping -c 1 -W 1 -i abc 127.0.0.1
t ping -c 1 -W 1 -I nodev 127.0.0.1
t ping -c 1 -W 1 -I 10.99.99.99 10.214.1.2
t ping -c 1 -W 1 192.0.2.1
t ping -c 1 -W 1 nosuchhost
t ping -c 1 -W 1 300.1.1.1

echo "######## ethtool"
t ethtool
t ethtool --bogus
t ethtool nodev
t ethtool -i nodev
t ethtool -S nodev
t ethtool -i lo
t ethtool -S lo

echo "######## sysctl and the kernel files"
t sysctl net.ipv4.nosuchkey
t sysctl -n net.ipv4.nosuchkey
t sysctl nosuch
t sysctl -w net.ipv4.ip_forward
t sysctl -w net.ipv4.ip_default_ttl=0
t sysctl -w net.ipv4.conf.nodev.forwarding=1
t sysctl -w net.ipv4.ip_default_ttl=abc
t bash -c 'echo 0 > /proc/sys/net/ipv4/ip_default_ttl'
t bash -c 'echo 1 > /proc/sys/net/ipv4/nosuchkey'
t cat /proc/sys/net/ipv4/conf/nodev/forwarding
t cat /sys/class/net/nodev/ifindex
t cat /sys/class/net/er2/carrier

echo "### state after: the same as before?"
after=$(state 2>&1)
if [ "$before" = "$after" ]; then echo "state unchanged"; else echo "STATE CHANGED:"; echo "$after"; fi
ip -br link
ip -br addr
ip route
