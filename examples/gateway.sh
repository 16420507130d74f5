#!/bin/bash
# Example: the gateway lesson's topology alone (server - gateway - client), a start for nsemu whatif
# The gateway tutorial (../shared/scenarios/seed004-gateway.sh) without its observations and
# cleanup: server - gateway - client joined by two veth pairs, the gateway forwarding, default
# routes through it. `nsemu whatif examples/gateway.sh --change ...` starts from here.
ip netns add server
ip netns add gateway
ip netns add client
ip netns exec gateway sysctl -q net.ipv4.ip_forward=1
ip link add svr-veth type veth peer name svrgw-veth
ip link add cli-veth type veth peer name cligw-veth
ip link set svr-veth netns server
ip link set svrgw-veth netns gateway
ip link set cligw-veth netns gateway
ip link set cli-veth netns client
ip netns exec server ifconfig svr-veth 192.168.100.1
ip netns exec gateway ifconfig svrgw-veth 192.168.100.254
ip netns exec gateway ifconfig cligw-veth 10.0.100.254
ip netns exec client ifconfig cli-veth 10.0.100.1
ip netns exec client route add default gw 10.0.100.254
ip netns exec server route add default gw 192.168.100.254
