#!/usr/bin/env node
// Builds dist/: the nsemu command line bundled into ESM JavaScript for node (esbuild), so that
// `nsemu` starts without transpiling the TypeScript sources (bin/nsemu.js falls back to them,
// through tsx, when the bundle is missing or older than a source file).
//   node scripts/build.mjs          (npm run build; also run by npm ci / npm install: "prepare")
//   dist/nsemu.js, dist/chunks/     the bundle: dependencies included, code split so that what a
//                                   run does not reach (just-bash's tools, nsemu verify) is not loaded
//   dist/whatif-worker.js           the worker threads of nsemu whatif (sharing dist/chunks/)
//   dist/vendor/mvdan-sh.{cjs,cache}  the shell parser and its V8 code cache (scripts/bundle/)
//   dist/sources.json               the files it was built from (bin/nsemu.js compares their times)
// NSEMU_BUNDLE_DEPS=0 keeps the dependencies external, NSEMU_SPLIT=0 makes one file, and
// NSEMU_META=1 writes esbuild's metafile (dist/meta.json): for measuring.
import { build } from 'esbuild';
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { execFileSync } from 'node:child_process';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
// tinypool stays a package import: it starts its threads with its own entry file, found beside
// its module (node_modules/tinypool/dist/entry/worker.js), which a bundle would not have
const external = process.env.NSEMU_BUNDLE_DEPS === '0' ? Object.keys(pkg.dependencies ?? {}) : ['tinypool'];

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

// mvdan-sh is loaded from a copy in dist/vendor with a V8 code cache (scripts/bundle/code-cache.mjs)
const mvdanCached = {
  name: 'mvdan-sh-cached',
  setup(b) {
    b.onResolve({ filter: /^mvdan-sh$/ }, (a) => (a.importer.startsWith(join(root, 'src')) ? { path: join(root, 'scripts/bundle/mvdan-sh.mjs') } : undefined));
  },
};

const out = join(root, 'dist');
rmSync(out, { recursive: true, force: true });
const r = await build({
  absWorkingDir: root,
  // dist/whatif-worker.js: what nsemu whatif's worker threads run (src/cli/whatif.ts finds it)
  entryPoints: { nsemu: 'src/cli/main.ts', 'whatif-worker': 'src/cli/whatif-worker.ts' },
  outdir: out,
  bundle: true,
  splitting: process.env.NSEMU_SPLIT !== '0',
  format: 'esm',
  platform: 'node',
  target: 'node20',
  external,
  plugins: [mvdanCached, optionalMissing],
  // CommonJS dependencies bundled into ESM call require() for node's modules
  banner: { js: "import { createRequire as __nsemuCreateRequire } from 'node:module'; const require = __nsemuCreateRequire(import.meta.url);" },
  chunkNames: 'chunks/[name]-[hash]',
  sourcemap: 'linked',
  sourcesContent: false,
  minifyWhitespace: true,
  minifySyntax: true,
  metafile: true,
  logLevel: 'warning',
});
if (process.env.NSEMU_META === '1') writeFileSync(join(out, 'meta.json'), JSON.stringify(r.metafile));
mkdirSync(join(out, 'vendor'));
copyFileSync(createRequire(join(root, 'package.json')).resolve('mvdan-sh'), join(out, 'vendor/mvdan-sh.cjs'));
// the code cache: what one run of the first example compiles (without it nsemu only starts slower)
try {
  execFileSync(process.execPath, [join(out, 'nsemu.js'), 'run', join(root, 'examples/veth-netns.sh')], { env: { ...process.env, NSEMU_WRITE_CODE_CACHE: '1' }, stdio: 'ignore' });
} catch (e) {
  console.warn(`nsemu: build: no code cache for mvdan-sh (${e.message})`);
}
// bin/nsemu.js runs the bundle only while none of these is newer than it (else the sources);
// written last, so that a build that failed half-way leaves no bundle that bin/nsemu.js would run
const sources = [...Object.keys(r.metafile.inputs).filter((f) => f.startsWith('src/') || f.startsWith('scripts/')), 'package.json'];
writeFileSync(join(out, 'sources.json'), `${JSON.stringify(sources, null, 1)}\n`);
console.log(`nsemu: built ${relative(root, out)}/nsemu.js from ${sources.length - 1} sources`);
