#!/bin/bash
# nsemu scenario: `ip addr` forms.
# Recorded on the real kernel by scripts/record.ts (expected/addr-forms.out; never edit by hand).
# Shows: add with a prefix, without one (/32), `brd +`, `brd ADDR`, `peer`, `label`, `scope`,
# secondary addresses, IPv6 with and without `nodad`; the routes each one creates; listings with
# `show dev`, `-4`, `-6`, `-br`, `-o`, `-j`, `show scope`, `show label`, `show to PREFIX`,
# `show up`; `del` (and what deleting a primary does to its secondaries), `flush`.
# Runs in a fresh network namespace that plays the machine's root namespace ("the host"): the
# recorder's sandbox, or nsemu. `sleep 3.5` lets link state settle after changes.
ip link set lo up
[ "$(ip -o link show | wc -l)" = 1 ] || { echo "refusing to run: not a fresh network namespace (ip -o link must list lo only)" >&2; exit 2; }
NETNS="ad_a"
for n in $NETNS; do
  [ -e /var/run/netns/$n ] && { echo "refusing to run: netns $n already exists" >&2; exit 2; }
done
cleanup() { for n in $NETNS; do ip netns del $n 2>/dev/null; done; ip link del ad0 2>/dev/null; }
trap cleanup EXIT

ip netns add ad_a
ip link add ad0 type veth peer name ad1 netns ad_a
ip -n ad_a link set ad1 up
ip link set ad0 up
sleep 3.5

echo "### forms of ip addr add"
ip addr add 10.203.1.1/24 dev ad0
ip addr add 10.203.2.1/24 brd + dev ad0
ip addr add 10.203.3.1/24 broadcast 10.203.3.127 dev ad0
ip addr add 10.203.4.1 dev ad0
ip addr add 10.203.5.1 peer 10.203.5.2 dev ad0
ip addr add 10.203.6.1/24 dev ad0 label ad0:web
ip addr add 10.203.7.1/24 dev ad0 scope link
ip addr add 10.203.8.1/24 dev ad0 scope host
ip addr add local 10.203.9.1/24 dev ad0
ip addr add 10.203.1.2/24 dev ad0
ip addr add 10.203.1.3/24 dev ad0 label ad0:sec
ip addr add 2001:db8:203::1/64 dev ad0
ip addr add 2001:db8:204::1/64 dev ad0 nodad
ip addr show dev ad0
echo "### right after adding, the address without nodad is still tentative (-6)"
ip -6 addr show dev ad0
sleep 3.5
ip -6 addr show dev ad0
echo "### routes"
ip route
ip route show table local
ip -6 route show dev ad0
echo "### listings"
ip -4 addr
ip -br addr
ip -br -4 addr
ip -o addr show dev ad0
ip -o -4 addr show label 'ad0:*'
ip addr show scope link
ip addr show scope host dev ad0
ip -4 addr show to 10.203.1.0/24
ip addr show up
ip -4 -j addr show dev ad0
echo
ip -j -p addr show dev lo
ip -n ad_a -4 -br addr
echo "### del: deleting the primary 10.203.1.1 takes its secondaries with it"
ip addr del 10.203.4.1/32 dev ad0
ip addr del 10.203.5.1 peer 10.203.5.2 dev ad0
ip addr del 10.203.1.1/24 dev ad0
ip -4 addr show dev ad0
ip route
echo "### flush by scope, by label, then all"
ip addr flush dev ad0 scope host
ip -4 -br addr show dev ad0
ip addr flush label ad0:web
ip -4 -br addr show dev ad0
ip addr flush dev ad0
ip addr show dev ad0
ip route
ip route show table local
