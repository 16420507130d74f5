#!/bin/bash
# Lesson: which host veth belongs to a container's eth0 (ifindex, iflink, ethtool -S)
#
# What to look for:
#   in the container, `eth0@if24`: 24 is the host-side peer's ifindex;
#   the container's /sys/class/net/eth0/iflink says the same;
#   on the host, `ip link` lists 24: veth05ae645@if23, a port of docker0 (master docker0);
#   its iflink and `ethtool -S` peer_ifindex say 23: the container's eth0.
#
# Run it: nsemu run --example seed001-veth-peer-index    (explore afterwards: nsemu shell --load examples/seed001-veth-peer-index.sh)
# On a real Linux box, as root: bash examples/seed001-veth-peer-index.sh. Its output, normalised (MACs, times),
# is the recording shared/scenarios/expected/seed001-veth-peer-index.out; each section is headed by ### lines.
# ---- the tutorial scenario, as recorded on the real kernel, follows unchanged ----
# Source document: 001_4f7d7a7d4c362d9a.txt  (section "容器和宿主机 veth pair 对应关系")
# Shows: how to find which host-side veth belongs to a container's eth0: the "@ifN" suffix of
# `ip link` (N = the peer's ifindex), /sys/class/net/<dev>/iflink, and `ethtool -S`
# (peer_ifindex).
#
# Deviations from the document:
# * There is no Docker here. The setup block stands in for `docker run`: a wrapper namespace
#   "host" (standing in for the machine's root namespace) with a bridge docker0
#   (172.17.0.1/16), a namespace "container", and a veth pair veth05ae645 (host, port of
#   docker0) <-> eth0 (container, 172.17.0.2/16, MAC 02:42:ac:11:00:02 as Docker would set).
#   The pair is created with `index 24` / `index 23` so the numbers match the document.
# * Docker's namespaces have no name in /var/run/netns, so the document shows
#   "link-netnsid N"; named namespaces make ip print "link-netns NAME" instead.
# * Settle pause (`sleep 3.5`) before observations: see README ("Settling").

NETNS="host container"
for n in $NETNS; do
  [ -e /var/run/netns/$n ] && { echo "refusing to run: netns $n already exists" >&2; exit 2; }
done
cleanup() { for n in $NETNS; do ip netns del $n 2>/dev/null; done; }
trap cleanup EXIT

# --- setup standing in for `docker run` (not in the document)
ip netns add host
ip netns exec host ip link set lo up
ip netns add container
ip netns exec host ip link add docker0 type bridge
ip netns exec host ip addr add 172.17.0.1/16 dev docker0
ip netns exec host ip link set docker0 up
ip netns exec host ip link add veth05ae645 index 24 type veth peer name eth0 index 23 netns container
ip netns exec host ip link set veth05ae645 master docker0
ip netns exec host ip link set veth05ae645 up
ip netns exec container ip link set lo up
ip netns exec container ip link set eth0 address 02:42:ac:11:00:02
ip netns exec container ip addr add 172.17.0.2/16 dev eth0
ip netns exec container ip link set eth0 up
ip netns exec container ip route add default via 172.17.0.1
# --- end of setup
sleep 3.5  # settle (see README)

echo "### [container] ip link show eth0"
ip netns exec container ip link show eth0
echo "### [host] ip link show"
ip netns exec host ip link show
echo "### [container] cat /sys/class/net/eth0/iflink"
ip netns exec container cat /sys/class/net/eth0/iflink
echo "### [host] cat /sys/class/net/veth05ae645/iflink"
ip netns exec host cat /sys/class/net/veth05ae645/iflink
echo "### [host] ethtool -S veth05ae645"
ip netns exec host ethtool -S veth05ae645
