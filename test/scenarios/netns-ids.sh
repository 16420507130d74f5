#!/bin/bash
# nsemu scenario: `ip netns` identify/pids/set/list-id/attach and namespace ids.
# Recorded on the real kernel by scripts/record.ts (expected/netns-ids.out; never edit by hand).
# Shows: `ip netns list` (newest first on a fresh /run/netns) and its `(id: N)` suffix, which
# appears only once the current namespace has an nsid for that one; the ways nsids get
# allocated (a veth peer created in another namespace, `ip netns set NAME N`, `auto`, a dump
# seeing a peer) and that each namespace numbers its peers itself; `ip netns list-id`;
# `ip netns identify` (current namespace and by pid); `ip netns pids`; `ip netns attach`;
# `ip -n NAME` = `ip netns exec NAME ip`; `ip netns del` with its device's peer elsewhere
# (`link-netnsid` once the name is gone).
# Runs in a fresh network namespace that plays the machine's root namespace ("the host"): the
# recorder's sandbox, or nsemu. `sleep 3.5` lets link state settle after changes.
ip link set lo up
[ "$(ip -o link show | wc -l)" = 1 ] || { echo "refusing to run: not a fresh network namespace (ip -o link must list lo only)" >&2; exit 2; }
NETNS="id_a id_b id_c id_host"
for n in $NETNS; do
  [ -e /var/run/netns/$n ] && { echo "refusing to run: netns $n already exists" >&2; exit 2; }
done
cleanup() { for n in $NETNS; do ip netns del $n 2>/dev/null; done; }
trap cleanup EXIT

echo "### ip netns identify in the host: an empty line"
ip netns identify
echo "### three namespaces: listed newest first, no ids yet"
ip netns add id_a
ip netns add id_b
ip netns add id_c
ip netns list
ip netns
ip netns list-id
echo "### inside: identify prints the name"
ip netns exec id_b ip netns identify
ip -n id_b netns identify
echo "### a veth from the host to id_a: the host numbers id_a"
ip link add ida0 type veth peer name ida1 netns id_a
ip netns list
ip netns list-id
echo "### id_a has no id for the host until something in id_a dumps the link"
ip -n id_a netns list-id
ip -n id_a link show ida1
ip -n id_a netns list-id
echo "### ip netns set: explicit ids, auto"
ip netns set id_c 7
ip netns set id_b auto
ip netns list
ip netns list-id
echo "### from id_b: a pair into id_c gives id_b an id for id_c; list from inside"
ip -n id_b link add idb0 type veth peer name idc0 netns id_c
ip -n id_b netns list
ip -n id_b link show idb0
ip -n id_c link show idc0
ip -n id_c netns list
echo "### attach a name to the host's own namespace"
ip netns attach id_host $$
ip netns list
ip -n id_a link show ida1
ip -n id_a netns list
ip netns identify
ip netns identify $$
echo "### pids: a process in id_b"
ip netns exec id_b sleep 30 &
sleeper=$!
sleep 1
[ "$(ip netns pids id_b)" = "$sleeper" ] && echo "ip netns pids id_b: the sleeper's pid"
[ "$(ip netns identify $sleeper)" = id_b ] && echo "ip netns identify PID: id_b"
ip netns pids id_c
kill $sleeper
wait $sleeper 2>/dev/null
echo "### delete id_c: idb0's peer is gone (asynchronously); delete the name id_host: ids stay"
ip netns del id_c
ip netns del id_host
sleep 3.5
ip netns list
ip -n id_b link
ip -n id_a link show ida1
ip -n id_a netns list-id
