#!/bin/bash
# nsemu scenario: the iptables hooks a bridged IPv4 frame passes with br_netfilter:
# PREROUTING once as it enters (also when flooded to several ports, or passed up to the
# bridge's own address, where ip_rcv does not run it again), FORWARD and POSTROUTING for each
# port it leaves by, INPUT when the bridge itself is the destination.
# Recorded on the real kernel by scripts/record.ts (expected/br-nf-hooks.out; never edit by hand).
# Runs in a fresh network namespace that plays the machine's root namespace.
ip link set lo up
[ "$(ip -o link show | wc -l)" = 1 ] || { echo "refusing to run: not a fresh network namespace (ip -o link must list lo only)" >&2; exit 2; }
NETNS="bh_br bh_1 bh_2 bh_3"
for n in $NETNS; do
  [ -e /var/run/netns/$n ] && { echo "refusing to run: netns $n already exists" >&2; exit 2; }
done
cleanup() { for n in $NETNS; do ip netns del $n 2>/dev/null; done; }
trap cleanup EXIT
for n in $NETNS; do
  ip netns add $n
  ip netns exec $n sysctl -q -w net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
  ip -n $n link set lo up
done
ip -n bh_br link add br0 type bridge
ip -n bh_br addr add 10.6.6.1/24 dev br0
for i in 1 2 3; do
  ip link add e0 netns bh_$i type veth peer name p$i netns bh_br
  ip -n bh_$i addr add 10.6.6.1$i/24 dev e0
  ip -n bh_br link set p$i master br0
  ip -n bh_br link set p$i up
  ip -n bh_$i link set e0 up
  ip netns exec bh_$i sysctl -q -w net.ipv4.icmp_echo_ignore_broadcasts=0
done
ip -n bh_br link set br0 up
b() { ip netns exec bh_br "$@"; }
for c in PREROUTING INPUT FORWARD POSTROUTING; do b iptables -t mangle -A $c -p icmp; done
b iptables -t raw -A PREROUTING -p icmp
sleep 3
counters() { sleep 0.5; b iptables -t raw -L PREROUTING -v -n -x | tail -1; for c in PREROUTING INPUT FORWARD POSTROUTING; do echo "$c $(b iptables -t mangle -L $c -v -n -x | tail -1)"; done; }
echo "### two pings bridged from 1 to 2"
ip netns exec bh_1 ping -c 2 -i 0.3 -W 1 10.6.6.12 | grep transmitted
counters
echo "### a ping to the bridge's own address"
b iptables -t mangle -Z; b iptables -t raw -Z
ip netns exec bh_1 ping -c 1 -W 1 10.6.6.1 | grep transmitted
counters
echo "### a broadcast ping: flooded to two ports and passed up"
b iptables -t mangle -Z; b iptables -t raw -Z
ip netns exec bh_1 ping -b -c 1 -W 1 10.6.6.255 2>/dev/null | grep -E "transmitted"
counters
