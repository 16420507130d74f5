// reachability(m) and `nsemu whatif`: each disposition on a small hand-built topology, the
// machine passed in left as it was, `delivered` agreeing with a real `ping -c 1 -W 1` on random
// router trees, the CLI, and the README's whatif example.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createMachine, diff, reachability, type Disposition } from '../src/index.ts';
import { buildWorld, script, specArb } from './routing-model.ts';
import { cli } from './helpers/cli.ts';
import { root } from './helpers/needs.ts';

/** a - r - b: two hosts and a forwarding router, default routes through it */
const BASE = `ip netns add a; ip netns add r; ip netns add b
ip link add eth0 netns a type veth peer name ra netns r
ip link add eth0 netns b type veth peer name rb netns r
ip -n a addr add 10.0.1.2/24 dev eth0; ip -n r addr add 10.0.1.1/24 dev ra
ip -n b addr add 10.0.2.2/24 dev eth0; ip -n r addr add 10.0.2.1/24 dev rb
for n in a r b; do ip -n $n link set lo up; done
ip -n a link set eth0 up; ip -n b link set eth0 up; ip -n r link set ra up; ip -n r link set rb up
ip netns exec r sysctl -qw net.ipv4.ip_forward=1
ip -n a route add default via 10.0.1.1; ip -n b route add default via 10.0.2.1
`;

async function machine(extra: string) {
  const m = createMachine({ seed: 1 });
  const r = await m.run(BASE + extra);
  expect(r.stderr).toBe('');
  return m;
}

