// The README's library example runs, and prints what the README says it prints.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it, vi } from 'vitest';
import { cli } from './helpers/cli.ts';
import { describeNeeds, root, shared, sharedDir } from './helpers/needs.ts';
import { tempDir } from './helpers/tmp.ts';

it("the README's library example prints what the README shows", async () => {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## As a library'));
  const code = /```js\n([\s\S]*?)```/.exec(section)![1]!;
  const shown = /```text\n([\s\S]*?)```/.exec(section)![1]!;
  const file = join(tempDir('nsemu-readme-'), 'example.mts');
  writeFileSync(file, code.replace("from 'nsemu'", `from '${join(root, 'src/index.ts')}'`));
  const lines: string[] = [];
  const log = vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void lines.push(a.join(' ')));
  try {
    await import(/* @vite-ignore */ file);
  } finally {
    log.mockRestore();
  }
  expect(`${lines.join('\n')}\n`).toBe(shown);
});

it("the README's nsemu/fast-check example runs and prints ok", async () => {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## Property tests with nsemu/fast-check'));
  const code = /```js\n([\s\S]*?)```/.exec(section)![1]!;
  const file = join(tempDir('nsemu-readme-fc-'), 'example.mts');
  writeFileSync(file, code.replace("from 'nsemu/fast-check'", `from '${join(root, 'src/fast-check/index.ts')}'`).replace("from 'fast-check'", `from '${join(root, 'node_modules/fast-check/lib/fast-check.js')}'`));
  const lines: string[] = [];
  const log = vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void lines.push(a.join(' ')));
  try {
    await import(/* @vite-ignore */ file);
  } finally {
    log.mockRestore();
  }
  expect(lines).toEqual(['ok']);
});

describeNeeds("the README's explain excerpt", shared(), () => {
  it('is what nsemu explain prints for seed000 (its first lines and the reason)', async () => {
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('## Why did my ping fail?'));
    const shown = /```text\n\$ nsemu explain --ping 2 seed000-veth-bridge\.sh\n([\s\S]*?)```/.exec(section)![1]!.split('\n').filter(Boolean);
    const r = await cli(['explain', '--ping', '2', join(sharedDir, 'scenarios/seed000-veth-bridge.sh')]);
    const got = r.stdout.split('\n').filter(Boolean);
    const cut = shown.indexOf('  …');
    expect(got.slice(0, cut)).toEqual(shown.slice(0, cut));
    expect(got[got.length - 1]).toBe(shown[shown.length - 1]);
  });
});
