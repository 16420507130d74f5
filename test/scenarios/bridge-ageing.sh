#!/bin/bash
# nsemu scenario: FDB ageing and the ageing_time knobs.
# Recorded on the real kernel by scripts/record.ts (expected/bridge-ageing.out; never edit by hand).
# Shows: `brctl setageing` (seconds) and `ip link set br0 type bridge ageing_time` (centiseconds)
# as `ip -d link` and `brctl showstp` show them; learned entries expiring after ageing_time of
# silence while the local (permanent) entries stay; `ageing_time 0` keeping no learned entry;
# brctl's errors for a bad value and a missing bridge.
# IPv6 is disabled in the namespaces (no DAD/MLD frames to learn from); port MACs are fixed.
ip link set lo up
[ "$(ip -o link show | wc -l)" = 1 ] || { echo "refusing to run: not a fresh network namespace (ip -o link must list lo only)" >&2; exit 2; }
NETNS="ba_a ba_b"
for n in $NETNS; do
  [ -e /var/run/netns/$n ] && { echo "refusing to run: netns $n already exists" >&2; exit 2; }
done
cleanup() { for n in $NETNS; do ip netns del $n 2>/dev/null; done; ip link del br0 2>/dev/null; }
trap cleanup EXIT

ip link add br0 type bridge ageing_time 1000
ip -d link show br0 | grep -o 'ageing_time [0-9]*'
i=0
for n in a b; do
  i=$((i+1))
  ip netns add ba_$n
  ip netns exec ba_$n sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
  ip link add br-$n address 02:00:00:00:0$i:0$i type veth peer name eth0 netns ba_$n address 02:00:00:00:0$i:a0
  ip link set br-$n master br0
  ip link set br-$n up
  ip -n ba_$n addr add 10.8.0.$i/24 dev eth0
  ip -n ba_$n link set eth0 up
done
ip link set br0 up
echo "### brctl setageing br0 2"
brctl setageing br0 2; echo "rc=$?"
ip -d link show br0 | grep -o 'ageing_time [0-9]*'
brctl showstp br0 | grep 'ageing time'
sleep 3.5  # settle
ip netns exec ba_a ping -c 1 -W 1 10.8.0.2 > /dev/null; echo "ping rc=$?"
echo "### right after the ping"
brctl showmacs br0 | sort -k1,1n -k2,2 | cut -f1-3
echo "### 3 s of silence later"
sleep 3
brctl showmacs br0 | sort -k1,1n -k2,2 | cut -f1-3
bridge fdb show br br0 | grep -v self
echo "### ageing_time 0 (cs): nothing learned stays"
ip link set br0 type bridge ageing_time 0
ip -d link show br0 | grep -o 'ageing_time [0-9]*'
ip netns exec ba_b ping -c 1 -W 1 10.8.0.1 > /dev/null; echo "ping rc=$?"
sleep 0.5
brctl showmacs br0 | sort -k1,1n -k2,2 | cut -f1-3
echo "### errors"
brctl setageing br0 abc; echo "rc=$?"
brctl setageing nobr 10; echo "rc=$?"
brctl showmacs nobr; echo "rc=$?"
