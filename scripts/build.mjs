#!/usr/bin/env node
// Builds dist/: the nsemu command line bundled into ESM JavaScript for node (esbuild), so that
// `nsemu` starts without transpiling the TypeScript sources (bin/nsemu.js falls back to them,
// through tsx, when the bundle is missing or older than a source file).
//   node scripts/build.mjs          (npm run build; also run by npm ci / npm install: "prepare")
import { build } from 'esbuild';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const external = process.env.NSEMU_BUNDLE_DEPS === '0' ? Object.keys(pkg.dependencies ?? {}) : [];

// Packages that a bundled dependency imports only on some paths and that are not installed
// (optional peers such as just-bash's @mongodb-js/zstd) stay imports, failing only if reached.
const optionalMissing = {
  name: 'optional-missing',
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, async (a) => {
      if (a.pluginData === 'optional-missing' || a.path.startsWith('node:')) return undefined;
      const r = await b.resolve(a.path, { kind: a.kind, importer: a.importer, resolveDir: a.resolveDir, pluginData: 'optional-missing' });
      return r.errors.length ? { path: a.path, external: true } : r;
    });
  },
};

const out = join(root, 'dist');
rmSync(out, { recursive: true, force: true });
const r = await build({
  absWorkingDir: root,
  entryPoints: { nsemu: 'src/cli/main.ts' },
  outdir: out,
  bundle: true,
  splitting: process.env.NSEMU_SPLIT !== '0',
  format: 'esm',
  platform: 'node',
  target: 'node20',
  external,
  plugins: [optionalMissing],
  // CommonJS dependencies bundled into ESM call require() for node's modules
  banner: { js: "import { createRequire as __nsemuCreateRequire } from 'node:module'; const require = __nsemuCreateRequire(import.meta.url);" },
  chunkNames: 'chunks/[name]-[hash]',
  sourcemap: 'linked',
  sourcesContent: false,
  metafile: true,
  logLevel: 'warning',
});
// bin/nsemu.js runs the bundle only while none of these is newer than it (else the sources)
const sources = [...Object.keys(r.metafile.inputs).filter((f) => f.startsWith('src/')), 'package.json'];
writeFileSync(join(out, 'sources.json'), `${JSON.stringify(sources, null, 1)}\n`);
if (process.env.NSEMU_META === '1') writeFileSync(join(out, 'meta.json'), JSON.stringify(r.metafile));
console.log(`nsemu: built ${relative(root, out)}/nsemu.js from ${sources.length - 1} sources`);
