#!/bin/bash
# Lesson: an Open vSwitch bridge (normal mode) joining two namespaces
#
# What to look for:
#   the first ping fails (rc=2): the moved veth ends are still down, as the document forgot;
#   after the added `ip link set ... up` lines it works, and the four tcpdumps show the same
#     echo request and reply (same IP ids) on every hop: OVS forwards without touching them;
#   `ovs-vsctl show` lists br0 with its ports; `ovs-appctl fdb/show` the MACs it learnt.
#
# Run it: nsemu run --example seed001-ovs    (explore afterwards: nsemu shell --load examples/seed001-ovs.sh)
# On a real Linux box, as root: bash examples/seed001-ovs.sh. Its output, normalised (MACs, times),
# is the recording shared/scenarios/expected/seed001-ovs.out; each section is headed by ### lines.
# ---- the tutorial scenario, as recorded on the real kernel, follows unchanged ----
# Source document: 001_4f7d7a7d4c362d9a.txt  (section "OpenvSwitch 示例")
# Shows: an Open vSwitch bridge br0 (normal/learning mode) with two veth pairs; the n-ends go
# into ns1 and ns2, the o-ends become OVS ports; ns1 pings ns2; tcpdump on all four veths
# shows the same echo request/reply (same IP ids) on each hop.
#
# Deviations from the document:
# * OVS needs its daemons. They are started here (setup block, output hidden) with a private
#   database and run directory, ovs-vswitchd inside the wrapper namespace "host", and stopped
#   by pid in the trap.
# * This kernel has no openvswitch datapath module (CONFIG_OPENVSWITCH is not set), so the
#   document's `ovs-vsctl add-br br0` exits 0 but logs "failed to create bridge br0" and no
#   br0 appears. The bridge is therefore created with the userspace datapath:
#   `ovs-vsctl add-br br0 -- set bridge br0 datapath_type=netdev`. Visible differences from a
#   kernel-datapath run: `ovs-vsctl show` prints "datapath_type: netdev", and `ip link` in the
#   host shows a tap "ovs-netdev" instead of "ovs-system". Forwarding behaviour is the same
#   (NORMAL action: MAC learning + flooding).
# * The document runs in the root namespace; here the wrapper namespace "host" stands in.
# * The document never sets oveth2 up, and never sets nveth1/nveth2 up after moving them into
#   ns1/ns2 (moving a device to another namespace sets it down) although its `ip a` shows them
#   UP. Its commands are run as written first (ping fails on the real kernel), then the missing
#   `ip link set ... up` commands are added, marked "added".
# * tcpdump gets `-c 2 icmp` so it stops by itself and IPv6 background traffic is not printed.
# * Newer OVS prints names without quotes (Bridge br0, not Bridge "br0"); newer tcpdump prints
#   "snapshot length" instead of "capture size".
# * Settle pauses (`sleep 3.5`) before observations: see README ("Settling").

NETNS="host ns1 ns2"
OVSDIR=/tmp/nsemu-seed001-ovs
for n in $NETNS; do
  [ -e /var/run/netns/$n ] && { echo "refusing to run: netns $n already exists" >&2; exit 2; }
done
[ -e $OVSDIR ] && { echo "refusing to run: $OVSDIR exists" >&2; exit 2; }
TMP=$(mktemp -d)
cleanup() {
  for p in $OVSDIR/ovs-vswitchd.pid $OVSDIR/ovsdb-server.pid; do
    [ -f $p ] && kill "$(cat $p)" 2>/dev/null
  done
  sleep 0.2
  for n in $NETNS; do ip netns del $n 2>/dev/null; done
  rm -rf "$TMP" $OVSDIR
}
trap cleanup EXIT

ip netns add host
ip netns exec host ip link set lo up

