#!/bin/bash
# nsemu scenario: /proc/net/dev, /proc/net/arp and /proc/net/route as the kernel prints them
# (dev_seq_show, arp_seq_show, fib_route_seq_show) in a namespace with a few devices,
# neighbours of every kind (complete, incomplete, permanent, proxy) and routes.
# Recorded on the real kernel by scripts/record.ts (expected/proc-net.out; never edit by hand).
# Runs in a fresh network namespace that plays the machine's root namespace.
ip link set lo up
[ "$(ip -o link show | wc -l)" = 1 ] || { echo "refusing to run: not a fresh network namespace (ip -o link must list lo only)" >&2; exit 2; }
NETNS="pn_a pn_b"
for n in $NETNS; do
  [ -e /var/run/netns/$n ] && { echo "refusing to run: netns $n already exists" >&2; exit 2; }
done
cleanup() { for n in $NETNS; do ip netns del $n 2>/dev/null; done; }
trap cleanup EXIT
for n in $NETNS; do
  ip netns add $n
  ip netns exec $n sysctl -q -w net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
done
a() { ip netns exec pn_a "$@"; }
# the neighbour table is a hash with a random seed: its order varies, so keep the header and sort
sorted() { IFS= read -r h; echo "$h"; sort; }
echo "### a fresh namespace"
a cat /proc/net/dev
a cat /proc/net/arp
a cat /proc/net/route
ip -n pn_a link set lo up
ip link add e0 netns pn_a address 02:00:00:00:0a:01 type veth peer name e0 netns pn_b address 02:00:00:00:0b:01
ip link add e1 netns pn_a address 02:00:00:00:0a:02 type veth peer name e1 netns pn_b
ip -n pn_a link add br9 type bridge
ip -n pn_a addr add 10.3.0.1/24 dev e0
ip -n pn_a addr add 10.3.1.1/16 dev e1
ip -n pn_b addr add 10.3.0.2/24 dev e0
for d in e0 e1; do ip -n pn_a link set $d up; ip -n pn_b link set $d up; done
ip -n pn_b link set lo up
ip -n pn_a route add default via 10.3.0.2 metric 5
ip -n pn_a route add 192.168.50.0/24 via 10.3.0.2 dev e0
ip -n pn_a route add 10.9.9.9 dev e1
ip -n pn_a route add unreachable 10.77.0.0/16
ip -n pn_a route add blackhole 10.78.0.0/16
sleep 2
a ping -c 2 -i 0.2 -W 1 10.3.0.2 >/dev/null
a ping -c 1 -W 1.5 10.3.0.99 >/dev/null
a ping -c 1 -W 1 127.0.0.1 >/dev/null
ip -n pn_a neigh add 10.3.0.50 lladdr 02:00:00:00:00:50 dev e0 nud permanent
ip -n pn_a neigh add proxy 10.3.0.60 dev e0
echo "### after traffic"
a cat /proc/net/dev
a cat /proc/net/arp | sorted
a cat /proc/net/route
a arp -n | sorted
a arp -a | sort
