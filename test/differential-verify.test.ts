// `nsemu verify`: the comparison, the report, the exit status and the progress bar, with a stub
// kernel runner (no root needed); then one real-kernel run (test/helpers/needs.ts).
import { describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { compareRuns, nsemuRunner, verifyCommand, type Runner } from '../src/verify/verify.ts';
import { describeNeeds, kernel } from './helpers/needs.ts';
import { tempDir } from './helpers/tmp.ts';

const dir = tempDir('nsemu-verify-test-');
const script = (name: string, text: string): string => {
  const p = join(dir, `${name}.sh`);
  writeFileSync(p, text);
  return p;
};
const ok = script('ok', 'ip netns add a\nip -n a link set lo up\nip -n a -br link\nip netns exec a ping -c 1 -W 1 127.0.0.1\n');
const bad = script('bad', 'ip netns add a\nip -n a -br link\n');

/** A kernel that prints what nsemu prints, except for scripts whose name contains "bad". */
const stubKernel: Runner = async (path, source) => {
  const r = await nsemuRunner(path, source);
  if (!path.includes('bad')) return { output: r.output.replace(/time=[0-9.]+ ms/g, 'time=0.051 ms'), status: r.status };
  return { output: r.output.replace('DOWN', 'UNKNOWN'), status: 1 };
};

function io(tty = false) {
  const o = { out: '', err: '' };
  return {
    o,
    io: { out: (s: string) => void (o.out += s), err: (s: string) => void (o.err += s), tty, kernelStatus: () => ({ ok: true, reason: '' }) },
  };
}

describe('nsemu verify (stub kernel)', () => {
  it('normalises before comparing: times, MACs', () => {
    const a = compareRuns('x', { output: 'link/ether 02:11:22:33:44:55 brd ff:ff:ff:ff:ff:ff\ntime=0.1 ms\n', status: 0 }, { output: 'link/ether 4a:00:00:00:00:01 brd ff:ff:ff:ff:ff:ff\ntime=0.060 ms\n', status: 0 });
    expect(a.match).toBe(true);
    const b = compareRuns('x', { output: 'a\n', status: 0 }, { output: 'a\n', status: 2 });
    expect(b.match).toBe(false);
    expect(b.diff).toContain('exit status: kernel 0, nsemu 2');
  });

  it('all match: summary line, exit 0, no diff', async () => {
    const { o, io: x } = io();
    expect(await verifyCommand([ok], {}, x, { kernel: stubKernel })).toBe(0);
    expect(o.out).toBe('verify: 1/1 scripts match\n');
    expect(o.err).toBe('');
  });

  it('a mismatch: unified diff per mismatching script, summary, exit 1', async () => {
    const { o, io: x } = io();
    expect(await verifyCommand([ok, bad], {}, x, { kernel: stubKernel })).toBe(1);
    expect(o.out).toContain(`MISMATCH ${bad}`);
    expect(o.out).toContain('--- kernel bad');
    expect(o.out).toContain('+++ nsemu bad');
    expect(o.out).toMatch(/^-lo +UNKNOWN/m);
    expect(o.out).toMatch(/^\+lo +DOWN/m);
    expect(o.out).toContain('exit status: kernel 1, nsemu 0');
    expect(o.out).not.toContain(`MISMATCH ${ok}`);
    expect(o.out.trimEnd().split('\n').at(-1)).toBe('verify: 1/2 scripts match');
  });

  it('progress bar on stderr only on a TTY with several scripts', async () => {
    const t = io(true);
    await verifyCommand([ok, ok], {}, t.io, { kernel: stubKernel });
    expect(t.o.err).toContain('2/2');
    expect(t.o.err).toContain('[####');
    const one = io(true);
    await verifyCommand([ok], {}, one.io, { kernel: stubKernel });
    expect(one.o.err).toBe('');
    const notty = io(false);
    await verifyCommand([ok, ok], {}, notty.io, { kernel: stubKernel });
    expect(notty.o.err).toBe('');
  });

  it('no kernel: says what is missing, exit 2', async () => {
    const { o, io: x } = io();
    x.kernelStatus = () => ({ ok: false, reason: 'not root (uid 1000): the sandbox needs CAP_SYS_ADMIN for unshare --net --mount' });
    expect(await verifyCommand([ok], {}, x)).toBe(2);
    expect(await verifyCommand([ok], { record: join(dir, 'rec') }, x)).toBe(2);
    expect(o.err).toContain('nsemu: verify: cannot run on the real kernel here: not root (uid 1000)');
    expect(o.out).toBe('');
  });

  it('missing script or none: exit 2', async () => {
    const { o, io: x } = io();
    expect(await verifyCommand([join(dir, 'nope.sh')], {}, x, { kernel: stubKernel })).toBe(2);
    expect(await verifyCommand([], {}, x, { kernel: stubKernel })).toBe(2);
    expect(o.err).toContain('nope.sh: No such file or directory');
  });
});

describeNeeds('nsemu verify on the real kernel', kernel(), () => {
  it('matches a small script, and --record writes a manifest entry', async () => {
    const { o, io: x } = io();
    const real = { ...x, kernelStatus: undefined };
    expect(await verifyCommand([ok], {}, real), o.out).toBe(0);
    expect(o.out).toBe('verify: 1/1 scripts match\n');
    const rec = join(dir, 'rec');
    expect(await verifyCommand([ok], { record: rec }, real)).toBe(0);
    const { checkExpectedDir } = await import('../src/verify/recorder.ts');
    expect(checkExpectedDir(join(rec, 'expected'))).toEqual([]);
  });
});
