#!/bin/bash
# nsemu scenario: veth carrier, flags and operstate.
# Recorded on the real kernel by scripts/record.ts (expected/veth-states.out; never edit by hand).
# Shows: the four admin up/down combinations of a pair in one namespace (`M-DOWN`, `NO-CARRIER`,
# `LOWERLAYERDOWN`), and with the peer in another namespace (no M-DOWN; `state DOWN` when the
# peer's index does not name a carrier-less device here); the rule that operstate is computed
# at carrier events only (moving the peer away does not refresh LOWERLAYERDOWN; the next carrier
# change does); both ends with ifindex 2 (`@if2`, DOWN); the route `linkdown` flag; the same
# states in `-br`, `-j` and /sys/class/net/*/operstate.
# Runs in a fresh network namespace that plays the machine's root namespace ("the host"): the
# recorder's sandbox, or nsemu. `sleep 3.5` lets link state settle after changes.
ip link set lo up
[ "$(ip -o link show | wc -l)" = 1 ] || { echo "refusing to run: not a fresh network namespace (ip -o link must list lo only)" >&2; exit 2; }
NETNS="vs_a vs_b vs_c"
for n in $NETNS; do
  [ -e /var/run/netns/$n ] && { echo "refusing to run: netns $n already exists" >&2; exit 2; }
done
cleanup() { for n in $NETNS; do ip netns del $n 2>/dev/null; done; ip link del vs0 2>/dev/null; ip link del vs2 2>/dev/null; }
trap cleanup EXIT

states() { ip -br link show type veth; }

echo "### same namespace: vs1(2) vs0(3), both down"
ip link add vs0 type veth peer name vs1
ip link
echo "### vs0 up, vs1 down"
ip link set vs0 up
sleep 3.5
states
cat /sys/class/net/vs0/operstate /sys/class/net/vs1/operstate
echo "### both up"
ip link set vs1 up
sleep 3.5
states
ip -j link show vs0 | grep -o '"flags":[^]]*],"mtu":[0-9]*,"qdisc":"[a-z]*","operstate":"[A-Z]*"'
echo "### vs0 down, vs1 up"
ip link set vs0 down
sleep 3.5
states
ip link show vs1
echo "### both down again"
ip link set vs1 down
sleep 3.5
states

echo "### vs0 up with vs1 down (LOWERLAYERDOWN), then vs1 moves to vs_a: vs0 keeps its state"
ip netns add vs_a
ip link set vs0 up
sleep 3.5
states
ip link set vs1 netns vs_a
sleep 3.5
states
echo "### vs1 up in vs_a: carrier on; vs1 down: carrier off, recomputed: DOWN (index 2 is free here)"
ip -n vs_a link set vs1 up
sleep 3.5
states
ip -n vs_a -br link show vs1
ip -n vs_a link set vs1 down
sleep 3.5
states
ip link show vs0
echo "### vs0 down, vs1 up: vs1's iflink (3) names no device in vs_a: DOWN"
ip link set vs0 down
ip -n vs_a link set vs1 up
sleep 3.5
ip -n vs_a -br link
echo "### vs_a gets a pair of its own: vs_y takes index 3 (vs1 holds 2), vs_x 4"
ip -n vs_a link add vs_x type veth peer name vs_y
ip -n vs_a -o link show | cut -d' ' -f1-2
echo "### vs1 down and up again: no carrier change, nothing recomputed: still DOWN"
ip -n vs_a link set vs1 down
ip -n vs_a link set vs1 up
sleep 3.5
ip -n vs_a -br link show vs1
echo "### vs0 up, then down: carrier on, then off: index 3 now names vs_y, which has no carrier"
ip link set vs0 up
sleep 3.5
ip -n vs_a -br link show vs1
ip link set vs0 down
sleep 3.5
ip -n vs_a -br link show vs1
ip netns exec vs_a cat /sys/class/net/vs1/operstate

echo "### a pair created straight into two new namespaces: both ends are index 2"
ip netns add vs_b
ip netns add vs_c
ip -n vs_b link add vs2 type veth peer name vs3 netns vs_c
ip -n vs_b addr add 10.213.1.1/24 dev vs2
ip -n vs_b link set vs2 up
sleep 3.5
ip -n vs_b link show vs2
ip -n vs_b route
ip -n vs_c link set vs3 up
sleep 3.5
ip -n vs_b link show vs2
ip -n vs_b route
ip -n vs_c link set vs3 down
sleep 3.5
ip -n vs_b -br link show vs2
ip -n vs_b route
ip netns exec vs_b cat /sys/class/net/vs2/operstate /sys/class/net/vs2/carrier
