#!/bin/bash
# nsemu scenario: iptables REJECT on a router and on a host: the ICMP error each --reject-with
# sends back (what ping prints for it), from which address, the listings, and FORWARD DROP vs a
# router's own address (INPUT, not FORWARD, decides for it).
# Recorded on the real kernel by scripts/record.ts (expected/iptables-reject.out; never edit by hand).
# Runs in a fresh network namespace that plays the machine's root namespace.
ip link set lo up
[ "$(ip -o link show | wc -l)" = 1 ] || { echo "refusing to run: not a fresh network namespace (ip -o link must list lo only)" >&2; exit 2; }
NETNS="rj_r rj_a rj_b"
for n in $NETNS; do
  [ -e /var/run/netns/$n ] && { echo "refusing to run: netns $n already exists" >&2; exit 2; }
done
cleanup() { for n in $NETNS; do ip netns del $n 2>/dev/null; done; }
trap cleanup EXIT
ip netns add rj_r
ip netns add rj_a
ip netns add rj_b
for n in rj_r rj_a rj_b; do ip netns exec $n sysctl -q -w net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1; ip -n $n link set lo up; done
ip link add ra netns rj_r type veth peer name ea netns rj_a
ip link add rb netns rj_r type veth peer name eb netns rj_b
ip -n rj_r addr add 10.6.1.1/24 dev ra
ip -n rj_r addr add 10.6.2.1/24 dev rb
ip -n rj_a addr add 10.6.1.2/24 dev ea
ip -n rj_b addr add 10.6.2.2/24 dev eb
for x in "rj_r ra" "rj_r rb" "rj_a ea" "rj_b eb"; do set -- $x; ip -n $1 link set $2 up; done
ip -n rj_a route add default via 10.6.1.1
ip -n rj_b route add default via 10.6.2.1
ip netns exec rj_r sysctl -q -w net.ipv4.ip_forward=1
sleep 3.5
for w in "" "--reject-with icmp-net-unreachable" "--reject-with icmp-host-unreachable" "--reject-with icmp-proto-unreachable" "--reject-with icmp-net-prohibited" "--reject-with icmp-host-prohibited" "--reject-with icmp-admin-prohibited"; do
  echo "### FORWARD -j REJECT $w"
  ip netns exec rj_r iptables -F FORWARD
  ip netns exec rj_r iptables -A FORWARD -p icmp -j REJECT $w
  ip netns exec rj_a ping -c 1 -W 1 10.6.2.2; echo "ping rc=$?"
done
ip netns exec rj_r iptables -L FORWARD -v -n
ip netns exec rj_r iptables -S FORWARD
ip netns exec rj_r iptables -D FORWARD -p icmp -j REJECT --reject-with icmp-admin-prohibited; echo "rc=$?"
echo "### REJECT on the destination host's INPUT: the error comes from the host"
ip netns exec rj_b iptables -A INPUT -p icmp -j REJECT
ip netns exec rj_a ping -c 1 -W 1 10.6.2.2; echo "ping rc=$?"
ip netns exec rj_b iptables -L INPUT -v -n
echo "### FORWARD DROP on the router: its own far address still answers"
ip netns exec rj_r iptables -P FORWARD DROP
ip netns exec rj_a ping -c 1 -W 1 10.6.2.1; echo "ping rc=$?"
ip netns exec rj_a ping -c 1 -W 1 10.6.2.2; echo "ping rc=$?"
echo "### errors"
ip netns exec rj_r iptables -A FORWARD -j REJECT --reject-with bogus; echo "rc=$?"
ip netns exec rj_r iptables -A FORWARD -j DROP --reject-with icmp-net-unreachable; echo "rc=$?"
