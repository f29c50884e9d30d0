import { recordAudit } from "~/modules/audit/audit.server";
import { prisma } from "~/utils/db.server";
import { getEnv } from "~/utils/env.server";
import { seoulDateKey } from "~/utils/i18n";

/** What a removed name reads as wherever the person still appears (a past year's list, an audit event). */
export const REMOVED_NAME = "(보존 기한 경과)";

/**
 * The personal data of people who left more than LEAVER_DATA_RETENTION_YEARS
 * ago: their name and e-mail address on the roll, and their account (address,
 * name, password, second factor, single sign-on link, sessions, open links)
 * are removed, once a day, in batches. What stays is what the city's records
 * need: the employee number, the unit history, the training records and the
 * certificates as they were issued. The run is an audit event with its
 * cutoff and count. Returns how many people, or null when it already ran
 * today.
 */
export async function applyLeaverRetention(at: Date, options: { batch?: number; evenIfRunToday?: boolean } = {}): Promise<number | null> {
  const batch = options.batch ?? 5_000;
  if (!options.evenIfRunToday) {
    const ran = await prisma.auditEvent.findFirst({ where: { action: "personnel.retention", createdAt: { gt: new Date(Date.now() - 24 * 3600_000) } }, select: { id: true } });
    if (ran) return null;
  }
  const years = getEnv().LEAVER_DATA_RETENTION_YEARS;
  // In SQL: a 29 February less some years is the 28th.
  const [row] = await prisma.$queryRaw<Array<{ cutoff: string }>>`
    SELECT to_char(${seoulDateKey(at)}::date - make_interval(years => ${years}::int), 'YYYY-MM-DD') AS cutoff`;
  const cutoff = row!.cutoff;
  let removed = 0;
  for (;;) {
    const n = await prisma.$transaction(
      async (tx) => {
        const ids = await tx.$queryRaw<Array<{ id: string }>>`
          UPDATE person p SET name = ${REMOVED_NAME}, email = 'removed+' || p.id || '@removed.invalid', personal_data_removed_at = now()
          WHERE p.id IN (
            SELECT id FROM person
            WHERE status = 'LEFT' AND left_on < ${cutoff}::date AND personal_data_removed_at IS NULL
            ORDER BY left_on LIMIT ${batch} FOR UPDATE SKIP LOCKED)
          RETURNING p.id`;
        if (ids.length === 0) return 0;
        const people = ids.map((r) => r.id);
        const users = await tx.$queryRaw<Array<{ id: string }>>`
          UPDATE app_user SET email = 'removed+' || id || '@removed.invalid', display_name = ${REMOVED_NAME},
            password_hash = NULL, disabled_at = COALESCE(disabled_at, now())
          WHERE person_id = ANY(${people}::uuid[])
          RETURNING id`;
        const accounts = users.map((u) => u.id);
        await tx.session.deleteMany({ where: { userId: { in: accounts } } });
        await tx.connection.deleteMany({ where: { userId: { in: accounts } } });
        await tx.totpCredential.deleteMany({ where: { userId: { in: accounts } } });
        await tx.recoveryCode.deleteMany({ where: { userId: { in: accounts } } });
        await tx.verification.deleteMany({ where: { OR: [{ userId: { in: accounts } }, { personId: { in: people } }] } });
        return people.length;
      },
      { timeout: 60_000 },
    );
    removed += n;
    if (n < batch) break;
  }
  await recordAudit({ actorUserId: null, action: "personnel.retention", entityType: "person", entityId: null, data: { leftBefore: cutoff, years, removed } });
  return removed;
}
