// br_add_if's port number and bridge id, kept without rescanning when ports are only added:
// after any sequence of adds and removals they are what a full scan gives (find_portno: the
// lowest free number; br_stp_recalculate_bridge_id: the lowest port MAC).
import fc from 'fast-check';
import { expect, it } from 'vitest';
import { createMachine } from '../src/kernel/world.ts';
import { devByName } from '../src/kernel/dev.ts';
import { runScript } from '../src/shell/index.ts';

it('port numbers are the lowest free ones and the bridge id the lowest port MAC, after random adds and removals', async () => {
  await fc.assert(
    fc.asyncProperty(fc.array(fc.tuple(fc.boolean(), fc.nat({ max: 7 })), { minLength: 1, maxLength: 24 }), async (ops) => {
      const m = createMachine({ seed: 5 });
      const setup = ['ip link add br0 type bridge', ...Array.from({ length: 8 }, (_, i) => `ip link add v${i} type veth peer name w${i}`)];
      await runScript(setup.join('\n'), { machine: m });
      const ns = m.world.netns[m.world.initNs]!;
      const model = new Map<string, number>(); // device → port number, as find_portno gives them
      for (const [add, i] of ops) {
        const name = `v${i}`;
        await runScript(add ? `ip link set ${name} master br0` : `ip link set ${name} nomaster`, { machine: m });
        if (add && !model.has(name)) {
          let n = 1;
          while ([...model.values()].includes(n)) n++;
          model.set(name, n);
        } else if (!add) model.delete(name);
        for (const [dev, n] of model) expect(devByName(ns, dev)!.port?.portNo, `${dev} after ${JSON.stringify(ops)}`).toBe(n);
        const br = devByName(ns, 'br0')!;
        const macs = [...model.keys()].map((d) => devByName(ns, d)!.mac).sort();
        if (macs.length) expect(br.bridge!.bridgeId).toBe(macs[0]);
      }
    }),
    { numRuns: 60, seed: 3 },
  );
});
