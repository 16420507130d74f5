// npm run bench: throughputs of the emulator, and the same workloads on the real kernel in the
// same run where this machine allows it (root + network namespaces), reported as figures and
// ratios. Nothing here is asserted: benchmarks are not tests.
import { kernelAvailable, runInSandbox } from '../src/verify/sandbox.ts';
import { createMachine } from '../src/kernel/world.ts';
import type { Machine } from '../src/kernel/machine.ts';
import { netnsAddNamed } from '../src/kernel/netns.ts';
import { vethNewlink } from '../src/devices/veth.ts';
import { devByName, devOpen } from '../src/kernel/dev.ts';
import { inetInsertIfa } from '../src/protocols/ipv4/devinet.ts';
import { runScript } from '../src/shell/index.ts';

function twoNamespaces(m: Machine): void {
  m.mutate((k) => {
    const a = netnsAddNamed(k, 'a');
    const b = netnsAddNamed(k, 'b');
    const va = vethNewlink(k, a, { name: 'va' }, b, { name: 'vb' });
    const vb = devByName(k.w.netns[b]!, 'vb')!;
    inetInsertIfa(k, a, va, { local: 0x0a000001, prefixlen: 24 });
    inetInsertIfa(k, b, vb, { local: 0x0a000002, prefixlen: 24 });
    devOpen(k, a, va);
    devOpen(k, b, vb);
  });
}

async function pingFlood(n: number): Promise<number> {
  const m = createMachine({ seed: 1 });
  twoNamespaces(m);
  const t0 = performance.now();
  const r = await runScript(`ip netns exec a ping -q -c ${n} -i 0 10.0.0.2`, { machine: m });
  if (r.status !== 0) throw new Error(`ping failed: ${r.output}`);
  return n / ((performance.now() - t0) / 1000);
}

/** a - r - b, where r forwards and masquerades: conntrack and NAT on every packet */
const NAT_SETUP = [
  'ip netns add a; ip netns add r; ip netns add b',
  'ip link add va netns a type veth peer name ra netns r; ip link add rb netns r type veth peer name vb netns b',
  'ip -n a addr add 192.168.1.2/24 dev va; ip -n r addr add 192.168.1.1/24 dev ra; ip -n r addr add 10.0.0.1/24 dev rb; ip -n b addr add 10.0.0.2/24 dev vb',
  'ip -n a link set va up; ip -n r link set ra up; ip -n r link set rb up; ip -n b link set vb up',
  'ip -n a route add default via 192.168.1.1; ip netns exec r sysctl -q -w net.ipv4.ip_forward=1',
  'ip netns exec r iptables -t nat -A POSTROUTING -o rb -j MASQUERADE; sleep 2',
].join('; ');

async function natFlood(n: number): Promise<number> {
  const m = createMachine({ seed: 1 });
  const setup = await runScript(NAT_SETUP, { machine: m });
  if (setup.status !== 0) throw new Error(`setup failed: ${setup.output}`);
  const t0 = performance.now();
  const r = await runScript(`ip netns exec a ping -q -c ${n} -i 0 10.0.0.2`, { machine: m });
  if (r.status !== 0) throw new Error(`ping failed: ${r.output}`);
  return n / ((performance.now() - t0) / 1000);
}

function namespacesApi(n: number): number {
  const m = createMachine({ seed: 1 });
  const t0 = performance.now();
  m.mutate((k) => {
    const host = k.w.initNs;
    for (let i = 0; i < n; i++) {
      const ns = netnsAddNamed(k, `ns${i}`);
      vethNewlink(k, host, { name: `h${i}` }, ns, { name: 'eth0' });
    }
  });
  return ((performance.now() - t0) * 1000) / n;
}

function namespacesScript(n: number): string {
  return `for i in $(seq 0 ${n - 1}); do ip netns add ns$i; ip link add h$i type veth peer name eth0 netns ns$i; done\n`;
}

async function namespacesViaScript(n: number): Promise<number> {
  const t0 = performance.now();
  const r = await runScript(namespacesScript(n), { seed: 1 });
  if (r.status !== 0) throw new Error(`script failed: ${r.output.slice(0, 500)}`);
  return ((performance.now() - t0) * 1000) / n;
}

/** The same workloads on the real kernel, in the recorder's sandbox (src/verify/sandbox.ts: new
 *  network, mount and pid namespaces, tmpfs on /run and /run/netns), so nothing can reach the
 *  machine's own /run/netns even when a step fails. */
async function kernel(script: string): Promise<number | undefined> {
  if (!kernelAvailable().ok) return undefined;
  const t0 = performance.now();
  const r = await runInSandbox(script, { timeoutMs: 600_000 });
  if (r.status !== 0) return undefined;
  return performance.now() - t0;
}

function fmt(x: number): string {
  return x >= 100 ? Math.round(x).toLocaleString('en-US') : x.toFixed(1);
}

const PINGS = 20_000;
const NS = 1000;

const rt = await pingFlood(PINGS);
console.log(`ping flood over a veth, emulated: ${fmt(rt)} round trips/s (${PINGS} echo requests, ping -i 0)`);
const kPing = await kernel(
  `ip netns add a; ip netns add b; ip link add va netns a type veth peer name vb netns b; ip -n a addr add 10.0.0.1/24 dev va; ip -n b addr add 10.0.0.2/24 dev vb; ip -n a link set va up; ip -n b link set vb up; sleep 2; ip netns exec a ping -q -f -c ${PINGS} 10.0.0.2 >/dev/null`,
);
if (kPing !== undefined) {
  const krt = PINGS / ((kPing - 2000) / 1000);
  console.log(`ping flood over a veth, real kernel: ${fmt(krt)} round trips/s (ping -f, incl. process start-up) → emulated/kernel = ${(rt / krt).toFixed(2)}`);
} else console.log('ping flood, real kernel: skipped (needs root and network namespaces)');

const nat = await natFlood(PINGS);
console.log(`ping flood through a MASQUERADE router, emulated: ${fmt(nat)} round trips/s (${PINGS} echo requests, ping -i 0)`);
const kNat = await kernel(`${NAT_SETUP}; ip netns exec a ping -q -f -c ${PINGS} 10.0.0.2 >/dev/null`);
if (kNat !== undefined) {
  const krt = PINGS / ((kNat - 2000) / 1000);
  console.log(`ping flood through a MASQUERADE router, real kernel: ${fmt(krt)} round trips/s (ping -f, incl. set-up) → emulated/kernel = ${(nat / krt).toFixed(2)}`);
} else console.log('ping flood through a MASQUERADE router, real kernel: skipped (needs root and network namespaces)');

const api = namespacesApi(NS);
console.log(`${NS} namespaces with a veth each, through the API: ${fmt(api)} µs per namespace`);
const viaScript = await namespacesViaScript(NS);
console.log(`${NS} namespaces with a veth each, through a script: ${fmt(viaScript)} µs per namespace`);
const kNs = await kernel(namespacesScript(NS));
if (kNs !== undefined) {
  const kus = (kNs * 1000) / NS;
  console.log(`${NS} namespaces with a veth each, real kernel (same script): ${fmt(kus)} µs per namespace → emulated/kernel time = ${(viaScript / kus).toFixed(2)}`);
} else console.log(`${NS} namespaces, real kernel: skipped (needs root and network namespaces)`);
