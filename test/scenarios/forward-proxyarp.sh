#!/bin/bash
# nsemu scenario: a router namespace between two hosts: forwarding off (silent drop) and on
# (ttl=63), TTL expiry and no route answered with ICMP from the router, and proxy ARP: a host
# that believes the far subnet is on its link gets the router's MAC once proxy_arp is on for
# the router's device (and only with forwarding on).
# Recorded on the real kernel by scripts/record.ts (expected/forward-proxyarp.out; never edit by hand).
# Runs in a fresh network namespace that plays the machine's root namespace (the router).
ip link set lo up
[ "$(ip -o link show | wc -l)" = 1 ] || { echo "refusing to run: not a fresh network namespace (ip -o link must list lo only)" >&2; exit 2; }
NETNS="fp_a fp_b"
for n in $NETNS; do
  [ -e /var/run/netns/$n ] && { echo "refusing to run: netns $n already exists" >&2; exit 2; }
done
cleanup() { for n in $NETNS; do ip netns del $n 2>/dev/null; done; }
trap cleanup EXIT
sysctl -q -w net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
ip netns add fp_a
ip netns add fp_b
ip netns exec fp_a sysctl -q -w net.ipv6.conf.all.disable_ipv6=1
ip netns exec fp_b sysctl -q -w net.ipv6.conf.all.disable_ipv6=1
ip link add h1 type veth peer name e1 netns fp_a
ip link add h2 type veth peer name e2 netns fp_b
ip link set h1 up
ip link set h2 up
ip -n fp_a link set e1 up
ip -n fp_b link set e2 up
ip -n fp_a link set lo up
ip addr add 10.7.1.1/24 dev h1
ip addr add 10.7.2.1/24 dev h2
ip -n fp_a addr add 10.7.1.2/24 dev e1
ip -n fp_b addr add 10.7.2.2/24 dev e2
ip -n fp_b route add default via 10.7.2.1
ip -n fp_a route add default via 10.7.1.1
sleep 3.5
echo "### forwarding off: dropped silently; the router's far address still answers"
ip netns exec fp_a ping -c 1 -W 1 10.7.2.2; echo "ping rc=$?"
ip netns exec fp_a ping -c 1 -W 1 10.7.2.1; echo "ping rc=$?"
echo "### forwarding on"
sysctl -w net.ipv4.ip_forward=1
sysctl net.ipv4.conf.h1.forwarding net.ipv4.conf.default.forwarding
ip netns exec fp_a ping -c 2 -i 0.3 -W 1 10.7.2.2; echo "ping rc=$?"
echo "### ttl 1: time exceeded from the router"
ip netns exec fp_a ping -c 1 -W 1 -t 1 10.7.2.2; echo "ping rc=$?"
echo "### no route on the router: net unreachable"
ip netns exec fp_a ping -c 1 -W 1 10.7.9.9; echo "ping rc=$?"
echo "### the far subnet on-link at fp_a: no proxy ARP yet, so no answer"
ip -n fp_a route add 10.7.2.0/24 dev e1
ip netns exec fp_a ping -c 1 -W 1 10.7.2.2; echo "ping rc=$?"
ip -n fp_a neigh show 10.7.2.2
echo "### proxy_arp on h1: the router answers with its own MAC"
sysctl -w net.ipv4.conf.h1.proxy_arp=1
sleep 3.5
ip netns exec fp_a ping -c 1 -W 2 10.7.2.2 | grep -E "transmitted|ttl="; echo "ping rc=${PIPESTATUS[0]}"
[ "$(ip -n fp_a neigh show 10.7.2.2 | awk '{print $5}')" = "$(cat /sys/class/net/h1/address)" ] && echo "10.7.2.2 is at h1's MAC"
echo "### forwarding off again: proxy ARP stops"
sysctl -w net.ipv4.ip_forward=0
ip -n fp_a neigh flush dev e1
ip netns exec fp_a ping -c 1 -W 2 10.7.2.2 | grep -E "transmitted"; echo "ping rc=${PIPESTATUS[0]}"
