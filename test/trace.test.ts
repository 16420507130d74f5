// trace(m, {from, to}) and `nsemu explain`: the hops of one ping and its reply, each kernel step
// where the frames really went (the same devices a capture sees), and the reason where the way
// ends; the machine traced is left as it was.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createMachine, diff, trace } from '../src/index.ts';
import { machineTaps } from '../src/capture/taps.ts';
import { cli } from './helpers/cli.ts';
import { describeNeeds, shared, sharedDir } from './helpers/needs.ts';
import { tempDir } from './helpers/tmp.ts';
import { writeFileSync } from 'node:fs';

const ROUTER = `ip netns add h1; ip netns add h2; ip netns add r
ip link add v1 netns h1 type veth peer name r1 netns r; ip link add v2 netns h2 type veth peer name r2 netns r
ip -n h1 addr add 10.0.1.2/24 dev v1; ip -n r addr add 10.0.1.1/24 dev r1; ip -n r addr add 10.0.2.1/24 dev r2; ip -n h2 addr add 10.0.2.2/24 dev v2
for x in "h1 v1" "h2 v2" "r r1" "r r2"; do set -- $x; ip -n $1 link set $2 up; done
ip -n h1 route add default via 10.0.1.1; ip -n h2 route add default via 10.0.2.1
ip netns exec r sysctl -q -w net.ipv4.ip_forward=1`;

const BRIDGE = `ip netns add a; ip netns add b; ip netns add sw
ip -n sw link add br0 type bridge; ip -n sw link set br0 up
ip link add va netns a type veth peer name pa netns sw; ip link add vb netns b type veth peer name pb netns sw
ip -n sw link set pa master br0; ip -n sw link set pb master br0
for x in "a va" "b vb" "sw pa" "sw pb"; do set -- $x; ip -n $1 link set $2 up; done
ip -n a addr add 10.9.0.1/24 dev va; ip -n b addr add 10.9.0.2/24 dev vb`;

async function machine(setup: string, more = '') {
  const m = createMachine({ seed: 4 });
  const r = await m.exec(`${setup}\n${more}`);
  expect(r.stderr).toBe('');
  return m;
}

describe('trace', () => {
  it.each([
    ['delivered', '', '10.0.2.2', undefined],
    ['filtered', 'ip netns exec r iptables -A FORWARD -d 10.0.2.2 -j DROP', '10.0.2.2', /FORWARD rule 1 -j DROP \(filter table\).*nf_hook FORWARD filter in r on r2/],
    ['no-route', 'ip -n h1 route del default', '10.0.2.2', /Network is unreachable/],
    ['no-route', '', '10.0.9.9', /From 10\.0\.1\.1 Destination Net Unreachable/],
    ['neighbour-failed', '', '10.0.1.77', /no ARP reply for 10\.0\.1\.77 on v1 in h1/],
    ['link-down', 'ip -n h2 link set v2 down', '10.0.2.2', /veth_xmit in r on r2: the peer of r2 is down|r2 has no carrier/],
    ['no-reply', 'ip netns exec h2 iptables -A OUTPUT -j DROP', '10.0.2.2', /the request arrived|reply was lost/],
    ['no-reply', 'ip -n h2 route del default', '10.0.2.2', /the request arrived|reply was lost/],
  ])('%s: %s', async (want, change, to, why) => {
    const m = await machine(ROUTER, change);
    const before = m.snapshot();
    const t = await trace(m, { from: 'h1', to });
    expect(t.disposition, `${t.reason}\n${t.output}`).toBe(want);
    if (why) expect(t.reason).toMatch(why);
    expect(diff(before, m.snapshot())).toEqual([]);
  });

  it('ttl-exceeded, with the probe own options', async () => {
    const m = await machine(ROUTER);
    const t = await trace(m, { from: 'h1', to: '10.0.2.2', args: ['-t', '1'] });
    expect(t.disposition).toBe('ttl-exceeded');
    expect(t.hops.some((h) => h.ns === 'r' && h.step === 'ip_forward' && /time to live exceeded/.test(h.drop ?? ''))).toBe(true);
  });

  it('martian: an ARP request whose sender is one of our own addresses gets no answer', async () => {
    const m = await machine('ip netns add m; ip -n m link add x type veth peer name y; ip -n m addr add 10.5.0.1/24 dev x; ip -n m addr add 10.5.0.2/24 dev y; ip -n m link set x up; ip -n m link set y up');
    const t = await trace(m, { from: 'm', to: '10.5.0.2', args: ['-I', 'x'] });
    expect(t.disposition).toBe('neighbour-failed');
    expect(t.reason).toMatch(/no ARP reply for 10\.5\.0\.2 on x in m.*arp_process in m on y: no reply: martian source 10\.5\.0\.1 on y/);
  });

  for (const [name, setup, from, to] of [
    ['through a router', ROUTER, 'h1', '10.0.2.2'],
    ['across a bridge', BRIDGE, 'a', '10.9.0.2'],
  ] as const) {
    it(`a delivered ping visits exactly the devices whose captures see it (${name})`, async () => {
      const m = await machine(setup);
      const t = await trace(m, { from, to });
      expect(t.disposition).toBe('delivered');
      // the same probe in another fork, seen by a capture on every device
      const f = m.fork();
      const seen = new Set<string>();
      const names = new Map(Object.entries(f.snapshot().namespaces).map(([n, s]) => [s.id, n]));
      machineTaps(f.kernel).add({ ns: -1, ifindex: 0, deliver: (_t, dev, frame, _dir, ns) => void (frame[12] === 8 && frame[13] === 0 && frame[23] === 1 && seen.add(`${names.get(ns)}/${dev.name}`)) });
      expect((await f.exec(`ip netns exec ${from} ping -c 1 -W 1 ${to}`)).status).toBe(0);
      const traced = new Set(t.hops.filter((h) => h.dir !== 'other' && /^(netif_receive_skb|dev_queue_xmit|br_forward|br_pass_frame_up)$/.test(h.step)).map((h) => `${h.ns}/${h.dev}`));
      expect([...traced].sort()).toEqual([...seen].sort());
    });
  }

  it('refuses a namespace or address that is not there', async () => {
    const m = await machine(ROUTER);
    await expect(trace(m, { from: 'nope', to: '10.0.2.2' })).rejects.toThrow(/no namespace nope/);
    await expect(trace(m, { from: 'h1', to: '10.0.2' })).rejects.toThrow(/not an IPv4 address/);
  });
});

