#!/bin/bash
# nsemu scenario: the per-device ARP and ICMP sysctls on a two-homed namespace: arp_ignore
# 0/1/2 (answering for an address of another device, or from another subnet), arp_announce
# 0/1/2 (the sender address of its own requests), icmp_echo_ignore_all and
# icmp_echo_ignore_broadcasts, and the max(all, dev) rule.
# Recorded on the real kernel by scripts/record.ts (expected/arp-sysctls.out; never edit by hand).
# Runs in a fresh network namespace that plays the machine's root namespace.
ip link set lo up
[ "$(ip -o link show | wc -l)" = 1 ] || { echo "refusing to run: not a fresh network namespace (ip -o link must list lo only)" >&2; exit 2; }
NETNS="as_h as_r as_x"
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
# h (10.6.0.2, 10.6.7.2) -e0/a0- r (10.6.0.1 on a0; 10.6.1.1 on b0) -b0/e0- x (10.6.1.2)
ip link add e0 netns as_h type veth peer name a0 netns as_r
ip link add b0 netns as_r type veth peer name e0 netns as_x
ip -n as_h addr add 10.6.0.2/24 dev e0
ip -n as_h addr add 10.6.7.2/24 dev e0
ip -n as_r addr add 10.6.0.1/24 dev a0
ip -n as_r addr add 10.6.1.1/24 dev b0
ip -n as_x addr add 10.6.1.2/24 dev e0
ip -n as_h link set e0 up; ip -n as_r link set a0 up; ip -n as_r link set b0 up; ip -n as_x link set e0 up
# h thinks r's other subnet is on its link (pings wait 1.5 s: never at the instant of an ARP retransmission)
ip -n as_h route add 10.6.1.0/24 dev e0
r() { ip netns exec as_r "$@"; }
h() { ip netns exec as_h "$@"; }
# r knows h for good: its own ARP probes toward h would race with the script's timing
r ip neigh replace 10.6.0.2 lladdr $(h cat /sys/class/net/e0/address) dev a0 nud permanent
sleep 2
try() { h ip neigh flush dev e0; h ping -c 1 -W 1.5 "$@" | grep -E "^64 bytes|transmitted"; h ip neigh show dev e0; }
for v in 0 1 2; do
  echo "### arp_ignore=$v on a0"
  r sysctl -q -w net.ipv4.conf.a0.arp_ignore=$v
  echo "-- for 10.6.0.1 (a0's own), asked from 10.6.0.2"
  try 10.6.0.1
  echo "-- for 10.6.1.1 (b0's), asked from 10.6.0.2"
  try 10.6.1.1
  echo "-- for 10.6.0.1, asked from 10.6.7.2 (another subnet)"
  h ip neigh flush dev e0; h ping -c 1 -W 1 -I 10.6.7.2 10.6.0.1 >/dev/null; h ip neigh show dev e0
done
echo "### conf.all.arp_ignore=1 wins over a0's 0"
r sysctl -q -w net.ipv4.conf.a0.arp_ignore=0 net.ipv4.conf.all.arp_ignore=1
try 10.6.1.1
h ip neigh flush dev e0
r sysctl -q -w net.ipv4.conf.all.arp_ignore=0
for v in 0 1 2; do
  echo "### arp_announce=$v on a0: r pings h from 10.6.1.1"
  r sysctl -q -w net.ipv4.conf.a0.arp_announce=$v
  r ip neigh del 10.6.0.2 dev a0
  cap=$(mktemp)
  h tcpdump -n -l -i e0 -c 1 arp >$cap 2>/dev/null &
  sleep 0.5
  r ping -c 1 -W 1 -I 10.6.1.1 10.6.0.2 | grep -E "transmitted"
  wait
  sed -E 's/^[0-9:.]+ //' $cap; rm -f $cap
done
echo "### icmp_echo_ignore_all"
r sysctl -q -w net.ipv4.icmp_echo_ignore_all=1
h ping -c 1 -W 1 10.6.0.1 | grep transmitted
r sysctl -q -w net.ipv4.icmp_echo_ignore_all=0
echo "### icmp_echo_ignore_broadcasts"
r sysctl net.ipv4.icmp_echo_ignore_broadcasts
h ping -b -c 1 -W 1 10.6.0.255 2>&1 | grep -E "^WARNING|^64 bytes|transmitted"
r sysctl -q -w net.ipv4.icmp_echo_ignore_broadcasts=0
h ping -b -c 1 -W 1 10.6.0.255 2>&1 | grep -E "^WARNING|^64 bytes|transmitted"
