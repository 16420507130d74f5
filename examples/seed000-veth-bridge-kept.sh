#!/bin/bash
# Example: the seed000-veth-bridge lesson without its cleanup, so its topology stays for nsemu graph
# A copy of the project's tutorial scenario seed000-veth-bridge (shared/scenarios), kept as an
# example for `nsemu graph` (README, docs/seed000-graph.svg): the same script, except that it
# does not delete its namespaces at exit, so the topology it built is still there to draw. On a
# real Linux box (as root) remove them afterwards: ip netns del host; ip netns del ns0
# Source document: 000_9904615b916f5f5b.txt
# Shows: (1) a veth pair with both ends in one namespace; (2) one end moved into a new
# namespace ns0 (its address is lost, lo starts down so ns0 cannot ping itself);
# (3) the other end enslaved to a Linux bridge br0: br0 takes the port's MAC, comes up,
# and pings over veth0-0 stop working because the ARP reply is handed to br0;
# tcpdump on veth0-1, veth0-0 and br0 shows where the reply goes; (4) moving the IP from
# veth0-0 to br0 makes it work again.
#
# Deviations from the document:
# * The document runs part 1 and the bridge in the machine's root namespace. Here a wrapper
#   namespace "host" stands in for it (safety: nothing is added to the real root namespace).
#   Its lo is set up first, because lo is up in a real root namespace.
# * `ping` becomes `ping -c 1 -W 1` so that failures are quick.
# * The document writes `brctl addif veth0-0 br0` (arguments reversed). That literal command is
#   run first to record its error, then the working `brctl addif br0 veth0-0`.
# * The document only describes its tcpdump and MAC-learning checks in words; they are made
#   concrete here: tcpdump -c N (arp or icmp) on each device and `brctl showmacs br0`.
# * ip_forward, rp_filter and friends of a new namespace are copied from the machine's root
#   namespace (net.core.devconf_inherit_init_net=0); the expected output was recorded with 0.
# * Settle pauses (`sleep 3.5`) before observations: see README ("Settling").
# * `brctl showmacs` is piped through `sort -k1,1n -k3,3` (brctl orders rows by MAC address,
#   which is random); `ip neigh` with several entries through `sort`.

NETNS="host ns0"
for n in $NETNS; do
  [ -e /var/run/netns/$n ] && { echo "refusing to run: netns $n already exists" >&2; exit 2; }
done
TMP=$(mktemp -d)
# (no EXIT trap deleting the namespaces: this copy leaves its topology for `nsemu graph`)

# wrapper "host" namespace standing in for the document's root namespace
ip netns add host
ip netns exec host ip link set lo up

echo "### 1. veth pair veth0-0 <-> veth0-1, both ends in the (host) namespace"
ip netns exec host ip link add veth0-0 type veth peer name veth0-1
ip netns exec host ip link set up veth0-0
ip netns exec host ip link set up veth0-1
ip netns exec host ip addr add 192.168.100.1/24 dev veth0-0
ip netns exec host ip addr add 192.168.100.2/24 dev veth0-1
sleep 3.5  # settle (see README)
echo "### ip a | grep veth0"
ip netns exec host ip a | grep veth0
# The document only says "ping from veth0-0 to veth0-1 works" without the command. Both readings:
echo "### ping 192.168.100.2 (doc: works; the target is a local address, so this goes over lo)"
ip netns exec host ping -c 1 -W 1 192.168.100.2; echo "ping rc=$?"
echo "### ping -I veth0-0 192.168.100.2 (doc: works; real kernel: fails, see README)"
# The ARP request leaves veth0-0 and arrives on veth0-1, but its sender IP 192.168.100.1 is a
# local address of this namespace, so arp_process() drops it (accept_local=0): no reply.
ip netns exec host ping -c 1 -W 1 -I veth0-0 192.168.100.2; echo "ping rc=$?"

