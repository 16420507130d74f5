#!/bin/bash
# Lesson: a veth pair created straight into two namespaces, configured from shells inside them
#
# What to look for:
#   one side alone is NO-CARRIER, state DOWN, and its route is "linkdown" until the peer is up;
#   the host sees none of it and cannot reach 192.168.20.1 (rc=1);
#   net1 and net2 ping each other once both ends are up.
#
# Run it: nsemu run --example seed003-veth-two-ns    (explore afterwards: nsemu shell --load examples/seed003-veth-two-ns.sh)
# On a real Linux box, as root: bash examples/seed003-veth-two-ns.sh. Its output, normalised (MACs, times),
# is the recording shared/scenarios/expected/seed003-veth-two-ns.out; each section is headed by ### lines.
# ---- the tutorial scenario, as recorded on the real kernel, follows unchanged ----
# Source document: 003_b51114990cf69c3f.txt  (section "配置 network namespace 之间通信")
# Shows: `ip link add veth1 netns net1 type veth peer name veth2 netns net2` creates the pair
# directly inside two namespaces; each side is configured from a shell inside its namespace;
# the link stays NO-CARRIER/DOWN (and its route "linkdown") until the peer is up; the host
# sees none of it and cannot reach 192.168.20.1; net1 and net2 ping each other.
#
# Deviations from the document:
# * The document's "root namespace" commands run in a wrapper namespace "host" (safety). To
#   give it what the document's host has, a NIC "ens160" with 192.168.26.149/24 and
#   `default via 192.168.26.2 ... proto dhcp metric 100`, it gets a veth "ens160" whose peer
#   "ens160-peer" stays unplugged in "host" (no altname enp3s0). Nothing leaves the wrapper.
# * The interactive `ip netns exec net1 bash` sessions become here-documents fed to bash.
# * `ping ... -c 1` gets `-W 1`.
# * Settle pauses (`sleep 3.5`) before observations: see README ("Settling").

NETNS="host net1 net2"
for n in $NETNS; do
  [ -e /var/run/netns/$n ] && { echo "refusing to run: netns $n already exists" >&2; exit 2; }
done
cleanup() { for n in $NETNS; do ip netns del $n 2>/dev/null; done; }
trap cleanup EXIT

# wrapper "host" namespace standing in for the document's root namespace
ip netns add host
ip netns exec host ip link set lo up
ip netns exec host ip link add ens160 type veth peer name ens160-peer
ip netns exec host ip link set ens160-peer up
ip netns exec host ip link set ens160 up
ip netns exec host ip addr add 192.168.26.149/24 dev ens160 metric 100
ip netns exec host ip route add default via 192.168.26.2 dev ens160 proto dhcp src 192.168.26.149 metric 100

echo "### ip netns add net1; ip netns add net2; ip netns list"
ip netns add net1
ip netns add net2
ip netns list
echo "### ip link add veth1 netns net1 type veth peer name veth2 netns net2; ip link"
ip netns exec host ip link add veth1 netns net1 type veth peer name veth2 netns net2
ip netns exec host ip link
echo "### ip netns exec net1 ip link"
ip netns exec net1 ip link
echo "### ip netns exec net2 ip link"
ip netns exec net2 ip link

echo "### ip netns exec net1 bash"
ip netns exec net1 bash <<'SHELL'
ip address add 192.168.20.1/24 dev veth1
ip link set dev lo up
ip link set dev veth1 up
sleep 3.5  # settle (see README)
echo "### [net1] ip link (veth2 is still down)"
ip link
echo "### [net1] ip route"
ip route
echo "### [net1] ip a"
ip a
SHELL

echo "### ip netns exec net2 bash"
ip netns exec net2 bash <<'SHELL'
ip address add 192.168.20.2/24 dev veth2
ip link set dev veth2 up
ip link set dev lo up
sleep 3.5  # settle (see README)
echo "### [net2] ip link"
ip link
echo "### [net2] ip a"
ip a
echo "### [net2] ip route"
ip route
SHELL

echo "### ip netns exec net1 ip link (doc: veth1 UP now)"
ip netns exec net1 ip link

echo "### [host] ip link"
ip netns exec host ip link
echo "### [host] ip route"
ip netns exec host ip route
echo "### [host] ping 192.168.20.1 -c 1 (doc: fails, 100% packet loss)"
ip netns exec host ping 192.168.20.1 -c 1 -W 1; echo "ping rc=$?"

echo "### ip netns exec net1 ping -c 1 192.168.20.2 (doc: works)"
ip netns exec net1 ping -c 1 -W 1 192.168.20.2; echo "ping rc=$?"
echo "### ip netns exec net2 ping -c 1 192.168.20.1 (doc: works)"
ip netns exec net2 ping -c 1 -W 1 192.168.20.1; echo "ping rc=$?"
