/**
 * The product's clock. Every business moment (a cycle opening, a deadline, a
 * reminder falling due, a completion, a certificate, an exemption, the "today"
 * of an as-of view, the day a leaver leaves) is read from `now()`, never from
 * `new Date()`, `Date.now()` or SQL `now()`: SQL receives the moment as a
 * parameter. That makes the calendar a seam: tests pin it to any moment of the
 * year, and a rehearsal can run a whole process at another date.
 *
 * Mechanics that measure elapsed real time (session and link lifetimes,
 * sign-in throttling, job staleness, column defaults such as `created_at`)
 * keep the machine's clock: they are about how long something has waited,
 * not about the calendar (ADR 010).
 *
 * `APP_CLOCK` (an ISO 8601 instant with its offset) starts a process's clock
 * at that moment; it then runs forward in real time. Unset, the clock is the
 * machine's. `APP_CLOCK_ANCHOR_MS`, set with it by `clockForChild()`, is the
 * machine time at which `APP_CLOCK` was read, so that a child process keeps
 * exactly its parent's clock instead of starting it when it boots.
 */

let offsetMs = 0;
let frozenAt: number | null = null;

function parseInstant(value: string, name: string): number {
  // An instant must name its offset: "2027-01-01T00:00:00+09:00", not a local time.
  const t = /(Z|[+-]\d{2}:\d{2})$/.test(value) ? Date.parse(value) : Number.NaN;
  if (Number.isNaN(t)) throw new Error(`${name} must be an ISO 8601 instant with an offset, e.g. 2027-01-01T00:00:00+09:00 (got "${value}")`);
  return t;
}

const configured = process.env.APP_CLOCK?.trim();
if (configured) {
  const anchor = process.env.APP_CLOCK_ANCHOR_MS ? Number(process.env.APP_CLOCK_ANCHOR_MS) : Date.now();
  if (!Number.isFinite(anchor)) throw new Error(`APP_CLOCK_ANCHOR_MS must be milliseconds since 1970 (got "${process.env.APP_CLOCK_ANCHOR_MS}")`);
  offsetMs = parseInstant(configured, "APP_CLOCK") - anchor;
}

/** The current moment on the product's clock. */
export function now(): Date {
  return new Date(frozenAt ?? Date.now() + offsetMs);
}

/**
 * Sets the clock (tests and rehearsals). `running` lets it run forward from
 * that moment in real time; otherwise it stands still until set again. `null`
 * returns to the machine's clock.
 */
export function setClock(at: Date | string | null, opts: { running?: boolean } = {}): void {
  if (at === null) {
    offsetMs = 0;
    frozenAt = null;
    return;
  }
  const t = typeof at === "string" ? parseInstant(at, "setClock") : at.getTime();
  if (opts.running) {
    frozenAt = null;
    offsetMs = t - Date.now();
  } else {
    frozenAt = t;
  }
}

/** The environment that gives a child process this process's clock (nothing when it is the machine's). */
export function clockForChild(): Record<string, string> {
  if (frozenAt === null && offsetMs === 0) return {};
  return { APP_CLOCK: now().toISOString(), APP_CLOCK_ANCHOR_MS: String(Date.now()) };
}
