#!/bin/bash
# nsemu scenario: ip-link — a command session, each command printed before it runs.
# Recorded on the real kernel by scripts/record.ts (expected/ip-link-session.out; never edit by hand).
# Shows: the `ip link` session of test/ip-link.test.ts: veth pairs (one end in another namespace)
# and a bridge in every listing form (`-br -o -j -j -p -d`), up/down and the states each end shows,
# `master`/`nomaster`, `mtu`/`txqueuelen`/`alias`, a move with rename, and the errors of
# show/set/add/del.
# Each command is printed as `$ cmd`, then its stdout and stderr, then `[rc=N]` when it fails.
# Runs in a fresh network namespace that plays the machine's root namespace ("the host"): the
# recorder's sandbox, or nsemu. `sleep 3.5` lets link state settle after changes.
ip link set lo up
[ "$(ip -o link show | wc -l)" = 1 ] || { echo "refusing to run: not a fresh network namespace (ip -o link must list lo only)" >&2; exit 2; }
NETNS="il_a"
for n in $NETNS; do
  [ -e /var/run/netns/$n ] && { echo "refusing to run: netns $n already exists" >&2; exit 2; }
done
cleanup() { for n in $NETNS; do ip netns del $n 2>/dev/null; done; for d in ilx ily ilz ilw ilzz ilbr0 ilfoo; do ip link del $d 2>/dev/null; done; }
trap cleanup EXIT
run() { echo "\$ $*"; "$@"; rc=$?; [ $rc = 0 ] || echo "[rc=$rc]"; }

run ip netns add il_a
run ip link add ilx address 02:00:00:00:00:01 type veth peer name ily address 02:00:00:00:00:02
run ip link add ilz address 02:00:00:00:00:03 type veth peer name ilw address 02:00:00:00:00:04 netns il_a
run ip link add ilbr0 address 02:00:00:00:00:0b type bridge
run ip link
run ip -br link
run ip -o link
run ip -j link show ilx
run ip -j -p link show ilz
run ip -n il_a link
run ip link set ilx up
run sleep 3.5
run ip link show ilx
run ip link set ily up
run sleep 3.5
run ip link show
run ip -n il_a link set ilw up
run ip link set ilz up
run sleep 3.5
run ip link show ilz
run ip -n il_a -br link
run ip link set ilx master ilbr0
run ip link set ilbr0 up
run sleep 3.5
run ip link show master ilbr0
run ip -br link show type bridge
run ip link set ilx nomaster
run sleep 3.5
run ip link set ily mtu 9000 txqueuelen 500 alias "to ilx"
run ip link show ily
run ip -d link show lo
run ip link set ilz netns il_a name ilzz
run sleep 3.5
run ip -n il_a link
run ip link
run ip link show nodev
run ip link set nodev up
run sleep 3.5
run ip link add ilx type veth
run ip link add ilfoo
run ip link add ilfoo type dummy
run ip link set ily netns ghost
run ip link set ilbr0 netns il_a
run ip link set lo netns il_a
run ip link set ily mtu 70000
run ip link set ily address 01:00:00:00:00:01
run ip link set ily master nobr
run ip link set ily master ilx
run ip link set ilbr0 master ilbr0
run sleep 3.5
run ip link del lo
run ip link del ily
run sleep 3.5
run ip link
run ip link frob
