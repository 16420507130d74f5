#!/bin/bash
# nsemu scenario: how ifindexes and automatic veth names are allocated.
# Recorded on the real kernel by scripts/record.ts (expected/ifindex-alloc.out; never edit by hand).
# Shows: per namespace, indexes are handed out cyclically after the last one allocated, freed
# numbers are not reused; a veth's peer is registered first (lower index); `ip link add type
# veth` names the pair veth0/veth1 (lowest free numbers, so names are reused while indexes are
# not); `index N` picks the number and does not move the cursor; the peer's `index` is used
# only when the first device has an `index` too; a new namespace starts again at 2; a failed
# `ip link add` uses no index.
# Runs in a fresh network namespace that plays the machine's root namespace ("the host"): the
# recorder's sandbox, or nsemu.
ip link set lo up
[ "$(ip -o link show | wc -l)" = 1 ] || { echo "refusing to run: not a fresh network namespace (ip -o link must list lo only)" >&2; exit 2; }
NETNS="idx_a"
for n in $NETNS; do
  [ -e /var/run/netns/$n ] && { echo "refusing to run: netns $n already exists" >&2; exit 2; }
done
cleanup() {
  for n in $NETNS; do ip netns del $n 2>/dev/null; done
  for d in veth0 veth2 veth4 ix0 ix2 ix4 ix6 ix8 ix10; do ip link del $d 2>/dev/null; done
}
trap cleanup EXIT

echo "### ip link add type veth, twice: veth0(2)/veth1(3), veth2(4)/veth3(5)"
ip link add type veth
ip link add type veth
ip link
echo "### delete the first pair and add another: the names come back, the numbers do not"
ip link del veth1
ip link add type veth
ip -o link show | cut -d' ' -f1-2
echo "### a named device with an automatic peer name: ix0 and veth4"
ip link add ix0 type veth
ip -o link show | cut -d' ' -f1-2
echo "### index 50 and peer index 40: both used; the cursor stays where it was"
ip link add ix1 index 50 type veth peer name ix2 index 40
ip link add ix3 type veth peer name ix4
ip -o link show | cut -d' ' -f1-2
echo "### peer index without an index for the device itself: ignored"
ip link add ix5 type veth peer name ix6 index 30
echo "### index for the device only: the peer takes the next free number"
ip link add ix7 index 20 type veth peer name ix8
ip -o link show | cut -d' ' -f1-2
echo "### a freed number can be asked for explicitly"
ip link add ix9 index 2 type veth peer name ix10 index 3
ip -o link show | cut -d' ' -f1-2
echo "### failures use no index: a name that exists, an index that is taken"
ip link add ix0 type veth peer name ixz; echo "rc=$?"
ip link add ixy index 50 type veth peer name ixz; echo "rc=$?"
ip link add ixy type veth
ip -o link show ixy | cut -d' ' -f1-2
echo "### /sys/class/net/*/ifindex agrees"
for d in ix0 ix1 ix2 ixy; do echo "$d $(cat /sys/class/net/$d/ifindex) iflink $(cat /sys/class/net/$d/iflink)"; done

echo "### a new namespace starts at 2 again; its automatic names are its own"
ip netns add idx_a
ip -n idx_a link add type veth
ip -n idx_a link add ia0 type veth peer name ia1 netns $$
ip -n idx_a -o link show | cut -d' ' -f1-2
ip -o link show ia1 | cut -d' ' -f1-2
