import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    setupFiles: ['test/setup.ts'],
    // Nothing here is timed: a test ends when its work does. The limit only catches a hang, so
    // it is far above what any test takes on a loaded 2-core machine running two suites at once.
    testTimeout: 600_000,
    hookTimeout: 600_000,
    reporters: ['default', './test/helpers/skip-reporter.ts'],
  },
});
