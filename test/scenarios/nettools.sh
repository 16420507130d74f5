#!/bin/bash
# nsemu scenario: the net-tools programs of the gateway tutorial.
# Recorded on the real kernel by scripts/record.ts (expected/nettools.out; never edit by hand).
# Shows: `ifconfig DEV ADDR` (classful mask and broadcast, brings the device up), `/len`,
# `netmask`, `broadcast`, `mtu`, `down`; replacing the only address drops every route via the
# device; `ifconfig` listings; `route -n`, `route add|del` with default/-net/-host, gw, dev,
# metric, and their errors; `netstat -rn` and `netstat -i`. IPv6 is off so counters only count
# the pings.
# Runs in a fresh network namespace that plays the machine's root namespace ("the host").
ip link set lo up
[ "$(ip -o link show | wc -l)" = 1 ] || { echo "refusing to run: not a fresh network namespace (ip -o link must list lo only)" >&2; exit 2; }
NETNS="nt_a"
for n in $NETNS; do
  [ -e /var/run/netns/$n ] && { echo "refusing to run: netns $n already exists" >&2; exit 2; }
done
cleanup() { for n in $NETNS; do ip netns del $n 2>/dev/null; done; ip link del nt0 2>/dev/null; }
trap cleanup EXIT
sysctl -q -w net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1

ip netns add nt_a
ip netns exec nt_a sysctl -q -w net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
ip link add nt0 type veth peer name nt1 netns nt_a
echo "### ifconfig nt0 10.1.2.3 (class A: /8, brd 10.255.255.255, and up)"
ifconfig nt0 10.1.2.3; echo "rc=$?"
ip -4 addr show nt0
ip -br link show nt0
echo "### the peer: 172.16.5.5 (class B) and 192.168.7.7/24"
ip netns exec nt_a ifconfig nt1 172.16.5.5
ip netns exec nt_a ip -4 addr show nt1
ip netns exec nt_a ifconfig nt1 192.168.7.7/24
ip netns exec nt_a ip -4 addr show nt1
ip netns exec nt_a ifconfig nt1 10.1.2.4 netmask 255.255.0.0
ip netns exec nt_a ip -4 addr show nt1
sleep 3.5
echo "### ifconfig nt0 netmask 255.255.0.0; broadcast; mtu"
ifconfig nt0 netmask 255.255.0.0
ip -4 addr show nt0
ifconfig nt0 broadcast 10.1.255.254
ip -4 addr show nt0
ifconfig nt0 mtu 1400
ip -br addr show nt0
echo "### routes"
route add default gw 10.1.2.4; echo "rc=$?"
route add -net 10.20.0.0 netmask 255.255.0.0 gw 10.1.2.4; echo "rc=$?"
route add -host 10.30.0.1 dev nt0; echo "rc=$?"
route add -net 10.40.0.0/16 dev nt0 metric 5; echo "rc=$?"
route -n
netstat -rn
ip route
echo "### route errors"
route add default gw 192.0.2.1; echo "rc=$?"
route add -net 10.50.0.0 netmask 255.255.0.0 gw 10.1.2.4 dev nodev; echo "rc=$?"
route del -host 10.99.0.1; echo "rc=$?"
route del default; echo "rc=$?"
route del default; echo "rc=$?"
route -n
echo "### ping through it, then the counters"
ping -c 2 -i 0.2 -W 1 10.1.2.4 > /dev/null; echo "ping rc=$?"
netstat -i
ifconfig nt0 | grep -E "flags|inet |packets"
echo "### ifconfig errors"
ifconfig nodev 1.2.3.4; echo "rc=$?"
ifconfig nt0 300.1.1.1; echo "rc=$?"
ifconfig nodev; echo "rc=$?"
echo "### replacing the only address drops the routes via the device"
ifconfig nt0 10.3.3.3
route -n
ip route
echo "### ifconfig nt0 down"
ifconfig nt0 down
ip -br link show nt0
ifconfig | grep flags
ifconfig -a | grep flags
