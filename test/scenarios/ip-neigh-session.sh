#!/bin/bash
# nsemu scenario: ip-neigh — a command session, each command printed before it runs.
# Recorded on the real kernel by scripts/record.ts (expected/ip-neigh-session.out; never edit by hand).
# Shows: the `ip neigh` session of test/ip-neigh.test.ts: `add` with each `nud`, show filters and
# forms (`-j -br`, `get`), the errors of add/del/change, `change`/`replace`/`del`, and which entries
# `flush` keeps.
# Each command is printed as `$ cmd`, then its stdout and stderr, then `[rc=N]` when it fails.
# Runs in a fresh network namespace that plays the machine's root namespace ("the host"): the
# recorder's sandbox, or nsemu. `sleep 3.5` lets link state settle after changes.
ip link set lo up
[ "$(ip -o link show | wc -l)" = 1 ] || { echo "refusing to run: not a fresh network namespace (ip -o link must list lo only)" >&2; exit 2; }
NETNS="ng_a"
for n in $NETNS; do
  [ -e /var/run/netns/$n ] && { echo "refusing to run: netns $n already exists" >&2; exit 2; }
done
cleanup() { for n in $NETNS; do ip netns del $n 2>/dev/null; done; for d in ng0 ng1; do ip link del $d 2>/dev/null; done; }
trap cleanup EXIT
run() { echo "\$ $*"; "$@"; rc=$?; [ $rc = 0 ] || echo "[rc=$rc]"; }

run sysctl -q -w net.ipv6.conf.default.disable_ipv6=1
run ip netns add ng_a
run ip link add ng0 address 02:00:00:00:00:01 type veth peer name ng1 address 02:00:00:00:00:02 netns ng_a
run ip addr add 10.5.1.1/24 dev ng0
run ip link set ng0 up
run ip -n ng_a link set ng1 up
run sleep 3.5
run ip neigh add 10.5.1.10 lladdr 02:00:00:00:01:10 dev ng0
run ip neigh add 10.5.1.11 lladdr 02:00:00:00:01:11 dev ng0 nud reachable
run ip neigh add 10.5.1.12 lladdr 02:00:00:00:01:12 dev ng0 nud stale
run ip neigh add 10.5.1.13 lladdr 02:00:00:00:01:13 dev ng0 nud noarp
run ip neigh add 10.5.1.15 dev ng0 nud noarp
run ip neigh show 10.5.1.10
run ip neigh show 10.5.1.11
run ip neigh show 10.5.1.12
run ip neigh show nud noarp
run ip neigh show nud none
run ip neigh show dev ng0 10.5.1.12
run ip -j neigh show 10.5.1.10
run ip -br neigh show 10.5.1.10
run ip neigh get 10.5.1.10 dev ng0
run ip neigh get 10.5.1.99 dev ng0
run ip neigh add 10.5.1.10 lladdr 02:00:00:00:01:10 dev ng0
run ip neigh add 10.5.1.16 lladdr zz dev ng0
run ip neigh add 10.5.1.16 lladdr 02:00:00:00:01:16
run ip neigh add 10.5.1.16 lladdr 02:00:00:00:01:16 dev nodev
run ip neigh add 10.5.1.16 lladdr 02:00:00:00:01:16 dev ng0 nud bogus
run ip neigh del 10.5.1.99 dev ng0
run ip neigh change 10.5.1.98 lladdr 02:00:00:00:01:98 dev ng0
run ip neigh change 10.5.1.12 lladdr 02:00:00:00:01:32 dev ng0
run ip neigh show 10.5.1.12
run ip neigh change 10.5.1.11 dev ng0 nud stale
run ip neigh show 10.5.1.11
run ip neigh replace 10.5.1.10 lladdr 02:00:00:00:01:30 dev ng0
run ip neigh show 10.5.1.10
run ip neigh del 10.5.1.13 dev ng0
run ip neigh show 10.5.1.13
run ip neigh flush
run ip neigh flush dev ng0
run ip neigh show 10.5.1.10
run ip neigh show 10.5.1.11
run ip neigh show nud all 10.5.1.15
run ip neigh flush dev ng0 nud permanent
run ip neigh show nud all dev ng0
run ip neigh frob
