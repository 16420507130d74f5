#!/bin/bash
# nsemu scenario: ip-netns — a command session, each command printed before it runs.
# Recorded on the real kernel by scripts/record.ts (expected/ip-netns-session.out; never edit by hand).
# Shows: the `ip netns` session of test/ip-netns.test.ts: `list` (plain, `-j`) and `list-id` as
# nsids get allocated by veth peers in other namespaces and set by `ip netns set` (its errors too),
# `identify`, `exec` failures, and what deleting a namespace does to the listings.
# Each command is printed as `$ cmd`, then its stdout and stderr, then `[rc=N]` when it fails.
# Runs in a fresh network namespace that plays the machine's root namespace ("the host"): the
# recorder's sandbox, or nsemu. `sleep 3.5` lets link state settle after changes.
ip link set lo up
[ "$(ip -o link show | wc -l)" = 1 ] || { echo "refusing to run: not a fresh network namespace (ip -o link must list lo only)" >&2; exit 2; }
NETNS="nn_a nn_b nn_c"
for n in $NETNS; do
  [ -e /var/run/netns/$n ] && { echo "refusing to run: netns $n already exists" >&2; exit 2; }
done
cleanup() { for n in $NETNS; do ip netns del $n 2>/dev/null; done; for d in nna nnb nnc nnd; do ip link del $d 2>/dev/null; done; }
trap cleanup EXIT
run() { echo "\$ $*"; "$@"; rc=$?; [ $rc = 0 ] || echo "[rc=$rc]"; }

run ip netns list
run ip netns add nn_a
run ip netns add nn_b
run ip netns add nn_c
run ip netns list
run ip netns
run ip -j netns list
run ip netns list-id
run ip netns identify
run ip -n nn_b netns identify
run ip netns add nn_a
run ip netns add x/y
run ip netns del zz
run ip netns exec zz true
run ip -n zz link
run ip netns exec nn_a nosuchcmd
run ip netns exec nn_a
run ip netns exec
run ip link add nna address 02:00:00:00:00:01 type veth peer name nnb address 02:00:00:00:00:02 netns nn_a
run ip netns list
run ip netns list-id
run ip -n nn_a netns list-id
run ip -n nn_a link show nnb
run ip -n nn_a netns list-id
run ip netns set nn_c 7
run ip netns set nn_b auto
run ip netns set nn_b 3
run ip netns set nn_a 7
run ip netns set nn_c 8
run ip netns set zz 1
run ip netns set nn_b x
run ip netns list
run ip netns list-id
run ip -j -p netns list-id
run ip netns list-id nsid 7
run ip -n nn_b link add nnc address 02:00:00:00:00:03 type veth peer name nnd address 02:00:00:00:00:04 netns nn_c
run ip -n nn_b netns list
run ip -n nn_b link show nnc
run ip -n nn_c link show nnd
run ip -n nn_c netns list
run ip netns del nn_c
run sleep 3.5
run ip netns list
run ip -n nn_b link show nnc
run ip netns del nn_a
run ip netns del nn_b
run ip netns list
run ip netns frob
