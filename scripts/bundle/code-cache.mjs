// A CommonJS file compiled through node:vm with a V8 code cache (the bundle's mvdan-sh, whose
// 1.5 MB of GopherJS output otherwise costs ~80 ms of parsing and lazy compilation at every
// start). The cache is written by the build (scripts/build.mjs runs nsemu once with
// NSEMU_WRITE_CODE_CACHE=1, so it holds the functions a run compiles); a cache V8 rejects (another
// node version) only costs the compile it would have saved.
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import Module, { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { Script } from 'node:vm';

/** Load `file` as CommonJS with the code cache `cacheFile`; returns its module.exports. */
export function requireCached(file, cacheFile) {
  const src = readFileSync(file, 'utf8');
  const cachedData = existsSync(cacheFile) ? readFileSync(cacheFile) : undefined;
  const script = new Script(Module.wrap(src), { filename: file, ...(cachedData ? { cachedData } : {}) });
  const module = { exports: {}, filename: file, id: file, loaded: false };
  script.runInThisContext()(module.exports, createRequire(file), module, file, dirname(file));
  module.loaded = true;
  if (process.env.NSEMU_WRITE_CODE_CACHE === '1') {
    process.once('exit', () => {
      writeFileSync(`${cacheFile}.tmp`, script.createCachedData());
      renameSync(`${cacheFile}.tmp`, cacheFile);
    });
  }
  return module.exports;
}
