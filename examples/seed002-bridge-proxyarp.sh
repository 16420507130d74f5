#!/bin/bash
# Lesson: namespaces on a bridge without an address: routes, proxy ARP, iptables on bridged traffic
#
# What to look for:
#   the namespaces reach each other at layer 2 at once; the host cannot until it has a route
#     via br0 AND they have a route back (default via 169.2.2.2 onlink, answered by proxy_arp);
#   proxy ARP answers only with ip_forward=1 (the ping "as written" fails, the "added" one works);
#   bridged traffic needs no ip_forward, but with bridge-nf-call-iptables the FORWARD policy DROP
#     stops it: see the counters of `iptables -L FORWARD -v -n`;
#   a bridge cannot change namespace (`ip link set br0 netns ...` fails: netns-local).
#
# Run it: nsemu run --example seed002-bridge-proxyarp    (explore afterwards: nsemu shell --load examples/seed002-bridge-proxyarp.sh)
# On a real Linux box, as root: bash examples/seed002-bridge-proxyarp.sh. Its output, normalised (MACs, times),
# is the recording shared/scenarios/expected/seed002-bridge-proxyarp.out; each section is headed by ### lines.
# ---- the tutorial scenario, as recorded on the real kernel, follows unchanged ----
# Source document: 002_70e20ae7bb4ac578.txt
# Shows: two namespaces on a Linux bridge br0 (no IP on br0) reach each other at L2; the host
# cannot reach them until it has a route to 192.168.10.0/24 via br0 AND the namespaces have a
# route back (default via a fake gateway 169.2.2.2 "onlink", answered by proxy_arp on br0);
# bridged traffic does not need ip_forward; with bridge-nf-call-iptables, the host's iptables
# FORWARD chain (policy DROP) does filter bridged traffic; a bridge cannot change namespace
# (netns-local).
#
# Deviations from the document:
# * The document's host is the machine's root namespace. Here a wrapper namespace "host"
#   stands in (safety). To give it what the document's host has, a NIC with an address and a
#   default route, it gets a veth "eth0" (peer "eth0-peer" left unplugged in host) with
#   192.168.26.149/24 and `default via 192.168.26.2` (the document's host names are not given;
#   these are the ones of 003_b51114990cf69c3f.txt's host). Nothing leaves the wrapper.
# * `echo ... > /proc/sys/...` runs via `ip netns exec host sh -c '...'` so it applies to the
#   host wrapper's own namespace (these sysctls are per namespace).
# * ping gets `-c 1 -W 1`; pings that depend on a proxy-ARP answer get -W 2, because proxy_arp
#   answers broadcast requests after a random delay of up to proxy_delay (0.8 s).
# * The document says "this should ping now" after enabling proxy_arp. On the real kernel that
#   needs ip_forward=1 on the host (proxy ARP only answers when forwarding is on). A new
#   namespace copies ip_forward from the machine's root namespace (0 here); the document's host
#   evidently had it on (it later turns it off). The ping is run as written first, then with
#   `echo 1 > /proc/sys/net/ipv4/ip_forward` (marked "added").
# * bridge-nf-call-iptables is already 1 in a new namespace on this kernel (br_netfilter is built
#   in); the document's echo is kept. Added: `iptables -L FORWARD -v -n` to show the counters.
# * `ethtool -k eth0` runs on the stand-in eth0 (a veth); added br0 and lo. On kernel >= 6.12
#   the netns-local feature is gone from ethtool -k (see the end of the script).
# * Settle pause (`sleep 3.5`) after the setup: see README ("Settling"). `ip neigh` listings with
#   several entries are sorted (the kernel dumps them in hash order, seeded at random).

NETNS="host ns1 ns2"
for n in $NETNS; do
  [ -e /var/run/netns/$n ] && { echo "refusing to run: netns $n already exists" >&2; exit 2; }
done
cleanup() { for n in $NETNS; do ip netns del $n 2>/dev/null; done; }
trap cleanup EXIT

# wrapper "host" namespace standing in for the document's host
ip netns add host
ip netns exec host ip link set lo up
ip netns exec host ip link add eth0 type veth peer name eth0-peer
ip netns exec host ip link set eth0-peer up
ip netns exec host ip link set eth0 up
ip netns exec host ip addr add 192.168.26.149/24 dev eth0
ip netns exec host ip route add default via 192.168.26.2 dev eth0

