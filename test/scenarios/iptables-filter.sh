#!/bin/bash
# nsemu scenario: iptables' filter table (nf_tables backend): listings in every form, rule
# management and its errors, and the counters of INPUT/FORWARD/OUTPUT and of policies as pings
# cross a router namespace.
# Recorded on the real kernel by scripts/record.ts (expected/iptables-filter.out; never edit by hand).
# Runs in a fresh network namespace that plays the machine's root namespace.
ip link set lo up
[ "$(ip -o link show | wc -l)" = 1 ] || { echo "refusing to run: not a fresh network namespace (ip -o link must list lo only)" >&2; exit 2; }
NETNS="ipt_r ipt_a ipt_b"
for n in $NETNS; do
  [ -e /var/run/netns/$n ] && { echo "refusing to run: netns $n already exists" >&2; exit 2; }
done
cleanup() { for n in $NETNS; do ip netns del $n 2>/dev/null; done; }
trap cleanup EXIT
echo "### a fresh table"
iptables -L
iptables -L -n -v
echo "### rules"
iptables -N MYCH
iptables -A FORWARD -s 10.0.0.0/8 -d 192.168.1.5 -i h1 -o h2 -p icmp -j ACCEPT
iptables -A FORWARD ! -s 10.1.0.0/16 -p tcp -j DROP
iptables -I FORWARD 1 -j MYCH
iptables -A MYCH -p udp -j RETURN
iptables -A INPUT -j DROP
iptables -L -n --line-numbers
iptables -L FORWARD -v -n -x
iptables -S
iptables -S FORWARD
iptables -L FORWARD
echo "### delete, flush, delete chain"
iptables -D FORWARD 1
iptables -D FORWARD -p tcp ! -s 10.1.0.0/16 -j DROP
iptables -S
iptables -F
iptables -X MYCH
iptables -S
echo "### errors"
iptables -P FORWARD BOGUS; echo "rc=$?"
iptables -A NOCHAIN -j DROP; echo "rc=$?"
iptables -D FORWARD 5; echo "rc=$?"
iptables -X INPUT; echo "rc=$?"
iptables -N FORWARD; echo "rc=$?"
iptables -A FORWARD -p foo -j DROP; echo "rc=$?"
iptables -A FORWARD -s 300.1.1.1 -j DROP; echo "rc=$?"
iptables -D FORWARD -p udp -j DROP; echo "rc=$?"
iptables -A FORWARD -j NOSUCH; echo "rc=$?"
setpriv --reuid=65534 --regid=65534 --clear-groups iptables -L; echo "rc=$?"
iptables -S
echo "### counters on a router"
ip netns add ipt_r
ip netns add ipt_a
ip netns add ipt_b
for n in ipt_r ipt_a ipt_b; do ip netns exec $n sysctl -q -w net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1; ip -n $n link set lo up; done
ip link add ra netns ipt_r type veth peer name ea netns ipt_a
ip link add rb netns ipt_r type veth peer name eb netns ipt_b
ip -n ipt_r addr add 10.8.1.1/24 dev ra
ip -n ipt_r addr add 10.8.2.1/24 dev rb
ip -n ipt_a addr add 10.8.1.2/24 dev ea
ip -n ipt_b addr add 10.8.2.2/24 dev eb
for x in "ipt_r ra" "ipt_r rb" "ipt_a ea" "ipt_b eb"; do set -- $x; ip -n $1 link set $2 up; done
ip -n ipt_a route add default via 10.8.1.1
ip -n ipt_b route add default via 10.8.2.1
ip netns exec ipt_r sysctl -q -w net.ipv4.ip_forward=1
sleep 3.5
ip netns exec ipt_r iptables -A FORWARD -i ra -p icmp -j ACCEPT
ip netns exec ipt_r iptables -A INPUT -p icmp
ip netns exec ipt_a ping -c 2 -i 0.2 -W 1 10.8.2.2 > /dev/null; echo "ping rc=$?"
ip netns exec ipt_a ping -c 1 -W 1 10.8.1.1 > /dev/null; echo "ping rc=$?"
ip netns exec ipt_r ping -c 1 -W 1 10.8.2.2 > /dev/null; echo "ping rc=$?"
ip netns exec ipt_r iptables -L -v -n
echo "### FORWARD DROP: only what the ACCEPT rule lets through from ra"
ip netns exec ipt_r iptables -Z
ip netns exec ipt_r iptables -P FORWARD DROP
ip netns exec ipt_a ping -c 1 -W 1 10.8.2.2 > /dev/null; echo "ping rc=$?"
ip netns exec ipt_r iptables -L FORWARD -v -n
echo "### FORWARD DROP does not touch the router's own addresses, even the far one (INPUT)"
ip netns exec ipt_a ping -c 1 -W 1 10.8.2.1 | grep -E "^64 bytes|transmitted"
ip netns exec ipt_r iptables -L FORWARD -v -n | head -1
ip netns exec ipt_r iptables -I FORWARD -i rb -j ACCEPT
ip netns exec ipt_a ping -c 1 -W 1 10.8.2.2 > /dev/null; echo "ping rc=$?"
ip netns exec ipt_r iptables -L FORWARD -v -n --line-numbers
echo "### INPUT DROP in ipt_b: its address stops answering"
ip netns exec ipt_b iptables -P INPUT DROP
ip netns exec ipt_a ping -c 1 -W 1 10.8.2.2 > /dev/null; echo "ping rc=$?"
ip netns exec ipt_b iptables -L INPUT -v -n
