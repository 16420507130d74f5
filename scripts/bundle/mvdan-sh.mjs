// What `import sh from 'mvdan-sh'` gives in the bundle: dist/vendor/mvdan-sh.cjs (a copy of the
// package's index.js) loaded with its code cache dist/vendor/mvdan-sh.cache.
import { fileURLToPath } from 'node:url';
import { requireCached } from './code-cache.mjs';

// this module lands in dist/nsemu.js or in a chunk under dist/chunks/
const here = new URL('.', import.meta.url);
const dist = here.pathname.endsWith('/chunks/') ? new URL('..', here) : here;
export default requireCached(fileURLToPath(new URL('vendor/mvdan-sh.cjs', dist)), fileURLToPath(new URL('vendor/mvdan-sh.cache', dist)));
