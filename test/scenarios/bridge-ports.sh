#!/bin/bash
# nsemu scenario: three namespaces on one Linux bridge; ports going down/up; removing every port;
# namespaces deleted while their veth is a bridge port.
# Recorded on the real kernel by scripts/record.ts (expected/bridge-ports.out; never edit by hand).
# Shows: `brctl show` (ports in name order), the bridge taking the lowest port MAC, pings
# between every pair of namespaces through br0, `brctl showmacs` and `bridge fdb show ...
# dynamic` (learned entries on the right ports), `bridge link` states (forwarding/disabled), a
# port set down losing its learned entries and coming back, the bridge's carrier following its
# forwarding ports, a deleted namespace's veth leaving the bridge, and the bridge MAC
# 00:00:00:00:00:00 with NO-CARRIER once every port is gone.
# IPv6 is disabled in the namespaces so that no DAD/MLD frames teach the bridge anything the
# pings do not; port MACs are fixed so that the bridge MAC and sort orders are deterministic.
ip link set lo up
[ "$(ip -o link show | wc -l)" = 1 ] || { echo "refusing to run: not a fresh network namespace (ip -o link must list lo only)" >&2; exit 2; }
NETNS="bp_a bp_b bp_c"
for n in $NETNS; do
  [ -e /var/run/netns/$n ] && { echo "refusing to run: netns $n already exists" >&2; exit 2; }
done
cleanup() { for n in $NETNS; do ip netns del $n 2>/dev/null; done; ip link del br0 2>/dev/null; }
trap cleanup EXIT

brctl addbr br0
echo "### empty bridge"
brctl show
i=0
for n in a b c; do
  i=$((i+1))
  ip netns add bp_$n
  ip netns exec bp_$n sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
  ip netns exec bp_$n ip link set lo up
  ip link add br-$n address 02:00:00:00:0$i:0$i type veth peer name eth0 netns bp_$n address 02:00:00:00:0$i:a0
  brctl addif br0 br-$n
  ip link set br-$n up
  ip -n bp_$n addr add 10.9.0.$i/24 dev eth0
  ip -n bp_$n link set eth0 up
done
ip link set br0 up
sleep 3.5  # settle
echo "### ip link"
ip link
echo "### brctl show"
brctl show
echo "### bridge link"
bridge link
echo "### pings between every pair"
for s in 1 2 3; do for d in 1 2 3; do
  [ $s = $d ] && continue
  n=$(echo x a b c | cut -d' ' -f$((s+1)))
  ip netns exec bp_$n ping -c 1 -W 1 10.9.0.$d > /dev/null; echo "bp_$n -> 10.9.0.$d rc=$?"
done; done
echo "### brctl showmacs br0"
brctl showmacs br0 | sort -k1,1n -k2,2 | cut -f1-3
echo "### bridge fdb show br br0 dynamic"
bridge fdb show br br0 dynamic | sort
echo "### port br-b down"
ip link set br-b down
sleep 3.5  # settle
bridge link
brctl showmacs br0 | sort -k1,1n -k2,2 | cut -f1-3
ip netns exec bp_a ping -c 1 -W 1 10.9.0.2 > /dev/null; echo "bp_a -> 10.9.0.2 rc=$?"
echo "### port br-b up again"
ip link set br-b up
sleep 3.5  # settle
bridge link
ip netns exec bp_a ping -c 1 -W 1 10.9.0.2 > /dev/null; echo "bp_a -> 10.9.0.2 rc=$?"
bridge fdb show br br0 dynamic | sort
echo "### ip netns del bp_a (its veth br-a is a port)"
ip netns del bp_a
sleep 3.5  # settle
brctl show
ip link show br0
bridge fdb show br br0 | grep -v self | sort
echo "### remove every port"
brctl delif br0 br-b
ip link set br-c nomaster
sleep 3.5  # settle
brctl show
ip link show br0
brctl showmacs br0
echo "### the namespaces can no longer reach each other"
ip netns exec bp_c ping -c 1 -W 1 10.9.0.2; echo "ping rc=$?"
