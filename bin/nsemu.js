#!/usr/bin/env node
// nsemu's command. It runs the bundle dist/nsemu.js (built by `npm run build`, and by `npm ci` /
// `npm install` through the "prepare" script) when that bundle is at least as new as every
// source it was built from; otherwise, or with NSEMU_DEV=1, it runs the TypeScript sources
// directly through tsx, so an edit in src/ takes effect without a rebuild.
import { readFileSync, statSync } from 'node:fs';

const root = new URL('../', import.meta.url);

/** The bundle's URL if it is usable and current, else undefined. */
function bundle() {
  if (process.env.NSEMU_DEV === '1') return undefined;
  try {
    const built = statSync(new URL('dist/nsemu.js', root)).mtimeMs;
    // dist/sources.json: the files the bundle was built from (src/..., package.json)
    const sources = JSON.parse(readFileSync(new URL('dist/sources.json', root), 'utf8'));
    for (const f of sources) if (statSync(new URL(f, root)).mtimeMs > built) return undefined;
    return new URL('dist/nsemu.js', root);
  } catch {
    return undefined; // no bundle, or a source gone: the sources decide
  }
}

const b = bundle();
if (b) await import(b.href);
else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../src/cli/main.ts');
}
