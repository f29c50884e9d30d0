import { Prisma, prisma } from "~/utils/db.server";
import type { Locale } from "~/generated/prisma/enums";
import { getEnv } from "~/utils/env.server";
import { sendMail } from "~/utils/mail.server";
import { renderTemplate } from "./templates.server";
import { now } from "~/utils/clock.server";
import { enqueueMailDelivery } from "~/utils/queues.server";
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
 * sent, one job per row and claim count (see enqueueMailDelivery).
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

/** Outbox rows handed to the queue per step. */
const QUEUE_SLICE = 5_000;

export type DeliveryOutcome = "sent" | "already-sent" | "in-flight" | "missing" | "cancelled" | "deferred";

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
];

/**
 * Deliver one outbox row. The row is claimed (PENDING → SENDING) before the
 * SMTP call, so a second worker holding the same id does nothing; it is SENT
 * after. A failure before the SMTP server accepted the message puts it back
 * to PENDING and rethrows so the job retries. Once the server accepted it, the
 * row never goes back to PENDING: it is marked SENT, and if the database is
 * away for a moment (a restart, a failover) the mark is retried rather than
 * the message sent again.
 * A row found SENDING is another worker's, or was left by one that died: the
 * reconciler hands the latter back as PENDING, and it is queued again under
 * a new job id. Outside office hours a row that can wait is left PENDING
 * ("deferred"); the mail job waits for the next opening.
 */
export async function deliverOutbox(outboxId: string): Promise<DeliveryOutcome> {
  const open = inSendWindow(now());
  // The claim returns what is to be sent: no second read of the row.
  const claimed = await prisma.$queryRaw<Array<{ id: string; toAddress: string; template: string; locale: Locale; payload: unknown }>>`
    UPDATE outbox_email SET status = 'SENDING', attempts = attempts + 1, claimed_at = now()
    WHERE id = ${outboxId}::uuid AND status = 'PENDING' AND (${open} OR template = ANY(${URGENT_TEMPLATES}::text[]))
    RETURNING id, to_address AS "toAddress", template, locale::text AS locale, payload`;
  if (claimed.length === 0) {
    const row = await prisma.outboxEmail.findUnique({ where: { id: outboxId }, select: { status: true } });
    if (!row) return "missing";
    return row.status === "PENDING" ? "deferred" : row.status === "SENDING" ? "in-flight" : "already-sent";
  }
  let messageId: string;
  try {
    const row = claimed[0]!;
    const rendered = await renderTemplate(row.template, row.locale, row.payload);
    if (!rendered) {
      await prisma.outboxEmail.update({ where: { id: outboxId }, data: { status: "CANCELLED" } });
      return "cancelled";
    }
    const domain = new URL(getEnv().APP_ORIGIN).hostname;
    messageId = await sendMail({ to: row.toAddress, ...rendered, messageId: `<${row.id}@${domain}>` });
  } catch (error) {
    // Not sent: back to PENDING for the job's retry (if the database is away too, the reconciler does it later).
    await whileDatabaseAway(() =>
      prisma.outboxEmail.updateMany({ where: { id: outboxId, status: "SENDING" }, data: { status: "PENDING", lastError: String(error).slice(0, 1000) } }),
    ).catch(() => {});
    throw error;
  }
  // Sent: only ever SENT from here. If the mark cannot be written, the row stays SENDING and the
  // reconciler sends it again much later (OUTBOX_RECLAIM_AFTER_SECONDS), the window ADR 006 names.
  await whileDatabaseAway(() =>
    prisma.outboxEmail.update({ where: { id: outboxId }, data: { status: "SENT", sentAt: now(), messageId, lastError: null } }),
  );
  return "sent";
}

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
