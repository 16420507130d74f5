// The reachability sweep at scale (issue 13): a star of routers — a core bridge joining R
// routers, each with a LAN bridge of H hosts — so 1 + R + R*H namespaces; every namespace
// probes every address. Prints the namespace, address and pair counts and each sweep's wall and
// CPU time, then the first sweep's and the median of the others.
//   npx tsx bench/reachability.ts [R=10] [H=9] [SWEEPS=5]
import { createMachine, reachability } from '../src/index.ts';

export function starOfRouters(routers: number, hosts: number): string {
  const L: string[] = ['ip netns add core', 'ip -n core link set lo up', 'ip -n core link add br0 type bridge', 'ip -n core link set br0 up', 'ip -n core addr add 10.255.0.254/24 dev br0'];
  for (let i = 0; i < routers; i++) {
    const r = `r${i}`;
    L.push(`ip netns add ${r}`, `ip -n ${r} link set lo up`, `ip netns exec ${r} sysctl -qw net.ipv4.ip_forward=1`);
    L.push(`ip link add up${i} netns core type veth peer name wan netns ${r}`, `ip -n core link set up${i} master br0`, `ip -n core link set up${i} up`);
    L.push(`ip -n ${r} addr add 10.255.0.${i + 1}/24 dev wan`, `ip -n ${r} link set wan up`);
    L.push(`ip -n ${r} link add lan type bridge`, `ip -n ${r} link set lan up`, `ip -n ${r} addr add 10.${i}.0.1/24 dev lan`);
    for (let j = 0; j < routers; j++) if (j !== i) L.push(`ip -n ${r} route add 10.${j}.0.0/24 via 10.255.0.${j + 1}`);
    for (let h = 0; h < hosts; h++) {
      const n = `h${i}-${h}`;
      L.push(`ip netns add ${n}`, `ip -n ${n} link set lo up`, `ip link add p${h} netns ${r} type veth peer name eth0 netns ${n}`, `ip -n ${r} link set p${h} master lan`, `ip -n ${r} link set p${h} up`);
      L.push(`ip -n ${n} addr add 10.${i}.0.${h + 2}/24 dev eth0`, `ip -n ${n} link set eth0 up`, `ip -n ${n} route add default via 10.${i}.0.1`);
    }
  }
  L.push('ip -n core route add 10.0.0.0/8 via 10.255.0.1');
  return `${L.join('\n')}\n`;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const R = Number(process.argv[2] ?? 10);
  const H = Number(process.argv[3] ?? 9);
  const sweeps = Number(process.argv[4] ?? 5);
  const m = createMachine();
  const r = await m.run(starOfRouters(R, H));
  if (r.status) throw new Error(r.stderr);
  // wall time and this process's CPU time (user + system): on a shared machine the CPU time is
  // the steadier figure; the first sweep also compiles the code it runs
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < sweeps; i++) {
    const t = performance.now();
    const c = process.cpuUsage();
    const rows = await reachability(m);
    const u = process.cpuUsage(c);
    const ms = performance.now() - t;
    wall.push(ms);
    cpu.push((u.user + u.system) / 1000);
    const from = new Set(rows.map((x) => x.from)).size;
    const to = new Set(rows.map((x) => x.to)).size;
    const by: Record<string, number> = {};
    for (const x of rows) by[x.disposition] = (by[x.disposition] ?? 0) + 1;
    console.log(`${from} namespaces × ${to} addresses = ${rows.length} pairs in ${ms.toFixed(0)} ms (cpu ${cpu[i]!.toFixed(0)} ms, ${((ms * 1000) / rows.length).toFixed(1)} µs/pair)`, JSON.stringify(by));
  }
  const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
  if (sweeps > 1) console.log(`first sweep ${wall[0]!.toFixed(0)} ms (cpu ${cpu[0]!.toFixed(0)} ms); median of the others ${median(wall.slice(1)).toFixed(0)} ms (cpu ${median(cpu.slice(1)).toFixed(0)} ms)`);
}
