// nsemu whatif's sweep in worker threads (tinypool) gives exactly the serial sweep's output, in
// the same order, from the TypeScript sources and from the bundle; its progress bar is drawn on
// stderr only when stderr is a terminal.
import { spawnSync } from 'node:child_process';
import { cpSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { whatifCommand, worthThreads, type WhatifOptions } from '../src/cli/whatif.ts';
import { bin } from './helpers/cli.ts';
import { root } from './helpers/needs.ts';
import { tempDir } from './helpers/tmp.ts';

const gw = join(root, 'examples', 'gateway.sh');
const src = readFileSync(gw, 'utf8');
/** changes that break different pairs, one that fails, one that changes nothing, one that adds a namespace */
const CHANGES = [
  'ip netns exec gateway iptables -A FORWARD -s 10.0.100.1 -j DROP',
  'ip -n gateway route add blackhole 192.168.100.1/32',
  'ip -n nosuch link set x up',
  'ip -n gateway link set cligw-veth down',
  'true',
  'ip netns add extra; ip -n extra link set lo up; ip -n extra addr add 10.9.9.9/32 dev lo',
];

async function whatif(o: WhatifOptions, tty = false): Promise<{ out: string; err: string; ran: string[]; status: number }> {
  const r = { out: '', err: '', ran: [] as string[], status: 0 };
  r.status = await whatifCommand('gateway.sh', src, o, { out: (s) => (r.out += s), err: (s) => (r.err += s), tty, ran: (how) => r.ran.push(how) });
  return r;
}

describe('whatif in worker threads', () => {
  it('gives byte for byte the serial output, in the same order (text, --matrix, --json)', async () => {
    for (const extra of [{}, { matrix: true }, { json: true, matrix: true }]) {
      const serial = await whatif({ change: CHANGES, jobs: 1, ...extra });
      const workers = await whatif({ change: CHANGES, jobs: 2, ...extra });
      expect(serial.ran).toEqual(['serially']);
      expect(workers.ran).toEqual(['in 2 worker threads']);
      expect(workers.status).toBe(0);
      expect(workers.err).toBe('');
      expect(workers.out).toBe(serial.out);
    }
  });

  it('is deterministic: another number of threads, and the changes in another order', async () => {
    const a = await whatif({ change: CHANGES, jobs: 3, matrix: true });
    expect(a.ran).toEqual(['in 3 worker threads']);
    expect(a.out).toBe((await whatif({ change: CHANGES, jobs: 1, matrix: true })).out);
    // no more threads than changes
    expect((await whatif({ change: CHANGES.slice(0, 2), jobs: 8 })).ran).toEqual(['in 2 worker threads']);
    // each change's section is the one it has alone, wherever it comes in the list
    const reversed = await whatif({ change: [...CHANGES].reverse(), jobs: 2 });
    const sections = (s: string): string[] => s.trimEnd().split('\n\n').sort();
    expect(sections(reversed.out)).toEqual(sections((await whatif({ change: CHANGES, jobs: 1 })).out));
  });

  it('runs one change, or a short sweep nobody asked threads for, in this thread', async () => {
    expect((await whatif({ change: CHANGES.slice(0, 1), jobs: 2 })).ran).toEqual(['serially']);
    expect((await whatif({ change: CHANGES })).ran).toEqual(['serially']);
  });

  it('from the sources: bin/nsemu.js under NSEMU_DEV=1', () => {
    const args = [bin, 'whatif', gw, ...CHANGES.flatMap((c) => ['--change', c])];
    const run = (env: Record<string, string>) => spawnSync(process.execPath, args, { encoding: 'utf8', env: { ...process.env, NSEMU_DEV: '1', ...env }, timeout: 300_000 });
    const serial = run({ NSEMU_JOBS: '1' });
    const workers = run({ NSEMU_JOBS: '2', NSEMU_DEBUG: '1' });
    expect(serial.status).toBe(0);
    expect(serial.stderr).toBe('');
    expect(workers.stderr).toBe('nsemu: whatif: the changes ran in 2 worker threads (whatif-worker.ts)\n');
    expect(workers.stdout).toBe(serial.stdout);
  });
});

describe('whatif in worker threads from the bundle (scripts/build.mjs in a scratch copy)', () => {
  it('dist/whatif-worker.js runs the changes and the output is the serial one', () => {
    const dir = tempDir('nsemu-whatif-bundle-');
    for (const f of ['src', 'scripts', 'bin', 'examples', 'package.json', 'tsconfig.json']) cpSync(join(root, f), join(dir, f), { recursive: true });
    symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'));
    const b = spawnSync(process.execPath, [join(dir, 'scripts/build.mjs')], { encoding: 'utf8', timeout: 300_000 });
    expect(b.status, b.stderr).toBe(0);
    const args = [join(dir, 'bin/nsemu.js'), 'whatif', gw, ...CHANGES.flatMap((c) => ['--change', c])];
    const run = (env: Record<string, string>) => spawnSync(process.execPath, args, { encoding: 'utf8', env: { ...process.env, NSEMU_DEV: '', ...env }, timeout: 300_000 });
    const serial = run({ NSEMU_JOBS: '1', NSEMU_DEBUG: '1' });
    const workers = run({ NSEMU_JOBS: '2', NSEMU_DEBUG: '1' });
    expect(serial.stderr).toBe('nsemu: whatif: the changes ran serially\n');
    // the bundle's worker ran them
    expect(workers.stderr).toBe('nsemu: whatif: the changes ran in 2 worker threads (whatif-worker.js)\n');
    expect(workers.status).toBe(0);
    expect(workers.stdout).toBe(serial.stdout);
    // and the sources give the same
    const dev = spawnSync(process.execPath, [bin, ...args.slice(1)], { encoding: 'utf8', env: { ...process.env, NSEMU_DEV: '1', NSEMU_JOBS: '1' }, timeout: 300_000 });
    expect(workers.stdout).toBe(dev.stdout);
    // without the worker module, the serial sweep (and the same output)
    rmSync(join(dir, 'dist/whatif-worker.js'));
    const without = run({ NSEMU_JOBS: '2', NSEMU_DEBUG: '1' });
    expect(without.stderr).toBe('nsemu: whatif: the changes ran serially\n');
    expect(without.stdout).toBe(serial.stdout);
  });
});

describe('whatif progress', () => {
  it('nothing on stderr when it is not a terminal', async () => {
    const r = await whatif({ change: CHANGES, jobs: 2 });
    expect(r.err).toBe('');
  });

  it('a bar on a terminal, cleared at the end; stdout the same', async () => {
    const plain = await whatif({ change: CHANGES, jobs: 1 });
    for (const jobs of [1, 2]) {
      const t = await whatif({ change: CHANGES, jobs }, true);
      expect(t.out).toBe(plain.out);
      expect(t.err).toMatch(/whatif [█░]+ 0\/7 replaying the script/);
      expect(t.err).toContain('7/7');
      // after the last bar drawn, the cursor is shown again and the line cleared
      expect(t.err.indexOf('\x1b[?25h', t.err.lastIndexOf('7/7'))).toBeGreaterThan(0);
      expect(t.err.endsWith('\x1b[2K')).toBe(true);
    }
  });
});

describe('when threads are used without being asked for', () => {
  it('never for a short sweep, never with 2 threads (a thread replays and compiles again), for a long sweep on many cores', () => {
    // replay 1.5 s, a matrix 0.9 s: the 100-namespace topology
    expect(worthThreads(1500, 900, 2, 2)).toBe(false);
    expect(worthThreads(1500, 900, 12, 2)).toBe(false);
    expect(worthThreads(1500, 900, 48, 2)).toBe(false);
    expect(worthThreads(1500, 900, 12, 8)).toBe(true);
    expect(worthThreads(10, 5, 100, 8)).toBe(false); // 0.5 s of changes: over before threads start
  });
});
