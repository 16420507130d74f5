#!/bin/bash
# nsemu scenario: ICMP redirects on a LAN (the texts test/snmp.test.ts used to hold).
# Recorded on the real kernel by scripts/record.ts (expected/snmp-redirects.out; never edit by hand).
# Shows: a host h whose default router r sends it to g for 10.8.9.1: with accept_redirects 0 on h,
# r sends Redirect Host with exponential backoff (20 ms << n), 9 at most while h keeps needing them
# (IcmpOutRedirects), and still forwards; tcpdump -v shows the redirect with the packet it quotes
# (ttl already decremented). The exception a host takes is snmp-redirect-expiry.sh.
# Each part gets a LAN of its own: a bridge sdbrK in the host (no multicast snooping) with
# namespaces sdh_K (.2), sdr_K (.1, forwarding) and sdg_K (.3, with 10.8.9.1/32 on lo).
# Runs in a fresh network namespace that plays the machine's root namespace ("the host"): the
# recorder's sandbox, or nsemu. `sleep 3.5` lets link state settle after changes.
ip link set lo up
[ "$(ip -o link show | wc -l)" = 1 ] || { echo "refusing to run: not a fresh network namespace (ip -o link must list lo only)" >&2; exit 2; }
NETNS="sdh_1 sdr_1 sdg_1 sdh_2 sdr_2 sdg_2"
for n in $NETNS; do
  [ -e /var/run/netns/$n ] && { echo "refusing to run: netns $n already exists" >&2; exit 2; }
done
T=$(mktemp -d)
cleanup() { for n in $NETNS; do ip netns del $n 2>/dev/null; done; for k in 1 2; do ip link del sdbr$k 2>/dev/null; done; rm -rf "$T"; }
trap cleanup EXIT
lan() {
  local k=$1 n
  ip link add sdbr$k type bridge mcast_snooping 0; ip link set sdbr$k up
  for n in h r g; do
    ip netns add sd${n}_$k
    ip netns exec sd${n}_$k sysctl -q -w net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
    ip -n sd${n}_$k link set lo up
    ip link add sd$n$k type veth peer name e0 netns sd${n}_$k
    ip link set sd$n$k master sdbr$k; ip link set sd$n$k up; ip -n sd${n}_$k link set e0 up
  done
  ip -n sdh_$k addr add 10.8.1.2/24 dev e0; ip -n sdr_$k addr add 10.8.1.1/24 dev e0; ip -n sdg_$k addr add 10.8.1.3/24 dev e0
  ip -n sdg_$k addr add 10.8.9.1/32 dev lo
  ip netns exec sdr_$k sysctl -q -w net.ipv4.ip_forward=1
  ip -n sdh_$k route add default via 10.8.1.1
  ip -n sdr_$k route add 10.8.9.1/32 via 10.8.1.3
}
lan 1; lan 2
sleep 3.5

echo "### backoff: h ignores redirects and keeps needing them"
ip netns exec sdh_1 sysctl -q -w net.ipv4.conf.all.accept_redirects=0 net.ipv4.conf.e0.accept_redirects=0
ip netns exec sdh_1 ping -c 70 -i 0.2 10.8.9.1 > $T/ping
# the 8th and 9th redirects (20 ms << 7 and << 8 after the one before) fall within 80 ms of a
# ping's send time, too close for a loaded machine to keep: their count, not their seqs
grep Redirect $T/ping | head -7; echo "redirects: $(grep -c Redirect $T/ping)"; grep transmitted $T/ping
NSTAT_HISTORY=$T/h ip netns exec sdr_1 nstat -as 'Icmp*Redir*'
ip netns exec sdh_1 ping -c 1 10.8.9.1 | grep -E "Redirect|transmitted"

echo "### tcpdump -v on h"
ip netns exec sdh_2 timeout 5 tcpdump -l -n -v -i e0 icmp 2>/dev/null &
sleep 2
ip netns exec sdh_2 ping -c 1 10.8.9.1 >/dev/null
wait
