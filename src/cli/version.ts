// The package's own directory and the version nsemu --version prints: package.json's, found
// above this module (src/cli/ when run from the sources, dist/ or dist/chunks/ in the bundle).
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The directory of nsemu's package.json and what it says (undefined if none is found). */
function findPackage(): { dir: string; version: string } | undefined {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const f = join(dir, 'package.json');
    if (existsSync(f)) {
      const pkg = JSON.parse(readFileSync(f, 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'nsemu' && pkg.version) return { dir, version: pkg.version };
    }
    const up = dirname(dir);
    if (up === dir) return undefined;
    dir = up;
  }
}

export function packageVersion(): string {
  return findPackage()?.version ?? 'unknown';
}

/** The package's root directory (where examples/ and README.md are). */
export function packageRoot(): string | undefined {
  return findPackage()?.dir;
}
