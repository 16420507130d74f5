// src/verify/normalize.ts must give byte for byte what ../shared/scenarios/normalize.sh gives:
// on every shared recording, on raw (un-normalised) real-kernel outputs kept under
// test/verify/raw/, and on generated lines that exercise each rule and its edge cases.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { expect, test } from 'vitest';
import { normalize } from '../src/verify/normalize.ts';
import { unifiedDiff } from '../src/verify/diff.ts';
import { describeNeeds, shared as sharedNeed, sharedDir } from './helpers/needs.ts';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const shared = join(sharedDir, 'scenarios');
const script = join(shared, 'normalize.sh');
const rawDir = join(root, 'test/verify/raw');

function bashNormalize(text: string, plain: boolean): string {
  return execFileSync('bash', [script, ...(plain ? ['-p'] : [])], { input: text, encoding: 'utf8', env: { PATH: process.env.PATH, LC_ALL: 'C' } });
}

function same(text: string, plain: boolean, label: string): void {
  const want = bashNormalize(text, plain);
  const got = normalize(text, { plain });
  if (got !== want) throw new Error(`${label}${plain ? ' (-p)' : ''}: TS normaliser differs from normalize.sh:\n${unifiedDiff(want, got, 'normalize.sh', 'normalize.ts', { maxLines: 60 })}`);
}

describeNeeds('normalize.ts = normalize.sh', sharedNeed(), () => {
  test('../shared/scenarios/normalize.sh is there to compare with', () => {
    expect(existsSync(script), `${script} is missing`).toBe(true);
  });

  const expectedDir = join(shared, 'expected');
  const recordings = existsSync(expectedDir) ? readdirSync(expectedDir).filter((f) => f.endsWith('.out')).sort() : [];
  test.each(recordings)('shared recording %s', (f) => {
    const text = readFileSync(join(expectedDir, f), 'utf8');
    same(text, false, f);
    same(text, true, f);
  });

  const raws = existsSync(rawDir) ? readdirSync(rawDir).filter((f) => f.endsWith('.txt')).sort() : [];
  test('there are raw real-kernel samples', () => {
    expect(raws.length).toBeGreaterThanOrEqual(3);
  });
  test.each(raws)('raw sample %s', (f) => {
    const text = readFileSync(join(rawDir, f), 'utf8');
    same(text, false, f);
    same(text, true, f);
    // the samples are raw: normalising must change something
    expect(normalize(text)).not.toBe(text);
  });

  test('edge cases: empty input, no final newline, CR, lone lines', () => {
    for (const t of ['', '\n', 'x', 'a\nb', 'a\n\n\nb\n', 'time=1.5 ms\r\n', '  \t ', '\u00e9t\u00e9 02:00:00:00:00:01\n'])
      for (const p of [false, true]) same(t, p, JSON.stringify(t));
  });

  test('ovs-vsctl show: Port blocks in random order are sorted by name', () => {
    const text = [
      '<UUID>',
      '    Bridge br0',
      '        datapath_type: netdev',
      '        Port oveth2',
      '            Interface oveth2',
      '        Port br0',
      '            Interface br0',
      '                type: internal',
      '        Port oveth1',
      '            Interface oveth1',
      '    ovs_version: "3.1.0"',
      '        Port b',
      '        Port a',
      'x',
      '        Port z',
      '          ten spaces continue a block',
      '        Port y',
      '',
    ].join('\n');
    same(text, false, 'ovs blocks');
    expect(normalize(text)).toContain('        Port br0\n            Interface br0\n                type: internal\n        Port oveth1\n');
  });

  // Fragments that hit every rule, its near misses, and the MAC scanner's context checks.
  const hex = (n: number) => fc.stringMatching(new RegExp(`^[0-9a-f]{${n}}$`));
  const HEX = (n: number) => fc.stringMatching(new RegExp(`^[0-9a-fA-F]{${n}}$`));
  const mac = fc.tuple(HEX(2), HEX(2), HEX(2), HEX(2), HEX(2), HEX(2)).map((p) => p.join(':'));
  const fragment = fc.oneof(
    mac,
    fc.constantFrom('00:00:00:00:00:00', 'ff:ff:ff:ff:ff:ff', 'FF:FF:FF:FF:FF:FF', '01:00:5e:00:00:01', '33:33:00:00:00:01', '01:80:c2:00:00:00', '02:00:00:00:00:01'),
    fc.tuple(hex(2), hex(2), hex(2)).map(([a, b, c]) => `33:33:ff:${a}:${b}:${c}`),
    fc.tuple(hex(4), hex(12)).map(([p, m]) => `${p}.${m}`),
    fc.constantFrom('8000.000000000000', '8000.02000000000a', 'a8000.0200000000aa0'),
    fc.tuple(hex(4), hex(4), hex(4)).map(([a, b, c]) => `fe80::${a}:${b}:${c}`),
    fc.tuple(hex(2), hex(4)).map(([a, b]) => `ff02::1:ff${a}:${b}`),
    fc.constantFrom('fe80::', 'fe80::1', 'fd00::2:0:0:0:0:1', 'aa:bb:cc:dd:ee:ff:00', '1:aa:bb:cc:dd:ee:ff'),
    fc.float({ min: 0, max: 999, noNaN: true }).map((t) => `time=${t.toFixed(3)} ms`),
    fc.nat(99999).map((t) => `, time ${t}ms`),
    fc.constant('rtt min/avg/max/mdev = 0.051/0.062/0.070/0.008 ms'),
    fc.constant('12:34:56.123456 '),
    fc.nat(65535).map((n) => `ttl 64, id ${n},`),
    fc.nat(65535).map((n) => `ICMP echo request, id ${n}, seq 1`),
    fc.nat(65535).map((n) => `ICMP echo reply, id ${n},`),
    fc.nat(65535).map((n) => `ICMP time exceeded in-transit, id ${n}`),
    hex(4).map((c) => `cksum 0x${c}`),
    fc.nat(99).map((n) => `${n} packets received by filter`),
    fc.constantFrom('yes\t\t   0.00', 'no\t\t  12.34  ', 'yes 1.5'),
    fc.tuple(hex(8), hex(4), hex(4), hex(4), hex(12)).map((p) => p.join('-')),
    fc.nat(200).map((n) => `icmp     1 ${n} src=10.0.0.1`),
    fc.nat(99999).map((n) => `type=8 code=0 id=${n} `),
    fc.constantFrom('        Port a', '        Port b', '        Port br0', '          Interface x', '            type: internal', '    Bridge br0'),
    fc.constantFrom(' ', '\t', ':', '.', '-', 'x', 'G', '  ', '<MAC1>', 'link/ether ', ' brd '),
    fc.string({ maxLength: 8 }),
  );
  const line = fc.array(fragment, { maxLength: 6 }).map((a) => a.join(''));
  const textArb = fc.tuple(fc.array(line, { maxLength: 12 }), fc.boolean()).map(([ls, nl]) => ls.join('\n') + (nl && ls.length ? '\n' : ''));

  test('generated inputs (fast-check)', () => {
    fc.assert(
      fc.property(textArb, fc.boolean(), (text, plain) => {
        same(text, plain, 'generated');
      }),
      { numRuns: 150, seed: 20251128 },
    );
  });
});
