// The scripts of npm run bench. Each workload is the same bash text on both sides: nsemu runs it
// through runScript (bench/child.ts) or `nsemu run`, the real kernel through the recorder's
// sandbox (src/verify/sandbox.ts). Only `workload` is timed; `setup` runs first (under set -e),
// `pre`/`post` read counters around each timed run.

/** Printed by a workload as it goes (every so many namespaces): lets the harness end a run at
 *  its cap and still report the size reached. The same text runs on the kernel. */
export const TICK_FN = 'bench_tick() { echo "@@TICK $1"; }';

/** ping across a Linux bridge: a and b, each with a veth whose other end is a port of br0 in
 *  namespace br. The warm-up ping resolves ARP and fills the FDB before the timed span. */
export const PING_BRIDGE_SETUP = [
  'ip netns add a; ip netns add b; ip netns add br',
  'ip -n br link add br0 type bridge',
  'ip link add va netns a type veth peer name pa netns br',
  'ip link add vb netns b type veth peer name pb netns br',
  'ip -n br link set pa master br0; ip -n br link set pb master br0',
  'ip -n a addr add 10.0.0.1/24 dev va; ip -n b addr add 10.0.0.2/24 dev vb',
  'ip -n br link set br0 up; ip -n br link set pa up; ip -n br link set pb up',
  'ip -n a link set va up; ip -n b link set vb up',
  'sleep 1',
  'ip netns exec a ping -q -c 1 -W 2 10.0.0.2 >/dev/null',
].join('\n');

/** a - r - b, where r forwards and masquerades: conntrack and NAT on every packet. */
export const PING_NAT_SETUP = [
  'ip netns add a; ip netns add r; ip netns add b',
  'ip link add va netns a type veth peer name ra netns r; ip link add rb netns r type veth peer name vb netns b',
  'ip -n a addr add 192.168.1.2/24 dev va; ip -n r addr add 192.168.1.1/24 dev ra; ip -n r addr add 10.0.0.1/24 dev rb; ip -n b addr add 10.0.0.2/24 dev vb',
  'ip -n a link set va up; ip -n r link set ra up; ip -n r link set rb up; ip -n b link set vb up',
  'ip -n a route add default via 192.168.1.1; ip netns exec r sysctl -q -w net.ipv4.ip_forward=1',
  'ip netns exec r iptables -t nat -A POSTROUTING -o rb -j MASQUERADE',
  'sleep 1',
  'ip netns exec a ping -q -c 1 -W 2 10.0.0.2 >/dev/null',
].join('\n');

/** The flood both ping rows time: the same command on both sides. */
export const pingFlood = (count: number | string): string => `ip netns exec a ping -q -f -c ${count} 10.0.0.2`;

/** n namespaces n0..n(n-1), each with eth0 = 10.0.0.(i+1)/24, whose peer p<i> is a port of br0 in
 *  namespace br, answering echo requests sent to the broadcast address. IPv6 is off everywhere,
 *  so the kernel sends no DAD/MLD/RS frames nsemu would not (they would count as hops on one
 *  side only). */
export function meshSetup(n: number): string {
  if (n > 250) throw new Error('mesh: at most 250 namespaces (one /24)');
  const v6off = 'sysctl -q -w net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1';
  return [
    'ip netns add br',
    `ip netns exec br ${v6off}`,
    'ip -n br link add br0 type bridge',
    'ip -n br link set br0 up',
    `for i in $(seq 0 ${n - 1}); do`,
    '  ip netns add n$i',
    `  ip netns exec n$i ${v6off} net.ipv4.icmp_echo_ignore_broadcasts=0`,
    '  ip link add eth0 netns n$i type veth peer name p$i netns br',
    '  ip -n br link set p$i master br0',
    '  ip -n br link set p$i up',
    '  ip -n n$i addr add 10.0.0.$((i + 1))/24 dev eth0',
    '  ip -n n$i link set eth0 up',
    'done',
    'sleep 1',
  ].join('\n');
}

/** All pairs ping each other: every namespace in turn floods `count` echo requests to the
 *  broadcast address, which br0 floods to every port and every other namespace answers (n - 1
 *  replies per request). One ping per pair would time process start-up, not frames: this keeps
 *  the frames' path (flooding, learning, forwarding, ARP, ICMP) the work, on both sides. */
export const meshWorkload = (n: number, count: number): string =>
  `for i in $(seq 0 ${n - 1}); do ip netns exec n$i ping -q -b -f -c ${count} 10.0.0.255 >/dev/null 2>&1; done`;

/** /proc/net/dev of every namespace of the mesh (their rx_packets sum is the frame hops so far). */
export const meshCounters = (n: number): string =>
  `ip netns exec br cat /proc/net/dev; for i in $(seq 0 ${n - 1}); do ip netns exec n$i cat /proc/net/dev; done`;

/** Sum of the received packets of every device in /proc/net/dev listings. */
export function rxPackets(procNetDev: string): number {
  let sum = 0;
  for (const line of procNetDev.split('\n')) {
    const m = /^\s*[^\s:|]+:\s*(\d+)\s+(\d+)/.exec(line);
    if (m) sum += Number(m[2]);
  }
  return sum;
}

/** n namespaces, each with a veth whose host end is a port of br0 (bridge: at most 1023 ports). */
export function setupScript(n: number, every = 100): string {
  return [
    TICK_FN,
    'ip link add br0 type bridge',
    'ip link set br0 up',
    `for i in $(seq 1 ${n}); do`,
    '  ip netns add ns$i',
    '  ip link add h$i type veth peer name eth0 netns ns$i',
    '  ip link set h$i master br0',
    `  if [ $((i % ${every})) = 0 ]; then bench_tick $i; fi`,
    'done',
    '',
  ].join('\n');
}

/** n namespaces with a veth each (no bridge: a bridge takes at most 1023 ports). */
export function manyNamespacesScript(n: number, every: number): string {
  return [
    TICK_FN,
    `for i in $(seq 1 ${n}); do`,
    '  ip netns add ns$i',
    '  ip link add h$i type veth peer name eth0 netns ns$i',
    `  if [ $((i % ${every})) = 0 ]; then bench_tick $i; fi`,
    'done',
    '',
  ].join('\n');
}
