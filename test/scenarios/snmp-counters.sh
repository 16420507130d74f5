#!/bin/bash
# nsemu scenario: the IPv4 SNMP counters and nstat (the texts test/snmp.test.ts used to hold).
# Recorded on the real kernel by scripts/record.ts (expected/snmp-counters.out; never edit by hand).
# Shows: /proc/net/snmp and IpExt after one ping through lo (IcmpMsg lists only the types seen);
# /proc/net is the reader's namespace, /proc/PID/net that process's; ip_error's 1/s (burst 5)
# budget shared with icmp_send's (OutRateLimitHost); rp_filter drops counted as TcpExt
# IPReversePathFilter, forwarded or for the router itself; nstat: the first run prints
# everything, later runs the increments since its history file (patterns keep the old values of
# what they leave out), -a -z -j -p -r -n, the order snmp / snmp6 / netstat, case-insensitive
# patterns, and its errors. Every part that counts runs in namespaces of its own, so each starts
# from zero; IPv6 is off where it would add its own packets.
# Runs in a fresh network namespace that plays the machine's root namespace ("the host"): the
# recorder's sandbox, or nsemu. `sleep 3.5` lets link state settle after changes.
ip link set lo up
[ "$(ip -o link show | wc -l)" = 1 ] || { echo "refusing to run: not a fresh network namespace (ip -o link must list lo only)" >&2; exit 2; }
NETNS="sc_lo sc_x sc_a sc_r sc_h sc_q sc_h2 sc_n1 sc_n2 sc_n3 sc_n4"
for n in $NETNS; do
  [ -e /var/run/netns/$n ] && { echo "refusing to run: netns $n already exists" >&2; exit 2; }
done
T=$(mktemp -d)
cleanup() { for n in $NETNS; do ip netns del $n 2>/dev/null; done; rm -rf "$T"; }
trap cleanup EXIT
for n in $NETNS; do
  ip netns add $n
  ip -n $n link set lo up
done
for n in sc_a sc_r sc_h sc_q sc_h2; do
  ip netns exec $n sysctl -q -w net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
done

echo "### one ping through lo: /proc/net/snmp and IpExt"
ip netns exec sc_lo sh -c 'ping -c1 -q 127.0.0.1 >/dev/null; cat /proc/net/snmp; grep IpExt /proc/net/netstat'

echo "### /proc/net is the reader's, /proc/PID/net that process's (here the host's)"
ping -c1 -q 127.0.0.1 >/dev/null
ip netns exec sc_x sed -n 2p /proc/net/snmp
sleep 10 &
ip netns exec sc_x sed -n 2p /proc/$!/net/snmp
kill %1
head -2 /proc/net/snmp6 | cat -A

echo "### ip_error: four errors a second apart drain the bucket; of eight more 0.2 s apart, ip_error stops seven and icmp_send one"
ip link add e0 netns sc_a type veth peer name a0 netns sc_r
ip -n sc_a addr add 10.9.1.2/24 dev e0; ip -n sc_r addr add 10.9.1.1/24 dev a0; ip -n sc_a link set e0 up; ip -n sc_r link set a0 up
ip netns exec sc_r sysctl -q -w net.ipv4.ip_forward=1
ip -n sc_a route add default via 10.9.1.1
sleep 3.5
ip netns exec sc_a ping -c 4 -W 1 10.9.99.1 | grep -c ^From
ip netns exec sc_a ping -c 8 -i 0.2 -W 1 -t 1 10.9.99.1 | grep transmitted
NSTAT_HISTORY=$T/a ip netns exec sc_r nstat -as 'IcmpOut[RD]*' IpExtInNoRoutes

echo "### rp_filter=1 drops: TcpExtIPReversePathFilter, for a forwarded packet and for the router itself"
for n in sc_h sc_q sc_h2; do ip netns exec $n sysctl -q -w net.ipv4.conf.all.rp_filter=1 net.ipv4.conf.default.rp_filter=1; done
link() { ip link add $2 netns $1 type veth peer name $4 netns $3; ip -n $1 addr add $5 dev $2; ip -n $3 addr add $6 dev $4; ip -n $1 link set $2 up; ip -n $3 link set $4 up; }
link sc_h e0 sc_q a0 10.6.1.2/24 10.6.1.1/24
link sc_h e1 sc_q b0 10.6.2.2/24 10.6.2.1/24
link sc_q c0 sc_h2 e0 10.6.3.1/24 10.6.3.2/24
ip netns exec sc_q sysctl -q -w net.ipv4.ip_forward=1
ip -n sc_h route add 10.6.3.0/24 via 10.6.1.1
ip -n sc_h2 route add default via 10.6.3.1
sleep 3.5
ip netns exec sc_h ping -c1 -W1 10.6.3.2 >/dev/null; ip netns exec sc_h ping -c1 -W1 -I 10.6.2.2 10.6.2.1 > /dev/null
ip netns exec sc_q env NSTAT_HISTORY=$T/q nstat -n
for dst in 10.6.3.2 10.6.1.1; do ip netns exec sc_h ping -c 1 -W 1 -I 10.6.2.2 $dst >/dev/null; ip netns exec sc_q env NSTAT_HISTORY=$T/q nstat; done

# the nstat parts, each a script run in a namespace of its own
cat > $T/n1.sh <<'EON'
ping -c1 -q 127.0.0.1 >/dev/null; nstat; echo rc=$?; nstat; ping -c1 -q 127.0.0.1 >/dev/null; nstat -s 'Icmp*'; nstat 'icmpmsg*' ipext*; cat $NSTAT_HISTORY
EON
cat > $T/n2.sh <<'EON'
ping -c2 -i 0.2 -q 127.0.0.1 >/dev/null; nstat -a 'IcmpMsg*'; nstat -az 'Ip*' | head -4; nstat -a -j; nstat -a -j -p 'IpIn*'; nstat -r | head -2; nstat -rn; echo rc=$?; nstat
EON
cat > $T/n3.sh <<'EON'
nstat -asz 'icmp6in[de]*' udplite*
EON
cat > $T/n4.sh <<'EON'
D=$(dirname $NSTAT_HISTORY)
export NSTAT_HISTORY=$D/d; mkdir $D/d; nstat -x; echo rc=$?; nstat --zzz 2>&1 | head -1; nstat -d 2>&1 | head -1; nstat --no 2>&1 | head -1; nstat --zeros=1 2>&1 | head -1; nstat --scan 2>&1 | head -1
nstat -t 0; echo rc=$?; nstat -V; nstat; echo rc=$?; echo garbage > $D/bad; NSTAT_HISTORY=$D/bad nstat; echo rc=$?
printf "#foo\nIpInReceives 1\n" > $D/other; NSTAT_HISTORY=$D/other nstat; NSTAT_HISTORY=$D/nope/x nstat; echo rc=$?; NSTAT_HISTORY=$D/nope/x nstat -as
EON
for i in 1 2 3 4; do
  echo "### nstat, part $i"
  ip netns exec sc_n$i env NSTAT_HISTORY=$T/hist$i bash $T/n$i.sh 2>&1
done
