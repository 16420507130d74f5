// Lists, after the run, each group of tests that was skipped and why (test/helpers/needs.ts),
// and the expected failures (it.fails: known mismatches with the kernel), which vitest's own
// summary counts as passed.
import type { Reporter, TestModule } from 'vitest/node';
import { SKIP_MARK } from './needs.ts';

export default class SkipReporter implements Reporter {
  onTestRunEnd(modules: ReadonlyArray<TestModule>): void {
    const skipped: string[] = [];
    const xfail: string[] = [];
    for (const m of modules) {
      const file = m.moduleId.replace(/^.*?\/test\//, 'test/');
      for (const t of m.children.allTests()) {
        const state = t.result().state;
        if (state === 'skipped' && t.name.startsWith(SKIP_MARK))
          skipped.push(`  ${file} › ${t.fullName.slice(0, -t.name.length - 3)}: ${t.name.slice(SKIP_MARK.length).trim()}`);
        else if (t.options.fails && state === 'passed') xfail.push(`  ${file} › ${t.name}`);
      }
    }
    if (skipped.length) process.stdout.write(`\nSkipped groups (${skipped.length}), and why:\n${skipped.join('\n')}\n`);
    if (xfail.length) process.stdout.write(`\nExpected failures (${xfail.length}), counted as passed above:\n${xfail.join('\n')}\n`);
  }
}
