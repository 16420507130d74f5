// What a group of tests needs from the machine (the real kernel, ../shared, a host tool), and
// what happens when it is missing: the group is skipped with one test named after the reason
// (test/helpers/skip-reporter.ts lists them at the end of the run), or, under
// NSEMU_REQUIRE_KERNEL=1 (CI), it fails with that reason instead.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, test } from 'vitest';
import { kernelAvailable, kernelRequired } from '../../src/verify/sandbox.ts';

export interface Need {
  ok: boolean;
  /** what is missing and how to get it */
  reason: string;
}

export const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
/** The shared scenarios recorded on the real kernel, beside the repository. */
export const sharedDir = resolve(root, '../shared');

/** Marks the name of a test that stands for a skipped group (the reporter looks for it). */
export const SKIP_MARK = 'skipped:';

export function kernel(): Need {
  const k = kernelAvailable();
  return { ok: k.ok, reason: k.ok ? '' : `real-kernel runs impossible here: ${k.reason}` };
}

export function shared(): Need {
  const ok = existsSync(resolve(sharedDir, 'scenarios'));
  return { ok, reason: ok ? '' : `../shared/scenarios is not beside the repository (the tutorial scenarios recorded on the kernel; they come with the project's shared directory)` };
}

/** A program on the host (for reading nsemu's files with the real tools). */
export function hostTool(name: string, pkg: string): Need {
  const ok = spawnSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' }).status === 0;
  return { ok, reason: ok ? '' : `${name} is not installed (apt-get install ${pkg})` };
}

export function all(...needs: Need[]): Need {
  const missing = needs.filter((n) => !n.ok);
  return { ok: missing.length === 0, reason: missing.map((n) => n.reason).join('; ') };
}

/** describe(name, fn) when `need` holds; else one skipped (or, when required, failing) test. */
export function describeNeeds(name: string, need: Need, fn: () => void): void {
  if (need.ok) {
    describe(name, fn);
    return;
  }
  if (kernelRequired()) {
    describe(name, () => {
      test('what it needs is here (NSEMU_REQUIRE_KERNEL=1)', () => {
        throw new Error(`NSEMU_REQUIRE_KERNEL=1, but ${need.reason}`);
      });
    });
    return;
  }
  describe(name, () => {
    test.skip(`${SKIP_MARK} ${need.reason} (NSEMU_REQUIRE_KERNEL=1 makes this a failure)`, () => {});
  });
}
