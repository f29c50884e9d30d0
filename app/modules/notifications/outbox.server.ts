import { Prisma, prisma } from "~/utils/db.server";
import type { Locale } from "~/generated/prisma/enums";
import { getEnv } from "~/utils/env.server";
import { sendMail } from "~/utils/mail.server";
import { UnrecoverableError } from "bullmq";
import { renderMails, type RenderedMail, type RenderOutcome } from "./templates.server";
import { now } from "~/utils/clock.server";
import { enqueueMailDelivery, type MailDelivery } from "~/utils/queues.server";
import { MAIL_IN_FLIGHT, MAIL_MAX_TRIES, retryDelayMs } from "./delivery-limits";
import { inSendWindow } from "./send-window.server";

/**
 * The end of a notice statement, after a `candidates` CTE (assignment rows
 * locked, to be marked announced) and an `announced` CTE (the rows a notice
 * names): marks the candidates and writes one notice per active person,
 * keyed by the rows it names so that writing it again does nothing.
 */
function markAndWriteNotices() {
  return Prisma.sql`
    marked AS (
      UPDATE assignment a SET notified_at = ${now()}::timestamptz FROM candidates k WHERE a.id = k.id
      RETURNING a.id
    )
    INSERT INTO outbox_email (dedupe_key, to_address, template, locale, payload)
    SELECT 'assignment-notice:' || f.person_id || ':' || md5(string_agg(f.id::text, ',' ORDER BY f.id)),
           p.email, 'assignment-notice', COALESCE(usr.locale, 'ko'::"Locale"),
           jsonb_build_object('personId', f.person_id, 'assignmentIds', jsonb_agg(f.id ORDER BY f.id))
    FROM announced f
    JOIN person p ON p.id = f.person_id AND p.status = 'ACTIVE'
    LEFT JOIN app_user usr ON usr.person_id = p.id
    WHERE (SELECT count(*) FROM marked) >= 0
    GROUP BY f.person_id, p.email, usr.locale
    ON CONFLICT (dedupe_key) DO NOTHING
    RETURNING id`;
}

/**
 * Queue assignment notices after a cycle opened: one message per person,
 * covering every open assignment of theirs not yet announced (opening two
 * cycles at once makes one notice, not two). Marking the assignments and
 * writing the outbox happen in one transaction, so a repeated job finds
 * nothing left; delivery work lost after the commit is re-created by the
 * reconciler. Returns the new outbox ids.
 */
export async function createAssignmentNotices(cycleId: string): Promise<string[]> {
  const rows = await prisma.$queryRaw<Array<{ id: string }>>`
    WITH people AS (
      SELECT DISTINCT a.person_id FROM assignment a
      WHERE a.cycle_id = ${cycleId}::uuid AND a.notified_at IS NULL
    ),
    -- Every unannounced row of this cycle (so none is picked up again), plus every open
    -- assignment of the same people in any open cycle (so one notice lists them all).
    -- Locked and read once: the rows marked below are exactly the rows announced.
    candidates AS (
      SELECT a.id, a.person_id, (c.status = 'OPEN' AND a.status IN ('ASSIGNED', 'IN_PROGRESS')) AS announce
      FROM assignment a
      JOIN cycle c ON c.id = a.cycle_id
      WHERE a.notified_at IS NULL
        AND (a.cycle_id = ${cycleId}::uuid
          OR (a.person_id IN (SELECT person_id FROM people) AND c.status = 'OPEN' AND a.status IN ('ASSIGNED', 'IN_PROGRESS')))
      FOR UPDATE OF a
    ),
    announced AS (SELECT id, person_id FROM candidates WHERE announce),
    ${markAndWriteNotices()}`;
  return rows.map((r) => r.id);
}

/**
 * The notices still owed: every open assignment in an open cycle that has not
 * been announced gets its notice, whatever happened to the job that should
 * have written it (Redis was down when the cycle opened or the file was
 * imported, a worker died after the commit). The database says who is owed
 * one; this runs with every reminder tick (over every open cycle, or only the
 * given ones). Returns the new outbox ids.
 */
export async function createOwedNotices(onlyCycleIds: string[] = []): Promise<string[]> {
  const cycles = await prisma.$queryRaw<Array<{ id: string }>>`
    SELECT c.id FROM cycle c
    WHERE c.status = 'OPEN' AND (cardinality(${onlyCycleIds}::uuid[]) = 0 OR c.id = ANY(${onlyCycleIds}::uuid[]))
      AND EXISTS (SELECT 1 FROM assignment a WHERE a.cycle_id = c.id AND a.notified_at IS NULL AND a.status IN ('ASSIGNED', 'IN_PROGRESS'))`;
  const ids: string[] = [];
  for (const c of cycles) ids.push(...(await createAssignmentNotices(c.id)));
  return ids;
}

