// Expected outputs under test/ come only from scripts/record.ts: each one has a manifest entry
// whose sha256 matches the file (a hand edit fails here), and whose script sha256 matches the
// script (a script changed without re-recording fails here too). The tcpdump golden files
// (test/tcpdump/, from scripts/record-tcpdump.ts) are checked against their MANIFEST.json the same way.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test } from 'vitest';
import { checkExpectedDir, checkFilesManifest, expectedPath } from '../src/verify/recorder.ts';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** Every directory named `expected` under test/. */
function expectedDirs(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir)) {
    const p = join(dir, e);
    if (!statSync(p).isDirectory()) continue;
    if (e === 'expected') out.push(p);
    else out.push(...expectedDirs(p));
  }
  return out;
}

const dirs = expectedDirs(join(root, 'test'));

test('the recorded directories are found', () => {
  expect(dirs.map((d) => relative(root, d)).sort()).toEqual(expect.arrayContaining(['test/errors/expected', 'test/scenarios/expected']));
});

test.each(dirs.map((d) => relative(root, d)))('%s matches its MANIFEST.json', (d) => {
  const problems = checkExpectedDir(join(root, d));
  if (problems.length) throw new Error(problems.map((p) => `${relative(root, p.file)}: ${p.problem}`).join('\n'));
});

test.each(['test/scenarios', 'test/errors'])('every script in %s has a recording', (d) => {
  const missing = readdirSync(join(root, d))
    .filter((f) => f.endsWith('.sh'))
    .map((f) => join(root, d, f))
    .filter((s) => !existsSync(expectedPath(s)))
    .map((s) => relative(root, s));
  if (missing.length) throw new Error(`not recorded yet: ${missing.join(', ')}; run npx tsx scripts/record.ts ${missing.join(' ')}`);
});

test('every tcpdump golden file matches test/tcpdump/MANIFEST.json', () => {
  const problems = checkFilesManifest(join(root, 'test/tcpdump'), /^va\./, 'npx tsx scripts/record-tcpdump.ts');
  if (problems.length) throw new Error(problems.map((p) => `${relative(root, p.file)}: ${p.problem}`).join('\n'));
});
