// The lessons that ship in the package: examples/NAME.sh for every tutorial scenario recorded on
// the real kernel (../shared/scenarios, listed by the rule of ../shared/tools/conformance.sh),
// each a header (`# Lesson: ...`, what to look for) and then the scenario byte for byte; run
// through the command line (`nsemu run --example NAME`), each prints the recording. Also what
// the user sees of them: `nsemu examples`, `nsemu shell --load FILE`, `nsemu FILE`.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, test } from 'vitest';
import { cli } from './helpers/cli.ts';
import { describeNeeds, root, shared, sharedDir } from './helpers/needs.ts';
import { tempDir } from './helpers/tmp.ts';
import { normalize } from '../src/verify/normalize.ts';
import { unifiedDiff } from '../src/verify/diff.ts';
import { describe as describeExample, LESSON_END, listExamples } from '../src/cli/examples.ts';

const scenarios = join(sharedDir, 'scenarios');
const examples = join(root, 'examples');
/** the tutorial scenarios, as conformance.sh picks them: every NAME.sh but its two tools */
const tutorials = existsSync(scenarios)
  ? readdirSync(scenarios)
      .filter((f) => f.endsWith('.sh') && f !== 'normalize.sh' && f !== 'record.sh')
      .map((f) => f.slice(0, -3))
      .sort()
  : [];

describeNeeds('the lessons in examples/ (one per tutorial scenario in ../shared/scenarios)', shared(), () => {
  test('examples/ has one lesson per tutorial scenario, and no lesson without one', () => {
    expect(tutorials.length).toBeGreaterThan(0);
    const lessons = listExamples(examples).filter((e) => e.lesson).map((e) => e.name);
    expect(lessons).toEqual(tutorials);
  });

  test.each(tutorials)('examples/%s.sh: a header saying what it shows, then the scenario unchanged', (name) => {
    const ex = readFileSync(join(examples, `${name}.sh`), 'utf8');
    const sc = readFileSync(join(scenarios, `${name}.sh`), 'utf8');
    const d = describeExample(ex);
    expect(d?.lesson).toBe(true);
    expect(d?.description.length).toBeGreaterThan(10);
    const [head, body] = ex.split(`${LESSON_END}\n`);
    expect(body).toBeDefined();
    expect(head).toMatch(/^#!\/bin\/bash\n# Lesson: .+\n(#.*\n)*# What to look for:\n(#.*\n)+$/);
    // after a scenario changed: npx tsx scripts/update-lessons.ts
    expect(`#!/bin/bash\n${body}`, `examples/${name}.sh is not the scenario after its header: npx tsx scripts/update-lessons.ts`).toBe(sc);
  });

  test.each(tutorials)('nsemu run --example %s prints the recording', async (name) => {
    const expected = readFileSync(join(scenarios, 'expected', `${name}.out`), 'utf8');
    const r = await cli(['run', '--seed', '1', '--example', name]);
    const got = normalize(r.out);
    if (got !== expected) throw new Error(`nsemu run --example ${name} differs from the kernel's recording:\n${unifiedDiff(expected, got, `kernel expected/${name}.out`, `nsemu --example ${name}`, { maxLines: 80 })}`);
  }, 300_000);
});

describe('nsemu examples, run --example, shell --load, nsemu FILE', () => {
  const dir = tempDir('nsemu-examples-');

  it('nsemu examples lists every example with its one-line description, lessons first', async () => {
    const r = await cli(['examples']);
    expect(r.status).toBe(0);
    const list = listExamples(examples);
    expect(list.length).toBeGreaterThanOrEqual(3);
    for (const e of list) {
      expect(e.description).not.toBe('');
      expect(r.stdout).toMatch(new RegExp(`^  ${e.name} +${e.description.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`, 'm'));
    }
    expect(r.stdout).toMatch(/^Other examples:$/m);
    expect(r.stdout).toContain('nsemu run --example NAME');
  });

  it('run --example runs one by name (NAME or NAME.sh), refuses an unknown one', async () => {
    const r = await cli(['run', '--example', 'veth-netns.sh']);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('3 packets transmitted, 3 received, 0% packet loss');
    expect(await cli(['run', '--example', 'nope'])).toMatchObject({ stderr: "nsemu: run: no example named 'nope' (nsemu examples lists them)\n", status: 2 });
  });

  it('nsemu FILE runs it as nsemu run FILE does; a missing FILE.sh is reported as run reports it', async () => {
    const f = join(dir, 's.sh');
    writeFileSync(f, 'echo "$0 $1"; exit 3\n');
    expect(await cli([f, 'a'])).toMatchObject({ out: `${f} a\n`, status: 3 });
    expect(await cli(['--seed', '2', f, '-y', '--z'])).toMatchObject({ out: `${f} -y\n`, status: 3 });
    expect(await cli(['run', f, 'a'])).toMatchObject({ out: `${f} a\n`, status: 3 });
    expect(await cli([join(dir, 'nope.sh')])).toMatchObject({ stderr: `nsemu: ${join(dir, 'nope.sh')}: No such file or directory\n`, status: 127 });
  });

  it('shell --load FILE starts the session on the network FILE built, with its variables', async () => {
    const f = join(dir, 'net.sh');
    writeFileSync(f, 'ip netns add red\nip netns add blue\nip link add v1 netns red type veth peer name v2 netns blue\nGREETING=hello\n');
    const r = await cli(['shell', '--load', f], 'ip netns list\nip -n red -br link show v1\necho $GREETING\n');
    expect(r.out).toMatch(/^blue\nred\nv1@if2 +DOWN +([0-9a-f]{2}:){5}[0-9a-f]{2} <BROADCAST,MULTICAST> \nhello\n$/);
    expect(r.status).toBe(0);
    expect(await cli(['shell', '--load', join(dir, 'nope.sh')], '')).toMatchObject({ stderr: `nsemu: ${join(dir, 'nope.sh')}: No such file or directory\n`, status: 127 });
  });
});
