#!/bin/bash
# nsemu scenario: ethtool — a command session, each command printed before it runs.
# Recorded on the real kernel by scripts/record.ts (expected/ethtool-session.out; never edit by hand).
# Shows: the `ethtool` session of test/ethtool.test.ts: DEV, `-i`, `-S`, `-k` for a veth (down and
# up), a bridge and lo, and the errors (no device, no argument, an extra argument).
# Each command is printed as `$ cmd`, then its stdout and stderr, then `[rc=N]` when it fails.
# Runs in a fresh network namespace that plays the machine's root namespace ("the host"): the
# recorder's sandbox, or nsemu. `sleep 3.5` lets link state settle after changes.
ip link set lo up
[ "$(ip -o link show | wc -l)" = 1 ] || { echo "refusing to run: not a fresh network namespace (ip -o link must list lo only)" >&2; exit 2; }
NETNS="et_a"
for n in $NETNS; do
  [ -e /var/run/netns/$n ] && { echo "refusing to run: netns $n already exists" >&2; exit 2; }
done
cleanup() { for n in $NETNS; do ip netns del $n 2>/dev/null; done; for d in et0 et1 etbr0; do ip link del $d 2>/dev/null; done; }
trap cleanup EXIT
run() { echo "\$ $*"; "$@"; rc=$?; [ $rc = 0 ] || echo "[rc=$rc]"; }

run ip netns add et_a
run ip link add et0 type veth peer name et1 netns et_a
run ip link add etbr0 type bridge
run ethtool -i et0
run ethtool -i etbr0
run ethtool -i lo
run ethtool -i nodev
run ethtool -S et0
run ethtool -S etbr0
run ethtool -S lo
run ethtool -S nodev
run ethtool et0
run ethtool etbr0
run ethtool lo
run ethtool nodev
run ethtool -k et0
run ethtool -k etbr0
run ethtool -k lo
run ethtool -k nodev
run ethtool
run ethtool -i
run ethtool -S et0 extra
run ethtool --version
run ip link set et0 up
run ip -n et_a link set et1 up
run sleep 3.5
run ethtool et0
run ethtool -S et0
