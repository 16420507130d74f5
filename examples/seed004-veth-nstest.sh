#!/bin/bash
# Lesson: a veth pair between the host and a namespace; deleting the namespace
#
# What to look for:
#   a new namespace has only lo, down;
#   with 10.0.0.1/24 on veth-a and 10.0.0.2/24 on veth-b both sides ping each other;
#   deleting nstest destroys veth-b, and with it veth-a, its peer, disappears from the host.
#
# Run it: nsemu run --example seed004-veth-nstest    (explore afterwards: nsemu shell --load examples/seed004-veth-nstest.sh)
# On a real Linux box, as root: bash examples/seed004-veth-nstest.sh. Its output, normalised (MACs, times),
# is the recording shared/scenarios/expected/seed004-veth-nstest.out; each section is headed by ### lines.
# ---- the tutorial scenario, as recorded on the real kernel, follows unchanged ----
# Source document: 004_afd1347c0e73ca1b.txt  (sections "Basic network namespace commands" to
# "Assign ip addresses to the veth interfaces", and "Deleting a network namespace")
# Shows: a new namespace has only lo, down; a veth pair veth-a/veth-b with veth-b moved into
# nstest; 10.0.0.1/24 on veth-a (host side) and 10.0.0.2/24 on veth-b; both sides ping each
# other; deleting the namespace takes veth-b with it, and veth-a (its peer) disappears too.
#
# Deviations from the document:
# * The document's default-namespace commands run in a wrapper namespace "host" (safety: the
#   10.0.0.1/24 address must not go on the machine's real root namespace); its lo is set up as
#   in a real root namespace.
# * `ping 10.0.0.2` (which the document stops with ^C after 4 replies) becomes
#   `ping -c 1 -W 1 10.0.0.2`.
# * The interactive `ip netns exec nstest bash` is fed one command on stdin.
# * Added at the end: `ip netns delete nstest` (the document lists the command) and what the
#   host sees afterwards.
# * Settle pauses (`sleep 3.5`) before observations: see README ("Settling").

NETNS="host nstest"
for n in $NETNS; do
  [ -e /var/run/netns/$n ] && { echo "refusing to run: netns $n already exists" >&2; exit 2; }
done
cleanup() { for n in $NETNS; do ip netns del $n 2>/dev/null; done; }
trap cleanup EXIT

ip netns add host
ip netns exec host ip link set lo up

echo "### ip netns add nstest; ip netns list"
ip netns add nstest
ip netns list
echo "### ip netns exec nstest ip addr"
ip netns exec nstest ip addr
echo "### ip netns exec nstest bash (one command: ip addr)"
echo "ip addr" | ip netns exec nstest bash
echo "### ip netns exec nstest ip link set dev lo up; ip netns exec nstest ip link"
ip netns exec nstest ip link set dev lo up
ip netns exec nstest ip link
echo "### ip link add veth-a type veth peer name veth-b; ip link"
ip netns exec host ip link add veth-a type veth peer name veth-b
ip netns exec host ip link
echo "### ip link set veth-b netns nstest; ip netns exec nstest ip link"
ip netns exec host ip link set veth-b netns nstest
ip netns exec nstest ip link
echo "### addresses and up on both sides"
ip netns exec host ip addr add 10.0.0.1/24 dev veth-a
ip netns exec host ip link set dev veth-a up
ip netns exec nstest ip addr add 10.0.0.2/24 dev veth-b
ip netns exec nstest ip link set dev veth-b up
sleep 3.5  # settle
echo "### ip link; ip addr; ip route (host)"
ip netns exec host ip link
ip netns exec host ip addr
ip netns exec host ip route
echo "### ip link; ip addr; ip route (nstest)"
ip netns exec nstest ip link
ip netns exec nstest ip addr
ip netns exec nstest ip route
echo "### ping 10.0.0.2 (doc: works)"
ip netns exec host ping -c 1 -W 1 10.0.0.2; echo "ping rc=$?"
echo "### ip netns exec nstest ping 10.0.0.1 (doc: works)"
ip netns exec nstest ping -c 1 -W 1 10.0.0.1; echo "ping rc=$?"

echo "### added: ip netns delete nstest"
ip netns delete nstest
sleep 3.5  # settle: namespace teardown is asynchronous (see README)
ip netns list
echo "### ip link (host): veth-a went away with its peer"
ip netns exec host ip link
echo "### ip route (host)"
ip netns exec host ip route
echo "### ip netns exec nstest ip link (after delete)"
ip netns exec nstest ip link; echo "ip rc=$?"
