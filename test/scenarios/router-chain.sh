#!/bin/bash
# nsemu scenario: a chain of three routers between two hosts (ttl counts down one per hop,
# `ping -t` runs out at each router in turn, and each answers "Time to live exceeded" from its
# address toward the sender), then a routing loop between the last two routers that TTL ends.
# Recorded on the real kernel by scripts/record.ts (expected/router-chain.out; never edit by hand).
# Runs in a fresh network namespace that plays the machine's root namespace.
ip link set lo up
[ "$(ip -o link show | wc -l)" = 1 ] || { echo "refusing to run: not a fresh network namespace (ip -o link must list lo only)" >&2; exit 2; }
NETNS="rc_h1 rc_r1 rc_r2 rc_r3 rc_h2"
for n in $NETNS; do
  [ -e /var/run/netns/$n ] && { echo "refusing to run: netns $n already exists" >&2; exit 2; }
done
cleanup() { for n in $NETNS; do ip netns del $n 2>/dev/null; done; }
trap cleanup EXIT
for n in $NETNS; do
  ip netns add $n
  ip netns exec $n sysctl -q -w net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
  ip -n $n link set lo up
done
# links: h1 -(10.5.1.0/24)- r1 -(10.5.2.0/24)- r2 -(10.5.3.0/24)- r3 -(10.5.4.0/24)- h2
link() { ip link add $2 netns $1 type veth peer name $4 netns $3; ip -n $1 addr add $5 dev $2; ip -n $3 addr add $6 dev $4; ip -n $1 link set $2 up; ip -n $3 link set $4 up; }
link rc_h1 e0 rc_r1 a0 10.5.1.2/24 10.5.1.1/24
link rc_r1 b0 rc_r2 a0 10.5.2.1/24 10.5.2.2/24
link rc_r2 b0 rc_r3 a0 10.5.3.1/24 10.5.3.2/24
link rc_r3 b0 rc_h2 e0 10.5.4.1/24 10.5.4.2/24
for r in rc_r1 rc_r2 rc_r3; do ip netns exec $r sysctl -q -w net.ipv4.ip_forward=1; done
ip -n rc_h1 route add default via 10.5.1.1
ip -n rc_h2 route add default via 10.5.4.1
ip -n rc_r1 route add default via 10.5.2.2
ip -n rc_r2 route add 10.5.1.0/24 via 10.5.2.1
ip -n rc_r2 route add 10.5.4.0/24 via 10.5.3.2
ip -n rc_r3 route add default via 10.5.3.1
sleep 3.5
echo "### end to end: ttl=61 after three routers"
ip netns exec rc_h1 ping -c 2 -i 0.3 -W 1 10.5.4.2; echo "ping rc=$?"
for t in 1 2 3 4; do
  echo "### ping -t $t"
  ip netns exec rc_h1 ping -c 1 -W 1 -t $t 10.5.4.2 | grep -E "^From|^64 bytes|transmitted"
done
echo "### a routing loop for 10.5.99.0/24 between r2 and r3"
ip -n rc_r2 route add 10.5.99.0/24 via 10.5.3.2
ip -n rc_r3 route add 10.5.99.0/24 via 10.5.3.1
ip netns exec rc_h1 ping -c 1 -W 1 10.5.99.1; echo "ping rc=$?"
ip netns exec rc_h1 ping -c 1 -W 1 -t 10 10.5.99.1 | grep -E "^From"
echo "### no route at r1 for a martian-free unknown net: net unreachable from r1"
ip -n rc_r1 route del default
ip netns exec rc_h1 ping -c 1 -W 1 10.5.77.1 | grep -E "^From|transmitted"
