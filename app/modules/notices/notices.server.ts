import { z } from "zod";
import { prisma } from "~/utils/db.server";
import { recordAudit } from "~/modules/audit/audit.server";
import { listStaffCategories } from "~/modules/org/staff-categories.server";
import { isUuid } from "~/utils/ids";
import { isDateKey, seoulDateKey } from "~/utils/i18n";
import { now } from "~/utils/clock.server";
import { plainText, stripInvisible } from "~/utils/text";

/** The longest a notice may stay up: a year. Standing information belongs on the help page. */
export const MAX_NOTICE_DAYS = 366;

const title = z.string().transform(plainText).pipe(z.string().min(2, "length").max(200, "length"));
/** Plain text, line breaks kept: paragraphs are shown as they were typed, never as HTML. */
const body = z
  .string()
  .transform((v) => stripInvisible(v).replace(/\r\n?/g, "\n").trim())
  .pipe(z.string().min(2, "length").max(4000, "length"));
const dateKey = z.string().refine(isDateKey, "invalid");

export const NoticeSchema = z
  .object({
    titleKo: title,
    titleEn: title,
    bodyKo: body,
    bodyEn: body,
    audience: z.enum(["ALL", "CATEGORIES"], { message: "required" }),
    /** Codes of staff_category; postNotice checks they are configured. */
    staffCategories: z.array(z.string().max(40, "invalid")).default([]),
    showFrom: dateKey,
    showUntil: dateKey,
  })
  .superRefine((v, ctx) => {
    if (v.audience === "CATEGORIES" && v.staffCategories.length === 0) ctx.addIssue({ code: "custom", path: ["staffCategories"], message: "none" });
    if (!isDateKey(v.showFrom) || !isDateKey(v.showUntil)) return;
    if (v.showUntil < v.showFrom) ctx.addIssue({ code: "custom", path: ["showUntil"], message: "beforeFrom" });
    else if (v.showUntil < seoulDateKey(now())) ctx.addIssue({ code: "custom", path: ["showUntil"], message: "past" });
    else if ((Date.parse(v.showUntil) - Date.parse(v.showFrom)) / 86_400_000 >= MAX_NOTICE_DAYS) {
      ctx.addIssue({ code: "custom", path: ["showUntil"], message: "tooLong" });
    }
  });

export type NoticeInput = z.input<typeof NoticeSchema>;
export type NoticeField = keyof NoticeInput;

/** A submission's fields as a form sends them (several checked categories under one name). */
export function noticeInputFromForm(form: FormData): NoticeInput {
  const text = (name: string) => String(form.get(name) ?? "");
  return {
    titleKo: text("titleKo"),
    titleEn: text("titleEn"),
    bodyKo: text("bodyKo"),
    bodyEn: text("bodyEn"),
    audience: text("audience") as NoticeInput["audience"],
    staffCategories: form.getAll("staffCategories").map(String),
    showFrom: text("showFrom"),
    showUntil: text("showUntil"),
  };
}

/**
 * Post a notice. Field errors come back by field (the message is a code the
 * page words); nothing is written then. The post is audited.
 */
export async function postNotice(actorUserId: string, input: NoticeInput): Promise<{ ok: true; id: string } | { ok: false; errors: Partial<Record<NoticeField, string>> }> {
  const parsed = NoticeSchema.safeParse(input);
  const configured = new Set((await listStaffCategories()).map((c) => c.code));
  const unknownCategory = input.audience === "CATEGORIES" && (input.staffCategories ?? []).some((c) => !configured.has(c));
  if (!parsed.success || unknownCategory) {
    const errors: Partial<Record<NoticeField, string>> = {};
    for (const issue of parsed.success ? [] : parsed.error.issues) {
      const field = issue.path[0] as NoticeField;
      errors[field] ??= ["length", "invalid", "none", "beforeFrom", "past", "tooLong"].includes(issue.message) ? issue.message : "invalid";
    }
    if (unknownCategory) errors.staffCategories ??= "invalid";
    return { ok: false, errors };
  }
  const v = parsed.data;
  const categories = v.audience === "ALL" ? [] : [...new Set(v.staffCategories)];
  const id = await prisma.$transaction(async (tx) => {
    const notice = await tx.notice.create({
      data: {
        titleKo: v.titleKo,
        titleEn: v.titleEn,
        bodyKo: v.bodyKo,
        bodyEn: v.bodyEn,
        staffCategories: categories,
        showFrom: new Date(`${v.showFrom}T00:00:00Z`),
        showUntil: new Date(`${v.showUntil}T00:00:00Z`),
        postedById: actorUserId,
      },
      select: { id: true },
    });
    await recordAudit(
      { actorUserId, action: "notice.post", entityType: "notice", entityId: notice.id, reason: v.titleKo, data: { staffCategories: categories, showFrom: v.showFrom, showUntil: v.showUntil } },
      tx,
    );
    return notice.id;
  });
  return { ok: true, id };
}

