/**
 * How delivery is cut up, where other parts need to know it (the queue, the
 * worker, the fault tests). Imports nothing, so that reading it connects to
 * nothing.
 */

/** Outbox rows one mail job carries at most: claimed in one statement, rendered with one set of reads. */
export const MAIL_BATCH = 50;

/**
 * Messages one worker process has handed to the SMTP server and not yet
 * marked SENT, at most, across all its mail jobs: the most one kill of a
 * worker can catch between the server's acceptance and the mark (each is then
 * sent again once, under the same Message-ID).
 */
export const MAIL_IN_FLIGHT = 32;

/** Claims a row may have before a failed delivery is no longer tried again at once; the reconciler still does, at its pace. */
export const MAIL_MAX_TRIES = 8;

/** The wait before a row whose delivery failed is tried again: 2 s after its first claim, doubling with each claim (as BullMQ's exponential backoff). */
export function retryDelayMs(claims: number): number {
  return 2000 * 2 ** Math.max(0, claims - 1);
}
