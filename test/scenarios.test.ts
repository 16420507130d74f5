// Every scenario recorded on the real kernel, run in nsemu: the project's own (test/scenarios/,
// test/errors/) and the shared tutorial scenarios that nsemu must already match. The emulator's
// stdout+stderr, normalised like the recordings, must equal the recording byte for byte (and
// the exit status must be the recorded one, where the manifest has it). A failure shows a
// unified diff (kernel = "-", nsemu = "+"; trailing spaces shown as ␠).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { beforeAll, describe, test } from 'vitest';
import { changedLines, unifiedDiff } from '../src/verify/diff.ts';
import { normalize } from '../src/verify/normalize.ts';
import { expectedPath, readManifest, type ManifestEntry } from '../src/verify/recorder.ts';

type RunScript = (src: string, opts?: { seed?: number; name?: string }) => Promise<{ output: string; status: number }>;

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const shared = resolve(root, '../shared/scenarios');
const SHARED = [
  'seed001-veth-netns',
  'seed001-veth-peer-index',
  'seed003-netns-basics',
  'seed003-pod-ns',
  'seed003-veth-peer-index',
  'seed003-veth-two-ns',
  'seed004-veth-nstest',
];
/** A run that takes longer than this (wall clock) is reported as hung. */
const RUN_LIMIT_MS = 60_000;

interface Scenario {
  name: string;
  script: string;
  expected: string;
  entry?: ManifestEntry;
}

function ownScenarios(dir: string): Scenario[] {
  const abs = join(root, dir);
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

const scenarios: Scenario[] = [
  ...ownScenarios('test/scenarios'),
  ...ownScenarios('test/errors'),
  ...SHARED.map((name) => ({ name, script: join(shared, `${name}.sh`), expected: join(shared, 'expected', `${name}.out`) })),
];

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

describe('scenarios recorded on the real kernel, run in nsemu', () => {
  test.each(scenarios.map((s) => [relative(root, s.script), s] as const))('%s', async (_label, s) => {
    const rel = relative(root, s.script);
    if (!existsSync(s.script)) throw new Error(`${rel} is missing (the shared scenarios are expected in ../shared beside the repository)`);
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
  }, RUN_LIMIT_MS + 30_000);
});