/**
 * The notices owed to people in some parts of the tree: one message per person
 * naming every open assignment of theirs in an open cycle not yet announced.
 * The follow-up of a personnel file calls it for the file's units (the
 * uploader's subtrees; none means the whole city) once its people are assigned.
 * Same marks and dedupe keys as createAssignmentNotices: whichever of them
 * runs first announces an assignment, and the other finds nothing left.
 * Returns the new outbox ids.
 */
export async function createNoticesInUnits(unitIds: string[]): Promise<string[]> {
  const rows = await prisma.$queryRaw<Array<{ id: string }>>`
    WITH RECURSIVE scope AS (
      SELECT id FROM org_unit WHERE (cardinality(${unitIds}::uuid[]) = 0 AND parent_id IS NULL) OR id = ANY(${unitIds}::uuid[])
      UNION SELECT c.id FROM org_unit c JOIN scope s ON c.parent_id = s.id
    ),
    units AS MATERIALIZED (SELECT id FROM scope),
    candidates AS (
      SELECT a.id, a.person_id FROM assignment a
      JOIN cycle c ON c.id = a.cycle_id AND c.status = 'OPEN'
      JOIN person p ON p.id = a.person_id AND p.status = 'ACTIVE'
      WHERE a.notified_at IS NULL AND a.status IN ('ASSIGNED', 'IN_PROGRESS')
        AND p.org_unit_id IN (SELECT id FROM units)
      FOR UPDATE OF a
    ),
    announced AS (SELECT id, person_id FROM candidates),
    ${markAndWriteNotices()}`;
  return rows.map((r) => r.id);
}

/**
 * Queue delivery work for the rows among `outboxIds` still waiting to be
 * sent, in jobs of up to MAIL_BATCH rows named by their rows and claim
 * counts (see enqueueMailDelivery). Everything that writes mail hands its
 * rows over here.
 */
export async function queueDeliveries(outboxIds: string[]): Promise<number> {
  let queued = 0;
  // In slices: a city's notices (hundreds of thousands of rows) are one query and one Redis round trip per slice, not one of each.
  for (let at = 0; at < outboxIds.length; at += QUEUE_SLICE) {
    const slice = outboxIds.slice(at, at + QUEUE_SLICE);
    const rows = await prisma.$queryRaw<Array<{ id: string; attempts: number }>>`
      SELECT id, attempts FROM outbox_email WHERE id = ANY(${slice}::uuid[]) AND status = 'PENDING'`;
    await enqueueMailDelivery(rows.map((r) => ({ outboxId: r.id, attempt: r.attempts })));
    queued += rows.length;
  }
  return queued;
}

/** Outbox rows handed to the queue per step (a multiple of MAIL_BATCH, so that only the last job of a call is short). */
const QUEUE_SLICE = 5_000;

/**
 * What became of one row of a batch. "failed": not sent (the SMTP server
 * refused it or could not be reached, or it could not be rendered), back to
 * PENDING; "unmarked": sent, but the SENT mark could not be written, so the
 * row stays SENDING for the reconciler.
 */
export type DeliveryOutcome = "sent" | "already-sent" | "in-flight" | "missing" | "cancelled" | "deferred" | "failed" | "unmarked";

/** A row of a batch that was not sent: its claim count, and why. */
export interface DeliveryFailure {
  outboxId: string;
  attempt: number;
  error: unknown;
}

export interface BatchDelivery {
  outcomes: Map<string, DeliveryOutcome>;
  /** The rows not sent, back to PENDING. */
  failures: DeliveryFailure[];
  /** Why a SENT mark could not be written, when one could not. */
  markError?: unknown;
}

/**
 * Mail someone is waiting for at their screen goes out at any hour; all the
 * rest (notices, reminders, escalations, reports) waits for office hours on a
 * working day (send-window.server.ts).
 */
const URGENT_TEMPLATES: readonly string[] = [
  "account-invitation",
  "account-registration",
  "account-registration-exists",
  "account-reset-password",
  "account-signin-failures",
  // A seat, a place on a waiting list, a class moved or cancelled: news about a day that is close,
  // whose reminders are written from 09:00 the day before (ADR 027).
  "offering-registration",
  // A request's acknowledgement (the requester has just sent it) and offers of a lecture on a set day (ADR 035).
  "lecture-request",
];

/**
 * Deliver one outbox row (deliverOutboxBatch with one id). A failure to send
 * is thrown, as is a SENT mark that could not be written.
 */
export async function deliverOutbox(outboxId: string): Promise<DeliveryOutcome> {
  const result = await deliverOutboxBatch([outboxId]);
  if (result.failures[0]) throw result.failures[0].error;
  if (result.markError) throw result.markError;
  return result.outcomes.get(outboxId)!;
}

