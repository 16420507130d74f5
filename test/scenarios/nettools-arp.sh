#!/bin/bash
# nsemu scenario: net-tools' arp: the cache in both layouts, an incomplete entry, one address,
# `-i`, `-s` (permanent, on the device the route picks) and `-d`, with their errors. /proc/net/arp
# lists in hash order, so multi-line listings are sorted.
# Recorded on the real kernel by scripts/record.ts (expected/nettools-arp.out; never edit by hand).
# Runs in a fresh network namespace that plays the machine's root namespace.
ip link set lo up
[ "$(ip -o link show | wc -l)" = 1 ] || { echo "refusing to run: not a fresh network namespace (ip -o link must list lo only)" >&2; exit 2; }
NETNS="arp_x"
for n in $NETNS; do
  [ -e /var/run/netns/$n ] && { echo "refusing to run: netns $n already exists" >&2; exit 2; }
done
cleanup() { for n in $NETNS; do ip netns del $n 2>/dev/null; done; ip link del av 2>/dev/null; }
trap cleanup EXIT
sysctl -q -w net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
ip netns add arp_x
ip netns exec arp_x sysctl -q -w net.ipv6.conf.all.disable_ipv6=1
ip link add av type veth peer name bv netns arp_x
ip link set av up
ip -n arp_x link set bv up
ip addr add 10.1.1.1/24 dev av
ip -n arp_x addr add 10.1.1.2/24 dev bv
sleep 3.5
echo "### an empty cache prints nothing"
arp -n; echo "rc=$?"
ping -c 1 -W 1 10.1.1.2 > /dev/null; echo "ping rc=$?"
ping -c 1 -W 1 10.1.1.9 > /dev/null; echo "ping rc=$?"
ip neigh add 10.1.1.50 lladdr 02:00:00:00:00:50 dev av
arp -s 10.1.1.60 02:00:00:00:00:60; echo "rc=$?"
echo "### arp -n"
arp -n | head -1
arp -n | tail -n +2 | sort
echo "### arp -an"
arp -an | sort
echo "### one address, an unknown one, -i"
arp -n 10.1.1.50
arp -n 10.1.1.77; echo "rc=$?"
arp -i av -n | tail -n +2 | sort
echo "### arp -d"
arp -d 10.1.1.60; echo "rc=$?"
arp -d 10.1.1.61; echo "rc=$?"
arp -an | sort
