#!/bin/bash
# nsemu scenario: where REJECT's ICMP error comes from, and what ping says when OUTPUT refuses
# its packet. icmp_send answers a packet addressed to this host from the address it was sent to
# (the router's far address too), else from the route back; a DROP in OUTPUT fails sendmsg
# silently (nothing in the error queue), a REJECT in OUTPUT prints the error and then
# `ping: sendmsg: Operation not permitted`.
# Recorded on the real kernel by scripts/record.ts (expected/reject-local.out; never edit by hand).
# Runs in a fresh network namespace that plays the machine's root namespace.
ip link set lo up
[ "$(ip -o link show | wc -l)" = 1 ] || { echo "refusing to run: not a fresh network namespace (ip -o link must list lo only)" >&2; exit 2; }
NETNS="rl_a rl_r rl_b"
for n in $NETNS; do
  [ -e /var/run/netns/$n ] && { echo "refusing to run: netns $n already exists" >&2; exit 2; }
done
cleanup() { for n in $NETNS; do ip netns del $n 2>/dev/null; done; }
trap cleanup EXIT
for n in $NETNS; do
  ip netns add $n
  ip netns exec $n sysctl -q -w net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
  ip -n $n link set lo up
done
ip link add e0 netns rl_a type veth peer name ra netns rl_r
ip link add rb netns rl_r type veth peer name e0 netns rl_b
ip -n rl_a addr add 10.4.1.2/24 dev e0; ip -n rl_r addr add 10.4.1.1/24 dev ra
ip -n rl_r addr add 10.4.2.1/24 dev rb; ip -n rl_b addr add 10.4.2.2/24 dev e0
ip -n rl_a link set e0 up; ip -n rl_r link set ra up; ip -n rl_r link set rb up; ip -n rl_b link set e0 up
ip -n rl_a route add default via 10.4.1.1
ip -n rl_b route add default via 10.4.2.1
ip netns exec rl_r sysctl -q -w net.ipv4.ip_forward=1
sleep 2
echo "### REJECT in the router's INPUT: the error comes from the address pinged"
ip netns exec rl_r iptables -A INPUT -p icmp -j REJECT
ip netns exec rl_a ping -c 1 -W 1 10.4.1.1 | grep -E "^From|transmitted"
ip netns exec rl_a ping -c 1 -W 1 10.4.2.1 | grep -E "^From|transmitted"
echo "### REJECT in FORWARD: from the router's address toward the sender"
ip netns exec rl_r iptables -A FORWARD -p icmp -j REJECT --reject-with icmp-net-prohibited
ip netns exec rl_a ping -c 1 -W 1 10.4.2.2 | grep -E "^From|transmitted"
echo "### OUTPUT in a: DROP is silent, REJECT prints the error and sendmsg's EPERM"
ip netns exec rl_a iptables -A OUTPUT -d 10.4.1.1 -j DROP
ip netns exec rl_a iptables -A OUTPUT -d 10.4.2.2 -j REJECT
ip netns exec rl_a iptables -A OUTPUT -d 127.0.0.4 -j REJECT --reject-with icmp-host-prohibited
ip netns exec rl_a ping -c 2 -i 0.2 -W 1 10.4.1.1; echo "rc=$?"
ip netns exec rl_a ping -c 2 -i 0.2 -W 1 10.4.2.2; echo "rc=$?"
ip netns exec rl_a ping -c 1 -W 1 127.0.0.4; echo "rc=$?"
ip netns exec rl_a ping -q -c 1 -W 1 10.4.2.2; echo "rc=$?"
ip netns exec rl_a iptables -L OUTPUT -v -n
