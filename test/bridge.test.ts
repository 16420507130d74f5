// Linux bridge: the data path's invariants as properties over random trees of bridges and
// namespaces (fast-check), FDB ageing in virtual time, the `bridge` tool, and the storm bound.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { runScript } from '../src/shell/index.ts';
import { createMachine } from '../src/kernel/world.ts';
import { machineTaps, type Tap } from '../src/capture/taps.ts';

interface Topo {
  /** parent bridge of bridge i (i ≥ 1), as an index < i */
  parents: number[];
  /** the bridge each namespace hangs off */
  hosts: number[];
  ageing: number; // centiseconds
}

const topo: fc.Arbitrary<Topo> = fc
  .integer({ min: 1, max: 3 })
  .chain((nb) =>
    fc.record({
      parents: fc.tuple(...Array.from({ length: nb - 1 }, (_, i) => fc.integer({ min: 0, max: i }))).map((xs) => xs as number[]),
      hosts: fc.array(fc.integer({ min: 0, max: nb - 1 }), { minLength: 2, maxLength: 4 }),
      ageing: fc.integer({ min: 100, max: 2000 }),
    }),
  );

/** A script building the topology: bridges b0..bN in the root namespace, linked by veth pairs
 *  (a tree: no loops), and namespaces h0..hM each with one veth into its bridge. */
function build(t: Topo): string {
  const nb = t.parents.length + 1;
  const lines = ['ip link set lo up'];
  for (let b = 0; b < nb; b++) lines.push(`ip link add b${b} type bridge ageing_time ${t.ageing}`, `ip link set b${b} up`);
  t.parents.forEach((p, i) => {
    const b = i + 1;
    lines.push(
      `ip link add l${b}u type veth peer name l${b}d`,
      `ip link set l${b}u master b${p}`,
      `ip link set l${b}d master b${b}`,
      `ip link set l${b}u up`,
      `ip link set l${b}d up`,
    );
  });
  t.hosts.forEach((b, h) => {
    lines.push(
      `ip netns add h${h}`,
      `ip -n h${h} link set lo up`,
      `ip link add p${h} type veth peer name eth0 netns h${h}`,
      `ip link set p${h} master b${b}`,
      `ip link set p${h} up`,
      `ip -n h${h} addr add 10.7.0.${h + 1}/24 dev eth0`,
      `ip -n h${h} link set eth0 up`,
    );
  });
  return lines.join('\n') + '\n';
}

function pingAll(t: Topo): string {
  const lines: string[] = [];
  t.hosts.forEach((_, s) =>
    t.hosts.forEach((_, d) => {
      if (s !== d) lines.push(`ip netns exec h${s} ping -c 1 -W 1 10.7.0.${d + 1} > /dev/null; echo "h${s}->h${d} $?"`);
    }),
  );
  return lines.join('\n') + '\n';
}

describe('bridge data path (properties over random loop-free trees)', () => {
  it('every namespace pings every other, and no frame leaves through its ingress port', async () => {
    await fc.assert(
      fc.asyncProperty(topo, async (t) => {
        const m = createMachine({ seed: 7 });
        let ingress: { ns: number; ifindex: number; master: number; frame: Uint8Array } | undefined;
        const violations: string[] = [];
        let forwarded = 0;
        const tap: Tap = {
          ns: -1,
          ifindex: 0,
          deliver(_t, dev, frame, dir, nsId) {
            if (dev.master === undefined) return;
            if (dir === 'in') ingress = { ns: nsId, ifindex: dev.ifindex, master: dev.master, frame };
            else if (ingress && ingress.frame === frame && ingress.ns === nsId && ingress.master === dev.master) {
              forwarded++;
              if (dev.ifindex === ingress.ifindex) violations.push(`${dev.name} sent back a frame it received`);
            }
          },
        };
        machineTaps(m).add(tap);
        const r = await runScript(build(t) + pingAll(t), { machine: m });
        expect(violations).toEqual([]);
        const results = r.stdout.trim().split('\n');
        expect(results.length).toBe(t.hosts.length * (t.hosts.length - 1));
        for (const line of results) expect(line).toMatch(/ 0$/);
        expect(forwarded).toBeGreaterThan(0);
      }),
      { numRuns: 15 },
    );
  });

  it('after ageing_time of silence the FDB holds only local entries', async () => {
    await fc.assert(
      fc.asyncProperty(topo, async (t) => {
        const nb = t.parents.length + 1;
        let script = build(t) + pingAll(t);
        // let the neighbour tables' own probes pass (STALE entries send nothing), then be silent
        script += 'sleep 60\n';
        script += `sleep ${Math.ceil(t.ageing / 100) + 1}\n`;
        for (let b = 0; b < nb; b++) script += `echo "b${b}: $(bridge fdb show br b${b} dynamic | wc -l) $(brctl showmacs b${b} | awk 'NR > 1 && $3 == "no"' | wc -l)"\n`;
        const r = await runScript(script, { seed: 3 });
        const lines = r.stdout.trim().split('\n').slice(-nb);
        for (let b = 0; b < nb; b++) expect(lines[b]).toBe(`b${b}: 0 0`);
      }),
      { numRuns: 8 },
    );
  });
});

