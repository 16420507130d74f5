#!/bin/bash
# nsemu scenario: /sys/class/net, /proc/sys/net, sysctl and ethtool.
# Recorded on the real kernel by scripts/record.ts (expected/sysfs-proc.out; never edit by hand).
# Shows: /sys/class/net/DEV/{ifindex,iflink,address,operstate,carrier,mtu,type,flags,...} as a
# veth pair goes from down to up and loses its peer (carrier of a down device: EINVAL); each
# namespace sees its own /sys/class/net and /proc/sys/net; writing /proc/sys/net/ipv4/ip_forward
# switches conf/all and every device's forwarding; `sysctl` reads, `-n`, `-w`, several keys, `-q`;
# a new namespace's values (inherited from the machine's: here ip_forward=0, rp_filter=0);
# `ethtool DEV`, `-i`, `-S` (peer_ifindex follows moves).
# Runs in a fresh network namespace that plays the machine's root namespace ("the host"): the
# recorder's sandbox, or nsemu. `sleep 3.5` lets link state settle after changes.
ip link set lo up
[ "$(ip -o link show | wc -l)" = 1 ] || { echo "refusing to run: not a fresh network namespace (ip -o link must list lo only)" >&2; exit 2; }
NETNS="sf_a"
for n in $NETNS; do
  [ -e /var/run/netns/$n ] && { echo "refusing to run: netns $n already exists" >&2; exit 2; }
done
cleanup() { for n in $NETNS; do ip netns del $n 2>/dev/null; done; ip link del sf0 2>/dev/null; }
trap cleanup EXIT

show() {  # show DEV: one line of sysfs values
  local d=/sys/class/net/$1
  echo "$1: ifindex=$(cat $d/ifindex) iflink=$(cat $d/iflink) type=$(cat $d/type) mtu=$(cat $d/mtu) operstate=$(cat $d/operstate) carrier=$(cat $d/carrier 2>&1) flags=$(cat $d/flags) dormant=$(cat $d/dormant 2>&1) addr_len=$(cat $d/addr_len) tx_queue_len=$(cat $d/tx_queue_len) addr_assign_type=$(cat $d/addr_assign_type)"
}

ip link add sf0 type veth peer name sf1
echo "### /sys/class/net"
ls /sys/class/net
show lo
show sf0
show sf1
echo "### address and broadcast"
ip link set sf1 address 02:00:00:00:02:12
cat /sys/class/net/sf1/address /sys/class/net/sf1/broadcast
[ "$(cat /sys/class/net/sf0/address)" = "$(ip -br link show sf0 | awk '{print $3}')" ] && echo "sf0 address = ip link's"
echo "### sf0 up (peer down), then both up"
ip link set sf0 up
sleep 3.5
show sf0
ip link set sf1 up
sleep 3.5
show sf0
show sf1
echo "### sf1 into sf_a: each namespace has its own /sys/class/net"
ip netns add sf_a
ip link set sf1 netns sf_a
sleep 3.5
ls /sys/class/net
ip netns exec sf_a ls /sys/class/net
show sf0
ip netns exec sf_a cat /sys/class/net/sf1/ifindex /sys/class/net/sf1/iflink /sys/class/net/sf1/operstate
ls /sys/class/net/sf1 2>&1; echo "rc=$?"

echo "### ethtool"
ethtool sf0
ethtool -i sf0
ethtool -S sf0
ip netns exec sf_a ethtool -S sf1 | head -2
ip netns exec sf_a ip link set sf1 up
sleep 3.5
ethtool sf0 | tail -1

echo "### /proc/sys/net/ipv4: read, write, and what follows"
cat /proc/sys/net/ipv4/ip_forward
cat /proc/sys/net/ipv4/conf/all/forwarding /proc/sys/net/ipv4/conf/default/forwarding /proc/sys/net/ipv4/conf/sf0/forwarding
echo 1 > /proc/sys/net/ipv4/ip_forward
cat /proc/sys/net/ipv4/ip_forward
cat /proc/sys/net/ipv4/conf/all/forwarding /proc/sys/net/ipv4/conf/default/forwarding /proc/sys/net/ipv4/conf/sf0/forwarding /proc/sys/net/ipv4/conf/lo/forwarding
echo "### ...but only in this namespace"
ip netns exec sf_a cat /proc/sys/net/ipv4/ip_forward
echo "### sysctl"
sysctl net.ipv4.ip_forward
sysctl -n net.ipv4.ip_forward
sysctl -w net.ipv4.ip_forward=0
sysctl net.ipv4.conf.all.forwarding net.ipv4.conf.sf0.forwarding
sysctl -w net.ipv4.conf.sf0.rp_filter=2 net.ipv4.conf.sf0.proxy_arp=1
cat /proc/sys/net/ipv4/conf/sf0/rp_filter /proc/sys/net/ipv4/conf/sf0/proxy_arp
sysctl net/ipv4/conf/sf0/rp_filter
sysctl -q -w net.ipv4.conf.sf0.proxy_arp=0; echo "rc=$?"
sysctl -n net.ipv4.conf.sf0.proxy_arp
sysctl -w net.ipv4.conf.default.rp_filter=1
ip link add sf2 type veth peer name sf3
sysctl net.ipv4.conf.sf2.rp_filter net.ipv4.conf.sf3.rp_filter net.ipv4.conf.sf0.rp_filter
ip link del sf2
echo "### a new namespace's values, and per-device neighbour parameters"
ip netns exec sf_a sysctl net.ipv4.ip_forward net.ipv4.conf.all.rp_filter net.ipv4.conf.default.rp_filter net.ipv4.ip_default_ttl net.ipv4.icmp_echo_ignore_broadcasts net.ipv4.ping_group_range
ip netns exec sf_a sysctl net.ipv4.conf.sf1.forwarding net.ipv4.conf.sf1.rp_filter net.ipv4.conf.sf1.accept_local net.ipv4.conf.sf1.arp_ignore net.ipv4.conf.sf1.arp_announce
ip netns exec sf_a sysctl net.ipv6.conf.sf1.disable_ipv6 net.ipv6.conf.sf1.accept_dad
cat /proc/sys/net/ipv4/neigh/sf0/base_reachable_time_ms /proc/sys/net/ipv4/neigh/sf0/delay_first_probe_time /proc/sys/net/ipv4/neigh/sf0/retrans_time_ms /proc/sys/net/ipv4/neigh/sf0/ucast_solicit /proc/sys/net/ipv4/neigh/sf0/mcast_solicit /proc/sys/net/ipv4/neigh/sf0/gc_stale_time
sysctl net.ipv4.neigh.sf0.base_reachable_time_ms net.ipv4.neigh.lo.retrans_time_ms
echo "### the TTL sysctl shows in ping's replies"
ip addr add 10.212.1.1/24 dev sf0
ip -n sf_a addr add 10.212.1.2/24 dev sf1
ip netns exec sf_a sysctl -q -w net.ipv4.ip_default_ttl=33
sleep 3.5
ping -c 1 -W 1 10.212.1.2 | grep ttl=
