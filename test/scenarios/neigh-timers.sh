#!/bin/bash
# nsemu scenario: the ARP neighbour table over time.
# Recorded on the real kernel by scripts/record.ts (expected/neigh-timers.out; never edit by hand).
# Shows: after a ping the pinger's entry is REACHABLE and the responder's entry for the pinger is
# DELAY (learnt STALE from the ARP request, then used for the reply); ~5 s later the responder
# probes and is REACHABLE too; REACHABLE lasts a random 15–45 s (base_reachable_time 30 s), so
# after 50 s both are STALE (`sleep 40` would not always be enough); a new ping finds STALE
# → DELAY, and 5 s later a unicast probe makes it REACHABLE; an address nobody answers is
# INCOMPLETE while the 3 requests go out (1 s apart) and FAILED after ~3 s, and stays FAILED; a
# new ping to it starts over; `ip link set down` flushes the device's entries.
# Orders of `ip neigh` with several entries are random on the kernel: sorted here.
# Runs in a fresh network namespace that plays the machine's root namespace ("the host"): the
# recorder's sandbox, or nsemu. `sleep 3.5` lets link state settle after changes.
ip link set lo up
[ "$(ip -o link show | wc -l)" = 1 ] || { echo "refusing to run: not a fresh network namespace (ip -o link must list lo only)" >&2; exit 2; }
NETNS="nt_a"
for n in $NETNS; do
  [ -e /var/run/netns/$n ] && { echo "refusing to run: netns $n already exists" >&2; exit 2; }
done
cleanup() { for n in $NETNS; do ip netns del $n 2>/dev/null; done; ip link del nt0 2>/dev/null; }
trap cleanup EXIT

# IPv6 off (before any device exists) so that only IPv4 neighbours show up: no ff02::* NOARP entries
sysctl -q -w net.ipv6.conf.default.disable_ipv6=1
ip netns add nt_a
ip netns exec nt_a sysctl -q -w net.ipv6.conf.default.disable_ipv6=1
ip link add nt0 type veth peer name nt1 netns nt_a
ip addr add 10.209.1.1/24 dev nt0
ip link set nt0 up
ip -n nt_a addr add 10.209.1.2/24 dev nt1
ip -n nt_a link set nt1 up
ip -n nt_a link set lo up
sleep 3.5
echo "### empty tables"
ip neigh
ip -n nt_a neigh

echo "### ping; right after: pinger REACHABLE, responder DELAY"
ping -c 1 -W 1 10.209.1.2 > /dev/null; echo "ping rc=$?"
ip neigh
ip -n nt_a neigh
ip neigh show dev nt0
ip neigh show 10.209.1.2
ip -4 neigh show nud reachable
echo "### 6.5 s later: the responder probed (unicast) and is REACHABLE too"
sleep 6.5
ip neigh
ip -n nt_a neigh
echo "### 50 s later: both STALE"
sleep 50
ip neigh
ip -n nt_a neigh
ip neigh show nud stale
echo "### ping again: STALE -> DELAY on both sides"
ping -c 1 -W 1 10.209.1.2 > /dev/null; echo "ping rc=$?"
ip neigh
ip -n nt_a neigh
echo "### 7 s later: a unicast probe confirmed it: REACHABLE"
sleep 7
ip neigh
ip -n nt_a neigh

echo "### an address nobody has: INCOMPLETE while asking, then FAILED"
ping -c 1 -W 1 10.209.1.99; echo "ping rc=$?"
ip neigh | sort
sleep 3.5
ip neigh | sort
ip neigh show nud failed
echo "### it stays FAILED; a new ping starts over"
sleep 5
ip neigh show 10.209.1.99
ping -c 1 -W 1 10.209.1.99 > /dev/null; echo "ping rc=$?"
ip neigh show 10.209.1.99
sleep 3.5
ip neigh show 10.209.1.99
echo "### ip neigh show nud all (also the NOARP entries; 10.209.1.2 is left out: by now it may be STALE)"
ip neigh show nud all | grep -v '^10\.209\.1\.2 ' | sort
echo "### link down flushes the device's entries (and the peer's, at its carrier loss)"
ip link set nt0 down
sleep 3.5
ip neigh
ip neigh show nud all
ip -n nt_a neigh
