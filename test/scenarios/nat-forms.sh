#!/bin/bash
# nsemu scenario: the nat table's rule forms (listings, -S, the targets' errors), SNAT to an
# address range (the address each source gets is the kernel's hash of it), DNAT in OUTPUT
# (re-routed), locally generated flows, conntrack in a bridge (br_netfilter) and conntrack
# turning off with the last rule that needed it.
# Recorded on the real kernel by scripts/record.ts (expected/nat-forms.out; never edit by hand).
# Runs in a fresh network namespace that plays the machine's root namespace.
ip link set lo up
[ "$(ip -o link show | wc -l)" = 1 ] || { echo "refusing to run: not a fresh network namespace (ip -o link must list lo only)" >&2; exit 2; }
NETNS="nf_h1 nf_r1 nf_h2 nf_br"
for n in $NETNS; do
  [ -e /var/run/netns/$n ] && { echo "refusing to run: netns $n already exists" >&2; exit 2; }
done
cleanup() { for n in $NETNS; do ip netns del $n 2>/dev/null; done; }
trap cleanup EXIT
echo "### rule forms"
iptables -t nat -A POSTROUTING -s 10.0.0.0/24 -o eth0 -j MASQUERADE
iptables -t nat -A POSTROUTING -o eth1 -j SNAT --to-source 1.2.3.4
iptables -t nat -A POSTROUTING -o eth1 -j SNAT --to-source 1.2.3.4-1.2.3.9
iptables -t nat -A PREROUTING -p icmp -d 5.5.5.5 -j DNAT --to-destination 10.0.0.5
iptables -t nat -A OUTPUT -j DNAT --to 10.0.0.6
iptables -t nat -A POSTROUTING -j MASQUERADE --random
iptables -t nat -I INPUT -j SNAT --to-source 7.7.7.7
iptables -A FORWARD -m state --state RELATED,ESTABLISHED -j ACCEPT
iptables -A FORWARD -m conntrack --ctstate NEW,INVALID -j DROP
iptables -A FORWARD -m conntrack ! --ctstate NEW -j DROP
iptables -A FORWARD -m state ! --state invalid -j ACCEPT
iptables -A INPUT -m conntrack --ctstate UNTRACKED,SNAT,DNAT -j ACCEPT
iptables -t nat -L
iptables -t nat -L -n -v --line-numbers
iptables -t nat -S
iptables -L -n
iptables -S
iptables -t nat -D POSTROUTING -j MASQUERADE --random
iptables -t nat -D OUTPUT -j DNAT --to-destination 10.0.0.6
iptables -t nat -S
echo "### errors"
iptables -A FORWARD -j MASQUERADE; echo "rc=$?"
iptables -t nat -A INPUT -j MASQUERADE; echo "rc=$?"
iptables -t nat -I PREROUTING -j SNAT --to-source 1.1.1.1; echo "rc=$?"
iptables -t nat -A POSTROUTING -j SNAT; echo "rc=$?"
iptables -t nat -A POSTROUTING -j DNAT --to-destination 1.1.1.1; echo "rc=$?"
iptables -t nat -A PREROUTING -j DNAT; echo "rc=$?"
iptables -t nat -P POSTROUTING DROP; echo "rc=$?"
iptables -t nat -A POSTROUTING -j DROP; echo "rc=$?"
iptables -A FORWARD -m state; echo "rc=$?"
iptables -A FORWARD -m state --state BOGUS -j ACCEPT; echo "rc=$?"
iptables -A FORWARD -m conntrack --ctstate bogus -j ACCEPT; echo "rc=$?"
iptables -A FORWARD -m state --state SNAT -j ACCEPT; echo "rc=$?"
iptables -A FORWARD -m nosuch -j ACCEPT; echo "rc=$?"
iptables -A FORWARD --state NEW -j ACCEPT; echo "rc=$?"
iptables -A FORWARD -j ACCEPT --to-source 1.1.1.1; echo "rc=$?"
iptables -t nat -A POSTROUTING -j SNAT --to-source 1.1.1.300; echo "rc=$?"
iptables -t nat -A POSTROUTING -j MASQUERADE --to-source 1.1.1.1; echo "rc=$?"
conntrack -X; echo "rc=$?"
conntrack -L -p nosuch; echo "rc=$?"
conntrack -L -s 1.2.3; echo "rc=$?"
conntrack | head -3; echo "rc=$?"
conntrack -h | tail -4
conntrack -L -o bogus; echo "rc=$?"
conntrack -L -f ipv6; echo "rc=$?"
setpriv --reuid=65534 --regid=65534 --clear-groups conntrack -L; echo "rc=$?"
echo "### replace (-R)"
iptables -F; iptables -t nat -F
iptables -A INPUT -j ACCEPT; iptables -R INPUT 1 -s 1.2.3.4 -j DROP; iptables -S INPUT
iptables -R INPUT 5 -j DROP; echo "rc=$?"
iptables -R INPUT -j DROP; echo "rc=$?"
iptables -R INPUT 0 -j DROP; echo "rc=$?"
iptables -R NOPE 1 -j DROP; echo "rc=$?"
iptables -t raw -R PREROUTING 1 -j ACCEPT; echo "rc=$?"
iptables -t nat -A POSTROUTING -j ACCEPT
iptables -t nat -R POSTROUTING 1 -o x -j MASQUERADE; echo "rc=$?"
iptables -t nat -R POSTROUTING 1 -o x -j DNAT --to 1.1.1.1; echo "rc=$?"
iptables -t nat -S POSTROUTING
iptables --replace INPUT 1 -j ACCEPT; iptables -S INPUT
iptables -t mangle -L
iptables -t raw -L
iptables -t nat -F
iptables -F
for n in $NETNS; do
  ip netns add $n
  ip netns exec $n sysctl -q -w net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
  ip -n $n link set lo up
