import { writeFileSync } from "node:fs";
import type { Reporter, TestModule } from "vitest/node";

/**
 * Prints one plain closing line, "Tests: N passed, N failed, N skipped",
 * as the last line of a run, for tools that read it; under it, each failed
 * test by file and name with the first line of its error, so a run whose
 * scrolling output is cut still says what failed.
 */
export default class SummaryReporter implements Reporter {
  onTestRunEnd(modules: ReadonlyArray<TestModule>, errors: ReadonlyArray<unknown>) {
    let passed = 0;
    let failed = 0;
    let skipped = 0;
    const failures: string[] = [];
    for (const m of modules) {
      for (const test of m.children.allTests()) {
        const state = test.result().state;
        if (state === "passed") passed++;
        else if (state === "failed") {
          failed++;
          const error = test.result().errors?.[0];
          const message = String(error?.message ?? "").split("\n")[0]?.slice(0, 300) ?? "";
          failures.push(`  failed: ${m.moduleId.replace(process.cwd() + "/", "")} > ${test.fullName}: ${message}`);
        } else skipped++;
      }
      // A file that failed to load has no tests but is a failure.
      if (m.state() === "failed" && [...m.children.allTests()].length === 0) {
        failed++;
        failures.push(`  failed to load: ${m.moduleId.replace(process.cwd() + "/", "")}`);
      }
    }
    failed += errors.length;
    for (const error of errors) {
      failures.push(`  error outside a test: ${String((error as Error)?.message ?? error).split("\n")[0]?.slice(0, 300)}`);
    }
    const line = [`Tests: ${passed} passed, ${failed} failed, ${skipped} skipped`, ...failures].join("\n");
    // scripts/test.sh prints this file last, after Vitest's own summary.
    const file = process.env.TEST_SUMMARY_FILE;
    if (file) writeFileSync(file, `${line}\n`);
    else process.stdout.write(`\n${line}\n`);
  }
}