/**
 * Deliver a batch of outbox rows. The rows are claimed (PENDING → SENDING)
 * in one statement before any SMTP call, so a second worker holding some of
 * the same ids does nothing with them; they are rendered together
 * (renderMails: a few reads for the whole batch), sent through the pooled
 * transport at once, and marked SENT in one statement per group of messages
 * the SMTP server accepted while the previous mark was written.
 *
 * Each row stands alone. A row that cannot be rendered or that the SMTP
 * server did not accept goes back to PENDING and is returned among the
 * failures, for the caller to try again later; the others are sent and
 * marked as usual. Once the server accepted a message its row never goes
 * back to PENDING: it is marked SENT, and if the database is away for a
 * moment (a restart, a failover) the mark is retried rather than the message
 * sent again. A worker process never has more than MAIL_IN_FLIGHT messages
 * between the server's acceptance and their mark, the most a kill can catch.
 *
 * A row found SENDING is another worker's, or was left by one that died
 * (with the rest of its batch): the reconciler hands the latter back as
 * PENDING, and it is queued again under a new job id. Outside office hours a
 * row that can wait is left PENDING ("deferred"); its mail job waits for the
 * next opening. A failure to claim or to read for the batch throws, with
 * every claimed row back to PENDING.
 */
export async function deliverOutboxBatch(outboxIds: string[]): Promise<BatchDelivery> {
  const ids = [...new Set(outboxIds)];
  const result: BatchDelivery = { outcomes: new Map(), failures: [] };
  if (ids.length === 0) return result;
  const open = inSendWindow(now());
  // The claim returns what is to be sent: no second read of the rows.
  const claimed = await prisma.$queryRaw<Array<{ id: string; toAddress: string; template: string; locale: Locale; payload: unknown; attempts: number }>>`
    UPDATE outbox_email SET status = 'SENDING', attempts = attempts + 1, claimed_at = now()
    WHERE id = ANY(${ids}::uuid[]) AND status = 'PENDING' AND (${open} OR template = ANY(${URGENT_TEMPLATES}::text[]))
    RETURNING id, to_address AS "toAddress", template, locale::text AS locale, payload, attempts`;
  const claimedIds = new Set(claimed.map((r) => r.id));
  let rendered: Map<string, RenderOutcome>;
  try {
    const others = ids.filter((id) => !claimedIds.has(id));
    if (others.length > 0) {
      const rows = await prisma.outboxEmail.findMany({ where: { id: { in: others } }, select: { id: true, status: true } });
      const status = new Map(rows.map((r) => [r.id, r.status]));
      for (const id of others) {
        const s = status.get(id);
        result.outcomes.set(id, !s ? "missing" : s === "PENDING" ? "deferred" : s === "SENDING" ? "in-flight" : "already-sent");
      }
    }
    if (claimed.length === 0) return result;
    rendered = await renderMails(claimed);
  } catch (error) {
    // Nothing was sent: back to PENDING for the job's retry (if the database is away too, the reconciler does it later).
    await backToPending(claimed.map((row) => ({ outboxId: row.id, attempt: row.attempts, error }))).catch(() => {});
    throw error;
  }

  const failed: DeliveryFailure[] = [];
  const cancelled: string[] = [];
  const toSend: Array<{ row: (typeof claimed)[number]; mail: RenderedMail }> = [];
  for (const row of claimed) {
    const outcome = rendered.get(row.id)!;
    if ("error" in outcome) failed.push({ outboxId: row.id, attempt: row.attempts, error: outcome.error });
    else if (outcome.mail === null) cancelled.push(row.id);
    else toSend.push({ row, mail: outcome.mail });
  }
  if (cancelled.length > 0) {
    try {
      await whileDatabaseAway(() => prisma.outboxEmail.updateMany({ where: { id: { in: cancelled } }, data: { status: "CANCELLED" } }));
      for (const id of cancelled) result.outcomes.set(id, "cancelled");
    } catch (error) {
      const attempts = new Map(claimed.map((r) => [r.id, r.attempts]));
      failed.push(...cancelled.map((id) => ({ outboxId: id, attempt: attempts.get(id)!, error })));
    }
  }

  const domain = new URL(getEnv().APP_ORIGIN).hostname;
  const mark = markSent;
  await Promise.all(
    toSend.map(async ({ row, mail }) => {
      await inFlight.take();
      try {
        let messageId: string;
        try {
          messageId = await sendMail({ to: row.toAddress, ...mail, messageId: `<${row.id}@${domain}>` });
        } catch (error) {
          failed.push({ outboxId: row.id, attempt: row.attempts, error });
          return;
        }
        // Sent: only ever SENT from here. If the mark cannot be written, the row stays SENDING and the
        // reconciler sends it again much later (OUTBOX_RECLAIM_AFTER_SECONDS), the window ADR 006 names.
        try {
          await mark(row.id, messageId);
          result.outcomes.set(row.id, "sent");
        } catch (error) {
          result.outcomes.set(row.id, "unmarked");
          result.markError = error;
        }
      } finally {
        inFlight.give();
      }
    }),
  );

  if (failed.length > 0) {
    await backToPending(failed).catch(() => {});
    for (const f of failed) result.outcomes.set(f.outboxId, "failed");
    result.failures = failed;
  }
  return result;
}

