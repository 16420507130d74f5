#!/bin/bash
# nsemu scenario: `ip route` forms and `ip route get`.
# Recorded on the real kernel by scripts/record.ts (expected/route-forms.out; never edit by hand).
# Shows: add with `via`, `dev`, `via … onlink`, `metric`, `src`, `scope`, `proto`, `table`,
# `default`, `blackhole`/`unreachable`/`prohibit`; listings (`show dev`, `show proto`,
# `show table local`, `show table all`, `list match`, `show root/exact`, `-o`, `-j`); `replace`,
# `change`, `append`, `del`, `flush` (by dev, proto, table); `ip route get` for local, on-link,
# remote, broadcast, `from`, `oif`, blackholed and unreachable targets; what pings get from
# blackhole/unreachable/prohibit routes; link down deletes the routes through it.
# Runs in a fresh network namespace that plays the machine's root namespace ("the host"): the
# recorder's sandbox, or nsemu. `sleep 3.5` lets link state settle after changes.
ip link set lo up
[ "$(ip -o link show | wc -l)" = 1 ] || { echo "refusing to run: not a fresh network namespace (ip -o link must list lo only)" >&2; exit 2; }
NETNS="rt_a"
for n in $NETNS; do
  [ -e /var/run/netns/$n ] && { echo "refusing to run: netns $n already exists" >&2; exit 2; }
done
cleanup() { for n in $NETNS; do ip netns del $n 2>/dev/null; done; ip link del rt0 2>/dev/null; }
trap cleanup EXIT

ip netns add rt_a
ip link add rt0 type veth peer name rt1 netns rt_a
ip addr add 10.205.1.1/24 dev rt0
ip addr add 10.205.2.1/24 dev rt0
ip link set rt0 up
ip -n rt_a addr add 10.205.1.2/24 dev rt1
ip -n rt_a link set rt1 up
ip -n rt_a link set lo up
sleep 3.5

echo "### adding"
ip route add 10.206.1.0/24 via 10.205.1.2
ip route add 10.206.2.0/24 via 10.205.1.2 dev rt0 metric 10
ip route add 10.206.2.0/24 via 10.205.1.3 metric 20
ip route add 10.206.3.0/24 dev rt0
ip route add 10.206.4.0/24 via 10.99.0.1 dev rt0 onlink
ip route add 10.206.5.0/24 via 10.205.1.2 src 10.205.2.1
ip route add 10.206.6.0/24 dev rt0 scope host
ip route add 10.206.7.0/24 via 10.205.1.2 proto static
ip route add 10.206.8.0/24 via 10.205.1.2 proto 99
ip route add 10.206.9.1 via 10.205.1.2
ip route add blackhole 10.207.1.0/24
ip route add unreachable 10.207.2.0/24
ip route add prohibit 10.207.3.0/24
ip route add throw 10.207.4.0/24
ip route add 10.208.0.0/16 via 10.205.1.2 table 100
ip route add default via 10.205.1.254
ip route add default via 10.205.1.2 metric 100
ip route
echo "### listings"
ip route show dev rt0
ip route show proto kernel
ip route show proto static
ip route show type blackhole
ip route show table 100
ip route show table local
ip route show table all
ip route list match 10.206.2.7
ip route show root 10.206.0.0/16
ip route show exact 10.206.2.0/24
ip route show 10.206.2.0/24
ip -o route show dev rt0 | head -3
ip -j route show 10.206.2.0/24
echo
ip -j route show table local
echo
ip -4 route show scope link
echo "### ip route get"
ip route get 10.205.1.1
ip route get 10.205.1.2
ip route get 10.205.1.255
ip route get 10.206.2.7
ip route get 10.206.4.1
ip route get 10.206.5.1
ip route get 10.206.9.1
ip route get 10.208.1.1
ip route get 192.0.2.1
ip route get 192.0.2.1 from 10.205.2.1
ip route get 10.206.3.9 oif rt0
ip route get 255.255.255.255
ip route get 10.207.1.1; echo "rc=$?"
ip route get 10.207.2.1; echo "rc=$?"
ip route get 10.207.3.1; echo "rc=$?"
ip route get 10.207.4.1; echo "rc=$?"
echo "### pings into the special routes"
ping -c 1 -W 1 10.207.1.1; echo "ping rc=$?"
ping -c 1 -W 1 10.207.2.1; echo "ping rc=$?"
ping -c 1 -W 1 10.207.3.1; echo "ping rc=$?"
echo "### replace, change, append, del"
ip route replace 10.206.1.0/24 via 10.205.1.3
ip route replace 10.206.10.0/24 dev rt0
ip route change 10.206.3.0/24 via 10.205.1.2
ip route append 10.206.3.0/24 via 10.205.1.3
ip route del 10.206.2.0/24 metric 20
ip route del 10.206.7.0/24 via 10.205.1.2
ip route del default metric 100
ip route del blackhole 10.207.1.0/24
ip route
echo "### flush: by proto, by table, by dev"
ip route flush proto 99
ip route flush table 100
ip route show table 100
ip route flush dev rt0 proto boot
ip route
echo "### rt0 down: everything through it goes (and does not come back on up)"
ip route add 10.206.11.0/24 via 10.205.1.2
ip link set rt0 down
sleep 3.5
ip route
ip route show table local
ip route get 10.206.11.1; echo "rc=$?"
ip link set rt0 up
sleep 3.5
ip route
echo "### peer down: routes stay, marked linkdown"
ip route add 10.206.12.0/24 via 10.205.1.2
ip -n rt_a link set rt1 down
sleep 3.5
ip route
ip route get 10.206.12.1
echo "### flush table main: only the local table is left"
ip route flush table main
ip route
ip -4 route show table all
