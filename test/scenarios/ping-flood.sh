#!/bin/bash
# nsemu scenario: ping -f (flood) and interval 0.
# Recorded on the real kernel by scripts/record.ts (expected/ping-flood.out; never edit by hand).
# Shows: `-f` prints `.` per echo request and `\b \b` per reply (made visible with `cat -v`: `^H`),
# `\bE` per ICMP error; `-q` prints nothing but the statistics; the statistics line gains
# `ipg/ewma` under `-f` or `-i 0` (and without `time=`, `-s 8`, it stands alone); `-f -i 0.5` keeps
# the interval; an unanswered flood sends the next probe only when the socket's receive timeout
# runs out; `-w` with `-c` keeps sending until the deadline; a user may not flood (the error comes
# after the PING line, rc 2) but may use `-i 0.002`.
# RTTs and times are normalised (<T>, <RTT>); ipg/ewma are blanked here with sed (they are the
# machine's timing), and so is the count of an unanswered flood that runs until a deadline.
# Runs in a fresh network namespace that plays the machine's root namespace ("the host"): the
# recorder's sandbox, or nsemu. `sleep 3.5` lets link state settle after changes.
ip link set lo up
[ "$(ip -o link show | wc -l)" = 1 ] || { echo "refusing to run: not a fresh network namespace (ip -o link must list lo only)" >&2; exit 2; }
NETNS="pf_b"
for n in $NETNS; do
  [ -e /var/run/netns/$n ] && { echo "refusing to run: netns $n already exists" >&2; exit 2; }
done
cleanup() { for n in $NETNS; do ip netns del $n 2>/dev/null; done; ip link del pf0 2>/dev/null; }
trap cleanup EXIT

ipg() { sed -E 's#ipg/ewma [0-9.]+/[0-9.]+ ms#ipg/ewma <IPG>/<EWMA> ms#'; }
NOBODY="setpriv --reuid=65534 --regid=65534 --clear-groups"

echo "### host pf0 10.212.1.1 -- pf1 10.212.1.2 pf_b"
ip netns add pf_b
ip link add pf0 type veth peer name pf1 netns pf_b
ip addr add 10.212.1.1/24 dev pf0
ip link set pf0 up
ip -n pf_b addr add 10.212.1.2/24 dev pf1
ip -n pf_b link set lo up
ip -n pf_b link set pf1 up
sleep 3.5
ping -c 1 -W 1 10.212.1.2 >/dev/null; echo "ping rc=$?"

echo "### -f -c 20"
ping -f -c 20 10.212.1.2 | cat -v | ipg; echo "ping rc=${PIPESTATUS[0]}"
echo "### -f -c 5 -q"
ping -f -c 5 -q 10.212.1.2 | cat -v | ipg; echo "ping rc=${PIPESTATUS[0]}"
echo "### -f -c 3 -s 8: no timing, ipg/ewma alone"
ping -f -c 3 -s 8 10.212.1.2 | cat -v | ipg; echo "ping rc=${PIPESTATUS[0]}"
echo "### -f -i 0.5 -c 3"
ping -f -i 0.5 -c 3 10.212.1.2 | cat -v | ipg; echo "ping rc=${PIPESTATUS[0]}"
echo "### -i 0 -c 3 (no -f): reply lines, and ipg/ewma"
ping -i 0 -c 3 10.212.1.2 | ipg; echo "ping rc=${PIPESTATUS[0]}"
echo "### -f -c 5 -w 2: stops after 5 replies"
ping -f -c 5 -w 2 10.212.1.2 | cat -v | ipg; echo "ping rc=${PIPESTATUS[0]}"

echo "### unanswered (icmp_echo_ignore_all=1): -f -c 3 -W 1"
ip netns exec pf_b sysctl -q -w net.ipv4.icmp_echo_ignore_all=1
ping -f -c 3 -W 1 10.212.1.2 | cat -v | ipg; echo "ping rc=${PIPESTATUS[0]}"
echo "### unanswered: -f -c 3 -w 1 -q sends until the deadline"
ping -f -c 3 -w 1 -q 10.212.1.2 | sed -E 's/^[0-9]+ packets transmitted/<N> packets transmitted/'; echo "ping rc=${PIPESTATUS[0]}"
ip netns exec pf_b sysctl -q -w net.ipv4.icmp_echo_ignore_all=0

echo "### an on-link address nobody has: -f -c 3, Destination Host Unreachable as \\bE"
ping -f -c 3 10.212.1.99 | cat -v | ipg; echo "ping rc=${PIPESTATUS[0]}"

echo "### a user may not flood"
$NOBODY ping -f -c 2 10.212.1.2; echo "ping rc=$?"
$NOBODY ping -i 0.001 -c 2 10.212.1.2; echo "ping rc=$?"
$NOBODY ping -i 0.0019 -c 2 10.212.1.2; echo "ping rc=$?"
echo "### but may use -i 0.002"
$NOBODY ping -f -i 0.002 -c 2 10.212.1.2 | cat -v | ipg; echo "ping rc=${PIPESTATUS[0]}"
