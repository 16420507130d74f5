#!/bin/bash
# nsemu scenario: iptables' tcp/udp/icmp/physdev matches and the LOG target — how -L (with and
# without -n), -S and iptables-save write them, their parse errors, the kernel's refusals (EINVAL
# and what it logs), icmp-type counters under pings, physdev on a bridge in a namespace (bridged
# and to the bridge's own address), LOG in a namespace other than the initial one (counted, but
# nothing logged: nf_log_all_netns is 0), dmesg for a user, and iptables-save → flush →
# iptables-restore, restore's errors by line and its all-or-nothing COMMIT.
# Recorded on the real kernel by scripts/record.ts (expected/iptables-ext.out; never edit by hand).
# Runs in a fresh network namespace that plays the machine's root namespace.
ip link set lo up
[ "$(ip -o link show | wc -l)" = 1 ] || { echo "refusing to run: not a fresh network namespace (ip -o link must list lo only)" >&2; exit 2; }
NETNS="ix_a ix_r ix_b ix_s ix_x ix_y"
for n in $NETNS; do
  [ -e /var/run/netns/$n ] && { echo "refusing to run: netns $n already exists" >&2; exit 2; }
done
RULES=$(mktemp)
cleanup() { for n in $NETNS; do ip netns del $n 2>/dev/null; done; rm -f "$RULES"; }
trap cleanup EXIT
KLOG0=$(dmesg | wc -l)
for n in $NETNS; do
  ip netns add $n
  ip netns exec $n sysctl -q -w net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
  ip -n $n link set lo up
done
# a -(10.7.1.0/24)- r -(10.7.2.0/24)- b; x and y on a bridge in s (10.7.3.0/24, s has .1)
ip link add ra netns ix_r type veth peer name ea netns ix_a
ip link add rb netns ix_r type veth peer name eb netns ix_b
ip -n ix_r addr add 10.7.1.1/24 dev ra
ip -n ix_r addr add 10.7.2.1/24 dev rb
ip -n ix_a addr add 10.7.1.2/24 dev ea
ip -n ix_b addr add 10.7.2.2/24 dev eb
for x in "ix_r ra" "ix_r rb" "ix_a ea" "ix_b eb"; do set -- $x; ip -n $1 link set $2 up; done
ip -n ix_a route add default via 10.7.1.1
ip -n ix_b route add default via 10.7.2.1
ip netns exec ix_r sysctl -q -w net.ipv4.ip_forward=1
ip -n ix_s link add br0 type bridge
ip link add sx netns ix_s type veth peer name ex netns ix_x
ip link add sy netns ix_s type veth peer name ey netns ix_y
ip -n ix_s link set sx master br0
ip -n ix_s link set sy master br0
ip -n ix_s addr add 10.7.3.1/24 dev br0
ip -n ix_x addr add 10.7.3.2/24 dev ex
ip -n ix_y addr add 10.7.3.3/24 dev ey
for x in "ix_s br0" "ix_s sx" "ix_s sy" "ix_x ex" "ix_y ey"; do set -- $x; ip -n $1 link set $2 up; done
sleep 3.5

echo "### listing forms"
ix() { n=$1; shift; ip netns exec $n iptables "$@"; }
ix ix_a -A INPUT -p tcp --dport 22 -j ACCEPT
ix ix_a -A INPUT -p tcp ! --sport 1:1023 --dport ssh:http -j ACCEPT
ix ix_a -A INPUT -p tcp -m tcp --syn --dport :1023 -j DROP
ix ix_a -A INPUT -p tcp --tcp-flags ALL FIN,URG,PSH -j DROP
ix ix_a -A INPUT -p tcp --tcp-option 8 -j ACCEPT
ix ix_a -A INPUT -p udp --sport domain --dport 1024: -j ACCEPT
ix ix_a -A INPUT -p udp ! --dport 67:68 -j ACCEPT
ix ix_a -A INPUT -p icmp --icmp-type echo-request -j ACCEPT
ix ix_a -A INPUT -p icmp ! --icmp-type 0 -j ACCEPT
ix ix_a -A INPUT -p icmp --icmp-type 3/4 -j ACCEPT
ix ix_a -A INPUT -p icmp --icmp-type 5/9 -j ACCEPT
ix ix_a -A INPUT -p icmp --icmp-type any -j ACCEPT
ix ix_a -A INPUT -p icmp --icmp-type TTL-exc -j ACCEPT
ix ix_a -A INPUT -m physdev --physdev-in eth+ ! --physdev-is-bridged -j ACCEPT
ix ix_a -A INPUT -j LOG
ix ix_a -A INPUT -j LOG --log-prefix "in: " --log-level info --log-uid --log-ip-options
ix ix_a -A INPUT -j LOG --log-prefix 'a "quoted" prefix that is too long' --log-level 0
ix ix_a -L INPUT
ix ix_a -L INPUT -n --line-numbers
ix ix_a -S INPUT
ix ix_a -L INPUT 3 -v -x -n
ix ix_a -S INPUT 8
ip netns exec ix_a iptables-save | grep -v '^#'
echo "### parse errors"
for r in "--dport 22" "-p all --dport 22" "-p tcp --dport 99999" "-p tcp --dport 80:22" "-p tcp --dport 22 --dport 23" \
    "-p udp --dport 1:2:3" "-p udp --dport nosuch" "-p udp --sport 1 --sport 2" "-p tcp --tcp-flags SYN" "-p tcp --tcp-flags BOGUS SYN" \
    "-p icmp --icmp-type echo" "-p icmp --icmp-type nosuch" "-p icmp --icmp-type 8/300" "-p icmp -m icmp" "-p udp --icmp-type 8" \
    "-m tcp --dport 22" "-p udp -m tcp --dport 22" "-m physdev" "-m physdev --physdev-in 1234567890123456" \
    "-m physdev --physdev-in a --physdev-in b" "-j LOG --log-level warn" "-j LOG --log-prefix ''" "-j LOG ! --log-uid" \
    "-p tcp ! ! --dport 22" "-p tcp --dport 22 extra"; do
  eval "ix ix_a -A INPUT $r"; echo "rc=$?: $r"
