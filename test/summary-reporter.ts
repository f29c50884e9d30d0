import { writeFileSync } from "node:fs";
import type { Reporter, TestModule } from "vitest/node";

/**
 * Prints one plain closing line, "Tests: N passed, N failed, N skipped",
 * as the last line of a run, for tools that read it.
 */
export default class SummaryReporter implements Reporter {
  onTestRunEnd(modules: ReadonlyArray<TestModule>, errors: ReadonlyArray<unknown>) {
    let passed = 0;
    let failed = 0;
    let skipped = 0;
    for (const m of modules) {
      for (const test of m.children.allTests()) {
        const state = test.result().state;
        if (state === "passed") passed++;
        else if (state === "failed") failed++;
        else skipped++;
      }
      // A file that failed to load has no tests but is a failure.
      if (m.state() === "failed" && [...m.children.allTests()].length === 0) failed++;
    }
    failed += errors.length;
    const line = `Tests: ${passed} passed, ${failed} failed, ${skipped} skipped`;
    // scripts/test.sh prints this file last, after Vitest's own summary.
    const file = process.env.TEST_SUMMARY_FILE;
    if (file) writeFileSync(file, `${line}\n`);
    else process.stdout.write(`\n${line}\n`);
  }
}
