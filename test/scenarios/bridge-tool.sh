#!/bin/bash
# nsemu scenario: the `bridge` tool (iproute2 6.1): link and fdb, plain and JSON, and its errors.
# Recorded on the real kernel by scripts/record.ts (expected/bridge-tool.out; never edit by hand).
# Shows: `bridge link` (the `@` names whatever local device has the peer's index; M-DOWN;
# states forwarding/disabled), `-d` port flags, `-j`/`-j -p`; `bridge fdb show` in dump order
# (per device by ifindex: bridge entries newest first, then the device's own `self permanent`
# multicast addresses), `br`/`dev`/`dynamic` filters, `-s` ages; `fdb add|replace|del ... master`
# (permanent/static) and their errors.
# IPv6 is disabled here and in the namespace (no random solicited-node groups, no DAD/MLD).
ip link set lo up
[ "$(ip -o link show | wc -l)" = 1 ] || { echo "refusing to run: not a fresh network namespace (ip -o link must list lo only)" >&2; exit 2; }
NETNS="bt_x"
for n in $NETNS; do
  [ -e /var/run/netns/$n ] && { echo "refusing to run: netns $n already exists" >&2; exit 2; }
done
cleanup() { for n in $NETNS; do ip netns del $n 2>/dev/null; done; ip link del br0 2>/dev/null; ip link del vc 2>/dev/null; }
trap cleanup EXIT
sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1

ip netns add bt_x
ip netns exec bt_x sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
ip link add br0 type bridge
ip link add va address 02:00:00:00:00:0a type veth peer name vb netns bt_x address 02:00:00:00:00:0b
ip link add vc address 02:00:00:00:00:0c type veth peer name vd address 02:00:00:00:00:0d
ip link set va master br0
ip link set vc master br0
ip link set br0 up
ip link set va up
ip -n bt_x link set vb up
ip link set vc up
ip -n bt_x addr add 10.6.0.1/24 dev vb
ip -n bt_x neigh add 10.6.0.2 lladdr 02:00:00:00:00:99 dev vb
ip netns exec bt_x ping -c 1 -W 1 10.6.0.2 > /dev/null; echo "ping rc=$?"
sleep 3.5  # settle
echo "### bridge link"
bridge link
echo "### bridge -d link show dev va"
bridge -d link show dev va
echo "### bridge -j link; bridge -j -p link show dev va"
bridge -j link
echo
bridge -j -p link show dev va
echo "### bridge fdb show"
bridge fdb show
echo "### bridge fdb show br br0"
bridge fdb show br br0
echo "### bridge fdb show dev va; bridge fdb show br br0 dynamic; -s; -j"
bridge fdb show dev va
bridge fdb show br br0 dynamic
bridge -s fdb show br br0 dynamic | sed 's/used [0-9]*\/[0-9]*/used N\/N/'
bridge -j fdb show br br0 dynamic
echo
echo "### fdb add / replace / del"
bridge fdb add 02:00:00:00:00:01 dev va master static; echo "rc=$?"
bridge fdb add 02:00:00:00:00:01 dev va master static; echo "rc=$?"
bridge fdb add 02:00:00:00:00:02 dev vc master; echo "rc=$?"
bridge fdb show br br0 | grep -v self
bridge fdb replace 02:00:00:00:00:01 dev vc master static; echo "rc=$?"
bridge fdb show br br0 | grep 02:00:00:00:00:01
bridge fdb del 02:00:00:00:00:01 dev vc master; echo "rc=$?"
bridge fdb del 02:00:00:00:00:01 dev vc master; echo "rc=$?"
brctl showmacs br0 | cut -f1-3
echo "### errors"
bridge fdb show br nobr; echo "rc=$?"
bridge link show dev nodev; echo "rc=$?"
bridge fdb add 02:00:00:00:00:03 dev nodev master; echo "rc=$?"
bridge foo; echo "rc=$?"
bridge -V
