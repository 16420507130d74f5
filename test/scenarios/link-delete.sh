#!/bin/bash
# nsemu scenario: deleting veths and namespaces.
# Recorded on the real kernel by scripts/record.ts (expected/link-delete.out; never edit by hand).
# Shows: `ip link del` of either end of a veth pair removes both (peer in the same namespace or in
# another one); routes through a deleted device disappear with it (also a route via a gateway
# and a `dev` route); `ip netns del` removes the namespace's devices and so the peers that were
# elsewhere (asynchronously: the script waits); a process still running in a deleted namespace
# keeps it, and its devices, alive until it exits; freed ifindexes are not reused.
# Runs in a fresh network namespace that plays the machine's root namespace ("the host"): the
# recorder's sandbox, or nsemu. `sleep 3.5` lets link state settle after changes.
ip link set lo up
[ "$(ip -o link show | wc -l)" = 1 ] || { echo "refusing to run: not a fresh network namespace (ip -o link must list lo only)" >&2; exit 2; }
NETNS="del_a del_b"
for n in $NETNS; do
  [ -e /var/run/netns/$n ] && { echo "refusing to run: netns $n already exists" >&2; exit 2; }
done
cleanup() { for n in $NETNS; do ip netns del $n 2>/dev/null; done; for d in dl0 dl2 dl4 dl6; do ip link del $d 2>/dev/null; done; }
trap cleanup EXIT

echo "### two pairs in the host: dl1=2 dl0=3, dl3=4 dl2=5"
ip link add dl0 type veth peer name dl1
ip link add dl2 type veth peer name dl3
ip -br link
echo "### ip link del dl0: dl1 goes too"
ip link del dl0
ip -br link
echo "### ip link del dl2 (deleting the higher-index end works the same way)"
ip link del dev dl3
ip -br link

echo "### a pair with one end in del_a, routes through the host end"
ip netns add del_a
ip link add dl4 type veth peer name dl5 netns del_a
ip addr add 10.201.1.1/24 dev dl4
ip link set dl4 up
ip -n del_a addr add 10.201.1.2/24 dev dl5
ip -n del_a link set dl5 up
ip link show dl4
ip route add 10.201.9.0/24 via 10.201.1.2
ip route add 10.201.8.0/24 dev dl4
ip route add default via 10.201.1.2 metric 50
sleep 3.5
ip -br link
ip route
echo "### ip link del dl5 from inside del_a: dl4 and every route through it vanish"
ip -n del_a link del dl5
ip -br link
ip route
ip -n del_a -br link

echo "### a second pair to del_a, then ip netns del del_a"
ip link add dl6 type veth peer name dl7 netns del_a
ip addr add 10.201.2.1/24 dev dl6
ip link set dl6 up
ip route add 10.201.7.0/24 via 10.201.2.2
sleep 3.5
ip route
ip netns del del_a
sleep 3.5  # namespace teardown is asynchronous
ip netns list
ip -br link
ip route

echo "### a process inside keeps a deleted namespace alive"
ip netns add del_b
ip link add dl8 type veth peer name dl9 netns del_b
ip netns exec del_b sleep 30 &
sleeper=$!
sleep 1
ip netns del del_b
sleep 3.5
ip netns list
echo "### dl8 is still here, its peer now in an unnamed namespace"
ip link show dl8
kill $sleeper
wait $sleeper 2>/dev/null
sleep 3.5
echo "### the process is gone: so are the namespace and dl8"
ip -br link
echo "### freed indexes are not reused: the next pair gets the numbers after dl8's"
ip link add dl10 type veth peer name dl11
ip link
ip link del dl10
