// Setup scaling (issue 12): n namespaces, each with a veth whose host end is a bridge port, up,
// with an address in the namespace. A bridge takes at most 1023 ports (find_portno), so every
// 1000 namespaces get a bridge of their own.
//
//   npx tsx bench/scale.ts script N > FILE.sh     the script
//   npx tsx bench/scale.ts api N                  runScript of it on one machine: ms per namespace, peak RSS
//   npx tsx bench/scale.ts lines N                the same, one runScript per command on one machine
import { runScript } from '../src/shell/index.ts';
import { createMachine } from '../src/kernel/world.ts';

/** The same commands one by one, the loop unrolled. */
export function scaleLines(n: number): string[] {
  const lines: string[] = [];
  for (let b = 0; b * 1000 < n; b++) lines.push(`ip link add br${b} type bridge`, `ip link set br${b} up`);
  for (let i = 1; i <= n; i++) {
    const b = Math.floor((i - 1) / 1000);
    lines.push(
      `ip netns add ns${i}`,
      `ip link add v${i} type veth peer name e${i} netns ns${i}`,
      `ip link set v${i} master br${b}`,
      `ip link set v${i} up`,
      `ip -n ns${i} link set e${i} up`,
      `ip -n ns${i} addr add 10.${i >> 16}.${(i >> 8) & 255}.${i & 255}/8 dev e${i}`,
    );
  }
  lines.push('ip netns list | wc -l', 'ip link show master br0 | wc -l');
  return lines;
}

export function scaleScript(n: number): string {
  const lines: string[] = [];
  for (let b = 0; b * 1000 < n; b++) lines.push(`ip link add br${b} type bridge`, `ip link set br${b} up`);
  lines.push(
    `for i in $(seq 1 ${n}); do`,
    '  b=$(((i - 1) / 1000))',
    '  ip netns add ns$i',
    '  ip link add v$i type veth peer name e$i netns ns$i',
    '  ip link set v$i master br$b',
    '  ip link set v$i up',
    '  ip -n ns$i link set e$i up',
    '  ip -n ns$i addr add 10.$((i / 65536)).$((i / 256 % 256)).$((i % 256))/8 dev e$i',
    'done',
    'ip netns list | wc -l',
    'ip link show master br0 | wc -l',
    '',
  );
  return lines.join('\n');
}

const [mode, nArg] = process.argv.slice(2);
const n = Number(nArg ?? 200);
if (mode === 'script') process.stdout.write(scaleScript(n));
else if (mode === 'api') {
  const src = scaleScript(n);
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const r = await runScript(src);
  const ms = performance.now() - t0;
  const c = process.cpuUsage(c0);
  const cpuMsPerNs = +((c.user + c.system) / 1000 / n).toFixed(3);
  if (r.status !== 0 || r.stderr) console.error(r.stderr);
  console.log(JSON.stringify({ n, msPerNs: +(ms / n).toFixed(3), cpuMsPerNs, totalMs: Math.round(ms), peakRssMiB: Math.round(process.resourceUsage().maxRSS / 1024), out: r.stdout.trim().split('\n') }));
} else if (mode === 'lines') {
  const m = createMachine();
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  let out = '';
  for (const line of scaleLines(n)) {
    const r = await runScript(line, { machine: m });
    if (r.status !== 0 || r.stderr) console.error(line, r.stderr);
    out += r.stdout;
  }
  const ms = performance.now() - t0;
  const c = process.cpuUsage(c0);
  const cpuMsPerNs = +((c.user + c.system) / 1000 / n).toFixed(3);
  console.log(JSON.stringify({ n, msPerNs: +(ms / n).toFixed(3), cpuMsPerNs, totalMs: Math.round(ms), peakRssMiB: Math.round(process.resourceUsage().maxRSS / 1024), out: out.trim().split('\n') }));
}