echo "### bridge br0"
ip netns exec host ip link add br0 type bridge
ip netns exec host ip link set br0 up
echo "### two namespaces, two veth pairs"
ip netns add ns1
ip netns add ns2
ip netns exec host ip link add veth0 type veth peer name veth1
ip netns exec host ip link add veth2 type veth peer name veth3
ip netns exec host ip link set veth0 netns ns1
ip netns exec host ip link set veth2 netns ns2
ip netns exec ns1 ip addr add 192.168.10.10/24 dev veth0
ip netns exec ns2 ip addr add 192.168.10.11/24 dev veth2
ip netns exec ns1 ip link set veth0 up
ip netns exec ns2 ip link set veth2 up
echo "### plug veth1 and veth3 into br0"
ip netns exec host ip link set veth1 master br0
ip netns exec host ip link set veth3 master br0
ip netns exec host ip link set veth1 up
ip netns exec host ip link set veth3 up
sleep 3.5  # settle (see README)
echo "### ns1 ping ns2 (doc: works)"
ip netns exec ns1 ping -c 1 -W 1 192.168.10.11; echo "ping rc=$?"
echo "### host ping ns1 and ns2 (doc: fails, the host has no route to 192.168.10.0/24)"
ip netns exec host ping -c 1 -W 1 192.168.10.10; echo "ping rc=$?"
ip netns exec host ping -c 1 -W 1 192.168.10.11; echo "ping rc=$?"

echo "### ip route add 192.168.10.0/24 dev br0 scope link"
ip netns exec host ip route add 192.168.10.0/24 dev br0 scope link
echo "### ip route (host, added)"
ip netns exec host ip route
echo "### host ping ns1 (doc: still fails, ns1 cannot answer)"
ip netns exec host ping -c 1 -W 1 192.168.10.10; echo "ping rc=$?"
echo "### ip netns exec ns1 ip route"
ip netns exec ns1 ip route

echo "### default routes via 169.2.2.2 onlink, proxy_arp on br0"
ip netns exec ns1 ip route add 0.0.0.0/0 via 169.2.2.2 dev veth0 onlink
ip netns exec ns2 ip route add 0.0.0.0/0 via 169.2.2.2 dev veth2 onlink
ip netns exec host sh -c 'echo 1 > /proc/sys/net/ipv4/conf/br0/proxy_arp'
echo "### ip netns exec ns1 ip route (added)"
ip netns exec ns1 ip route
echo "### host ip_forward (added): $(ip netns exec host cat /proc/sys/net/ipv4/ip_forward)"
echo "### host ping ns1 (doc: works now; real kernel with ip_forward=0: fails)"
ip netns exec host ping -c 1 -W 2 192.168.10.10; echo "ping rc=$?"
echo "### ip netns exec ns1 ip neigh | sort (added: 169.2.2.2 unanswered; sorted because the"
echo "### kernel dumps neighbours in hash-table order, seeded at random per namespace)"
ip netns exec ns1 ip neigh | sort
echo "### added: echo 1 > /proc/sys/net/ipv4/ip_forward (host)"
ip netns exec host sh -c 'echo 1 > /proc/sys/net/ipv4/ip_forward'
echo "### host ping ns1 and ns2 (doc: works)"
ip netns exec host ping -c 1 -W 2 192.168.10.10; echo "ping rc=$?"
ip netns exec host ping -c 1 -W 2 192.168.10.11; echo "ping rc=$?"
echo "### ip netns exec ns1 ip neigh (added: 169.2.2.2 answered with br0's MAC)"
ip netns exec ns1 ip neigh show 169.2.2.2
echo "### ip link show br0 (added: br0's MAC)"
ip netns exec host ip link show br0

echo "### echo 0 > /proc/sys/net/ipv4/ip_forward; ns1 ping ns2 (doc: still works, pure L2)"
ip netns exec host sh -c 'echo 0 > /proc/sys/net/ipv4/ip_forward'
ip netns exec ns1 ping -c 1 -W 1 192.168.10.11; echo "ping rc=$?"

echo "### bridge-nf-call-iptables before (added): $(ip netns exec host cat /proc/sys/net/bridge/bridge-nf-call-iptables)"
ip netns exec host sh -c 'echo 1 > /proc/sys/net/bridge/bridge-nf-call-iptables'
echo "### iptables -P FORWARD DROP; ns1 ping ns2 (doc: fails)"
ip netns exec host iptables -P FORWARD DROP
ip netns exec ns1 ping -c 1 -W 1 192.168.10.11; echo "ping rc=$?"
echo "### iptables -L FORWARD -v -n (added)"
ip netns exec host iptables -L FORWARD -v -n

echo "### ip link set br0 netns ns1 (doc: RTNETLINK answers: Invalid argument; newer kernels send an extack message)"
ip netns exec host ip link set br0 netns ns1; echo "ip rc=$?"
# Since Linux 6.12 netns-local is a device flag (dev->netns_local), no longer an ethtool feature,
# so on 6.18 `ethtool -k` does not list it at all and grep finds nothing.
echo "### ethtool -k eth0 | grep netns-local (doc: netns-local: off [fixed])"
ip netns exec host ethtool -k eth0 | grep netns-local; echo "grep rc=$?"
echo "### ethtool -k br0 / lo | grep netns-local (added)"
ip netns exec host ethtool -k br0 | grep netns-local; echo "grep rc=$?"
ip netns exec host ethtool -k lo | grep netns-local; echo "grep rc=$?"
