#!/bin/bash
# nsemu scenario: arp_process refreshes the sender's existing entry from any request, also one
# whose target it will neither answer nor forward (here: forwarding off), so a changed MAC is
# learned; a request for an address it owns but ignores (arp_ignore) changes nothing.
# Recorded on the real kernel by scripts/record.ts (expected/arp-refresh.out; never edit by hand).
# Runs in a fresh network namespace that plays the machine's root namespace.
ip link set lo up
[ "$(ip -o link show | wc -l)" = 1 ] || { echo "refusing to run: not a fresh network namespace (ip -o link must list lo only)" >&2; exit 2; }
NETNS="ar_a ar_b"
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
ip link add e0 netns ar_a address 02:00:00:00:00:aa type veth peer name e0 netns ar_b
ip -n ar_a addr add 10.1.0.1/24 dev e0; ip -n ar_b addr add 10.1.0.2/24 dev e0
ip -n ar_b addr add 10.1.5.2/24 dev e0
ip -n ar_a link set e0 up; ip -n ar_b link set e0 up
# a knows b for good: its own probes of b would race with the script's timing
ip -n ar_a neigh replace 10.1.0.2 lladdr $(ip netns exec ar_b cat /sys/class/net/e0/address) dev e0 nud permanent
sleep 2
ip netns exec ar_b ping -c 1 -W 1 10.1.0.1 >/dev/null
ip -n ar_b neigh show
sleep 2
echo "### a's new MAC asks for 10.1.0.77, which b would have to forward"
ip -n ar_a link set e0 address 02:00:00:00:00:bb
ip netns exec ar_a ping -c 1 -W 1 10.1.0.77 >/dev/null
ip -n ar_b neigh show
sleep 2
echo "### a's newer MAC asks for 10.1.5.2, which b owns but ignores (arp_ignore 2: other subnet)"
ip netns exec ar_b sysctl -q -w net.ipv4.conf.e0.arp_ignore=2
ip -n ar_a link set e0 address 02:00:00:00:00:cc
ip -n ar_a route add 10.1.5.0/24 dev e0
ip netns exec ar_a ping -c 1 -W 1 10.1.5.2 >/dev/null
ip -n ar_b neigh show