echo "### 2. namespace ns0, move veth0-1 into it"
ip netns add ns0
echo "### ip netns"
ip netns
ip netns exec host ip link set veth0-1 netns ns0
sleep 3.5  # settle (see README)
echo "### ip netns exec ns0 ip a   (added: right after the move; doc says the IP must be set again)"
ip netns exec ns0 ip a
ip netns exec ns0 ip link set up veth0-1
ip netns exec ns0 ip addr add 192.168.100.2/24 dev veth0-1
sleep 3.5  # settle (see README)
echo "### ip netns exec ns0 ip a"
ip netns exec ns0 ip a
echo "### ping -I veth0-0 192.168.100.2 (doc: works)"
ip netns exec host ping -c 1 -W 1 -I veth0-0 192.168.100.2; echo "ping rc=$?"
echo "### ip netns exec ns0 ping 192.168.100.1 (doc: works)"
ip netns exec ns0 ping -c 1 -W 1 192.168.100.1; echo "ping rc=$?"
echo "### ns0 pings its own IP while lo is down (doc: fails)"
ip netns exec ns0 ping -c 1 -W 1 192.168.100.2; echo "ping rc=$?"
ip netns exec ns0 ip link set up lo
echo "### after 'ip link set up lo' (doc: works)"
ip netns exec ns0 ping -c 1 -W 1 192.168.100.2; echo "ping rc=$?"

echo "### 3. Linux bridge br0"
ip netns exec host brctl addbr br0
ip netns exec host ip link set up br0
sleep 3.5  # settle (see README)
echo "### brctl show br0"
ip netns exec host brctl show br0
echo "### ip a | grep br0   (doc: br0 is still down)"
ip netns exec host ip a | grep br0
echo "### brctl addif veth0-0 br0   (the document's literal command, arguments reversed)"
ip netns exec host brctl addif veth0-0 br0; echo "brctl rc=$?"
echo "### brctl addif br0 veth0-0   (working order)"
ip netns exec host brctl addif br0 veth0-0; echo "brctl rc=$?"
sleep 3.5  # settle (see README)
echo "### ip a | grep br0   (doc: br0 is up now, with veth0-0's MAC)"
ip netns exec host ip a | grep br0
echo "### ip link show veth0-0 / br0 (added: compare the MACs)"
ip netns exec host ip link show veth0-0
ip netns exec host ip link show br0
echo "### brctl show br0"
ip netns exec host brctl show br0

echo "### ping -I veth0-0 192.168.100.2 with tcpdump on veth0-1, veth0-0, br0 (doc: ping fails)"
ip netns exec ns0 ip neigh flush all
ip netns exec host ip neigh flush all
ip netns exec ns0 timeout 5 tcpdump -l -nn -e -i veth0-1 -c 2 'arp or icmp' > "$TMP/veth0-1" 2>&1 &
ip netns exec host timeout 5 tcpdump -l -nn -e -i veth0-0 -c 2 'arp or icmp' > "$TMP/veth0-0" 2>&1 &
ip netns exec host timeout 5 tcpdump -l -nn -e -i br0 -c 1 'arp or icmp' > "$TMP/br0" 2>&1 &
sleep 1
ip netns exec host ping -c 1 -W 1 -I veth0-0 192.168.100.2; echo "ping rc=$?"
wait
echo "### tcpdump -i veth0-1 (in ns0): ARP request received, reply sent"
cat "$TMP/veth0-1"
echo "### tcpdump -i veth0-0: ARP request sent, reply received"
cat "$TMP/veth0-0"
echo "### tcpdump -i br0: the reply is handed up through br0"
cat "$TMP/br0"
echo "### ip neigh (host): the entry on veth0-0 never resolves"
ip netns exec host ip neigh show dev veth0-0
echo "### brctl showmacs br0   (doc: br0 learned veth0-1's MAC)"
# sorted: brctl sorts rows by MAC address, and MACs are random
ip netns exec host brctl showmacs br0 | sort -k1,1n -k3,3
echo "### ip netns exec ns0 ip link show veth0-1 (added: veth0-1's MAC, for comparison)"
ip netns exec ns0 ip link show veth0-1

echo "### 4. move 192.168.100.1/24 from veth0-0 to br0"
ip netns exec host ip addr del 192.168.100.1/24 dev veth0-0
ip netns exec host ip addr add 192.168.100.1/24 dev br0
echo "### ping 192.168.100.2 (doc: works, br0 <-> veth0-1)"
ip netns exec host ping -c 1 -W 1 192.168.100.2; echo "ping rc=$?"
echo "### ip netns exec ns0 ping 192.168.100.1 (doc: works)"
ip netns exec ns0 ping -c 1 -W 1 192.168.100.1; echo "ping rc=$?"
echo "### ip route (host)"
ip netns exec host ip route
echo "### ip neigh (host)"
ip netns exec host ip neigh | sort
