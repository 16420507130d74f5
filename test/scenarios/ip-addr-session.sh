#!/bin/bash
# nsemu scenario: ip-addr — a command session, each command printed before it runs.
# Recorded on the real kernel by scripts/record.ts (expected/ip-addr-session.out; never edit by hand).
# Shows: the `ip address` session of test/ip-addr.test.ts: forms of add (`scope`, `label`, `brd +`,
# `local … broadcast`, `peer`, `metric`), listings in every form and filter (`-4 -6 -br -o -j -j -p
# -s`, `label`, `to`, `secondary`, `scope`), the prefix and local routes they make, errors, `del`,
# `flush` by scope/label/device.
# Each command is printed as `$ cmd`, then its stdout and stderr, then `[rc=N]` when it fails.
# Runs in a fresh network namespace that plays the machine's root namespace ("the host"): the
# recorder's sandbox, or nsemu. `sleep 3.5` lets link state settle after changes.
ip link set lo up
[ "$(ip -o link show | wc -l)" = 1 ] || { echo "refusing to run: not a fresh network namespace (ip -o link must list lo only)" >&2; exit 2; }
NETNS="ia_a"
for n in $NETNS; do
  [ -e /var/run/netns/$n ] && { echo "refusing to run: netns $n already exists" >&2; exit 2; }
done
cleanup() { for n in $NETNS; do ip netns del $n 2>/dev/null; done; for d in ia0 ia1; do ip link del $d 2>/dev/null; done; }
trap cleanup EXIT
run() { echo "\$ $*"; "$@"; rc=$?; [ $rc = 0 ] || echo "[rc=$rc]"; }

run sysctl -q -w net.ipv6.conf.default.disable_ipv6=1
run ip netns add ia_a
run ip link add ia0 address 02:00:00:00:00:01 type veth peer name ia1 address 02:00:00:00:00:02 netns ia_a
run ip link set ia0 up
run sleep 3.5
run ip -n ia_a link set ia1 up
run sleep 3.5
run ip addr add 10.0.5.1/32 dev ia0 scope link
run ip addr add 10.0.1.1/24 dev ia0
run ip addr add 10.0.1.2/24 dev ia0 label ia0:1
run ip addr add 10.0.2.1/24 brd + dev ia0
run ip addr add local 10.0.3.1/24 broadcast 10.0.3.127 dev ia0
run ip addr add 10.0.4.1 peer 10.0.4.2 dev ia0
run ip addr add 10.0.6.1/24 dev ia0 metric 50
run ip addr
run ip addr show dev ia0
run ip -4 addr
run ip -6 addr
run ip -br addr
run ip -br -4 addr show ia0
run ip -o addr show ia0
run ip -j addr show dev ia0
run ip -j -p addr show dev lo
run ip addr show ia0 label 'ia0:*'
run ip addr show to 10.0.1.0/24
run ip addr show secondary
run ip addr show scope link
run ip route
run ip route show table local
run ip -n ia_a addr
run ip -s addr show dev lo
run ip addr add 10.0.1.1/24 dev ia0
run ip addr add 300.1.1.1/24 dev ia0
run ip addr add 10.0.9.1/24 dev nodev
run ip addr add 10.0.9.1/24
run ip addr del 10.0.9.9/24 dev ia0
run ip addr show dev nodev
run ip addr flush
run ip addr del 10.0.1.1/24 dev ia0
run ip addr show dev ia0
run ip addr flush dev ia0 scope link
run ip addr flush dev ia0 label ia0
run ip addr show dev ia0
run ip addr flush dev ia0
run ip addr show dev ia0
run ip route
