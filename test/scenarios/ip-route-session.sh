#!/bin/bash
# nsemu scenario: ip-route — a command session, each command printed before it runs.
# Recorded on the real kernel by scripts/record.ts (expected/ip-route-session.out; never edit by hand).
# Shows: the `ip route` session of test/ip-route.test.ts: add forms (`via`, `metric`, `onlink`,
# `src`, `scope`, `proto`, blackhole/unreachable/prohibit/throw, defaults), listing filters (`dev
# proto type match root exact table`, `-j -o`), `ip route get` for each kind of route, the errors of
# add/del/change, `replace`/`change`/`append`/`del`/`flush`, and the routes of a device going down;
# then `ip -s [-s] route flush`.
# Each command is printed as `$ cmd`, then its stdout and stderr, then `[rc=N]` when it fails.
# Runs in a fresh network namespace that plays the machine's root namespace ("the host"): the
# recorder's sandbox, or nsemu. `sleep 3.5` lets link state settle after changes.
ip link set lo up
[ "$(ip -o link show | wc -l)" = 1 ] || { echo "refusing to run: not a fresh network namespace (ip -o link must list lo only)" >&2; exit 2; }
NETNS="rt_a"
for n in $NETNS; do
  [ -e /var/run/netns/$n ] && { echo "refusing to run: netns $n already exists" >&2; exit 2; }
done
cleanup() { for n in $NETNS; do ip netns del $n 2>/dev/null; done; for d in rt0 rt1 rtf0; do ip link del $d 2>/dev/null; done; }
trap cleanup EXIT
run() { echo "\$ $*"; "$@"; rc=$?; [ $rc = 0 ] || echo "[rc=$rc]"; }

run sysctl -q -w net.ipv6.conf.default.disable_ipv6=1
run ip netns add rt_a
run ip link add rt0 address 02:00:00:00:00:01 type veth peer name rt1 address 02:00:00:00:00:02 netns rt_a
run ip addr add 10.1.1.1/24 dev rt0
run ip addr add 10.1.2.1/24 dev rt0
run ip link set rt0 up
run ip -n rt_a link set rt1 up
run sleep 3.5
run ip route add 10.2.1.0/24 via 10.1.1.2
run ip route add 10.2.2.0/24 via 10.1.1.2 dev rt0 metric 10
run ip route add 10.2.2.0/24 via 10.1.1.3 metric 20
run ip route add 10.2.3.0/24 dev rt0
run ip route add 10.2.4.0/24 via 10.9.0.1 dev rt0 onlink
run ip route add 10.2.5.0/24 via 10.1.1.2 src 10.1.2.1
run ip route add 10.2.6.0/24 dev rt0 scope host
run ip route add 10.2.7.0/24 via 10.1.1.2 proto static
run ip route add 10.2.8.1 via 10.1.1.2 proto 99
run ip route add blackhole 10.3.1.0/24
run ip route add unreachable 10.3.2.0/24
run ip route add prohibit 10.3.3.0/24
run ip route add throw 10.3.4.0/24
run ip route add default via 10.1.1.254
run ip route add default via 10.1.1.2 metric 100
run ip route
run ip route show dev rt0
run ip route show proto kernel
run ip route show type unreachable
run ip route list match 10.2.2.7
run ip route show root 10.2.0.0/16
run ip route show exact 10.2.2.0/24
run ip route show table local
run ip -j route show 10.2.2.0/24
run ip -j -p route show 10.2.4.0/24
run ip -o route show scope link
run ip route get 10.1.1.1
run ip route get 10.1.1.2
run ip route get 10.1.1.255
run ip route get 10.2.2.7
run ip route get 10.2.4.1
run ip route get 10.2.5.9
run ip route get 192.0.2.1 from 10.1.2.1
run ip route get 10.2.3.9 oif rt0
run ip route get 10.3.1.1
run ip route get 10.3.2.1
run ip route get 10.3.3.1
run ip route get 10.3.4.1
run ip -j route get 10.2.2.7
run ip route add 10.2.1.0/24 via 10.1.1.2
run ip route add 10.4.0.0/24 via 10.99.0.1
run ip route add 10.4.0.5/16 dev rt0
run ip route add 10.4.0.0/24 dev nodev
run ip route add 10.4.0.0/24 dev rt0 src 10.9.9.9
run ip route add 10.4.0.0/24
run ip route del 10.4.0.0/24
run ip route change 10.4.0.0/24 dev rt0
run ip route add blackhole 10.4.1.0/24 dev rt0
run ip route add 10.4.2.0/24 via 10.1.1.2 scope host
run ip route replace 10.2.1.0/24 via 10.1.1.3
run ip route change 10.2.3.0/24 via 10.1.1.2
run ip route append 10.2.3.0/24 via 10.1.1.3
run ip route del 10.2.2.0/24 metric 20
run ip route del 10.2.7.0/24 via 10.1.1.2
run ip route del default metric 100
run ip route del blackhole 10.3.1.0/24
run ip route
run ip route flush proto 99
run ip route flush dev rt0 proto boot
run ip route
run ip route flush
run ip link set rt0 down
run sleep 3.5
run ip route
run ip route show table local
echo "### ip -s [-s] route flush"
run ip link add rtf0 type veth peer name rtf1
run ip addr add 10.6.1.1/24 dev rtf0
run ip link set rtf0 up
run ip link set rtf1 up
run sleep 3.5
run ip route add 10.6.2.0/24 via 10.6.1.2
run ip route add 10.6.3.0/24 via 10.6.1.2 metric 5
run ip -s -s route flush dev rtf0 proto boot
run ip -s route flush dev rtf0
run ip -s route flush dev rtf0
