// Brings the lessons in examples/ up to date with the tutorial scenarios they are made of:
//
//   npx tsx scripts/update-lessons.ts [SCENARIO_DIR]     (default ../shared/scenarios)
//
// Each examples/NAME.sh keeps its own header (the `# Lesson:` line, what to look for, up to the
// line LESSON_END of src/cli/examples.ts) and gets the scenario NAME.sh after it, byte for byte.
// A scenario without a lesson is listed (its header has to be written by hand: what it shows and
// what to look for); nothing else is written. test/examples.test.ts checks the result.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LESSON_END } from '../src/cli/examples.ts';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const dir = resolve(process.argv[2] ?? join(root, '../shared/scenarios'));
const SHEBANG = '#!/bin/bash\n';
let missing = 0;
for (const f of readdirSync(dir).filter((x) => x.endsWith('.sh') && x !== 'normalize.sh' && x !== 'record.sh').sort()) {
  const scenario = readFileSync(join(dir, f), 'utf8');
  const lesson = join(root, 'examples', basename(f));
  if (!existsSync(lesson) || !readFileSync(lesson, 'utf8').includes(`\n${LESSON_END}\n`)) {
    console.log(`${f}: no lesson yet (write examples/${f}'s header, ending with LESSON_END)`);
    missing++;
    continue;
  }
  if (!scenario.startsWith(SHEBANG)) throw new Error(`${f} does not start with ${SHEBANG.trim()}`);
  const old = readFileSync(lesson, 'utf8');
  const head = old.slice(0, old.indexOf(`\n${LESSON_END}\n`) + LESSON_END.length + 2);
  const next = head + scenario.slice(SHEBANG.length);
  if (next !== old) {
    writeFileSync(lesson, next);
    console.log(`${f}: updated`);
  }
}
process.exitCode = missing ? 1 : 0;
