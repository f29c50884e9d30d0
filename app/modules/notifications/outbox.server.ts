import { prisma } from "~/utils/db.server";
import { getEnv } from "~/utils/env.server";
import { sendMail } from "~/utils/mail.server";
import { renderTemplate } from "./templates.server";

/**
 * Queue one assignment notice per assignment of the cycle. The dedupe key
 * makes this safe to run any number of times. Returns the ids of notices
 * still waiting to be delivered.
 */
export async function createAssignmentNotices(cycleId: string): Promise<string[]> {
  await prisma.$executeRaw`
    INSERT INTO outbox_email (dedupe_key, to_address, template, locale, payload)
    SELECT 'assignment-notice:' || a.id, p.email, 'assignment-notice',
           COALESCE(usr.locale, 'ko'::"Locale"), jsonb_build_object('assignmentId', a.id)
    FROM assignment a
    JOIN person p ON p.id = a.person_id AND p.status = 'ACTIVE'
    LEFT JOIN app_user usr ON usr.person_id = p.id
    WHERE a.cycle_id = ${cycleId}::uuid AND a.status IN ('ASSIGNED', 'IN_PROGRESS')
    ON CONFLICT (dedupe_key) DO NOTHING`;
  const pending = await prisma.$queryRaw<Array<{ id: string }>>`
    SELECT o.id FROM outbox_email o
    JOIN assignment a ON o.dedupe_key = 'assignment-notice:' || a.id
    WHERE a.cycle_id = ${cycleId}::uuid AND o.status = 'PENDING'`;
  return pending.map((r) => r.id);
}

export type DeliveryOutcome = "sent" | "already-sent" | "missing" | "cancelled";

/**
 * Deliver one outbox row. The row is claimed (PENDING → SENDING) before the
 * SMTP call, so a second worker holding the same id does nothing; it is SENT
 * after. A failure puts it back to PENDING and rethrows so the job retries.
 */
export async function deliverOutbox(outboxId: string): Promise<DeliveryOutcome> {
  const claimed = await prisma.$queryRaw<Array<{ id: string }>>`
    UPDATE outbox_email SET status = 'SENDING', attempts = attempts + 1
    WHERE id = ${outboxId}::uuid AND status = 'PENDING'
    RETURNING id`;
  if (claimed.length === 0) {
    const row = await prisma.outboxEmail.findUnique({ where: { id: outboxId }, select: { status: true } });
    return row ? "already-sent" : "missing";
  }
  const row = await prisma.outboxEmail.findUniqueOrThrow({ where: { id: outboxId } });
  try {
    const rendered = await renderTemplate(row.template, row.locale, row.payload);
    if (!rendered) {
      await prisma.outboxEmail.update({ where: { id: outboxId }, data: { status: "CANCELLED" } });
      return "cancelled";
    }
    const domain = new URL(getEnv().APP_ORIGIN).hostname;
    const messageId = await sendMail({ to: row.toAddress, ...rendered, messageId: `<${row.id}@${domain}>` });
    await prisma.outboxEmail.update({
      where: { id: outboxId },
      data: { status: "SENT", sentAt: new Date(), messageId, lastError: null },
    });
    return "sent";
  } catch (error) {
    await prisma.outboxEmail.update({
      where: { id: outboxId },
      data: { status: "PENDING", lastError: String(error).slice(0, 1000) },
    });
    throw error;
  }
}