/**
 * Try again later the rows of a batch that were not sent: in jobs of their
 * own, held back by their claim count (2 s, 4 s, 8 s …) as a failed job was.
 * A row that cannot be rendered as it is, or that has been claimed
 * MAIL_MAX_TRIES times, is left PENDING for the reconciler.
 */
export async function retryLater(failures: DeliveryFailure[]): Promise<number> {
  const byDelay = new Map<number, MailDelivery[]>();
  for (const f of failures) {
    if (f.error instanceof UnrecoverableError || f.attempt >= MAIL_MAX_TRIES) continue;
    const delay = retryDelayMs(f.attempt);
    byDelay.set(delay, [...(byDelay.get(delay) ?? []), { outboxId: f.outboxId, attempt: f.attempt }]);
  }
  let queued = 0;
  for (const [delay, deliveries] of byDelay) {
    await enqueueMailDelivery(deliveries, delay);
    queued += deliveries.length;
  }
  return queued;
}

/** Rows not sent back to PENDING, with why, in one statement (retried while the database is away). */
async function backToPending(rows: DeliveryFailure[]): Promise<void> {
  if (rows.length === 0) return;
  const ids = rows.map((r) => r.outboxId);
  const errors = rows.map((r) => String(r.error).slice(0, 1000));
  await whileDatabaseAway(
    () => prisma.$executeRaw`
      UPDATE outbox_email o SET status = 'PENDING', last_error = f.error
      FROM unnest(${ids}::uuid[], ${errors}::text[]) AS f(id, error)
      WHERE o.id = f.id AND o.status = 'SENDING'`,
  );
}

/**
 * SENT marks written together: the first message accepted is marked at once,
 * and those accepted while a mark is being written go in the next statement.
 * Each call resolves once its row is marked (or rejects if the mark could not
 * be written while the database was away). One for the process (`markSent`),
 * so that the marks of every mail job running at once share statements: with
 * a few messages accepted per job between two marks, per-job groups made
 * nearly one statement per message.
 */
function groupedSentMarks(): (outboxId: string, messageId: string) => Promise<void> {
  let waiting: Array<{ outboxId: string; messageId: string; done: (error?: unknown) => void }> = [];
  let writing = false;
  const write = async () => {
    writing = true;
    while (waiting.length > 0) {
      const group = waiting;
      waiting = [];
      const ids = group.map((g) => g.outboxId);
      const messageIds = group.map((g) => g.messageId);
      try {
        await whileDatabaseAway(
          () => prisma.$executeRaw`
            UPDATE outbox_email o SET status = 'SENT', sent_at = ${now()}::timestamptz, message_id = m.message_id, last_error = NULL
            FROM unnest(${ids}::uuid[], ${messageIds}::text[]) AS m(id, message_id)
            WHERE o.id = m.id`,
        );
        for (const g of group) g.done();
      } catch (error) {
        for (const g of group) g.done(error ?? new Error("the SENT mark failed"));
      }
    }
    writing = false;
  };
  return (outboxId, messageId) =>
    new Promise<void>((resolve, reject) => {
      waiting.push({ outboxId, messageId, done: (error) => (error === undefined ? resolve() : reject(error)) });
      if (!writing) void write();
    });
}

const markSent = groupedSentMarks();

/** A counting semaphore: at most `size` holders at once, served in the order they asked. */
class Slots {
  private free: number;
  private queue: Array<() => void> = [];
  constructor(size: number) {
    this.free = size;
  }
  async take(): Promise<void> {
    if (this.free > 0) {
      this.free--;
      return;
    }
    await new Promise<void>((resolve) => this.queue.push(resolve));
  }
  give(): void {
    const next = this.queue.shift();
    if (next) next();
    else this.free++;
  }
}

/** The messages of this process between their hand-over to the SMTP server and their SENT mark. */
const inFlight = new Slots(MAIL_IN_FLIGHT);

/**
 * Retry a write while the database cannot be reached or answers with an
 * error, for at most half the time after which the reconciler would hand a
 * SENDING row back (and never more than a minute), so that a restart or a
 * failover of a few seconds does not make a message go twice.
 */
async function whileDatabaseAway<T>(write: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + Math.min(60_000, (getEnv().OUTBOX_RECLAIM_AFTER_SECONDS * 1000) / 2);
  for (let wait = 250; ; wait = Math.min(wait * 2, 2000)) {
    try {
      return await write();
    } catch (error) {
      if (Date.now() + wait > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
  }
}
