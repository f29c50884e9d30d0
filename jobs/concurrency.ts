/**
 * How many jobs of a queue one worker process runs at once, where another
 * part needs to know it. Kept apart from worker.ts, which connects to the
 * database and Redis when it is loaded.
 */

/** Deliveries one worker process runs at once (the fault tests bound repeated deliveries per kill by it). */
export const MAIL_CONCURRENCY = 16;
