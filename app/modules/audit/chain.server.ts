import { prisma } from "~/utils/db.server";
import { getEnv } from "~/utils/env.server";
import { recordAudit } from "./audit.server";
import { ACCESS_ACTIONS } from "./access.server";

/**
 * The audit log's hash chain (ADR 017). Events are written as they happen;
 * the worker's tick seals the committed ones into the chain (audit_seal), and
 * `npm run audit:verify` walks it.
 */

/** How far back, in event ids, a sealing pass looks for events that committed late. */
const LOOK_BACK_IDS = 1_000_000;

/** Seal the events committed since the last pass; returns how many joined the chain. */
export async function sealAuditEvents(maxEvents = 50_000): Promise<number> {
  const [row] = await prisma.$queryRaw<Array<{ n: number }>>`SELECT audit_seal_pending(${maxEvents}::int, ${LOOK_BACK_IDS}::bigint) AS n`;
  return row?.n ?? 0;
}

/** The actions whose events the retention job removes when they are past their time. */
export const RETAINED_ACTIONS: readonly string[] = [...ACCESS_ACTIONS, "report.purpose"];

export type ChainReport =
  | { intact: true; links: number; removedByRetention: number; unsealed: number; oldestUnsealedAt: Date | null }
  | { intact: false; links: number; brokenAt: { seq: string; eventId: string; problem: "order" | "hash" | "changed" | "removed" } };

/**
 * Walk the whole chain in three set-based passes: every link follows the one
 * before (no gap, no reordering) and its hash is SHA-256 of the previous hash
 * and its digest; every sealed event still has that digest; an event that is
 * gone was of a kind the retention job removes, and older than a retention
 * run recorded in the chain.
 */
export async function verifyAuditChain(): Promise<ChainReport> {
  const [count] = await prisma.$queryRaw<Array<{ links: number }>>`SELECT count(*)::int AS links FROM audit_seal`;
  const links = count?.links ?? 0;
  const [link] = await prisma.$queryRaw<Array<{ seq: string; eventId: string; problem: "order" | "hash" }>>`
    SELECT seq::text, event_id::text AS "eventId", CASE WHEN seq <> expected_seq THEN 'order' ELSE 'hash' END AS problem
    FROM (
      SELECT seq, event_id, digest, hash,
        row_number() OVER (ORDER BY seq) AS expected_seq,
        coalesce(lag(hash) OVER (ORDER BY seq), sha256(convert_to('audit chain', 'UTF8'))) AS prev
      FROM audit_seal
    ) l
    WHERE seq <> expected_seq OR hash <> sha256(prev || digest)
    ORDER BY seq LIMIT 1`;
  if (link) return { intact: false, links, brokenAt: link };
  const [changed] = await prisma.$queryRaw<Array<{ seq: string; eventId: string; problem: "changed" | "removed" }>>`
    SELECT s.seq::text, s.event_id::text AS "eventId", CASE WHEN e.id IS NULL THEN 'removed' ELSE 'changed' END AS problem
    FROM audit_seal s LEFT JOIN audit_event e ON e.id = s.event_id
    WHERE CASE
      WHEN e.id IS NOT NULL THEN audit_event_digest(e) <> s.digest
      ELSE NOT (s.action = ANY(${RETAINED_ACTIONS}::text[]) AND s.event_created_at < (
        SELECT max((r.data->>'cutoff')::timestamptz) FROM audit_event r JOIN audit_seal rs ON rs.event_id = r.id
        WHERE r.action = 'audit.retention'))
    END
    ORDER BY s.seq LIMIT 1`;
  if (changed) return { intact: false, links, brokenAt: changed };
  const [counts] = await prisma.$queryRaw<Array<{ removed: number; unsealed: number; oldest: Date | null }>>`
    SELECT
      (SELECT count(*)::int FROM audit_seal s WHERE NOT EXISTS (SELECT 1 FROM audit_event e WHERE e.id = s.event_id)) AS removed,
      (SELECT count(*)::int FROM audit_event e WHERE NOT EXISTS (SELECT 1 FROM audit_seal s WHERE s.event_id = e.id)) AS unsealed,
      (SELECT min(e.created_at) FROM audit_event e WHERE NOT EXISTS (SELECT 1 FROM audit_seal s WHERE s.event_id = e.id)) AS oldest`;
  return { intact: true, links, removedByRetention: counts!.removed, unsealed: counts!.unsealed, oldestUnsealedAt: counts!.oldest };
}

/**
 * Remove report access records past their time (ACCESS_LOG_RETENTION_DAYS,
 * two years by default), in batches, only once they are sealed (their links
 * stay, so the chain still proves what was there). The run itself is an
 * audit event naming its cutoff, which the verifier accepts removals up to.
 */
export async function applyAccessLogRetention(at: Date, options: { batch?: number; evenIfRunToday?: boolean } = {}): Promise<number | null> {
  const batch = options.batch ?? 10_000;
  // Once a day is enough; the run is recorded and sealed first, so that no removal is ever unexplained by the chain.
  const lastRun = options.evenIfRunToday
    ? null
    : await prisma.auditEvent.findFirst({ where: { action: "audit.retention", createdAt: { gt: new Date(Date.now() - 24 * 3600_000) } }, select: { id: true } });
  if (lastRun) return null;
  const cutoff = new Date(at.getTime() - getEnv().ACCESS_LOG_RETENTION_DAYS * 24 * 3600_000);
  await recordAudit({ actorUserId: null, action: "audit.retention", entityType: "audit_event", entityId: null, data: { cutoff: cutoff.toISOString(), actions: [...RETAINED_ACTIONS] } });
  await sealAuditEvents();
  let removed = 0;
  for (;;) {
    const n = await prisma.$transaction(async (tx) => {
      await tx.$executeRaw`SET LOCAL hredu.audit_retention = 'on'`;
      return tx.$executeRaw`
        DELETE FROM audit_event WHERE id IN (
          SELECT e.id FROM audit_event e JOIN audit_seal s ON s.event_id = e.id
          WHERE e.action = ANY(${RETAINED_ACTIONS}::text[]) AND e.created_at < ${cutoff}
          ORDER BY e.id LIMIT ${batch})`;
    });
    removed += n;
    if (n < batch) break;
  }
  if (removed > 0) await recordAudit({ actorUserId: null, action: "audit.retention-done", entityType: "audit_event", entityId: null, data: { cutoff: cutoff.toISOString(), removed } });
  return removed;
}