describe('FDB ageing in virtual time', () => {
  it('a learned entry lives ageing_time after it was last seen, then goes', async () => {
    const r = await runScript(
      build({ parents: [], hosts: [0, 0], ageing: 300 }) +
        'ip netns exec h0 ping -c 1 -W 1 10.7.0.2 > /dev/null\n' +
        'bridge fdb show br b0 dynamic | wc -l\n' +
        'sleep 2.9; bridge fdb show br b0 dynamic | wc -l\n' +
        'sleep 0.2; bridge fdb show br b0 dynamic | wc -l\n' +
        'brctl showmacs b0 | awk \'NR > 1 { print $3 }\' | sort | uniq -c | sed "s/^ *//"\n',
    );
    expect(r.stdout).toBe('2\n2\n0\n2 yes\n');
  });

  it('a port going down loses its learned entries at once; the local ones stay', async () => {
    const r = await runScript(
      build({ parents: [], hosts: [0, 0], ageing: 30000 }) +
        'ip netns exec h0 ping -c 1 -W 1 10.7.0.2 > /dev/null\n' +
        'ip link set p0 down\n' +
        'bridge fdb show br b0 | grep -v self | grep -c "dev p0"\n' +
        'bridge fdb show br b0 dynamic | grep -c "dev p1"\n',
    );
    expect(r.stdout).toBe('1\n1\n');
  });
});

describe('bridge tool', () => {
  it('link, fdb show, add/del and their errors', async () => {
    const r = await runScript(
      'ip link add br0 type bridge\nip link add va type veth peer name vb\nip link set va master br0\n' +
        'ip link set br0 up; ip link set va up; ip link set vb up\n' +
        'bridge link\nbridge -j link\n' +
        'bridge fdb add 02:00:00:00:00:01 dev va master static; echo rc=$?\n' +
        'bridge fdb add 02:00:00:00:00:01 dev va master static; echo rc=$?\n' +
        'bridge fdb show br br0 | grep 02:00:00:00:00:01\n' +
        'bridge fdb del 02:00:00:00:00:01 dev va master; echo rc=$?\n' +
        'bridge fdb del 02:00:00:00:00:01 dev va master; echo rc=$?\n' +
        'bridge fdb show br nobr; echo rc=$?\nbridge link show dev nodev; echo rc=$?\nbridge foo; echo rc=$?\n',
    );
    expect(r.output).toBe(
      '4: va@vb: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 master br0 state forwarding priority 32 cost 2 \n' +
        '[{"ifindex":4,"link":"vb","ifname":"va","flags":["BROADCAST","MULTICAST","UP","LOWER_UP"],"mtu":1500,"master":"br0","state":"forwarding","priority":32,"cost":2}]\n' +
        'rc=0\nRTNETLINK answers: File exists\nrc=255\n' +
        '02:00:00:00:00:01 dev va master br0 static\n' +
        'rc=0\nRTNETLINK answers: No such file or directory\nrc=255\n' +
        'Cannot find bridge device "nobr"\nrc=255\nCannot find device "nodev"\nrc=255\n' +
        'Object "foo" is unknown, try "bridge help".\nrc=255\n',
    );
  });
});

describe('storm bound', () => {
  it('a loop of two bridges is stopped with a clear message instead of hanging', async () => {
    const notices: string[] = [];
    const m = createMachine({ seed: 1, stormBudget: 20_000, onNotice: (msg) => notices.push(msg) });
    const r = await runScript(
      'ip link add br0 type bridge; ip link add br1 type bridge\n' +
        'ip link add a0 type veth peer name a1; ip link add c0 type veth peer name c1\n' +
        'for d in a0 c0; do ip link set $d master br0; done; for d in a1 c1; do ip link set $d master br1; done\n' +
        'ip netns add x; ip link add hh type veth peer name hx netns x; ip link set hh master br0\n' +
        'for d in br0 br1 a0 a1 c0 c1 hh; do ip link set $d up; done\n' +
        'ip -n x link set hx up; ip -n x addr add 10.0.0.1/24 dev hx\n' +
        'ip netns exec x ping -c 1 -W 1 10.0.0.2 > /dev/null\nsleep 100\necho not reached\n',
      { machine: m },
    );
    expect(notices.join('\n')).toMatch(/^nsemu: packet storm: more than 20000 kernel events in one step/m);
    expect(r.stdout).not.toContain('not reached');
    expect(r.status).toBe(137);
  });

  it('the default budget leaves ordinary runs alone', async () => {
    const r = await runScript(build({ parents: [0, 1], hosts: [0, 2, 1], ageing: 30000 }) + pingAll({ parents: [0, 1], hosts: [0, 2, 1], ageing: 30000 }) + 'sleep 600\n');
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });
});
