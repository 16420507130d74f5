#!/bin/bash
# nsemu scenario: `ip link` forms.
# Recorded on the real kernel by scripts/record.ts (expected/link-forms.out; never edit by hand).
# Shows: listings (`show dev`, `show up`, `show type veth`, `-br`, `-o`, `-j`, `-j -p`, `-s`,
# `-s -s`, `-d` (only its stable parts: the queue counts follow the CPU count)); settings (`mtu`,
# `address`, `alias`, `name` (also while up), `txqueuelen`, `arp off`, `multicast off`,
# `promisc on`, `allmulticast on`, `down`/`up`) and how each one shows. IPv6 is disabled on the
# pair so that the counters only count the pings and their ARP.
# Runs in a fresh network namespace that plays the machine's root namespace ("the host"): the
# recorder's sandbox, or nsemu. `sleep 3.5` lets link state settle after changes.
ip link set lo up
[ "$(ip -o link show | wc -l)" = 1 ] || { echo "refusing to run: not a fresh network namespace (ip -o link must list lo only)" >&2; exit 2; }
NETNS="ln_a"
for n in $NETNS; do
  [ -e /var/run/netns/$n ] && { echo "refusing to run: netns $n already exists" >&2; exit 2; }
done
cleanup() { for n in $NETNS; do ip netns del $n 2>/dev/null; done; ip link del ln0 2>/dev/null; ip link del lnx 2>/dev/null; }
trap cleanup EXIT

ip netns add ln_a
sysctl -q -w net.ipv6.conf.default.disable_ipv6=1
ip netns exec ln_a sysctl -q -w net.ipv6.conf.default.disable_ipv6=1
ip link add ln0 type veth peer name ln1 netns ln_a
ip link add ln2 type veth peer name ln3

echo "### fresh devices"
ip link
ip link show dev ln0
ip link show type veth
ip link show up
ip -br link
ip -o link
ip -j link show ln0
echo
ip -j -p link show ln2
echo "### ip -d link: the first two lines, and the start of the third"
ip -d link show ln0 | sed -n 1,2p
ip -d link show ln0 | sed -n 3p | cut -d' ' -f1-7
ip -d link show lo

echo "### settings: mtu, address, alias, txqueuelen"
ip link set ln0 mtu 9000
ip link set dev ln0 address 02:00:00:00:02:04
ip link set ln0 alias "uplink to ln_a"
ip link set ln0 txqueuelen 500
ip link show ln0
ip -br link show ln0
cat /sys/class/net/ln0/mtu /sys/class/net/ln0/address /sys/class/net/ln0/ifalias /sys/class/net/ln0/tx_queue_len /sys/class/net/ln0/addr_assign_type
echo "### flags: arp off, multicast off, promisc on, allmulticast on"
ip link set ln2 arp off
ip link set ln2 multicast off
ip link set ln3 promisc on
ip link set ln3 allmulticast on
ip link show ln2
ip link show ln3
ip -br link show type veth
ip link set ln2 arp on multicast on
ip link set ln3 promisc off allmulticast off
ip link show ln2
ip link show ln3
echo "### rename: allowed while up on this kernel (it used to need the device down), and while down"
ip link set ln2 up
ip link set ln2 name lnx; echo "rc=$?"
ip -br link
ip link set lnx down
ip link set lnx name ln2; echo "rc=$?"
ip -br link

echo "### up, addresses, pings; counters"
ip addr add 10.204.1.1/24 dev ln0
ip -n ln_a addr add 10.204.1.2/24 dev ln1
ip -n ln_a link set ln1 mtu 9000
ip link set ln0 up
ip -n ln_a link set ln1 up
sleep 3.5
ip link show ln0
ip -n ln_a link show ln1
ping -c 2 -i 0.2 -W 1 10.204.1.2 > /dev/null; echo "ping rc=$?"
ping -c 1 -s 4000 -W 1 10.204.1.2 > /dev/null; echo "ping rc=$?"
ip -s link show ln0
ip -s -s link show ln0
ip -n ln_a -s link show ln1
ip -s -br link show ln0
ip -j -s link show ln0
echo
echo "### down again"
ip link set ln0 down
sleep 3.5
ip link show ln0
ip -n ln_a link show ln1
ip link set dev ln0 alias ""
ip link show ln0