# --- setup, not in the document: private OVS database + daemons, ovs-vswitchd inside "host"
export OVS_RUNDIR=$OVSDIR OVS_LOGDIR=$OVSDIR OVS_DBDIR=$OVSDIR
mkdir -p $OVSDIR
{
  ovsdb-tool create $OVSDIR/conf.db /usr/share/openvswitch/vswitch.ovsschema &&
  ovsdb-server $OVSDIR/conf.db --remote=punix:$OVSDIR/db.sock \
      --pidfile=$OVSDIR/ovsdb-server.pid --detach --log-file=$OVSDIR/ovsdb-server.log &&
  ovs-vsctl --no-wait init &&
  ovs-vsctl --no-wait set Open_vSwitch . ovs_version="$(ovs-vsctl --version | sed -n '1s/.* //p')" &&
  ip netns exec host ovs-vswitchd unix:$OVSDIR/db.sock \
      --pidfile=$OVSDIR/ovs-vswitchd.pid --detach --log-file=$OVSDIR/ovs-vswitchd.log
} > /dev/null 2>&1 || { echo "could not start Open vSwitch" >&2; exit 1; }
# --- end of setup

echo "### 1. ovs-vsctl show; ovs-vsctl add-br br0; ovs-vsctl show"
ovs-vsctl show
ovs-vsctl add-br br0 -- set bridge br0 datapath_type=netdev
ovs-vsctl show
echo "### 2. two veth pairs"
ip netns exec host ip link add nveth1 type veth peer name oveth1
ip netns exec host ip link add nveth2 type veth peer name oveth2
ip netns exec host ip link set nveth1 up
ip netns exec host ip link set oveth1 up
ip netns exec host ip link set nveth2 up
sleep 3.5  # settle (see README)
echo "### ip link"
ip netns exec host ip link
echo "### 3. ip netns add ns1; ip netns add ns2; ip netns ls"
ip netns add ns1
ip netns add ns2
ip netns ls
echo "### 4. connect"
ip netns exec host ip link set nveth1 netns ns1
ovs-vsctl add-port br0 oveth1
ip netns exec host ip link set nveth2 netns ns2
ovs-vsctl add-port br0 oveth2
echo "### 5. addresses"
ip netns exec ns1 ip addr add 172.20.0.1/24 dev nveth1
ip netns exec ns2 ip addr add 172.20.0.2/24 dev nveth2
sleep 3.5  # settle (see README)
echo "### 6. ovs-vsctl show; ip netns exec ns1 ip a; ip netns exec ns2 ip a"
ovs-vsctl show
ip netns exec ns1 ip a
ip netns exec ns2 ip a
echo "### 7. ip netns exec ns1 ping -c 1 172.20.0.2 (doc: works; real kernel: nveth1 is down)"
ip netns exec ns1 ping -c 1 -W 1 172.20.0.2; echo "ping rc=$?"

echo "### added: set the moved ends and oveth2 up"
ip netns exec ns1 ip link set nveth1 up
ip netns exec ns2 ip link set nveth2 up
ip netns exec host ip link set oveth2 up
sleep 3.5  # settle (see README)
echo "### ip link (host)"
ip netns exec host ip link
echo "### ip netns exec ns1 ping -c 1 172.20.0.2 (doc: works)"
ip netns exec ns1 ping -c 1 -W 1 172.20.0.2; echo "ping rc=$?"
echo "### ovs-appctl fdb/show br0 (added: what the OVS bridge learned)"
ovs-appctl fdb/show br0 | sort -k1,1n   # sorted by port: OVS lists entries in hash order

echo "### 8. tcpdump on nveth1, oveth1, oveth2, nveth2 during one ping"
ip netns exec ns1 timeout 5 tcpdump -l -i nveth1 -vv -nnt -c 2 icmp > "$TMP/nveth1" 2>&1 &
ip netns exec host timeout 5 tcpdump -l -i oveth1 -vv -nnt -c 2 icmp > "$TMP/oveth1" 2>&1 &
ip netns exec host timeout 5 tcpdump -l -i oveth2 -vv -nnt -c 2 icmp > "$TMP/oveth2" 2>&1 &
ip netns exec ns2 timeout 5 tcpdump -l -i nveth2 -vv -nnt -c 2 icmp > "$TMP/nveth2" 2>&1 &
sleep 1
ip netns exec ns1 ping -c 1 -W 1 172.20.0.2 > /dev/null; echo "ping rc=$?"
wait
for d in nveth1 oveth1 oveth2 nveth2; do
  echo "### tcpdump -i $d -vv -nnt"
  cat "$TMP/$d"
done
