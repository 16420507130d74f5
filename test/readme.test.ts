// The README's examples run, and print what the README says they print.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it, vi } from 'vitest';
import { cli } from './helpers/cli.ts';
import { describeNeeds, root, shared, sharedDir } from './helpers/needs.ts';
import { tempDir } from './helpers/tmp.ts';

const readme = readFileSync(join(root, 'README.md'), 'utf8');
/** The README from a heading on. */
const section = (heading: string): string => readme.slice(readme.indexOf(heading));

/** Runs a README code block as a module, its package imports pointing at the sources; returns
 *  what it logged, a line per console.log call. */
async function runExample(code: string, imports: Record<string, string>): Promise<string[]> {
  const file = join(tempDir('nsemu-readme-'), 'example.mts');
  let src = code;
  for (const [from, to] of Object.entries(imports)) src = src.replace(`from '${from}'`, `from '${to}'`);
  writeFileSync(file, src);
  const lines: string[] = [];
  const log = vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void lines.push(a.join(' ')));
  try {
    await import(/* @vite-ignore */ file);
  } finally {
    log.mockRestore();
  }
  return lines;
}

it("the README's library example prints what the README shows", async () => {
  const s = section('## As a library');
  const code = /```js\n([\s\S]*?)```/.exec(s)![1]!;
  const shown = /```text\n([\s\S]*?)```/.exec(s)![1]!;
  const lines = await runExample(code, { nsemu: join(root, 'src/index.ts') });
  expect(`${lines.join('\n')}\n`).toBe(shown);
});

it("the README's nsemu/fast-check example runs and prints ok", async () => {
  const code = /```js\n([\s\S]*?)```/.exec(section('## Property tests with nsemu/fast-check'))![1]!;
  const lines = await runExample(code, { 'nsemu/fast-check': join(root, 'src/fast-check/index.ts'), 'fast-check': join(root, 'node_modules/fast-check/lib/fast-check.js') });
  expect(lines).toEqual(['ok']);
});

describeNeeds("the README's explain excerpt", shared(), () => {
  it('is what nsemu explain prints for seed000 (its first lines and the reason)', async () => {
    const shown = /```text\n\$ nsemu explain --ping 2 seed000-veth-bridge\.sh\n([\s\S]*?)```/.exec(section('## Why did my ping fail?'))![1]!.split('\n').filter(Boolean);
    const r = await cli(['explain', '--ping', '2', join(sharedDir, 'scenarios/seed000-veth-bridge.sh')]);
    const got = r.stdout.split('\n').filter(Boolean);
    const cut = shown.indexOf('  …');
    expect(got.slice(0, cut)).toEqual(shown.slice(0, cut));
    expect(got[got.length - 1]).toBe(shown[shown.length - 1]);
  });
});
