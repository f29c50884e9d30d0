import { beforeAll } from "vitest";
import { now, setClock } from "~/utils/clock.server";
import { seoulYear } from "~/utils/i18n";

/**
 * Time in tests. The product reads every business moment from its clock
 * (app/utils/clock.server.ts); the suite sets that clock so no test depends on
 * the day it happens to run.
 *
 * - `TEST_CLOCK` (an instant, e.g. 2027-01-01T00:00:00+09:00) is the moment the
 *   whole suite runs at; scripts/test.sh runs the date-sensitive files at
 *   several such moments. Unset, the suite runs at the machine's time.
 *   test/setup.ts starts every test file at that moment, the clock running.
 * - A test that tells a dated story (a year of cycles, a week of reminders)
 *   pins the clock to each moment of its story with `at()`, so that what it
 *   records and what it asserts read the same calendar.
 */

/** A Seoul wall-clock time ("2026-12-02T10:00:00") as an instant. */
export const seoul = (local: string): Date => new Date(`${local}+09:00`);

/** Sets the product's clock to a Seoul wall-clock time and lets it run from there. */
export function at(local: string): Date {
  const moment = seoul(local);
  setClock(moment, { running: true });
  return moment;
}

/** The moment the suite runs at: TEST_CLOCK, or the machine's clock. */
export function startTestClock(): void {
  setClock(process.env.TEST_CLOCK?.trim() || null, { running: true });
}

/** The Seoul calendar year on the product's clock now. */
export function clockYear(): number {
  return seoulYear(now());
}

/**
 * For a describe block whose story happens on one day: the clock is set to
 * that Seoul wall-clock time before its hooks, and runs on from there through
 * its tests (so what a hook recorded is never in a test's future).
 */
export function storyClock(local: string): void {
  beforeAll(() => void at(local));
}
