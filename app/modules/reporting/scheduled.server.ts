import { Readable } from "node:stream";
import { UnrecoverableError } from "bullmq";
import { z } from "zod";
import type { Locale } from "~/generated/prisma/enums";
import { prisma } from "~/utils/db.server";
import { getEnv } from "~/utils/env.server";
import { pick, translator, type AppLocale } from "~/utils/i18n";
import { loadActor, type Actor } from "~/modules/auth/permissions.server";
import { complianceCsvStream, complianceXlsxStream, unitCompliance } from "~/modules/compliance/compliance.server";
import { recordAudit } from "~/modules/audit/audit.server";
import { composeMail, type RenderedMail } from "~/modules/notifications/templates.server";

/** The period a report belongs to, Seoul time: ISO week for weekly, month for monthly. */
export function reportPeriod(now: Date, frequency: "WEEKLY" | "MONTHLY"): { key: string } {
  const seoul = new Date(now.getTime() + 9 * 3600_000);
  const weekday = seoul.getUTCDay() === 0 ? 7 : seoul.getUTCDay();
  if (frequency === "MONTHLY") {
    return { key: seoul.toISOString().slice(0, 7) };
  }
  // ISO week number of the Seoul date.
  const thursday = new Date(Date.UTC(seoul.getUTCFullYear(), seoul.getUTCMonth(), seoul.getUTCDate() + 4 - weekday));
  const week = Math.ceil(((thursday.getTime() - Date.UTC(thursday.getUTCFullYear(), 0, 1)) / 86400_000 + 1) / 7);
  return { key: `${thursday.getUTCFullYear()}-W${String(week).padStart(2, "0")}` };
}

/**
 * Queue this period's report for every subscriber who has not had it yet.
 * The dedupe key (subscription + period) makes it once per period however
 * often the tick runs; the first tick inside the send window of a new week
 * or month sends it.
 */
export async function queueScheduledReports(now: Date): Promise<string[]> {
  const subs = await prisma.reportSubscription.findMany({ select: { id: true, frequency: true } });
  if (subs.length === 0) return [];
  const keys = subs.map((s) => `report:${s.id}:${reportPeriod(now, s.frequency).key}`);
  const rows = await prisma.$queryRaw<Array<{ id: string }>>`
    INSERT INTO outbox_email (dedupe_key, to_address, template, locale, payload)
    SELECT k.key, u.email, 'scheduled-report', u.locale,
           jsonb_build_object('userId', u.id, 'format', s.format::text, 'period', split_part(k.key, ':', 3))
    FROM unnest(${subs.map((s) => s.id)}::uuid[], ${keys}::text[]) AS k(sub_id, key)
    JOIN report_subscription s ON s.id = k.sub_id
    JOIN app_user u ON u.id = s.user_id AND u.disabled_at IS NULL
    WHERE EXISTS (SELECT 1 FROM role_grant g WHERE g.user_id = u.id AND g.role = 'HR_OFFICER')
    ON CONFLICT (dedupe_key) DO NOTHING
    RETURNING id`;
  return rows.map((r) => r.id);
}

const payloadSchema = z.object({ userId: z.string().uuid(), format: z.enum(["CSV", "XLSX"]), period: z.string() });

async function actorFor(userId: string): Promise<Actor | null> {
  const user = await prisma.user.findUnique({ where: { id: userId } });
  if (!user || user.disabledAt) return null;
  return loadActor({
    userId,
    sessionId: "scheduled-report",
    refreshCookie: null,
    user: { id: user.id, email: user.email, displayName: user.displayName, locale: user.locale, personId: user.personId },
  });
}

/** The report mail: a summary of each open cycle in the body, the people as an attachment per cycle. */
export async function renderScheduledReport(locale: Locale, payload: unknown): Promise<RenderedMail | null> {
  const parsed = payloadSchema.safeParse(payload);
  if (!parsed.success) throw new UnrecoverableError("bad scheduled-report payload");
  const actor = await actorFor(parsed.data.userId);
  if (!actor || actor.hrScopeUnitIds.length === 0) return null;
  const loc = locale as AppLocale;
  const t = translator(loc);
  const env = getEnv();
  const cycles = await prisma.cycle.findMany({ where: { status: "OPEN" }, include: { obligation: true }, orderBy: { dueAt: "asc" } });
  if (cycles.length === 0) return null;
  const lines: string[] = [];
  const attachments: NonNullable<RenderedMail["attachments"]> = [];
  for (const c of cycles) {
    const roots = (await unitCompliance(actor, c.id)).filter((u) => u.depth === 0);
    // Only the duties that concern the officer's people.
    if (roots.every((u) => u.assigned === 0)) continue;
    const title = `${pick(loc, c.obligation.titleKo, c.obligation.titleEn)} ${c.label}`;
    for (const u of roots) {
      lines.push(
        t("mail.report.line", {
          title,
          unit: pick(loc, u.nameKo, u.nameEn),
          completed: u.completed,
          inPerson: u.inPerson,
          assigned: u.assigned - u.exempted,
          rate: u.ratePercent ?? 0,
          overdue: u.overdue,
        }),
      );
    }
    const xlsx = parsed.data.format === "XLSX";
    attachments.push({
      filename: `compliance-${c.label}.${xlsx ? "xlsx" : "csv"}`,
      contentType: xlsx ? "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" : "text/csv; charset=utf-8",
      content: xlsx
        ? complianceXlsxStream(actor, c.id, loc, t, c.label)
        : Readable.fromWeb(complianceCsvStream(actor, c.id, loc, t) as import("node:stream/web").ReadableStream),
    });
    await recordAudit({
      actorUserId: actor.userId,
      action: "report.scheduled",
      entityType: "cycle",
      entityId: c.id,
      // A standing order the officer placed for routine monitoring.
      reason: "ROUTINE_MONITORING",
      data: { report: "compliance", format: parsed.data.format.toLowerCase(), period: parsed.data.period, scope: actor.hrScopeUnitIds },
    });
  }
  if (lines.length === 0) return null;
  const subject = t("mail.report.subject", { period: parsed.data.period });
  const intro = [t("mail.report.body", { name: actor.user.displayName })];
  const mail = composeMail(locale, subject, intro, lines, { href: `${env.APP_ORIGIN}/hr`, label: t("mail.escalation.action") });
  return { ...mail, attachments };
}

export async function getSubscription(userId: string) {
  return prisma.reportSubscription.findUnique({ where: { userId } });
}

export async function setSubscription(userId: string, choice: { frequency: "WEEKLY" | "MONTHLY" | "NONE"; format: "CSV" | "XLSX" }) {
  await prisma.$transaction(async (tx) => {
    if (choice.frequency === "NONE") await tx.reportSubscription.deleteMany({ where: { userId } });
    else {
      await tx.reportSubscription.upsert({
        where: { userId },
        create: { userId, frequency: choice.frequency, format: choice.format },
        update: { frequency: choice.frequency, format: choice.format },
      });
    }
    await recordAudit({ actorUserId: userId, action: "report.subscription", entityType: "user", entityId: userId, data: choice }, tx);
  });
}
