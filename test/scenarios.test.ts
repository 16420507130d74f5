// Every scenario recorded on the real kernel, run in nsemu: the project's own (test/scenarios/,
// test/errors/) and every tutorial scenario in ../shared/scenarios/ (listed from the directory,
// so a new recording is checked without a code change; skipped with the reason when ../shared
// is not beside the repository). The emulator's
// stdout+stderr, normalised like the recordings, must equal the recording byte for byte (and
// the exit status must be the recorded one, where the manifest has it). A failure shows a
// unified diff (kernel = "-", nsemu = "+"; trailing spaces shown as ␠).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { beforeAll, describe, test } from 'vitest';
import { describeNeeds, shared, sharedDir } from './helpers/needs.ts';
import { changedLines, unifiedDiff } from '../src/verify/diff.ts';
import { normalize } from '../src/verify/normalize.ts';
import { expectedPath, readManifest, type ManifestEntry } from '../src/verify/recorder.ts';

type RunScript = (src: string, opts?: { seed?: number; name?: string }) => Promise<{ output: string; status: number }>;

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
/** A run that takes longer than this (wall clock) is reported as hung: far above what any
 *  scenario takes on a loaded machine, as nothing here is timed. */
const RUN_LIMIT_MS = 500_000;

interface Scenario {
  name: string;
  script: string;
  expected: string;
  entry?: ManifestEntry;
}

function scenariosIn(abs: string): Scenario[] {
  if (!existsSync(abs)) return [];
  const manifest = readManifest(join(abs, 'expected'));
  return readdirSync(abs)
    .filter((f) => f.endsWith('.sh'))
    .sort()
    .map((f) => {
      const script = join(abs, f);
      const name = f.slice(0, -3);
      return { name, script, expected: expectedPath(script), entry: manifest[name] };
    });
}

const own: Scenario[] = [...scenariosIn(join(root, 'test/scenarios')), ...scenariosIn(join(root, 'test/errors'))];
// as ../shared/tools/conformance.sh picks them: every script but the two tools beside them
const tutorials: Scenario[] = scenariosIn(join(sharedDir, 'scenarios')).filter((s) => s.name !== 'normalize' && s.name !== 'record');

let runScript: RunScript | undefined;
let loadError = '';
beforeAll(async () => {
  const entry = pathToFileURL(join(root, 'src/shell/index.ts')).href;
  try {
    const mod = (await import(/* @vite-ignore */ entry)) as { runScript?: unknown };
    if (typeof mod.runScript === 'function') runScript = mod.runScript as RunScript;
    else loadError = 'src/shell/index.ts does not export a function runScript(src, {seed, name})';
  } catch (e) {
    loadError = `cannot load src/shell/index.ts: ${(e as Error).message}`;
  }
});

function withLimit<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<never>((_, fail) => {
    timer = setTimeout(() => fail(new Error(`${what}: no result after ${ms / 1000} s (hung, or waiting in wall-clock time?)`)), ms);
  });
  return Promise.race([p, limit]).finally(() => clearTimeout(timer));
}

async function check(s: Scenario): Promise<void> {
  const rel = relative(root, s.script);
  if (!existsSync(s.expected)) throw new Error(`${relative(root, s.expected)} is missing: record it with npx tsx scripts/record.ts ${rel}`);
  if (!runScript) throw new Error(`nsemu cannot run scenarios yet: ${loadError}`);
  const src = readFileSync(s.script, 'utf8');
  const expected = readFileSync(s.expected, 'utf8');
  let r: { output: string; status: number };
  try {
    r = await withLimit(runScript(src, { seed: 1, name: rel }), RUN_LIMIT_MS, `nsemu running ${rel}`);
  } catch (e) {
    throw new Error(`nsemu failed on ${rel}: ${(e as Error).stack ?? e}`);
  }
  const got = normalize(r.output);
  const recordedOn = s.entry ? `Linux ${s.entry.kernel}, iproute2 ${s.entry.tools.iproute2}` : 'Linux 6.18, iproute2 6.1.0 (../shared/scenarios/README.md)';
  if (got !== expected) {
    const n = changedLines(expected, got);
    const firstDiff = expected.split('\n').findIndex((l, i) => l !== got.split('\n')[i]);
    throw new Error(
      `${rel}: nsemu's output differs from the real kernel's in ${n} line(s), the first at line ${firstDiff + 1} ` +
        `(expected ${relative(root, s.expected)}, recorded on ${recordedOn}; nsemu exited ${r.status}).\n` +
        `--- is the kernel, +++ is nsemu (normalised; trailing spaces shown as ␠):\n` +
        unifiedDiff(expected, got, `kernel ${relative(root, s.expected)}`, `nsemu ${rel} --seed 1`, { maxLines: 200 }),
    );
  }
  if (s.entry && r.status !== s.entry.status)
    throw new Error(`${rel}: the output matches, but nsemu exited ${r.status} where the kernel run exited ${s.entry.status}`);
}

const label = (list: Scenario[]) => list.map((s) => [relative(root, s.script), s] as const);

describe("nsemu's own scenarios recorded on the real kernel, run in nsemu", () => {
  test.each(label(own))('%s', (_label, s) => check(s));
});

describeNeeds('the tutorial scenarios (../shared/scenarios), run in nsemu', shared(), () => {
  test('the tutorial scenarios are there', () => {
    if (tutorials.length === 0) throw new Error(`no scenarios in ${join(sharedDir, 'scenarios')}`);
  });
  test.each(label(tutorials))('%s', (_label, s) => check(s));
});
