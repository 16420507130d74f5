// The package as a consumer gets it: `npm pack`'s tarball installed in a scratch project, used
// from plain node and from a strict TypeScript project through `import … from 'nsemu'`.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { beforeAll, describe, expect, it } from 'vitest';
import { root } from './helpers/needs.ts';
import { tempDir } from './helpers/tmp.ts';

const dir = tempDir('nsemu-package-');
const consumer = join(dir, 'consumer');
const sh = (cmd: string, args: string[], cwd: string): string =>
  execFileSync(cmd, args, { cwd, encoding: 'utf8', env: { ...process.env, npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false' }, stdio: ['ignore', 'pipe', 'pipe'] });

const USE = `import { createMachine, diff, applyDiff, reachability, trace, toDot, INIT_NS } from 'nsemu';
const m = createMachine({ seed: 1 });
const r = await m.exec('ip netns add ns1; ip -n ns1 link set lo up; ip -n ns1 link add eth0 type veth peer name p0; ip -n ns1 addr add 10.0.1.2/24 dev eth0; ip -n ns1 link set eth0 up; ip -n ns1 link set p0 up; ip -n ns1 route add 10.0.2.0/24 via 10.0.1.1');
const a = m.snapshot();
const f = m.fork();
await f.run('ip -n ns1 route del 10.0.2.0/24\\n');
f.advance(1);
const changes = diff(a, f.snapshot());
const reach = await reachability(m, { from: ['ns1'], to: ['10.0.1.2'] });
const t = await trace(m, { from: 'ns1', to: '10.0.1.2' });
console.log(JSON.stringify({
  status: r.status, changes: changes.map((c) => c.text), parentUnchanged: diff(a, m.snapshot()).length === 0, time: f.time,
  applied: JSON.stringify(applyDiff(a, changes).namespaces) === JSON.stringify(f.snapshot().namespaces),
  reach: reach.map((x) => x.disposition), trace: t.disposition, dot: toDot(a).includes('eth0'), init: INIT_NS in a.namespaces,
}));
`;

// the second entry, with fast-check (its peer dependency) installed beside it
const FAST_CHECK = (JSON.parse(readFileSync(join(root, 'node_modules/fast-check/package.json'), 'utf8')) as { version: string }).version;
const USE_FC = `import fc from 'fast-check';
import { topology, commands, probes, invariants } from 'nsemu/fast-check';
const topos = fc.sample(topology({ maxNamespaces: 3, iptables: false, routes: false }), { numRuns: 3, seed: 5 });
const out = [];
for (const t of topos) {
  const m = await t.build();
  const cmds = fc.sample(commands(t), { numRuns: 5, seed: 6 });
  const r = await invariants.failedCommandsChangeNothing(m, cmds);
  await invariants.determinism(t.script);
  await invariants.reachabilitySymmetric(m);
  const p = fc.sample(probes(t), { numRuns: 1, seed: 7 })[0];
  await invariants.ttlBoundsLoops(m, p);
  await invariants.noFrameLeavesByIngress(m.fork());
  out.push({ namespaces: Object.keys(m.snapshot().namespaces).length - 1 === t.spec.namespaces.length, commands: r.failed + r.succeeded });
}
let caught = '';
try {
  await invariants.determinism('echo $RANDOM', { create: (() => { let k = 0; return () => ({ run: async () => ({ stdout: String(k++), stderr: '', status: 0 }), snapshot: () => ({ time: 0, namespaces: {} }) }); })() });
} catch (e) { caught = e.message.split(':')[0]; }
console.log(JSON.stringify({ out, caught }));
`;
const wantFc = { out: [1, 2, 3].map(() => ({ namespaces: true, commands: 5 })), caught: 'determinism' };

beforeAll(() => {
  // the tarball of what `npm ci` built (prepare); packing without scripts keeps a second suite
  // running at the same time from seeing dist/ rebuilt under it
  if (!existsSync(join(root, 'dist/lib/index.js')) || !existsSync(join(root, 'dist/types/index.d.ts'))) throw new Error('dist/ is not built: npm run build');
  sh('npm', ['pack', '--silent', '--ignore-scripts', '--pack-destination', dir], root);
  const tgz = readdirSync(dir).find((f) => f.endsWith('.tgz'))!;
  sh('mkdir', ['-p', consumer], dir);
  writeFileSync(join(consumer, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
  sh('npm', ['install', '--prefer-offline', '--no-save', '--ignore-scripts', join(dir, tgz), `fast-check@${FAST_CHECK}`], consumer);
});

describe('the packed package', () => {
  const want = { status: 0, changes: ['ns1: route 10.0.2.0/24 via 10.0.1.1 dev eth0 removed'], parentUnchanged: true, time: 1, applied: true, reach: ['delivered'], trace: 'delivered', dot: true, init: true };

  it('works from plain node: every name of the API', () => {
    writeFileSync(join(consumer, 'use.mjs'), USE);
    expect(JSON.parse(sh(process.execPath, ['use.mjs'], consumer))).toEqual(want);
  });

  it("works from plain node: nsemu/fast-check's arbitraries and invariants", () => {
    writeFileSync(join(consumer, 'use-fc.mjs'), USE_FC);
    expect(JSON.parse(sh(process.execPath, ['use-fc.mjs'], consumer))).toEqual(wantFc);
  });

  it('type-checks in a strict TypeScript project and runs compiled', () => {
    // the fast-check consumer typed: the fake machine is the part determinism's create needs
    writeFileSync(
      join(consumer, 'use-fc.ts'),
      USE_FC.replace("import { topology,", "import type { Topology, Probe } from 'nsemu/fast-check';\nimport { topology,")
        .replace('const topos = fc.sample(', 'const topos: Topology[] = fc.sample(')
        .replace('const p = fc.sample(', 'const p: Probe = fc.sample(')
        .replace('[0];', '[0]!;')
        .replace('} catch (e) { caught = e.message', '} catch (e) { caught = (e as Error).message'),
    );
    writeFileSync(join(consumer, 'use.ts'), USE.replace('const changes = diff(', 'const changes: import("nsemu").Change[] = diff('));
    writeFileSync(
      join(consumer, 'tsconfig.json'),
      JSON.stringify({ compilerOptions: { strict: true, target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', outDir: 'out', types: [] }, files: ['use.ts', 'use-fc.ts'] }),
    );
    const tsc = createRequire(join(root, 'package.json')).resolve('typescript/bin/tsc');
    sh(process.execPath, [tsc, '-p', 'tsconfig.json'], consumer);
    expect(JSON.parse(sh(process.execPath, ['out/use.js'], consumer))).toEqual(want);
    expect(JSON.parse(sh(process.execPath, ['out/use-fc.js'], consumer))).toEqual(wantFc);
  });
});
