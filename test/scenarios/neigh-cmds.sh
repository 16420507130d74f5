#!/bin/bash
# nsemu scenario: `ip neigh` add/change/replace/del/flush.
# Recorded on the real kernel by scripts/record.ts (expected/neigh-cmds.out; never edit by hand).
# Shows: `ip neigh add` (PERMANENT by default, `nud reachable|stale|noarp|permanent`), which
# entries the default listing hides (NOARP, and the state-less entry that a failed `add`
# without lladdr leaves behind), `show nud …`, `change`, `replace` (also of a learnt entry),
# `del`, `flush dev` / `flush all` (PERMANENT and NOARP survive), `-j`; a permanent entry is
# used without any ARP; a wrong permanent MAC breaks the replies; proxy entries
# (`ip neigh add proxy`, `show proxy`).
# Orders of `ip neigh` with several entries are random on the kernel: sorted here.
# Runs in a fresh network namespace that plays the machine's root namespace ("the host"): the
# recorder's sandbox, or nsemu. `sleep 3.5` lets link state settle after changes.
ip link set lo up
[ "$(ip -o link show | wc -l)" = 1 ] || { echo "refusing to run: not a fresh network namespace (ip -o link must list lo only)" >&2; exit 2; }
NETNS="nc_a"
for n in $NETNS; do
  [ -e /var/run/netns/$n ] && { echo "refusing to run: netns $n already exists" >&2; exit 2; }
done
cleanup() { for n in $NETNS; do ip netns del $n 2>/dev/null; done; ip link del nc0 2>/dev/null; }
trap cleanup EXIT

# IPv6 off (before any device exists) so that only IPv4 neighbours show up: no ff02::* NOARP entries
sysctl -q -w net.ipv6.conf.default.disable_ipv6=1
ip netns add nc_a
ip netns exec nc_a sysctl -q -w net.ipv6.conf.default.disable_ipv6=1
ip link add nc0 type veth peer name nc1 netns nc_a
ip -n nc_a link set nc1 address 02:00:00:00:02:10
ip addr add 10.210.1.1/24 dev nc0
ip link set nc0 up
ip -n nc_a addr add 10.210.1.2/24 dev nc1
ip -n nc_a link set nc1 up
ip -n nc_a link set lo up
sleep 3.5

echo "### add: permanent by default, or with nud"
ip neigh add 10.210.1.10 lladdr 02:00:00:00:02:20 dev nc0
ip neigh add 10.210.1.11 lladdr 02:00:00:00:02:21 dev nc0 nud reachable
ip neigh add 10.210.1.12 lladdr 02:00:00:00:02:22 dev nc0 nud stale
ip neigh add 10.210.1.13 lladdr 02:00:00:00:02:23 dev nc0 nud noarp
ip neigh add 10.210.1.14 lladdr 02:00:00:00:02:24 dev nc0 nud permanent
ip neigh add 10.210.1.15 dev nc0 nud noarp
ip neigh | sort
echo "### nud filters"
ip neigh show nud permanent | sort
ip neigh show nud noarp | sort
ip neigh show nud all | sort
ip neigh show dev nc0 nud stale
ip neigh show to 10.210.1.14
ip -j neigh show 10.210.1.10
echo
echo "### change and replace"
ip neigh change 10.210.1.12 lladdr 02:00:00:00:02:32 dev nc0
ip neigh change 10.210.1.11 dev nc0 nud stale
ip neigh replace 10.210.1.10 lladdr 02:00:00:00:02:30 dev nc0
ip neigh replace 10.210.1.16 lladdr 02:00:00:00:02:26 dev nc0 nud stale
ip neigh | sort
echo "### a permanent entry is used without ARP: 10.210.1.2 pinned to its real MAC"
ip neigh add 10.210.1.2 lladdr 02:00:00:00:02:10 dev nc0
ping -c 1 -W 1 10.210.1.2 > /dev/null; echo "ping rc=$?"
ip neigh show 10.210.1.2
ip -n nc_a neigh
echo "### replace a learnt entry"
ip -n nc_a neigh replace 10.210.1.1 lladdr 02:00:00:00:02:40 dev nc1
ip -n nc_a neigh
ip netns exec nc_a ping -c 1 -W 1 10.210.1.1 > /dev/null; echo "ping rc=$?  (the reply goes to a MAC nobody has)"
echo "### del"
ip neigh del 10.210.1.13 dev nc0
ip neigh del 10.210.1.11 dev nc0
ip neigh show nud all | sort
echo "### flush dev: permanent and noarp entries stay"
ip neigh flush dev nc0
ip neigh show nud all | sort
echo "### flush nud permanent removes those too"
ip neigh flush dev nc0 nud permanent
ip neigh show nud all | sort
ip -n nc_a neigh flush all
ip -n nc_a neigh show nud all | sort
echo "### proxy entries"
ip neigh add proxy 10.210.1.50 dev nc0
ip neigh show proxy
ip neigh show nud all | sort
ip neigh del proxy 10.210.1.50 dev nc0
ip neigh show proxy
