#!/bin/bash
# Lesson: finding a container's host veth from /sys/class/net/*/iflink and ifindex
#
# What to look for:
#   the container's /sys/class/net/eth0/iflink is 95, and `grep 95` over the host's
#     /sys/class/net/*/ifindex finds veth2e08884;
#   `ip link show eth0` in the container says the same as eth0@if95.
#
# Run it: nsemu run --example seed003-veth-peer-index    (explore afterwards: nsemu shell --load examples/seed003-veth-peer-index.sh)
# On a real Linux box, as root: bash examples/seed003-veth-peer-index.sh. Its output, normalised (MACs, times),
# is the recording shared/scenarios/expected/seed003-veth-peer-index.out; each section is headed by ### lines.
# ---- the tutorial scenario, as recorded on the real kernel, follows unchanged ----
# Source document: 003_b51114990cf69c3f.txt  (section "容器与 host veth pair 的关系")
# Shows: two ways to find the host veth paired with a container's eth0: read the container's
# /sys/class/net/eth0/iflink and look for that ifindex among the host's
# /sys/class/net/*/ifindex; or read "eth0@if95" in the container's `ip link show eth0`.
#
# Deviations from the document:
# * No Docker here. The setup block stands in for `docker run`: a wrapper namespace "host"
#   (standing in for the machine's root namespace) with a bridge docker0, a namespace
#   "container", and a veth pair veth2e08884 (host, port of docker0) <-> eth0 (container),
#   created with `index 95` / `index 94` so the document's literal greps for 95 work. The MACs
#   are fixed (none contains "95") so that `grep 95` cannot match a random MAC.
# * The ifindex glob must be expanded inside the host namespace's /sys, hence `sh -c`.
# * Settle pause (`sleep 3.5`) before observations: see README ("Settling").
# * `docker exec -it 6471704fd03a sh` becomes `ip netns exec container ...`.
# * Named namespaces make ip print "link-netns NAME" where Docker's unnamed ones give
#   "link-netnsid N".

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
ip netns exec host ip link add veth2e08884 index 95 type veth peer name eth0 index 94 netns container
ip netns exec host ip link set docker0 address 02:42:d0:8e:1c:3a
ip netns exec host ip link set veth2e08884 address b6:2e:0c:7d:41:a8
ip netns exec host ip link set veth2e08884 master docker0
ip netns exec host ip link set veth2e08884 up
ip netns exec container ip link set lo up
ip netns exec container ip link set eth0 address 02:42:ac:11:00:03
ip netns exec container ip addr add 172.17.0.3/16 dev eth0
ip netns exec container ip link set eth0 up
# --- end of setup
sleep 3.5  # settle (see README)

echo "### method 1: [container] cat /sys/class/net/eth0/iflink"
ip netns exec container cat /sys/class/net/eth0/iflink
echo "### method 1: [host] grep -c 95 /sys/class/net/*/ifindex | grep 1"
ip netns exec host sh -c 'grep -c 95 /sys/class/net/*/ifindex | grep 1'
echo "### method 2: [container] ip link show eth0"
ip netns exec container ip link show eth0
echo "### method 2: [host] ip link show | grep 95"
ip netns exec host ip link show | grep 95