done
# h1 (192.168.7.2-13) - r1 (10.7.2.1, 10.7.2.10-20) - h2 10.7.2.100
ip link add e0 netns nf_h1 type veth peer name a0 netns nf_r1
ip link add b0 netns nf_r1 type veth peer name e0 netns nf_h2
for i in $(seq 2 13); do ip -n nf_h1 addr add 192.168.7.$i/24 dev e0; done
ip -n nf_r1 addr add 192.168.7.1/24 dev a0
ip -n nf_r1 addr add 10.7.2.1/24 dev b0
for i in $(seq 10 20); do ip -n nf_r1 addr add 10.7.2.$i/24 dev b0; done
ip -n nf_h2 addr add 10.7.2.100/24 dev e0
ip -n nf_h1 link set e0 up; ip -n nf_r1 link set a0 up; ip -n nf_r1 link set b0 up; ip -n nf_h2 link set e0 up
ip netns exec nf_r1 sysctl -q -w net.ipv4.ip_forward=1
ip -n nf_h1 route add default via 192.168.7.1
r1() { ip netns exec nf_r1 "$@"; }
r1 iptables -t nat -A POSTROUTING -o b0 -j SNAT --to-source 10.7.2.10-10.7.2.20
sleep 2
echo "### SNAT to a range: each source keeps its hashed address"
for i in $(seq 2 13); do ip netns exec nf_h1 ping -c 1 -W 1 -I 192.168.7.$i 10.7.2.100 >/dev/null; echo -n "$?"; done; echo
r1 conntrack -L | sed -E 's/^icmp +1 [0-9]+ //; s/ id=[0-9]+//g' | sort -t. -k4 -n
echo "### locally generated flows, DNAT in OUTPUT re-routes"
r1 conntrack -F
r1 iptables -t nat -A OUTPUT -d 10.9.9.9 -j DNAT --to-destination 10.7.2.100
r1 ping -c 1 -W 1 10.9.9.9 | grep -E "^PING|^64 bytes|transmitted"
r1 ip route add 10.9.9.0/24 via 192.168.7.2
r1 ping -c 1 -W 1 10.9.9.9 | grep -E "^PING|^64 bytes|transmitted"
r1 ping -c 1 -W 1 -I 10.7.2.15 10.7.2.100 | grep -E "^64 bytes|transmitted"
r1 conntrack -L | sort -k4
r1 conntrack -L -o extended -p icmp -d 10.7.2.100 2>/dev/null | sort -k6
r1 iptables -t nat -L OUTPUT -v -n
echo "### the last rule needing conntrack goes: flows are no longer tracked"
r1 iptables -t nat -F
r1 conntrack -F
ip netns exec nf_h1 ping -c 1 -W 1 10.7.2.100 | grep -E "transmitted"
r1 conntrack -L
echo "### a bridge with -m state: bridged flows are tracked where the bridge is"
ip netns exec nf_br sysctl -q -w net.ipv4.ip_forward=0
ip -n nf_br link add br0 type bridge
ip link add e1 netns nf_h1 type veth peer name p1 netns nf_br
ip link add e1 netns nf_h2 type veth peer name p2 netns nf_br
ip -n nf_h1 addr add 172.16.9.1/24 dev e1
ip -n nf_h2 addr add 172.16.9.2/24 dev e1
for p in p1 p2; do ip -n nf_br link set $p master br0; ip -n nf_br link set $p up; done
ip -n nf_br link set br0 up; ip -n nf_h1 link set e1 up; ip -n nf_h2 link set e1 up
ip netns exec nf_br iptables -A FORWARD -m state --state NEW -j ACCEPT
sleep 2
ip netns exec nf_h1 ping -c 2 -i 0.3 -W 1 172.16.9.2 | grep -E "transmitted"
ip netns exec nf_br conntrack -L -p icmp
ip netns exec nf_br iptables -L FORWARD -v -n
