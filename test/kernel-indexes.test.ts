// The kernel's indexes (devices by name, device id to place, bridge ports, nsids both ways,
// /run/netns names) always say what the tables they index say: after every kind of change —
// create, rename, move between namespaces, enslave and release, namespaces named, renamed by
// attach, deleted and torn down — each index equals the one rebuilt from scratch.
import { describe, expect, it } from 'vitest';
import { runScript } from '../src/shell/index.ts';
import type { World } from '../src/kernel/types.ts';
import { NS_PER_SEC } from '../src/kernel/machine.ts';
import { createMachine } from '../src/kernel/world.ts';
import { brAddBridge, brAddIf } from '../src/devices/bridge.ts';
import { vethNewlink } from '../src/devices/veth.ts';

function rebuilt(w: World) {
  const byName: Record<number, Record<string, number>> = {};
  const devById: Record<number, string> = {};
  const ports: Record<string, number[]> = {};
  const nsidPeers: Record<number, Record<number, number>> = {};
  const holders: Record<number, number[]> = {};
  const names: Record<number, string[]> = {};
  for (const ns of Object.values(w.netns)) {
    byName[ns.id] = {};
    holders[ns.id] = [];
    names[ns.id] = w.netnsNames.filter((e) => e.ns === ns.id).map((e) => e.name);
    nsidPeers[ns.id] = Object.fromEntries(Object.entries(ns.nsids).map(([peer, id]) => [id, Number(peer)]));
  }
  for (const ns of Object.values(w.netns)) {
    for (const peer of Object.keys(ns.nsids)) holders[Number(peer)]?.push(ns.id);
    for (const d of Object.values(ns.devs)) {
      byName[ns.id]![d.name] = d.id;
      devById[d.id] = `${ns.id}/${d.ifindex}`;
      if (d.bridge) ports[`${ns.id}/${d.ifindex}`] = Object.values(ns.devs).filter((p) => p.master === d.ifindex && p.port).map((p) => p.ifindex);
    }
  }
  return { byName, devById, ports, nsidPeers, holders, names, netnsByName: Object.fromEntries(w.netnsNames.map((e) => [e.name, e.ns])) };
}

function indexed(w: World) {
  const out: ReturnType<typeof rebuilt> = { byName: {}, devById: {}, ports: {}, nsidPeers: {}, holders: {}, names: {}, netnsByName: Object.fromEntries(w.netnsByName) };
  for (const [id, at] of w.devById) out.devById[id] = `${at.ns}/${at.ifindex}`;
  for (const ns of Object.values(w.netns)) {
    out.byName[ns.id] = Object.fromEntries([...ns.devsByName].map(([n, d]) => [n, d.id]));
    out.nsidPeers[ns.id] = Object.fromEntries(ns.nsidPeers);
    out.holders[ns.id] = [...ns.nsidHolders.keys()].filter((h) => w.netns[h]);
    out.names[ns.id] = ns.names;
    for (const d of Object.values(ns.devs)) if (d.bridge) out.ports[`${ns.id}/${d.ifindex}`] = d.bridge.ports;
  }
  return out;
}

function sortHolders(x: ReturnType<typeof rebuilt>) {
  for (const k of Object.keys(x.holders)) x.holders[Number(k)]!.sort((a, b) => a - b);
  return x;
}

describe('kernel indexes', () => {
  it('equal the indexes rebuilt from the tables after creates, renames, moves, enslaving, nsids and teardown', async () => {
    const steps = [
      'ip netns add a; ip netns add b; ip netns add c',
      'ip link add br0 type bridge; ip link add br1 type bridge; ip link set br0 up',
      'ip link add va type veth peer name vb netns b; ip link add vc type veth peer name vd',
      'ip link set va master br0; ip link set vc master br0; ip link set vd master br1; ip link set va up',
      'ip link set vc name vc2; ip link set vd netns a; ip -n a link set vd name eth0',
      'ip link set vc2 master br1; ip link set va nomaster; ip link set va master br0',
      'ip netns set c 7; ip netns set a auto; ip -n a netns set b 0; ip netns attach a2 $$ || true',
      'ip -n b link set vb netns c; ip -n c link set vb name x; ip link show >/dev/null; ip -n c link show >/dev/null',
      'ip link del br1; ip netns del b; sleep 1',
      'ip netns del c; ip netns add b; ip link add vz type veth peer name vy netns b; sleep 1; ip netns del a; sleep 1',
    ];
    let m;
    for (const s of steps) {
      const r = await runScript(s, m ? { machine: m } : {});
      m = r.machine;
      m.runUntil(m.now + NS_PER_SEC);
      expect(sortHolders(indexed(m.world))).toEqual(sortHolders(rebuilt(m.world)));
    }
    // a copy (fork, snapshot) keeps them: structuredClone keeps shared references shared, so the
    // name index of the copy holds the copy's own devices
    const c = structuredClone(m!.world);
    for (const ns of Object.values(c.netns)) for (const d of Object.values(ns.devs)) expect(ns.devsByName.get(d.name)).toBe(d);
    expect(sortHolders(indexed(c))).toEqual(sortHolders(rebuilt(c)));
  });

  it('a bridge takes ports numbered 1..1023, then EXFULL (find_portno)', async () => {
    // through the kernel API in one operation: 2048 devices one command at a time would cost a
    // World copy each (test/setup.ts)
    const m = createMachine();
    const init = m.world.initNs;
    m.mutate((k) => {
      const br = brAddBridge(k, init, 'br0');
      for (let i = 1; i <= 1024; i++) {
        const p = vethNewlink(k, init, { name: `p${i}` }, init, { name: `q${i}` });
        if (i < 1024) brAddIf(k, init, br, p);
      }
    });
    const ns = m.world.netns[init]!;
    expect(ns.devsByName.get('p1023')!.port!.portNo).toBe(1023);
    const r = await runScript('ip link set p1024 master br0', { machine: m });
    expect(r.stderr).toBe('RTNETLINK answers: Exchange full\n');
    expect(ns.devsByName.get('p1024')!.master).toBeUndefined();
    expect(ns.devsByName.get('br0')!.bridge!.ports.length).toBe(1023);
  });
});
