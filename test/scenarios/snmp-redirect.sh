#!/bin/bash
# nsemu scenario: the IPv4 SNMP counters (nstat, /proc/net/snmp, /proc/net/netstat) of a router
# and a host after pings through the router, a TTL running out, no route at the router (ip_error's
# rate limit shared with icmp_send's), no route at the host, a host that does not forward, and
# ICMP redirects: r1 sends h1 "Redirect Host" for a destination behind r2 on the same LAN and
# still forwards; h1 resolves r2, takes the second redirect as a nexthop exception (`ip route get`:
# `cache <redirected> expires …`) and then goes straight to r2. accept_redirects 0 on h1 ignores
# them; send_redirects 0 on r1 stops them.
# Recorded on the real kernel by scripts/record.ts (expected/snmp-redirect.out; never edit by hand).
# Runs in a fresh network namespace that plays the machine's root namespace.
ip link set lo up
[ "$(ip -o link show | wc -l)" = 1 ] || { echo "refusing to run: not a fresh network namespace (ip -o link must list lo only)" >&2; exit 2; }
NETNS="sr_sw sr_h1 sr_r1 sr_r2 sr_h3 sr_h4"
for n in $NETNS; do
  [ -e /var/run/netns/$n ] && { echo "refusing to run: netns $n already exists" >&2; exit 2; }
done
# nstat keeps one history file per namespace, in a directory of our own
HIST=$(mktemp -d)
cleanup() { for n in $NETNS; do ip netns del $n 2>/dev/null; done; rm -rf "$HIST"; }
trap cleanup EXIT
nst() { n=$1; shift; NSTAT_HISTORY=$HIST/$n ip netns exec $n nstat "$@"; }
for n in $NETNS; do
  ip netns add $n
  ip netns exec $n sysctl -q -w net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
  ip -n $n link set lo up
done
# LAN 10.7.1.0/24 on a bridge in sr_sw (no multicast snooping: no IGMP reports): h1 .2, r1 .1,
# r2 .3; r1 -(10.7.2.0/24)- h3; r2 -(10.7.3.0/24)- h4. h1's default route is r1; r1 reaches
# 10.7.3.0/24 via r2, back out of the LAN interface.
ip -n sr_sw link add br0 type bridge mcast_snooping 0
ip -n sr_sw link set br0 up
port() { ip link add $2 netns $1 type veth peer name p_$1 netns sr_sw; ip -n sr_sw link set p_$1 master br0; ip -n sr_sw link set p_$1 up; ip -n $1 addr add $3 dev $2; ip -n $1 link set $2 up; }
port sr_h1 e0 10.7.1.2/24
port sr_r1 a0 10.7.1.1/24
port sr_r2 a0 10.7.1.3/24
link() { ip link add $2 netns $1 type veth peer name $4 netns $3; ip -n $1 addr add $5 dev $2; ip -n $3 addr add $6 dev $4; ip -n $1 link set $2 up; ip -n $3 link set $4 up; }
link sr_r1 b0 sr_h3 e0 10.7.2.1/24 10.7.2.2/24
link sr_r2 b0 sr_h4 e0 10.7.3.1/24 10.7.3.2/24
for r in sr_r1 sr_r2; do ip netns exec $r sysctl -q -w net.ipv4.ip_forward=1; done
ip -n sr_h1 route add default via 10.7.1.1
ip -n sr_h3 route add default via 10.7.2.1
ip -n sr_h4 route add default via 10.7.3.1
ip -n sr_r1 route add 10.7.3.0/24 via 10.7.1.3
ip -n sr_r1 route add 10.7.6.0/24 via 10.7.2.2
sleep 3.5
echo "### nothing counted yet"
for n in sr_h1 sr_r1; do nst $n; done
echo "### two pings through r1"
ip netns exec sr_h1 ping -c 2 -i 0.3 -W 1 10.7.2.2 | grep -E "^64 bytes|transmitted"
nst sr_r1
nst sr_h1
echo "### ttl 1: r1 answers time exceeded"
ip netns exec sr_h1 ping -c 1 -W 1 -t 1 10.7.2.2 | grep -E "^From|transmitted"
nst sr_r1
nst sr_h1
echo "### no route at r1: net unreachable, two of three (the third is rate limited)"
ip netns exec sr_h1 ping -c 3 -i 0.3 -W 1 10.7.99.1 | grep -E "^From|transmitted"
nst sr_r1
echo "### no route at h1"
ip -n sr_h1 route del default
ip netns exec sr_h1 ping -c 1 -W 1 10.7.99.1
ip -n sr_h1 route add default via 10.7.1.1
nst sr_h1
echo "### h3 does not forward: it drops what r1 sends it for 10.7.6.0/24"
ip netns exec sr_h1 ping -c 1 -W 1 10.7.6.1 | grep -E "^From|transmitted"
nst sr_h3 IpIn*
echo "### redirect: r1 forwards back out of a0 to r2, and tells h1"
ip -n sr_h1 route get 10.7.3.2
ip netns exec sr_h1 ping -c 3 -W 1 10.7.3.2
sleep 0.5
ip -n sr_h1 route get 10.7.3.2
nst sr_r1
nst sr_h1
echo "### now straight to r2"
ip netns exec sr_h1 ping -c 2 -i 0.3 -W 1 10.7.3.2 | grep -E "^From|^64 bytes|transmitted"
nst sr_r1
echo "### accept_redirects 0 on h1: redirects still come, and are ignored"
ip netns exec sr_h1 sysctl -q -w net.ipv4.conf.all.accept_redirects=0 net.ipv4.conf.e0.accept_redirects=0
ip netns exec sr_h1 ping -c 2 -i 0.3 -W 1 10.7.3.1 | grep -E "^From|^64 bytes|transmitted"
ip -n sr_h1 route get 10.7.3.1
echo "### send_redirects 0 on r1 (all and a0): no more redirects"
ip netns exec sr_r1 sysctl -q -w net.ipv4.conf.all.send_redirects=0 net.ipv4.conf.a0.send_redirects=0
ip netns exec sr_h1 ping -c 2 -i 0.3 -W 1 10.7.3.1 | grep -E "^From|^64 bytes|transmitted"
nst sr_r1 -s
echo "### the totals"
for n in sr_r1 sr_h1; do
  echo "## $n"
  ip netns exec $n cat /proc/net/snmp
  ip netns exec $n grep IpExt /proc/net/netstat
done
nst sr_r2 -a -s Ip*
nst sr_h4 -a -s -j
nst sr_h4 -asz 'Icmp*'
