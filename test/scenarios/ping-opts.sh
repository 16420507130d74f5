#!/bin/bash
# nsemu scenario: ping's options and its failure messages.
# Recorded on the real kernel by scripts/record.ts (expected/ping-opts.out; never edit by hand).
# Shows: `-c`, `-i`, `-W`, `-w`, `-s` (incl. 0: no time shown), `-t` (TTL exceeded at a router),
# `-q`, `-n`, `-I dev`, `-I addr`, `-b`; an on-link address nobody has (`-W 5`: `From … Destination
# Host Unreachable` after the ARP attempts fail, `+N errors`, `pipe N`); a gateway nobody has;
# no route (`ping: connect: Network is unreachable`); a local address on another device.
# Each unanswered address is pinged once only: a second ping could find the first one's ARP
# attempt still INCOMPLETE and get its Destination Host Unreachable early (a race).
# RTTs and times are normalised (<T>, <RTT>); counts, TTLs and sequence numbers are not.
# Runs in a fresh network namespace that plays the machine's root namespace ("the host"): the
# recorder's sandbox, or nsemu. `sleep 3.5` lets link state settle after changes.
ip link set lo up
[ "$(ip -o link show | wc -l)" = 1 ] || { echo "refusing to run: not a fresh network namespace (ip -o link must list lo only)" >&2; exit 2; }
NETNS="po_r po_b"
for n in $NETNS; do
  [ -e /var/run/netns/$n ] && { echo "refusing to run: netns $n already exists" >&2; exit 2; }
done
cleanup() { for n in $NETNS; do ip netns del $n 2>/dev/null; done; ip link del po0 2>/dev/null; }
trap cleanup EXIT

echo "### host po0 10.211.1.1 -- po1 10.211.1.2 router po_r 10.211.2.1 po2 -- po3 10.211.2.2 po_b"
ip netns add po_r
ip netns add po_b
ip link add po0 type veth peer name po1 netns po_r
ip -n po_r link add po2 type veth peer name po3 netns po_b
ip addr add 10.211.1.1/24 dev po0
ip addr add 10.211.9.1/24 dev po0
ip link set po0 up
ip route add 10.211.2.0/24 via 10.211.1.2
ip route add 10.211.3.0/24 via 10.211.1.77
ip -n po_r addr add 10.211.1.2/24 dev po1
ip -n po_r addr add 10.211.2.1/24 dev po2
ip -n po_r link set lo up
ip -n po_r link set po1 up
ip -n po_r link set po2 up
ip netns exec po_r sysctl -q -w net.ipv4.ip_forward=1
ip -n po_b addr add 10.211.2.2/24 dev po3
ip -n po_b link set lo up
ip -n po_b link set po3 up
ip -n po_b route add default via 10.211.2.1
sleep 3.5

echo "### -c 3 -i 0.2"
ping -c 3 -i 0.2 10.211.1.2; echo "ping rc=$?"
echo "### across the router: ttl 63"
ping -c 1 -W 1 10.211.2.2; echo "ping rc=$?"
echo "### -t 1: the router says the TTL ran out"
ping -c 1 -W 1 -t 1 10.211.2.2; echo "ping rc=$?"
echo "### -s 1000, -s 0 (no room for a timestamp: no time=)"
ping -c 1 -W 1 -s 1000 10.211.1.2; echo "ping rc=$?"
ping -c 1 -W 1 -s 0 10.211.1.2; echo "ping rc=$?"
echo "### -q, -n"
ping -q -c 2 -i 0.2 10.211.2.2; echo "ping rc=$?"
ping -n -c 1 10.211.1.2; echo "ping rc=$?"
echo "### -I dev, -I addr (no reply to 10.211.9.1: the router has no route back to it)"
ping -c 1 -W 1 -I po0 10.211.1.2; echo "ping rc=$?"
ping -c 1 -W 1 -I 10.211.9.1 10.211.1.2; echo "ping rc=$?"
echo "### -w: deadline; with -c it stops after that many replies"
ping -w 2 -c 2 -i 0.2 10.211.1.2; echo "ping rc=$?"
ping -w 1 -c 1 10.211.1.96; echo "ping rc=$?"
echo "### a local address on another device, and the router's far address"
ping -c 1 -W 1 10.211.9.1; echo "ping rc=$?"
ping -c 1 -W 1 10.211.2.1; echo "ping rc=$?"
echo "### -b: the broadcast address (icmp_echo_ignore_broadcasts=1: nobody answers)"
ping -b -c 1 -W 1 10.211.1.255; echo "ping rc=$?"
ping -c 1 -W 1 10.211.1.255; echo "ping rc=$?"
echo "### on-link address nobody has, -W 1: gives up before ARP does"
ping -c 1 -W 1 10.211.1.99; echo "ping rc=$?"
sleep 3.5
echo "### the same with -W 5: Destination Host Unreachable once ARP failed"
ping -c 1 -W 5 10.211.1.98; echo "ping rc=$?"
echo "### three packets queued behind one ARP resolution"
ping -c 3 -i 0.2 -W 5 10.211.1.97; echo "ping rc=$?"
echo "### a route via a gateway nobody has"
ping -c 1 -W 5 10.211.3.1; echo "ping rc=$?"
echo "### no route"
ping -c 1 -W 1 192.0.2.1; echo "ping rc=$?"
echo "### from the far namespace back to the host"
ip netns exec po_b ping -c 1 -W 1 10.211.1.1; echo "ping rc=$?"
echo "### the addresses ARP gave up on (the others may be REACHABLE or DELAY by now)"
ip neigh show nud failed | sort