const CASES: [Disposition, string, string, RegExp][] = [
  ['delivered', '', '10.0.2.2', /^$/],
  ['no-route', 'ip -n a route del default', '10.0.2.2', /connect: Network is unreachable/],
  ['no-route', 'ip -n r route del 10.0.2.0/24', '10.0.2.2', /From 10.0.1.1 icmp_seq=1 Destination Net Unreachable/],
  ['blackhole', 'ip -n a route add blackhole 10.0.2.0/24', '10.0.2.2', /blackhole/],
  ['blackhole', 'ip -n r route add blackhole 10.0.2.2/32', '10.0.2.2', /r: blackhole route to 10.0.2.2/],
  ['unreachable', 'ip -n a route add unreachable 10.0.2.0/24', '10.0.2.2', /No route to host/],
  ['unreachable', 'ip -n r route add unreachable 10.0.2.2/32', '10.0.2.2', /Destination Host Unreachable/],
  ['prohibit', 'ip -n a route add prohibit 10.0.2.0/24', '10.0.2.2', /Permission denied/],
  ['prohibit', 'ip -n r route add prohibit 10.0.2.2/32', '10.0.2.2', /Packet filtered/],
  ['filtered', 'ip netns exec r iptables -A FORWARD -d 10.0.2.2 -j DROP', '10.0.2.2', /r: iptables -t filter FORWARD rule 1 \(-j DROP\)/],
  ['filtered', 'ip netns exec r iptables -P FORWARD DROP', '10.0.2.2', /r: iptables -t filter FORWARD policy DROP/],
  ['filtered', 'ip netns exec r iptables -A FORWARD -d 10.0.2.2 -j REJECT', '10.0.2.2', /REJECT --reject-with icmp-port-unreachable/],
  ['filtered', 'ip netns exec a iptables -A OUTPUT -d 10.0.2.2 -j DROP', '10.0.2.2', /a: iptables -t filter OUTPUT rule 1/],
  ['no-reply', 'ip netns exec r iptables -A FORWARD -s 10.0.2.2 -j DROP', '10.0.2.2', /the request arrived, the reply did not: r: iptables/],
  ['no-reply', 'ip -n b route del default', '10.0.2.2', /b: no route back to 10.0.1.2/],
  ['no-reply', 'ip netns exec b sysctl -qw net.ipv4.icmp_echo_ignore_all=1', '10.0.2.2', /icmp_echo_ignore_all/],
  ['link-down', 'ip -n b link set eth0 down', '10.0.2.2', /r: rb is down \(carrier off/],
  ['link-down', 'ip -n a link set lo down', '10.0.1.2', /a: lo is down/],
  // r's route to 10.0.3.0/24 points at a neighbour nobody is
  ['neighbour-failed', 'ip -n r route add 10.0.3.0/24 via 10.0.2.9; ip netns add c; ip -n c addr add 10.0.3.5/32 dev lo', '10.0.3.5', /r: neighbour 10.0.2.9 dev rb FAILED/],
  // a loop between r and b
  ['ttl-exceeded', 'ip netns exec b sysctl -qw net.ipv4.ip_forward=1; ip -n r route add 10.0.3.0/24 via 10.0.2.2; ip -n b route add 10.0.3.0/24 via 10.0.2.1; ip netns add c; ip -n c addr add 10.0.3.5/32 dev lo', '10.0.3.5', /Time to live exceeded/],
  // a's probes leave from 10.0.5.1, which r's table says lives behind b: strict rp_filter drops them
  ['rp-filter', 'ip -n a addr add 10.0.5.1/32 dev lo; ip -n a route add 10.0.2.0/24 via 10.0.1.1 src 10.0.5.1; ip -n r route add 10.0.5.0/24 via 10.0.2.2; ip netns exec r sysctl -qw net.ipv4.conf.all.rp_filter=1', '10.0.2.2', /r: rp_filter dropped 10.0.5.1 → 10.0.2.2 on ra \(TcpExt IPReversePathFilter \+1\)/],
  // r sends a's probe back to a: a sees a packet from its own address (a martian)
  ['martian', 'ip -n r route del 10.0.2.0/24; ip -n r route add 10.0.2.0/24 via 10.0.1.2; ip netns exec a sysctl -qw net.ipv4.ip_forward=1; ip -n a route add 10.0.2.0/24 via 10.0.1.1', '10.0.2.2', /a: martian 10.0.1.2 → 10.0.2.2 on eth0/],
  ['unreachable', 'ip netns exec r sysctl -qw net.ipv4.ip_forward=0', '10.0.2.2', /r: forwarding is off on ra \(Ip InAddrErrors \+1\)/],
];

describe('reachability: dispositions', () => {
  for (const [disp, extra, to, why] of CASES) {
    it(`${disp}: ${extra || 'as built'}`, async () => {
      const m = await machine(extra);
      const [row] = await reachability(m, { from: ['a'], to: [to] });
      expect(row!.disposition, JSON.stringify(row)).toBe(disp);
      expect(row!.reason ?? '').toMatch(why);
      // and ping agrees on delivered or not
      const p = await m.fork().exec(`ip netns exec a ping -c 1 -W 1 ${to}`);
      expect(p.status === 0).toBe(disp === 'delivered');
    });
  }

  it('hops: the namespaces the request and the reply passed', async () => {
    const m = await machine('');
    const [row] = await reachability(m, { from: ['a'], to: ['10.0.2.2'] });
    expect(row).toEqual({ from: 'a', to: '10.0.2.2', disposition: 'delivered', hops: ['a', 'r', 'b', 'r', 'a'] });
  });

  it('by default: every namespace × every address but 127/8', async () => {
    const m = await machine('');
    const rows = await reachability(m);
    expect(new Set(rows.map((r) => r.from))).toEqual(new Set(['(init)', 'a', 'r', 'b']));
    expect([...new Set(rows.map((r) => r.to))].sort()).toEqual(['10.0.1.1', '10.0.1.2', '10.0.2.1', '10.0.2.2']);
    expect(rows.filter((r) => r.from !== '(init)').every((r) => r.disposition === 'delivered')).toBe(true);
    expect(rows.filter((r) => r.from === '(init)').every((r) => r.disposition === 'no-route')).toBe(true);
  });

  it('leaves the machine it was given unchanged', async () => {
    const m = await machine('ip netns exec r iptables -A FORWARD -d 10.0.2.2 -j DROP');
    const before = m.snapshot();
    const t = m.time;
    await reachability(m);
    expect(diff(before, m.snapshot())).toEqual([]);
    expect(m.time).toBe(t);
    // the same answers a second time
    expect(await reachability(m, { fork: 'source' })).toEqual(await reachability(m));
  });
});

const RUNS = Number(process.env.REACH_RUNS ?? 12);

describe('reachability: delivered agrees with ping -c 1 -W 1', () => {
  it('on random trees of routers (test/routing-model.ts)', async () => {
    const seen = new Map<string, number>();
    await fc.assert(
      fc.asyncProperty(specArb(), fc.integer({ min: 0, max: 1e9 }), async (sp, pick) => {
        const w = buildWorld(sp);
        const src = script(w).split('\n').filter((l) => !l.includes(' ping ')).join('\n');
        const m = createMachine({ seed: 1 });
        await m.run(src);
        const rows = await reachability(m);
        // every pair would be slow: a sample of them, each pinged in its own fork
        const sample = rows.filter((_, i) => (i * 7919 + pick) % Math.max(1, Math.floor(rows.length / 10)) === 0);
        for (const r of sample) {
          seen.set(r.disposition, (seen.get(r.disposition) ?? 0) + 1);
          const cmd = r.from === '(init)' ? `ping -c 1 -W 1 ${r.to}` : `ip netns exec ${r.from} ping -c 1 -W 1 ${r.to}`;
          const p = await m.fork().exec(cmd);
          expect(p.status === 0, `${JSON.stringify(r)}\n${p.stdout}${p.stderr}\n${src}`).toBe(r.disposition === 'delivered');
        }
      }),
      { numRuns: RUNS, seed: 20_250_113 },
    );
    expect(seen.get('delivered')).toBeGreaterThan(0);
    expect(seen.size).toBeGreaterThan(2);
  }, 120_000);
});

describe('nsemu whatif', () => {
  const gw = join(root, 'examples', 'gateway.sh');

  it('prints the pairs a change breaks, with the reason', async () => {
    const r = await cli(['whatif', gw, '--change', 'ip netns exec gateway iptables -A FORWARD -s 10.0.100.1 -j DROP']);
    expect(r.status).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain('  client -> 192.168.100.1: delivered → filtered (gateway: iptables -t filter FORWARD rule 1 (-j DROP))\n');
    expect(r.stdout).toContain('  server -> 10.0.100.1: delivered → no-reply (the request arrived, the reply did not: gateway: iptables -t filter FORWARD rule 1 (-j DROP))\n');
  });

  it('a change that fails says so, with its error and status', async () => {
    const r = await cli(['whatif', gw, '--change', 'ip -n nosuch link set x up', '--change', 'true']);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain(`--change 'ip -n nosuch link set x up' failed with status 255: Cannot open network namespace "nosuch": No such file or directory\n  no pair changed\n`);
    expect(r.stdout).toContain(`--change 'true'\n  no pair changed\n`);
  });

  it('--matrix and --json', async () => {
    const m = await cli(['whatif', gw, '--matrix']);
    expect(m.stdout).toContain('reachability of');
    expect(m.stdout).toContain('  client -> 192.168.100.1: delivered\n');
    const j = await cli(['whatif', gw, '--json', '--change', 'ip -n gateway link set cligw-veth down']);
    const v = JSON.parse(j.stdout);
    expect(v.changes[0].status).toBe(0);
    expect(v.changes[0].changed).toContainEqual(expect.objectContaining({ from: 'client', to: '192.168.100.1', before: 'delivered', after: 'link-down' }));
  });

  it("the README's example prints what the README shows", async () => {
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    const sec = readme.slice(readme.indexOf('## What if'));
    const cmd = /```sh\n\$ (nsemu whatif [^\n]+)\n```/.exec(sec)![1]!;
    const shown = /```sh\n\$ nsemu whatif[^\n]+\n```\n\nprints[^\n]*\n\n```text\n([\s\S]*?)```/.exec(sec)![1]!;
    const args = [...cmd.slice('nsemu '.length).matchAll(/'([^']*)'|(\S+)/g)].map((x) => x[1] ?? x[2]!);
    const r = await cli(args.map((a) => (a === 'examples/gateway.sh' ? gw : a)));
    expect(r.stdout.replaceAll(gw, 'examples/gateway.sh')).toBe(shown);
  });
});
