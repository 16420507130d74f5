#!/bin/bash
# nsemu scenario: a MASQUERADE router. h1's private net reaches h2 only through r1's NAT; the nat
# chains see only a flow's first packet, conntrack lists the flow (and nothing before a rule needs
# it), ICMP errors from beyond (r2's time exceeded) are related and translated back, DNAT in
# PREROUTING, -m state/-m conntrack in a FORWARD DROP policy, conntrack -D/-F and the timeout.
# Recorded on the real kernel by scripts/record.ts (expected/nat-masquerade.out; never edit by hand).
# Runs in a fresh network namespace that plays the machine's root namespace.
ip link set lo up
[ "$(ip -o link show | wc -l)" = 1 ] || { echo "refusing to run: not a fresh network namespace (ip -o link must list lo only)" >&2; exit 2; }
NETNS="nat_h1 nat_r1 nat_r2 nat_h2"
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
# h1 -(192.168.7.0/24)- r1 -(10.7.2.0/24)- r2 -(10.7.3.0/24)- h2; r2 has no route to 192.168.7.0/24
link() { ip link add $2 netns $1 type veth peer name $4 netns $3; ip -n $1 addr add $5 dev $2; ip -n $3 addr add $6 dev $4; ip -n $1 link set $2 up; ip -n $3 link set $4 up; }
link nat_h1 e0 nat_r1 a0 192.168.7.2/24 192.168.7.1/24
link nat_r1 b0 nat_r2 a0 10.7.2.1/24 10.7.2.2/24
link nat_r2 b0 nat_h2 e0 10.7.3.1/24 10.7.3.2/24
for r in nat_r1 nat_r2; do ip netns exec $r sysctl -q -w net.ipv4.ip_forward=1; done
ip -n nat_h1 route add default via 192.168.7.1
ip -n nat_r1 route add default via 10.7.2.2
ip -n nat_h2 route add default via 10.7.3.1
r1() { ip netns exec nat_r1 "$@"; }
sleep 3.5
echo "### without NAT: r2 cannot route the replies"
ip netns exec nat_h1 ping -c 1 -W 1 10.7.3.2 | grep -E "^From|^64 bytes|transmitted"
r1 conntrack -L
r1 iptables -t nat -A POSTROUTING -o b0 -j SNAT --to-source 10.7.2.1
r1 iptables -t nat -A PREROUTING
r1 iptables -t nat -D POSTROUTING 1
echo "### nat rules without a NAT target do not turn conntrack on"
ip netns exec nat_h1 ping -c 1 -W 1 10.7.3.2 | grep -E "^From|^64 bytes|transmitted"
r1 iptables -t nat -L -n -v
r1 conntrack -L
echo "### MASQUERADE"
r1 iptables -t nat -A POSTROUTING -s 192.168.7.0/24 -o b0 -j MASQUERADE
cap=$(mktemp)
ip netns exec nat_h2 tcpdump -n -l -i e0 -c 4 icmp >$cap 2>/dev/null &
sleep 1
ip netns exec nat_h1 ping -c 2 -i 0.3 -W 1 10.7.3.2; echo "ping rc=$?"
wait
echo "h2 sees r1's address:"; cat $cap; rm -f $cap
r1 iptables -t nat -L -n -v
r1 iptables -t nat -S
r1 conntrack -L
r1 conntrack -D -s 192.168.7.2; echo "rc=$?"
echo "### r2's time exceeded is related to the flow and goes back to h1"
ip netns exec nat_h1 ping -c 1 -W 1 -t 2 10.7.3.2 | grep -E "^From|^64 bytes|transmitted"
r1 conntrack -L -p icmp
r1 conntrack -D -p icmp; echo "rc=$?"
r1 conntrack -D -s 192.168.7.2; echo "rc=$?"
r1 conntrack -L
echo "### DNAT to h1 for pings to r1's outside address"
r1 iptables -t nat -A PREROUTING -i b0 -d 10.7.2.1 -p icmp -j DNAT --to-destination 192.168.7.2
ip netns exec nat_h2 ping -c 2 -i 0.3 -W 1 10.7.2.1; echo "ping rc=$?"
r1 conntrack -L -d 10.7.2.1
r1 conntrack -L -s 192.168.7.2
r1 conntrack -C
r1 conntrack -F
r1 conntrack -C
echo "### state in a FORWARD DROP policy"
r1 iptables -P FORWARD DROP
r1 iptables -A FORWARD -m state --state RELATED,ESTABLISHED -j ACCEPT
r1 iptables -A FORWARD -i a0 -o b0 -m conntrack --ctstate NEW -j ACCEPT
ip netns exec nat_h1 ping -c 2 -i 0.3 -W 1 10.7.3.2 | grep -E "^From|^64 bytes|transmitted"
ip netns exec nat_h2 ping -c 1 -W 1 10.7.2.1 | grep -E "^From|^64 bytes|transmitted"
r1 iptables -L FORWARD -n -v
r1 iptables -S
echo "### the flows time out after 30 s"
sleep 31
r1 conntrack -L
r1 conntrack -C
