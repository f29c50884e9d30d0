import { afterEach, beforeEach, vi } from "vitest";
import { startTestClock } from "./clock";

/** Every test file starts at the suite's moment, and its clock runs on from there (test/clock.ts). */
startTestClock();

/** An unexpected console.error fails the test that caused it. */
let errors: unknown[][] = [];
beforeEach(() => {
  errors = [];
  vi.spyOn(console, "error").mockImplementation((...args: unknown[]) => {
    errors.push(args);
  });
});
afterEach(() => {
  vi.mocked(console.error).mockRestore();
  if (errors.length > 0) {
    const first = errors[0]!.map((a) => (a instanceof Error ? a.stack : String(a))).join(" ");
    throw new Error(`console.error was called ${errors.length} time(s): ${first}`);
  }
});

/** For tests that expect an error to be logged. */
export function allowConsoleError() {
  errors = [];
}
