#!/bin/bash
# nsemu scenario: two veth ends in one namespace (the classic gotcha): a packet out of one end
# arrives at the other with one of the namespace's own addresses as source, a martian unless
# accept_local (conf all OR the device); ARP fails the same way. route_localnet off keeps
# 127/8 from being routed in from outside.
# Recorded on the real kernel by scripts/record.ts (expected/accept-local.out; never edit by hand).
# Runs in a fresh network namespace that plays the machine's root namespace.
ip link set lo up
[ "$(ip -o link show | wc -l)" = 1 ] || { echo "refusing to run: not a fresh network namespace (ip -o link must list lo only)" >&2; exit 2; }
NETNS="al_a al_b"
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
ip -n al_a link add va type veth peer name vb
ip -n al_a addr add 10.0.0.1/24 dev va
ip -n al_a addr add 10.0.0.2/24 dev vb
ip -n al_a link set va up; ip -n al_a link set vb up
sleep 2
ip netns exec al_a ping -c 1 -W 1 -I va 10.0.0.2 | grep -E "^64|transmitted|^From"
ip -n al_a neigh show
ip netns exec al_a sysctl -q -w net.ipv4.conf.all.accept_local=1
ip netns exec al_a ping -c 1 -W 1 -I va 10.0.0.2 | grep -E "^64|transmitted|^From"
ip -n al_a neigh show
ip netns exec al_a sysctl -q -w net.ipv4.conf.vb.accept_local=1 net.ipv4.conf.va.accept_local=1
ip netns exec al_a ping -c 1 -W 1 -I va 10.0.0.2 | grep -E "^64|transmitted|^From"
ip -n al_a neigh show
echo "### route_localnet"
ip link add e0 netns al_a type veth peer name e0 netns al_b
ip -n al_a addr add 10.5.0.1/24 dev e0; ip -n al_b addr add 10.5.0.2/24 dev e0
ip -n al_a link set e0 up; ip -n al_b link set e0 up
ip -n al_b route add 127.0.0.0/8 via 10.5.0.1 2>&1
sleep 2
ip netns exec al_b ping -c 1 -W 1 127.0.0.2 | grep -E "^64|transmitted|^From"
ip netns exec al_a sysctl -q -w net.ipv4.conf.e0.route_localnet=1
ip netns exec al_b ping -c 1 -W 1 127.0.0.2 | grep -E "^64|transmitted|^From"
