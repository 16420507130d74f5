#!/bin/bash
# nsemu scenario: br_netfilter — IPv4 frames bridged between two ports traverse iptables'
# FORWARD in the bridge's namespace as `-i br0 -o br0` when bridge-nf-call-iptables is 1 (the
# default in a new namespace); FORWARD DROP then breaks the bridge, ARP still passes, and
# setting the sysctl to 0 takes iptables out of the bridged path.
# Recorded on the real kernel by scripts/record.ts (expected/iptables-bridge.out; never edit by hand).
# Runs in a fresh network namespace that plays the machine's root namespace.
ip link set lo up
[ "$(ip -o link show | wc -l)" = 1 ] || { echo "refusing to run: not a fresh network namespace (ip -o link must list lo only)" >&2; exit 2; }
NETNS="ibr_x ibr_y"
for n in $NETNS; do
  [ -e /var/run/netns/$n ] && { echo "refusing to run: netns $n already exists" >&2; exit 2; }
done
cleanup() { for n in $NETNS; do ip netns del $n 2>/dev/null; done; ip link del br0 2>/dev/null; }
trap cleanup EXIT
sysctl -q -w net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
ip netns add ibr_x
ip netns add ibr_y
for n in ibr_x ibr_y; do ip netns exec $n sysctl -q -w net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1; done
ip link add br0 type bridge
ip link set br0 up
ip link add px type veth peer name ex netns ibr_x
ip link add py type veth peer name ey netns ibr_y
ip link set px master br0
ip link set py master br0
ip link set px up
ip link set py up
ip -n ibr_x link set ex up
ip -n ibr_y link set ey up
ip -n ibr_x addr add 10.9.0.1/24 dev ex
ip -n ibr_y addr add 10.9.0.2/24 dev ey
sleep 3.5
echo "### bridge-nf-call-iptables: $(cat /proc/sys/net/bridge/bridge-nf-call-iptables)"
echo "### a counting rule for bridged ICMP"
iptables -A FORWARD -i br0 -o br0 -p icmp
iptables -A FORWARD -i px -p icmp
ip netns exec ibr_x ping -c 2 -i 0.2 -W 1 10.9.0.2 > /dev/null; echo "ping rc=$?"
iptables -L FORWARD -v -n
echo "### FORWARD DROP breaks the bridge"
iptables -Z
iptables -P FORWARD DROP
ip netns exec ibr_x ping -c 1 -W 1 10.9.0.2 > /dev/null; echo "ping rc=$?"
iptables -L FORWARD -v -n
ip -n ibr_x neigh show 10.9.0.2 | awk '{print $1, $NF}'
echo "### bridge-nf-call-iptables=0: iptables is out of the bridged path"
sysctl -w net.bridge.bridge-nf-call-iptables=0
iptables -Z
ip netns exec ibr_x ping -c 1 -W 1 10.9.0.2 > /dev/null; echo "ping rc=$?"
iptables -L FORWARD -v -n
