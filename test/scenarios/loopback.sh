#!/bin/bash
# nsemu scenario: the loopback device.
# Recorded on the real kernel by scripts/record.ts (expected/loopback.out; never edit by hand).
# Shows: a new namespace's lo is down with no addresses and no routes; pings fail with connect
# errors (IPv4: Network is unreachable, IPv6: Cannot assign requested address); `ip link set lo
# up` adds 127.0.0.1/8 and ::1/128 and the local-table routes; every 127/8 address answers, and
# 0.0.0.0 means 127.0.0.1; `ip route get` for loopback targets; lo down keeps 127.0.0.1 and its
# local routes (pings are then lost, IPv6 fails at connect); an address deleted while down comes
# back on up; lo's counters (`ip -s link`); lo cannot be deleted or moved.
# Runs in a fresh network namespace that plays the machine's root namespace ("the host"): the
# recorder's sandbox, or nsemu. `sleep 3.5` lets link state settle after changes.
ip link set lo up
[ "$(ip -o link show | wc -l)" = 1 ] || { echo "refusing to run: not a fresh network namespace (ip -o link must list lo only)" >&2; exit 2; }
NETNS="lo_a"
for n in $NETNS; do
  [ -e /var/run/netns/$n ] && { echo "refusing to run: netns $n already exists" >&2; exit 2; }
done
cleanup() { for n in $NETNS; do ip netns del $n 2>/dev/null; done; }
trap cleanup EXIT

echo "### the host's lo (set up by the first line of this script)"
ip addr show lo
echo "### a new namespace: lo down, no addresses, no routes in any table"
ip netns add lo_a
ip -n lo_a addr
ip -n lo_a route show table all
ip -n lo_a -6 route show table all
echo "### pings with lo down"
ip netns exec lo_a ping -c 1 -W 1 127.0.0.1; echo "ping rc=$?"
ip netns exec lo_a ping -c 1 -W 1 ::1; echo "ping rc=$?"
ip -n lo_a route get 127.0.0.1; echo "rc=$?"
echo "### ip link set lo up"
ip -n lo_a link set lo up
sleep 3.5
ip -n lo_a addr
ip -n lo_a -4 route show table all
ip -n lo_a route show table local
ip -n lo_a route
ip -n lo_a -br link
ip -n lo_a -br addr
echo "### ip route get"
ip -n lo_a route get 127.0.0.1
ip -n lo_a route get 127.8.9.10
ip -n lo_a route get 127.255.255.255
ip -n lo_a route get 10.1.2.3; echo "rc=$?"
echo "### pings"
ip netns exec lo_a ping -c 1 -W 1 127.0.0.1; echo "ping rc=$?"
ip netns exec lo_a ping -c 2 -i 0.2 -W 1 127.8.9.10; echo "ping rc=$?"
ip netns exec lo_a ping -c 1 -W 1 0.0.0.0; echo "ping rc=$?"
ip netns exec lo_a ping -c 1 -W 1 ::1; echo "ping rc=$?"
ip netns exec lo_a ping -c 1 -W 1 10.1.2.3; echo "ping rc=$?"
echo "### lo down: 127.0.0.1 and its local routes stay, ::1 goes"
ip -n lo_a link set lo down
sleep 3.5
ip -n lo_a addr
ip -n lo_a route show table local
ip -n lo_a route get 127.0.0.1
ip netns exec lo_a ping -c 1 -W 1 127.0.0.1; echo "ping rc=$?"
ip netns exec lo_a ping -c 1 -W 1 ::1; echo "ping rc=$?"
echo "### delete 127.0.0.1 while down; up brings it back"
ip -n lo_a addr del 127.0.0.1/8 dev lo
ip -n lo_a addr
ip -n lo_a route show table local
ip -n lo_a link set lo up
sleep 3.5
ip -n lo_a addr
echo "### an extra address on lo"
ip -n lo_a addr add 10.202.0.1/32 dev lo
ip -n lo_a addr show lo
ip -n lo_a route show table local
ip netns exec lo_a ping -q -c 1 -W 1 10.202.0.1; echo "ping rc=$?"
echo "### counters"
ip -n lo_a -s link show lo
echo "### lo cannot be deleted, or moved"
ip -n lo_a link del lo; echo "rc=$?"
ip -n lo_a link set lo netns $$; echo "rc=$?"
echo "### /sys/class/net/lo (host): ifindex iflink type mtu operstate carrier address flags"
cat /sys/class/net/lo/{ifindex,iflink,type,mtu,operstate,carrier,address,flags}
