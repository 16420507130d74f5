// Open vSwitch in normal mode: the daemons' start-up, ovs-vsctl's transactions and errors, the
// kernel-visible side (ovs-netdev and internal taps, ports PROMISC but not UP), and the
// MAC-learning switch with ovs-appctl fdb/show and its 300 s ageing.
import { describe, expect, it } from 'vitest';
import { runScript } from '../src/shell/index.ts';

const START =
  'mkdir -p /tmp/o; export OVS_RUNDIR=/tmp/o\n' +
  'ovsdb-tool create /tmp/o/conf.db /usr/share/openvswitch/vswitch.ovsschema\n' +
  'ovsdb-server /tmp/o/conf.db --remote=punix:/tmp/o/db.sock --pidfile=/tmp/o/s.pid --detach\n' +
  'ovs-vsctl --no-wait init\n' +
  'ovs-vsctl --no-wait set Open_vSwitch . ovs_version="$(ovs-vsctl --version | sed -n \'1s/.* //p\')"\n' +
  'ovs-vswitchd unix:/tmp/o/db.sock --pidfile=/tmp/o/v.pid --detach\n';

describe('ovs-vsctl', () => {
  it('needs ovsdb-server, then keeps bridges and ports with the real errors', async () => {
    const r = await runScript(
      'ovs-vsctl show; echo rc=$?\n' +
        START +
        'ovs-vsctl add-br br0 -- set bridge br0 datapath_type=netdev; echo rc=$?\n' +
        'ovs-vsctl add-br br0; echo rc=$?\n' +
        'ovs-vsctl --may-exist add-br br0; echo rc=$?\n' +
        'ovs-vsctl add-port nobr p1; echo rc=$?\n' +
        'ip link add p1 type veth peer name q1\n' +
        'ovs-vsctl add-port br0 p1; echo rc=$?\n' +
        'ovs-vsctl add-port br0 p1; echo rc=$?\n' +
        'ovs-vsctl list-br; ovs-vsctl list-ports br0; ovs-vsctl br-exists nobr; echo rc=$?\n' +
        'ovs-vsctl show | sed 1d\n' +
        'ip -o link | cut -d" " -f2,3\n' +
        'ovs-vsctl del-port br0 p1; ovs-vsctl del-port br0 p1; echo rc=$?\n' +
        'ovs-vsctl del-br br0; ovs-vsctl del-br br0; echo rc=$?\n' +
        'ip -o link | cut -d" " -f2,3\n',
    );
    expect(r.output).toBe(
      'ovs-vsctl: unix:/var/run/openvswitch/db.sock: database connection failed (No such file or directory)\nrc=1\n' +
        'rc=0\n' +
        'ovs-vsctl: cannot create a bridge named br0 because a bridge named br0 already exists\nrc=1\n' +
        'rc=0\n' +
        'ovs-vsctl: no bridge named nobr\nrc=1\n' +
        'rc=0\n' +
        'ovs-vsctl: cannot create a port named p1 because a port named p1 already exists on bridge br0\nrc=1\n' +
        'br0\np1\nrc=2\n' +
        '    Bridge br0\n        datapath_type: netdev\n        Port br0\n            Interface br0\n                type: internal\n' +
        '        Port p1\n            Interface p1\n    ovs_version: "3.1.0"\n' +
        'lo: <LOOPBACK,UP,LOWER_UP>\novs-netdev: <BROADCAST,MULTICAST,PROMISC>\nbr0: <BROADCAST,MULTICAST,PROMISC>\n' +
        'q1@p1: <BROADCAST,MULTICAST,M-DOWN>\np1@q1: <BROADCAST,MULTICAST,PROMISC,M-DOWN>\n' +
        'ovs-vsctl: no port named p1\nrc=1\n' +
        'ovs-vsctl: no bridge named br0\nrc=1\n' +
        'lo: <LOOPBACK,UP,LOWER_UP>\nq1@p1: <BROADCAST,MULTICAST,M-DOWN>\np1@q1: <BROADCAST,MULTICAST,M-DOWN>\n',
    );
  });
});

describe('OVS normal mode', () => {
  it('switches between two namespaces, learns their MACs, and forgets them after 300 s of silence', async () => {
    const r = await runScript(
      START +
        'ovs-vsctl add-br br0 -- set bridge br0 datapath_type=netdev\n' +
        'for i in 1 2; do ip netns add n$i; ip link add o$i type veth peer name e$i netns n$i; ovs-vsctl add-port br0 o$i; ip link set o$i up\n' +
        '  ip -n n$i link set e$i up; ip -n n$i addr add 172.20.0.$i/24 dev e$i; done\n' +
        'ip netns exec n1 ping -c 1 -W 1 172.20.0.2 > /dev/null; echo ping rc=$?\n' +
        'ovs-appctl fdb/show br0 | sort -k1,1n | awk \'{ print $1, $2, $4 }\'\n' +
        'sleep 310\n' +
        'ovs-appctl fdb/show br0\n' +
        'ovs-appctl fdb/show nobr; echo rc=$?\n',
    );
    expect(r.output).toBe('ping rc=0\nport VLAN Age\n1 0 0\n2 0 0\n port  VLAN  MAC                Age\nno such bridge\novs-appctl: ovs-vswitchd: server returned an error\nrc=2\n');
  });

  it('opens a port whose device appears after add-port, and again after it is re-created', async () => {
    const r = await runScript(
      START +
        'ovs-vsctl add-br br0 -- set bridge br0 datapath_type=netdev\n' +
        'ovs-vsctl add-port br0 o1\n' +
        'ip netns add n1; ip link add o1 type veth peer name e1 netns n1; sleep 0.1\n' +
        'ip -o link show o1 | cut -d" " -f3\n' +
        'ip netns add n2; ip link add o2 type veth peer name e2 netns n2; ovs-vsctl add-port br0 o2\n' +
        'for i in 1 2; do ip link set o$i up; ip -n n$i link set e$i up; ip -n n$i addr add 172.20.0.$i/24 dev e$i; done\n' +
        'ip netns exec n1 ping -c 1 -W 1 172.20.0.2 > /dev/null; echo rc=$?\n' +
        'sleep 2; ip link del o1; sleep 0.1\n' +
        'ip link add o1 type veth peer name e1 netns n1; ip -n n1 link set e1 up; ip link set o1 up; ip -n n1 addr add 172.20.0.1/24 dev e1; sleep 0.1\n' +
        'ip -o link show o1 | cut -d" " -f3\n' +
        'ip netns exec n1 ping -c 1 -W 1 172.20.0.2 > /dev/null; echo rc=$?\n',
    );
    expect(r.output).toBe('<BROADCAST,MULTICAST,PROMISC>\nrc=0\n<BROADCAST,MULTICAST,PROMISC,UP,LOWER_UP>\nrc=0\n');
  });
});
