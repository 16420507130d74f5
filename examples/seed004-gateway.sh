#!/bin/bash
# Lesson: a router namespace between a server and a client (ifconfig, route, netstat)
#
# What to look for:
#   ifconfig gives classful masks: 192.168.100.x gets /24, 10.0.100.x gets /8;
#   `netstat -rn` shows the default routes through the gateway;
#   the client's ping to the server crosses the gateway: ttl=63, one less than a direct ping.
#
# Run it: nsemu run --example seed004-gateway    (explore afterwards: nsemu shell --load examples/seed004-gateway.sh)
# On a real Linux box, as root: bash examples/seed004-gateway.sh. Its output, normalised (MACs, times),
# is the recording shared/scenarios/expected/seed004-gateway.out; each section is headed by ### lines.
# ---- the tutorial scenario, as recorded on the real kernel, follows unchanged ----
# Source document: 004_afd1347c0e73ca1b.txt  (section "Demo")
# Shows: three namespaces server - gateway - client joined by two veth pairs; gateway has
# ip_forward=1; addresses set with ifconfig (classful masks: 192.168.100.x gets /24,
# 10.0.100.x gets /8), default routes with `route add default gw`, `netstat -rn`; client pings
# server through the gateway (ttl=63).
#
# Deviations from the document:
# * The veth pairs are created in a wrapper namespace "host" standing in for the machine's root
#   namespace, then moved out as in the document (so `ip link show | grep veth` in "host" ends
#   up empty, like the document's root namespace).
# * `sudo` dropped (the scripts run as root). Pings get `-c 1 -W 1` (the document used ^C).
# * net-tools (ifconfig, route, netstat) is installed here, so the document's commands are kept.
# * Settle pauses (`sleep 3.5`) before observations: see README ("Settling").

NETNS="host server gateway client"
for n in $NETNS; do
  [ -e /var/run/netns/$n ] && { echo "refusing to run: netns $n already exists" >&2; exit 2; }
done
cleanup() { for n in $NETNS; do ip netns del $n 2>/dev/null; done; }
trap cleanup EXIT

ip netns add host
ip netns exec host ip link set lo up

echo "### ip netns add server; gateway; client; ip netns list"
ip netns add server
ip netns add gateway
ip netns add client
ip netns list
echo "### ip netns exec gateway sysctl net.ipv4.ip_forward=1"
ip netns exec gateway sysctl net.ipv4.ip_forward=1
echo "### two veth pairs; ip link show | grep veth"
ip netns exec host ip link add svr-veth type veth peer name svrgw-veth
ip netns exec host ip link add cli-veth type veth peer name cligw-veth
ip netns exec host ip link show | grep veth
echo "### move the ends; ip link show | grep veth (doc: nothing left)"
ip netns exec host ip link set svr-veth netns server
ip netns exec host ip link set svrgw-veth netns gateway
ip netns exec host ip link set cligw-veth netns gateway
ip netns exec host ip link set cli-veth netns client
ip netns exec host ip link show | grep veth; echo "grep rc=$?"
echo "### ip netns exec server ip link show | grep veth"
ip netns exec server ip link show | grep veth
echo "### ifconfig"
ip netns exec server ifconfig svr-veth 192.168.100.1
ip netns exec gateway ifconfig svrgw-veth 192.168.100.254
ip netns exec gateway ifconfig cligw-veth 10.0.100.254
ip netns exec client ifconfig cli-veth 10.0.100.1
sleep 3.5  # settle
echo "### ip netns exec gateway ip addr (added: what ifconfig did)"
ip netns exec gateway ip addr
echo "### ip netns exec gateway ping 192.168.100.1 -I 192.168.100.254 (doc: works)"
ip netns exec gateway ping 192.168.100.1 -I 192.168.100.254 -c 1 -W 1; echo "ping rc=$?"
echo "### ip netns exec gateway ping 10.0.100.1 -I 10.0.100.254 (doc: works)"
ip netns exec gateway ping 10.0.100.1 -I 10.0.100.254 -c 1 -W 1; echo "ping rc=$?"
echo "### client: route add default gw 10.0.100.254; netstat -rn"
ip netns exec client route add default gw 10.0.100.254
ip netns exec client netstat -rn
echo "### server: route add default gw 192.168.100.254; netstat -rn"
ip netns exec server route add default gw 192.168.100.254
ip netns exec server netstat -rn
echo "### ip netns exec client ping 192.168.100.1 -I 10.0.100.1 (doc: works, ttl=63)"
ip netns exec client ping 192.168.100.1 -I 10.0.100.1 -c 1 -W 1; echo "ping rc=$?"