done
echo "### the kernel refuses, and says why in its log"
ix ix_a -A INPUT -m icmp --icmp-type 8 -j ACCEPT; echo "rc=$?"
ix ix_a -I INPUT ! -p udp -m udp -j ACCEPT; echo "rc=$?"
ix ix_a -A OUTPUT -m physdev --physdev-out ex -j ACCEPT; echo "rc=$?"
ix ix_a -t nat -A POSTROUTING -j REJECT; echo "rc=$?"
ix ix_a -t mangle -A INPUT -j REJECT; echo "rc=$?"
ix ix_a -t nat -A PREROUTING -j SNAT --to 10.7.1.9; echo "rc=$?"
ix ix_a -A OUTPUT -m physdev --physdev-out ex --physdev-is-bridged -j ACCEPT; echo "rc=$?"
dmesg | tail -n +$((KLOG0 + 1)) | grep -E '(x_tables|xt_physdev):' | sed 's/^\[ *[0-9.]*\] //'
echo "### dmesg is for root"
setpriv --reuid 65534 dmesg; echo "rc=$?"
setpriv --reuid 65534 dmesg -C; echo "rc=$?"
dmesg --level=bogus; echo "rc=$?"
dmesg -Z; echo "rc=$?"

echo "### icmp types under pings"
ix ix_b -A INPUT -p icmp --icmp-type echo-request
ix ix_b -A INPUT -p icmp ! --icmp-type echo-request
ix ix_b -A OUTPUT -p icmp --icmp-type 0/0
ix ix_b -A INPUT -p tcp --dport 1:65535
ix ix_b -A INPUT -p udp
ix ix_r -A FORWARD -p icmp --icmp-type 8 -j LOG --log-prefix "IXFWD: "
ix ix_r -A FORWARD -p icmp --icmp-type echo-reply
ix ix_a -F INPUT
ix ix_a -A INPUT -p icmp --icmp-type port-unreachable
ix ix_a -A INPUT -p icmp --icmp-type 3
ip netns exec ix_a ping -c 2 -i 0.2 -W 1 10.7.2.2 > /dev/null; echo "ping rc=$?"
ix ix_b -L -v -n
ix ix_r -L FORWARD -v -n -x
echo "### LOG outside the initial namespace logs nothing"
dmesg | grep -c IXFWD
echo "### icmp-type DROP, then a port-unreachable"
ix ix_b -I INPUT -p icmp --icmp-type echo-request -j DROP
ip netns exec ix_a ping -c 1 -W 1 10.7.2.2 > /dev/null; echo "ping rc=$?"
ix ix_b -D INPUT -p icmp --icmp-type echo-request -j DROP
ix ix_r -I FORWARD -p icmp --icmp-type echo-request -j REJECT
ip netns exec ix_a ping -c 1 -W 1 10.7.2.2 | grep From
ix ix_a -L INPUT -v -n

