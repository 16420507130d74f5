#!/bin/bash
# nsemu scenario: ping -b. Recorded on the real kernel by scripts/record.ts (never edit by hand).
# Shows: ip_mc_output loops a copy of every broadcast the host sends back to itself
# (dev_loopback_xmit), so with icmp_echo_ignore_broadcasts=0 the sender answers its own echo
# requests and hears that answer first (with =1 it counts an InError instead); the neighbour's
# answers are duplicates, which ping does not mark (DUP!) for a broadcast unless -v; packet
# sockets never see the looped-back copy. The Icmp counters of both sides. (The Ip counters
# are left out: the kernel's IGMP reports, which nsemu does not send, are in them.)
ip netns add a; ip netns add b; ip netns add c
ip link add va netns a type veth peer name pa netns c
ip link add vb netns b type veth peer name pb netns c
ip -n c link add br0 type bridge
ip -n c link set pa master br0; ip -n c link set pb master br0
ip -n c link set br0 up; ip -n c link set pa up; ip -n c link set pb up
ip -n a addr add 10.0.0.1/24 dev va; ip -n b addr add 10.0.0.2/24 dev vb
ip -n a link set va up; ip -n b link set vb up; ip -n a link set lo up
for n in a b c; do ip netns exec $n sysctl -qw net.ipv6.conf.all.disable_ipv6=1; done
ip netns exec b sysctl -qw net.ipv4.icmp_echo_ignore_broadcasts=0
echo "## with icmp_echo_ignore_broadcasts=1 in a: only b answers"
ip netns exec a ping -b -c 2 -i 0.5 10.0.0.255 | grep -v '^rtt'
sleep 1
ip netns exec a sysctl -qw net.ipv4.icmp_echo_ignore_broadcasts=0
echo "## with 0 in a: a answers itself first"
ip netns exec a ping -b -c 3 -i 0.5 10.0.0.255 | grep -v '^rtt'
sleep 1
for n in a b; do echo "## $n"; ip netns exec $n nstat -as | grep -E '^Icmp(In|Out|Msg)'; done
echo "## -v marks the duplicates"
ip netns exec a ping -v -b -c 2 -i 0.5 10.0.0.255 > /tmp/v.txt; grep ai_family /tmp/v.txt; grep -c "ident=[0-9]* ttl=64 .*(DUP!)$" /tmp/v.txt
ip netns exec a ping -4 -v -c 1 10.0.0.2 | head -1
echo "## tcpdump on va sees no looped-back copy"
ip netns exec a tcpdump -c 2 -i va -n -l icmp 2>/dev/null > /tmp/cap.txt &
sleep 1
ip netns exec a ping -b -c 1 -W 1 10.0.0.255 > /dev/null
wait
sed 's/^[0-9:.]* //' /tmp/cap.txt
