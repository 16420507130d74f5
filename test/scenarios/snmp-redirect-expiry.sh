#!/bin/bash
# nsemu scenario: an ICMP redirect's nexthop exception expiring (a text test/snmp.test.ts used to hold).
# Recorded on the real kernel by scripts/record.ts (expected/snmp-redirect-expiry.out; never edit by hand).
# Shows: a host h whose default router r sends it to g for 10.8.9.1 takes the nexthop exception
# (`ip route get`: `cache <redirected> expires`), which expires after ip_rt_gc_timeout (300 s).
# The LAN: a bridge sebr1 in the host (no multicast snooping) with namespaces seh_1 (.2), ser_1
# (.1, forwarding) and seg_1 (.3, with 10.8.9.1/32 on lo).
# Runs in a fresh network namespace that plays the machine's root namespace ("the host"): the
# recorder's sandbox, or nsemu. `sleep 3.5` lets link state settle after changes.
ip link set lo up
[ "$(ip -o link show | wc -l)" = 1 ] || { echo "refusing to run: not a fresh network namespace (ip -o link must list lo only)" >&2; exit 2; }
NETNS="seh_1 ser_1 seg_1"
for n in $NETNS; do
  [ -e /var/run/netns/$n ] && { echo "refusing to run: netns $n already exists" >&2; exit 2; }
done
T=$(mktemp -d)
cleanup() { for n in $NETNS; do ip netns del $n 2>/dev/null; done; for k in 1; do ip link del sebr$k 2>/dev/null; done; rm -rf "$T"; }
trap cleanup EXIT
lan() {
  local k=$1 n
  ip link add sebr$k type bridge mcast_snooping 0; ip link set sebr$k up
  for n in h r g; do
    ip netns add se${n}_$k
    ip netns exec se${n}_$k sysctl -q -w net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
    ip -n se${n}_$k link set lo up
    ip link add se$n$k type veth peer name e0 netns se${n}_$k
    ip link set se$n$k master sebr$k; ip link set se$n$k up; ip -n se${n}_$k link set e0 up
  done
  ip -n seh_$k addr add 10.8.1.2/24 dev e0; ip -n ser_$k addr add 10.8.1.1/24 dev e0; ip -n seg_$k addr add 10.8.1.3/24 dev e0
  ip -n seg_$k addr add 10.8.9.1/32 dev lo
  ip netns exec ser_$k sysctl -q -w net.ipv4.ip_forward=1
  ip -n seh_$k route add default via 10.8.1.1
  ip -n ser_$k route add 10.8.9.1/32 via 10.8.1.3
}
lan 1
sleep 3.5

echo "### the exception expires after 300 s"
ip netns exec seh_1 ping -c 2 10.8.9.1 | grep -c Redirect
sleep 0.5
ip -n seh_1 route get 10.8.9.1
sleep 298
ip -n seh_1 -j route get 10.8.9.1
sleep 1
ip -n seh_1 route get 10.8.9.1
sleep 1
ip -n seh_1 route get 10.8.9.1
