#!/bin/bash
# nsemu scenario: two hosts behind one MASQUERADE router ping the same destination with the
# same ICMP identifier (ping -e). The second flow would clash on the outside, so NAT gives it
# another identifier (nf_nat_l4proto_unique_tuple); both get their replies back. Also ping -e's
# argument errors.
# Recorded on the real kernel by scripts/record.ts (expected/nat-id-clash.out; never edit by hand).
# Runs in a fresh network namespace that plays the machine's root namespace.
ip link set lo up
[ "$(ip -o link show | wc -l)" = 1 ] || { echo "refusing to run: not a fresh network namespace (ip -o link must list lo only)" >&2; exit 2; }
NETNS="nc_a nc_b nc_r nc_s"
for n in $NETNS; do
  [ -e /var/run/netns/$n ] && { echo "refusing to run: netns $n already exists" >&2; exit 2; }
done
cleanup() { for n in $NETNS; do ip netns del $n 2>/dev/null; done; }
trap cleanup EXIT
echo "### ping -e"
ping -c 1 -e 70000 127.0.0.1; echo "rc=$?"
ping -c 1 -e abc 127.0.0.1; echo "rc=$?"
ping -c 1 -e -5 127.0.0.1; echo "rc=$?"
ping -c 1 -e 0 127.0.0.1 | grep -E "^64 bytes"
for n in $NETNS; do
  ip netns add $n
  ip netns exec $n sysctl -q -w net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
  ip -n $n link set lo up
done
# a (192.168.5.2) and b (192.168.6.2) - r - s (10.8.0.2); r masquerades out of o0
ip link add e0 netns nc_a type veth peer name ia netns nc_r
ip link add e0 netns nc_b type veth peer name ib netns nc_r
ip link add o0 netns nc_r type veth peer name e0 netns nc_s
ip -n nc_a addr add 192.168.5.2/24 dev e0; ip -n nc_r addr add 192.168.5.1/24 dev ia
ip -n nc_b addr add 192.168.6.2/24 dev e0; ip -n nc_r addr add 192.168.6.1/24 dev ib
ip -n nc_r addr add 10.8.0.1/24 dev o0; ip -n nc_s addr add 10.8.0.2/24 dev e0
for d in ia ib o0; do ip -n nc_r link set $d up; done
for n in nc_a nc_b nc_s; do ip -n $n link set e0 up; done
ip -n nc_a route add default via 192.168.5.1
ip -n nc_b route add default via 192.168.6.1
ip netns exec nc_r sysctl -q -w net.ipv4.ip_forward=1
ip netns exec nc_r iptables -t nat -A POSTROUTING -o o0 -j MASQUERADE
sleep 2
echo "### the same identifier from both hosts"
ip netns exec nc_a ping -c 3 -i 0.3 -e 777 10.8.0.2 | grep -E "^64 bytes|transmitted" &
sleep 0.1
ip netns exec nc_b ping -c 3 -i 0.3 -e 777 10.8.0.2 | grep -E "^64 bytes|transmitted" &
wait
# per flow: was the identifier kept on the outside?
ip netns exec nc_r conntrack -L 2>/dev/null | sed -E 's/^icmp +1 [0-9]+ //' | awk '{ split($5, o, "="); split($10, r, "="); print $1, $2, $6, $7, (o[2] == r[2] ? "id kept" : "id changed") }' | sort
