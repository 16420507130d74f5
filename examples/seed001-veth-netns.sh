#!/bin/bash
# Lesson: a veth pair split across two namespaces, addressed and pinged
#
# What to look for:
#   a moved device is down and has lost nothing but its namespace: it must be set up again;
#   `ip link` shows each end as `@ifN` with `link-netns` naming the other namespace;
#   the ping from ns1 to ns2 answers with ttl=64 (one hop, no router).
#
# Run it: nsemu run --example seed001-veth-netns    (explore afterwards: nsemu shell --load examples/seed001-veth-netns.sh)
# On a real Linux box, as root: bash examples/seed001-veth-netns.sh. Its output, normalised (MACs, times),
# is the recording shared/scenarios/expected/seed001-veth-netns.out; each section is headed by ### lines.
# ---- the tutorial scenario, as recorded on the real kernel, follows unchanged ----
# Source document: 001_4f7d7a7d4c362d9a.txt  (section "bridge 示例")
# Shows: a veth pair created in one namespace, each end moved into its own namespace
# (ns1, ns2), addressed with `ip addr add local ...`, set up, and ns1 pings ns2.
# (Despite the section title, no bridge is involved.)
#
# Deviations from the document:
# * The document creates the pair in the machine's root namespace. Here a wrapper namespace
#   "host" stands in for it (safety, and so `ip link` does not list the machine's own NICs);
#   its lo is set up first as in a real root namespace. The moved ends therefore show
#   "link-netns ns2"/"link-netns ns1" for each other, as in the document.
# * `ping -c 1` gets `-W 1`.
# * Settle pauses (`sleep 3.5`) before observations: see README ("Settling").

NETNS="host ns1 ns2"
for n in $NETNS; do
  [ -e /var/run/netns/$n ] && { echo "refusing to run: netns $n already exists" >&2; exit 2; }
done
cleanup() { for n in $NETNS; do ip netns del $n 2>/dev/null; done; }
trap cleanup EXIT

ip netns add host
ip netns exec host ip link set lo up

echo "### 1. ip link add veth1 type veth peer name veth2; ip link"
ip netns exec host ip link add veth1 type veth peer name veth2
ip netns exec host ip link
echo "### 2. ip netns add ns1; ip netns add ns2"
ip netns add ns1
ip netns add ns2
echo "### 3. move the ends into ns1 and ns2"
ip netns exec host ip link set veth1 netns ns1
ip netns exec host ip link set veth2 netns ns2
echo "### ip link (host, added: both ends are gone)"
ip netns exec host ip link
echo "### 4. addresses and up"
ip netns exec ns1 ip addr add local 172.20.1.1/24 dev veth1
ip netns exec ns2 ip addr add local 172.20.1.2/24 dev veth2
ip netns exec ns1 ip link set veth1 up
ip netns exec ns2 ip link set veth2 up
sleep 3.5  # settle (see README)
echo "### ip netns exec ns1 ip link (added)"
ip netns exec ns1 ip link
echo "### ip netns exec ns2 ip link (added)"
ip netns exec ns2 ip link
echo "### 5. ip netns exec ns1 ping -c 1 172.20.1.2 (doc: works, ttl=64)"
ip netns exec ns1 ping -c 1 -W 1 172.20.1.2; echo "ping rc=$?"
