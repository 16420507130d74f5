// The examples that ship in the package (examples/*.sh): the lessons (one per tutorial
// scenario recorded on the real kernel, each with a header saying what it shows and what to
// look for) and the other example topologies. `nsemu examples` lists them, `nsemu run
// --example NAME` runs one.
//
// An example's header is its first comment block: a lesson has `# Lesson: ONE LINE`, any other
// example `# Example: ONE LINE`; that line is what the list shows. A lesson's header ends with
// LESSON_END, and what follows it is the tutorial scenario, byte for byte.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from './version.ts';

/** The last line of a lesson's own header; the recorded scenario follows it unchanged. */
export const LESSON_END = '# ---- the tutorial scenario, as recorded on the real kernel, follows unchanged ----';

export interface Example {
  name: string;
  path: string;
  lesson: boolean;
  description: string;
}

export function examplesDir(): string {
  return join(packageRoot() ?? '.', 'examples');
}

/** The lesson or example line of a script's header (undefined if it has neither). */
export function describe(src: string): { lesson: boolean; description: string } | undefined {
  for (const line of src.split('\n').slice(1)) {
    if (!line.startsWith('#')) break;
    const m = /^# (Lesson|Example): (.*)$/.exec(line);
    if (m) return { lesson: m[1] === 'Lesson', description: m[2]!.trim() };
  }
  return undefined;
}

export function listExamples(dir = examplesDir()): Example[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.sh'))
    .sort()
    .map((f) => {
      const path = join(dir, f);
      const d = describe(readFileSync(path, 'utf8'));
      return { name: f.slice(0, -3), path, lesson: d?.lesson ?? false, description: d?.description ?? '' };
    });
}

/** An example by name (NAME or NAME.sh), or undefined. */
export function findExample(name: string, dir = examplesDir()): Example | undefined {
  const n = name.endsWith('.sh') ? name.slice(0, -3) : name;
  return listExamples(dir).find((e) => e.name === n);
}

/** What `nsemu examples` prints. */
export function examplesText(list: Example[] = listExamples()): string {
  const width = Math.max(0, ...list.map((e) => e.name.length)) + 2;
  const rows = (l: Example[]): string => l.map((e) => `  ${e.name.padEnd(width)}${e.description}\n`).join('');
  const lessons = list.filter((e) => e.lesson);
  const others = list.filter((e) => !e.lesson);
  let s = '';
  if (lessons.length) s += `Lessons (tutorial scenarios; each prints what the real kernel printed when it was recorded):\n${rows(lessons)}`;
  if (others.length) s += `${s ? '\n' : ''}Other examples:\n${rows(others)}`;
  if (!list.length) return `no examples in ${examplesDir()}\n`;
  return `${s}\nRun one: nsemu run --example NAME    Explore one: nsemu shell --load ${join(examplesDir(), 'NAME.sh')}\n`;
}