echo "### physdev on a bridge"
ix ix_s -A FORWARD -m physdev --physdev-in sx --physdev-out sy
ix ix_s -A FORWARD -m physdev --physdev-in s+ ! --physdev-out sy
ix ix_s -A FORWARD -m physdev --physdev-is-bridged -j LOG --log-prefix "IXBR: "
ix ix_s -A FORWARD -m physdev ! --physdev-is-bridged
ix ix_s -A FORWARD -i br0 -o br0 -p icmp --icmp-type echo-request
ix ix_s -A INPUT -m physdev --physdev-in sx -p icmp
ix ix_s -A INPUT -m physdev --physdev-is-in --physdev-is-out
ix ix_s -A INPUT -m physdev ! --physdev-is-bridged
ix ix_s -A OUTPUT -m physdev ! --physdev-is-in
ip netns exec ix_x ping -c 2 -i 0.2 -W 1 10.7.3.3 > /dev/null; echo "ping rc=$?"
ip netns exec ix_x ping -c 1 -W 1 10.7.3.1 > /dev/null; echo "ping rc=$?"
ix ix_s -L -v -n
dmesg | grep -c IXBR

echo "### iptables-save, flush, iptables-restore"
ip netns exec ix_s iptables -t nat -A POSTROUTING -o br0 -p udp --dport 53 -j ACCEPT
ip netns exec ix_s iptables -N ix_chain
ip netns exec ix_s iptables -A ix_chain -p tcp --dport 8080:8090 -j RETURN
ip netns exec ix_s iptables -A INPUT -j ix_chain
ip netns exec ix_s iptables -P FORWARD DROP
ip netns exec ix_s iptables-save -c | grep -v '^#'
ip netns exec ix_s iptables-save > "$RULES"
grep -c '^# Generated by iptables-save v1.8.9 (nf_tables) on ' "$RULES"
for t in filter nat; do ip netns exec ix_s iptables -t $t -F; ip netns exec ix_s iptables -t $t -X; done
ip netns exec ix_s iptables -P FORWARD ACCEPT
ip netns exec ix_s iptables-save | grep -v '^#'
ip netns exec ix_s iptables-restore < "$RULES"; echo "rc=$?"
[ "$(ip netns exec ix_s iptables-save | grep -v '^#')" = "$(grep -v '^#' "$RULES")" ] && echo "restored as saved"
ip netns exec ix_s iptables -L FORWARD -v -n
ip netns exec ix_s iptables-save -t nat | grep -v '^#'
ip netns exec ix_s iptables-save -t raw | grep -v '^#'
ip netns exec ix_s iptables-save -t bogus; echo "rc=$?"
echo "### restore: errors by line, and COMMIT is all or nothing"
rs() { printf "$1" | ip netns exec ix_s iptables-restore "${@:2}"; echo "rc=$?"; }
rs '*filter\n-A INPUT -s 10.7.9.1 -j DROP\n-A INPUT -p icmp --icmp-type 9999 -j DROP\nCOMMIT\n'
rs '*filter\n-A INPUT -s 10.7.9.1 -j DROP\n-A NOSUCH -j DROP\nCOMMIT\n'
rs '*filter\n-A INPUT -s 10.7.9.1 -j DROP\n-A OUTPUT -m physdev --physdev-out sx -j DROP\nCOMMIT\n'
rs '*filter\n-A INPUT -s 10.7.9.1 -j DROP\n-A INPUT -j ix_nosuch\nCOMMIT\n'
rs '*filter\n-A INPUT -s 10.7.9.1 -j DROP\n' --noflush
rs '*filter\n:INPUT BOGUS [0:0]\nCOMMIT\n' --noflush
rs '*bogus\nCOMMIT\n'
rs 'COMMIT\n'
rs '*filter\n-t nat -A INPUT -j ACCEPT\nCOMMIT\n'
rs '*filter\n*nat\nCOMMIT\n'
ip netns exec ix_s iptables -S INPUT
rs '*filter\n-A INPUT -s 10.7.9.2 -j DROP\nCOMMIT\n' --test
rs '*filter\n-A INPUT -s 10.7.9.3 -j DROP\nCOMMIT\n*nat\n-A OUTPUT -s 10.7.9.4 -j ACCEPT\nCOMMIT\n' --noflush --table=nat
rs '*filter\n:ix_new - [0:0]\n[5:420] -A ix_new -j LOG --log-prefix "a b"\n-I INPUT -j ix_new\nCOMMIT\n' -n -c
ip netns exec ix_s iptables -S INPUT
ip netns exec ix_s iptables -L ix_new -v -n
ip netns exec ix_s iptables -t nat -S OUTPUT
ip netns exec ix_s iptables-restore /nonexistent; echo "rc=$?"
ip netns exec ix_s iptables-restore -q < /dev/null; echo "rc=$?"
printf '*filter\nCOMMIT\n' | ip netns exec ix_s setpriv --reuid 65534 iptables-restore; echo "rc=$?"
ip netns exec ix_s setpriv --reuid 65534 iptables-save; echo "rc=$?"
