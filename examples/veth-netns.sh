#!/bin/bash
# Example: two namespaces joined by a veth pair, addressed and pinged (the README's first example)
# Two namespaces joined by a veth pair, as in most netns tutorials: create, move the ends,
# address them, bring them up, ping across. Runs the same on a real Linux box (as root).
ip netns add red
ip netns add blue
ip link add veth-red type veth peer name veth-blue
ip link show type veth 2>/dev/null || ip link
ip link set veth-red netns red
ip link set veth-blue netns blue
ip -n red addr add 10.0.0.1/24 dev veth-red
ip -n blue addr add 10.0.0.2/24 dev veth-blue
ip -n red link set veth-red up
ip -n blue link set veth-blue up
ip -n red link set lo up
sleep 2
ip netns exec red ip addr show veth-red
ip netns exec red ping -c 3 10.0.0.2
ip netns exec red ip neigh
ip netns exec red ping -c 1 -W 1 10.0.0.99; echo "ping rc=$?"
ip netns del red
ip netns del blue
