#!/bin/bash
# nsemu scenario: moving devices between network namespaces.
# Recorded on the real kernel by scripts/record.ts (expected/netns-move.out; never edit by hand).
# Shows: a moved veth end keeps its ifindex when the number is free in the target namespace and
# gets a new one when it is taken; it arrives admin-down with its addresses and routes gone (and
# the routes through it vanish in the namespace it left); `@ifN` and `link-netns NAME` on both
# sides; moving back (to the host, named by the shell's pid `$$`); rename while moving
# (`ip link set X netns Y name Z`); the nsids that moves allocate.
# Runs in a fresh network namespace that plays the machine's root namespace ("the host"): the
# recorder's sandbox, or nsemu. `sleep 3.5` lets link state settle after changes (see
# ../shared/scenarios/README.md, "Settling").
ip link set lo up
[ "$(ip -o link show | wc -l)" = 1 ] || { echo "refusing to run: not a fresh network namespace (ip -o link must list lo only)" >&2; exit 2; }
NETNS="mv_a mv_b"
for n in $NETNS; do
  [ -e /var/run/netns/$n ] && { echo "refusing to run: netns $n already exists" >&2; exit 2; }
done
cleanup() { for n in $NETNS; do ip netns del $n 2>/dev/null; done; ip link del mv0 2>/dev/null; ip link del mvx 2>/dev/null; }
trap cleanup EXIT

ip netns add mv_a
ip netns add mv_b

echo "### host: mv0 (ifindex 3) and its peer mv1 (2), addressed, up, a route via mv1"
ip link add mv0 type veth peer name mv1
ip addr add 10.200.1.1/24 dev mv0
ip addr add 10.200.2.1/24 dev mv1
ip link set mv0 up
ip link set mv1 up
ip route add 10.200.9.0/24 via 10.200.2.254 dev mv1
ip route add 10.200.8.0/24 dev mv1 scope link
sleep 3.5
ip addr show mv1
ip route

echo "### move mv1 into mv_a: index 2 is free there, so it stays 2"
ip link set mv1 netns mv_a
sleep 3.5
echo "### host: mv1 and its routes are gone, mv0 lost its carrier"
ip link
ip route
echo "### mv_a: mv1 arrives down, without addresses or routes"
ip -n mv_a addr
ip -n mv_a route
echo "### /sys/class/net/mv0/iflink (host) and mv1's (mv_a)"
cat /sys/class/net/mv0/iflink
ip netns exec mv_a cat /sys/class/net/mv1/iflink

echo "### mv_b gets its own pair first (mvb1=2, mvb0=3), then mv0 (3) moves in: 3 is taken"
ip -n mv_b link add mvb0 type veth peer name mvb1
ip link set mv0 netns mv_b
ip -n mv_b link
echo "### the next device created in mv_b gets the index after that"
ip -n mv_b link add mvb2 type veth peer name mvb3
ip -n mv_b -br link
echo "### mv1 (mv_a) now points at mv0's new index"
ip -n mv_a link show mv1

echo "### up on both sides, addresses again, ping across"
ip -n mv_a addr add 10.200.3.1/24 dev mv1
ip -n mv_b addr add 10.200.3.2/24 dev mv0
ip -n mv_a link set mv1 up
ip -n mv_b link set mv0 up
sleep 3.5
ip -n mv_a -br addr
ip -n mv_b -br addr show mv0
ip netns exec mv_a ping -c 1 -W 1 10.200.3.2 > /dev/null; echo "ping rc=$?"

echo "### move mv1 back to the host (netns \$\$) and rename it in the same command"
ip -n mv_a link set mv1 netns $$ name mvx
ip link
ip -n mv_a link
ip -n mv_b link show mv0
echo "### and again into mv_a under its old name: index 2 is still free there"
ip link set mvx netns mv_a name mv1
ip -n mv_a -br link
ip -br link

echo "### nsids: each namespace that saw a move numbers the other one"
ip netns list
ip -n mv_a netns list-id
ip -n mv_b netns list-id
ip netns list-id
