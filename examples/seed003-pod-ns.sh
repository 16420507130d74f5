#!/bin/bash
# Lesson: the usual pod wiring: one veth end on the host, the other in the pod
#
# What to look for:
#   the host end is NO-CARRIER, state LOWERLAYERDOWN, until the pod end is up;
#   then the host pings the pod (ttl=64);
#   setting the pod's device down makes the host end NO-CARRIER, state DOWN, its route
#     "linkdown", and the ping fails.
#
# Run it: nsemu run --example seed003-pod-ns    (explore afterwards: nsemu shell --load examples/seed003-pod-ns.sh)
# On a real Linux box, as root: bash examples/seed003-pod-ns.sh. Its output, normalised (MACs, times),
# is the recording shared/scenarios/expected/seed003-pod-ns.out; each section is headed by ### lines.
# ---- the tutorial scenario, as recorded on the real kernel, follows unchanged ----
# Source document: 003_b51114990cf69c3f.txt  (section "当前的根网络命名空间和某个网络命名空间组成 veth pair")
# Shows: the usual pod/container wiring: one veth end in the host (192.168.1.1/24), the other
# in pod_ns (192.168.1.2/24); the host end is LOWERLAYERDOWN until the pod end is up; the
# host pings the pod; setting the pod's device down cuts it off again.
#
# Deviations from the document:
# * The document's root-namespace commands run in a wrapper namespace "host" (safety: the
#   192.168.1.1/24 address must not go on the machine's real root namespace). Its lo is set up
#   as in a real root namespace; it has no stand-in for the document's ens160 (not needed here).
# * `ping -c 3` becomes `ping -c 1 -W 1`.
# * Added at the end: `ip netns exec pod_ns ip link set veth1 down` (the document's generic
#   "ip netns exec NETNSNAME ip link set DEVNAME down") and its effect.
# * Settle pauses (`sleep 3.5`) before observations: see README ("Settling").

NETNS="host pod_ns"
for n in $NETNS; do
  [ -e /var/run/netns/$n ] && { echo "refusing to run: netns $n already exists" >&2; exit 2; }
done
cleanup() { for n in $NETNS; do ip netns del $n 2>/dev/null; done; }
trap cleanup EXIT

ip netns add host
ip netns exec host ip link set lo up

echo "### ip netns add pod_ns"
ip netns add pod_ns
echo "### ip link add veth0 type veth peer name veth1; ip link set veth1 netns pod_ns"
ip netns exec host ip link add veth0 type veth peer name veth1
ip netns exec host ip link set veth1 netns pod_ns
echo "### ip addr add 192.168.1.1/24 dev veth0; ip link set veth0 up"
ip netns exec host ip addr add 192.168.1.1/24 dev veth0
ip netns exec host ip link set veth0 up
sleep 3.5  # settle (see README)
echo "### ip link (doc: veth0 NO-CARRIER, state LOWERLAYERDOWN, link-netns pod_ns)"
ip netns exec host ip link
echo "### pod side: address, up"
ip netns exec pod_ns ip addr add 192.168.1.2/24 dev veth1
ip netns exec pod_ns ip link set veth1 up
sleep 3.5  # settle (see README)
echo "### ip link"
ip netns exec host ip link
echo "### ip netns exec pod_ns ip link"
ip netns exec pod_ns ip link
echo "### ip netns exec pod_ns ip a"
ip netns exec pod_ns ip a
echo "### ping -c 3 192.168.1.2 (doc: works)"
ip netns exec host ping -c 1 -W 1 192.168.1.2; echo "ping rc=$?"

echo "### added: ip netns exec pod_ns ip link set veth1 down"
ip netns exec pod_ns ip link set veth1 down
sleep 3.5  # settle (see README)
ip netns exec host ip link show veth0
ip netns exec host ip route
ip netns exec host ping -c 1 -W 1 192.168.1.2; echo "ping rc=$?"