/** Take a notice down before its last day. Audited; its reads are kept. False when there is no such notice up. */
export async function withdrawNotice(actorUserId: string, noticeId: string): Promise<boolean> {
  if (!isUuid(noticeId)) return false;
  return prisma.$transaction(async (tx) => {
    const { count } = await tx.notice.updateMany({ where: { id: noticeId, withdrawnAt: null }, data: { withdrawnAt: now(), withdrawnById: actorUserId } });
    if (count === 0) return false;
    await recordAudit({ actorUserId, action: "notice.withdraw", entityType: "notice", entityId: noticeId }, tx);
    return true;
  });
}

export type NoticeState = "scheduled" | "showing" | "ended" | "withdrawn";

/** Every notice, newest first, with how many accounts have marked it read: the academy's list. */
export async function listNotices() {
  const today = seoulDateKey(now());
  const rows = await prisma.$queryRaw<
    Array<{ id: string; titleKo: string; titleEn: string; staffCategories: string[]; showFrom: Date; showUntil: Date; createdAt: Date; withdrawnAt: Date | null; reads: number }>
  >`
    SELECT n.id, n.title_ko AS "titleKo", n.title_en AS "titleEn", n.staff_categories::text[] AS "staffCategories",
      n.show_from AS "showFrom", n.show_until AS "showUntil", n.created_at AS "createdAt", n.withdrawn_at AS "withdrawnAt",
      (SELECT count(*)::int FROM notice_read r WHERE r.notice_id = n.id) AS reads
    FROM notice n
    ORDER BY n.created_at DESC
    LIMIT 200`;
  return rows.map((n) => {
    const from = n.showFrom.toISOString().slice(0, 10);
    const until = n.showUntil.toISOString().slice(0, 10);
    const state: NoticeState = n.withdrawnAt ? "withdrawn" : today < from ? "scheduled" : today > until ? "ended" : "showing";
    return { ...n, showFrom: from, showUntil: until, state };
  });
}

/**
 * The notices this account should see today and has not marked read: not
 * withdrawn, today (Seoul) between its first and last day, and meant for
 * everyone or for the staff category of the person the account belongs to.
 * The audience is part of the query.
 */
export async function noticesFor(userId: string, onlyId?: string) {
  const today = seoulDateKey(now());
  return prisma.$queryRaw<Array<{ id: string; titleKo: string; titleEn: string; bodyKo: string; bodyEn: string; showUntil: Date }>>`
    SELECT n.id, n.title_ko AS "titleKo", n.title_en AS "titleEn", n.body_ko AS "bodyKo", n.body_en AS "bodyEn", n.show_until AS "showUntil"
    FROM notice n
    JOIN app_user u ON u.id = ${userId}::uuid
    LEFT JOIN person p ON p.id = u.person_id AND p.status = 'ACTIVE'
    WHERE n.withdrawn_at IS NULL
      AND n.show_from <= ${today}::date AND n.show_until >= ${today}::date
      AND (cardinality(n.staff_categories) = 0 OR p.staff_category = ANY(n.staff_categories))
      AND NOT EXISTS (SELECT 1 FROM notice_read r WHERE r.notice_id = n.id AND r.user_id = u.id)
      AND (${onlyId ?? null}::uuid IS NULL OR n.id = ${onlyId ?? null}::uuid)
    ORDER BY n.show_from DESC, n.created_at DESC
    LIMIT 20`;
}

/** Mark a notice read for this account, if it is one the account is shown. False otherwise. */
export async function markNoticeRead(userId: string, noticeId: string): Promise<boolean> {
  if (!isUuid(noticeId)) return false;
  const inserted = await prisma.$executeRaw`
    INSERT INTO notice_read (notice_id, user_id)
    SELECT n.id, ${userId}::uuid FROM notice n
    JOIN app_user u ON u.id = ${userId}::uuid
    LEFT JOIN person p ON p.id = u.person_id AND p.status = 'ACTIVE'
    WHERE n.id = ${noticeId}::uuid AND n.withdrawn_at IS NULL
      AND n.show_from <= ${seoulDateKey(now())}::date AND n.show_until >= ${seoulDateKey(now())}::date
      AND (cardinality(n.staff_categories) = 0 OR p.staff_category = ANY(n.staff_categories))
    ON CONFLICT DO NOTHING`;
  if (inserted > 0) return true;
  // Already read counts as done: a second click is not an error.
  return (await prisma.noticeRead.count({ where: { noticeId, userId } })) > 0;
}
