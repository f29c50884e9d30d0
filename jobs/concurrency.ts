/**
 * How many jobs of a queue one worker process runs at once, where another
 * part needs to know it. Kept apart from worker.ts, which connects to the
 * database and Redis when it is loaded.
 */
export { MAIL_BATCH, MAIL_IN_FLIGHT } from "~/modules/notifications/delivery-limits";

/**
 * Mail jobs one worker process runs at once. Each carries up to MAIL_BATCH rows; while one claims
 * and renders its batch another sends, and MAIL_IN_FLIGHT bounds the messages between the SMTP
 * server and their SENT mark across all of them.
 */
export const MAIL_JOBS = 4;
