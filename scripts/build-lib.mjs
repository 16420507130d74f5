#!/usr/bin/env node
// Builds the library entries (`import { createMachine } from 'nsemu'`: dist/lib/index.js, and
// `import { topology } from 'nsemu/fast-check'`: dist/lib/fast-check/index.js, sharing chunks), ESM
// for node with the package's dependencies left as imports (they are installed with it), and
// its type declarations in dist/types (tsc, tsconfig.lib.json). Run by npm run build and by the
// prepare script, after scripts/build.mjs.
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
rmSync(join(root, 'dist/lib'), { recursive: true, force: true });
rmSync(join(root, 'dist/types'), { recursive: true, force: true });
await build({
  // entry names keep dist/lib/fast-check/index.js beside dist/types/fast-check/index.d.ts
  entryPoints: [
    { in: join(root, 'src/index.ts'), out: 'index' },
    { in: join(root, 'src/fast-check/index.ts'), out: 'fast-check/index' },
  ],
  outdir: join(root, 'dist/lib'),
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  packages: 'external',
  logLevel: 'warning',
});
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
execFileSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.lib.json')], { stdio: 'inherit', cwd: root });
// the sources import each other as .ts (run directly by tsx and vitest); declarations must say .js
for (const f of readdirSync(join(root, 'dist/types'), { recursive: true, encoding: 'utf8' })) {
  if (!f.endsWith('.d.ts')) continue;
  const p = join(root, 'dist/types', f);
  writeFileSync(p, readFileSync(p, 'utf8').replace(/(from\s+|import\()(['"])(\.{1,2}\/[^'"]*?)\.ts\2/g, '$1$2$3.js$2'));
}
