#!/bin/bash
# nsemu scenario: reverse-path filtering (rp_filter) on a router, for IPv4 packets it forwards and
# packets addressed to itself. 0 accepts anything; 1 (strict) drops a packet whose source would be
# routed back out of another interface; 2 (loose) accepts it when the source has a unicast route
# out of any interface, and drops it when it has none (an `unreachable` route counts as none).
# The value in force is max(conf/all, conf/DEV) of the input device; conf/default is what a new
# device starts with.
# The kernel caches input routes, so a value changed after traffic may apply late: every case
# gets its own fresh namespaces, and all their sysctls are set before any packet is sent.
# Each case: h1 has two links to the router (A: 10.6.1.0/24 on e0/a0, B: 10.6.2.0/24 on e1/b0)
# and 10.6.9.1/32 on lo; h2 sits behind the router (C: 10.6.3.0/24); h1 reaches 10.6.3.0/24 via
# link A only. Probes, all from h1, after a normal ping that resolves every neighbour:
#   fwd-asym   ping -I 10.6.2.2 10.6.3.2   out over A, the reply comes back over B
#   local-asym ping -I 10.6.2.2 10.6.1.1   the same, to the router itself
#   fwd-noroute ping -I 10.6.9.1 10.6.3.99 the router has no route to 10.6.9.1; if it forwards the
#              packet, it tries to resolve 10.6.3.99 (seen in its neighbour table)
# Recorded on the real kernel by scripts/record.ts (expected/rp-filter.out; never edit by hand).
# Runs in a fresh network namespace that plays the machine's root namespace.
ip link set lo up
[ "$(ip -o link show | wc -l)" = 1 ] || { echo "refusing to run: not a fresh network namespace (ip -o link must list lo only)" >&2; exit 2; }
CASES="1 2 3 4 5 6 7 8 9"
NETNS=""
for c in $CASES; do NETNS="$NETNS rp${c}_h1 rp${c}_r rp${c}_h2"; done
for n in $NETNS; do
  [ -e /var/run/netns/$n ] && { echo "refusing to run: netns $n already exists" >&2; exit 2; }
done
cleanup() { for n in $NETNS; do ip netns del $n 2>/dev/null; done; }
trap cleanup EXIT
link() { ip link add $2 netns $1 type veth peer name $4 netns $3; ip -n $1 addr add $5 dev $2; ip -n $3 addr add $6 dev $4; ip -n $1 link set $2 up; ip -n $3 link set $4 up; }
# build CASE ALL DEFAULT A0: the router's conf/all, conf/default (before its devices exist) and
# conf/a0 rp_filter (after); everything else in the three namespaces has rp_filter 0
build() {
  local h1=rp$1_h1 r=rp$1_r h2=rp$1_h2 n
  for n in $h1 $r $h2; do
    ip netns add $n
    ip netns exec $n sysctl -q -w net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
    ip netns exec $n sysctl -q -w net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.default.rp_filter=0
    ip -n $n link set lo up
  done
  ip netns exec $r sysctl -q -w net.ipv4.conf.all.rp_filter=$2 net.ipv4.conf.default.rp_filter=$3
  link $h1 e0 $r a0 10.6.1.2/24 10.6.1.1/24
  link $h1 e1 $r b0 10.6.2.2/24 10.6.2.1/24
  link $r c0 $h2 e0 10.6.3.1/24 10.6.3.2/24
  [ -n "$4" ] && ip netns exec $r sysctl -q -w net.ipv4.conf.a0.rp_filter=$4
  ip -n $h1 addr add 10.6.9.1/32 dev lo
  ip -n $h1 route add 10.6.3.0/24 via 10.6.1.1
  ip -n $h2 route add default via 10.6.3.1
  ip netns exec $r sysctl -q -w net.ipv4.ip_forward=1
}
probe() {
  echo "$1:"
  ip netns exec $2 ping -c 1 -W 1 "${@:3}" 2>&1 | grep -E "^From|^64 bytes|transmitted"
}
run() {
  local h1=rp$1_h1 r=rp$1_r
  echo "### case $1: $2"
  ip netns exec $r sysctl net.ipv4.conf.all.rp_filter net.ipv4.conf.default.rp_filter net.ipv4.conf.a0.rp_filter net.ipv4.conf.b0.rp_filter
  [ -n "$3" ] && ip -n $r route show $3
  probe plain $h1 10.6.3.2
  probe fwd-asym $h1 -I 10.6.2.2 10.6.3.2
  probe local-asym $h1 -I 10.6.2.2 10.6.1.1
  probe fwd-noroute $h1 -I 10.6.9.1 10.6.3.99
  echo "router neighbours on c0:"
  ip -n $r neigh show dev c0 | cut -d' ' -f1 | sort
}
build 1 0 0 ""
build 2 1 0 ""
build 3 0 0 1
build 4 2 0 ""
build 5 1 0 2
build 6 2 0 1
build 7 0 1 ""
build 8 2 0 ""
ip -n rp8_r route add default via 10.6.3.2
build 9 2 0 ""
ip -n rp9_r route add unreachable 10.6.9.0/24
sleep 3.5
run 1 "rp_filter 0: everything accepted"
run 2 "all=1 dev=0: strict"
run 3 "all=0 dev=1: strict"
run 4 "all=2 dev=0: loose"
run 5 "all=1 dev=2: max is 2, loose"
run 6 "all=2 dev=1: max is 2, loose"
run 7 "default=1 before the devices exist: they start strict"
run 8 "loose, and a default route covers 10.6.9.1 (out of c0)" default
run 9 "loose, and 10.6.9.0/24 is an unreachable route" 10.6.9.0/24