describe('nsemu explain', () => {
  const dir = tempDir('nsemu-explain-');
  const script = join(dir, 's.sh');
  writeFileSync(script, `${ROUTER}\nip netns exec r iptables -P FORWARD DROP\nip netns exec h1 ping -c 3 -i 0.2 -W 2 10.0.2.2\nip netns del r\nsleep 1\n`);

  it('explains the last ping where the script ran it, before its cleanup', async () => {
    const r = await cli(['explain', script]);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^ping from h1 to 10\.0\.2\.2: filtered\n/);
    expect(r.stdout).toMatch(/ r +r2 +nf_hook FORWARD filter +DROP: policy DROP in FORWARD \(filter table\)/);
    expect(r.stdout).toMatch(/\nwhy: policy DROP in FORWARD/);
  });

  it('--from/--to after the whole script, and --json', async () => {
    const r = await cli(['explain', script, '--from', 'h1', '--to', '10.0.2.2', '--json']);
    expect(r.status).toBe(0);
    // after the script r is gone, and with it both ends of h1's veth (and its routes)
    expect(JSON.parse(r.stdout)).toMatchObject({ from: 'h1', to: '10.0.2.2', disposition: 'no-route', reason: 'ping: Network is unreachable' });
  });

  it('says what is wrong with its arguments', async () => {
    expect(await cli(['explain', script, '--ping', '5'])).toMatchObject({ status: 1, stderr: 'error: the script has 1 ping commands; --ping takes 1 to 1\n' });
    expect(await cli(['explain', script, '--from', 'h1'])).toMatchObject({ status: 1, stderr: 'error: --from and --to go together\n' });
    expect(await cli(['explain', join(dir, 'none.sh')])).toMatchObject({ status: 127 });
  });
});

describeNeeds("explain names the reason of the tutorials' failing pings", shared(), () => {
  const at = (name: string) => join(sharedDir, 'scenarios', `${name}.sh`);
  it.each([
    // seed000: the ARP request's sender is a local address of the namespace it arrives in
    ['seed000-veth-bridge', 2, 'neighbour-failed', /martian source 192\.168\.100\.1 on veth0-1/],
    // seed000: once veth0-0 is a bridge port, the ARP reply goes to br0
    ['seed000-veth-bridge', 7, 'neighbour-failed', /the reply arrived on br0 instead/],
    // seed002: proxy_arp on, but the host does not forward
    ['seed002-bridge-proxyarp', 2, 'neighbour-failed', /does not forward/],
    // seed002: br_netfilter hands bridged frames to a FORWARD chain whose policy is DROP
    ['seed002-bridge-proxyarp', 9, 'filtered', /policy DROP in FORWARD .*bridge-nf-call-iptables=1/],
    // seed001-ovs: the veth is still down
    ['seed001-ovs', 1, 'no-route', /nveth1 holds 172\.20\.0\.1\/24 but is down/],
  ])('%s, ping %d: %s', async (name, n, want, why) => {
    const r = await cli(['explain', at(name), '--ping', String(n), '--json']);
    expect(r.status).toBe(0);
    const j = JSON.parse(r.stdout) as { disposition: string; reason: string };
    expect(j.disposition).toBe(want);
    expect(j.reason).toMatch(why);
  });
});
