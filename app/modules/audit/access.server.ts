import { redirect } from "@remix-run/node";
import { Prisma, prisma } from "~/utils/db.server";
import { csvStream } from "~/utils/csv";
import { isDateKey, pick, seoulDayStart, TIME_ZONE, type AppLocale } from "~/utils/i18n";
import { isUuid } from "~/utils/ids";
import type { Actor } from "~/modules/auth/permissions.server";
import { recordAudit } from "./audit.server";
import { DEFAULT_VIEW_PURPOSE, parsePurpose, type Purpose } from "./purpose";

/**
 * The report access log: every view and download of a report, with who,
 * when, what and why. Events live in audit_event; the purpose code is its
 * `reason`, and `data` says which report, in which format, over which scope,
 * with the person's note.
 */

/** The audit actions that make up the report access log. */
export const ACCESS_ACTIONS = ["report.view", "report.export", "report.scheduled", "accesslog.view", "accesslog.export"] as const;

export type ReportName = "compliance" | "unit" | "team" | "oversight" | "accessLog" | "hours" | "lecturerActivity";

export type DownloadTarget =
  /** asOf: the list as it stood at the end of that Seoul day (YYYY-MM-DD); absent for now. */
  | { report: "compliance"; format: "csv" | "xlsx"; cycleId: string; asOf?: string }
  | { report: "oversight"; format: "xlsx" | "pdf"; year: number }
  /** Continuous-learning hours per person, year and course, for the HR system. */
  | { report: "hours"; format: "csv"; year: number }
  /** The appointed lecturers' lectures by month, with their names and addresses, for the academy's fees. */
  | { report: "lecturerActivity"; format: "csv"; year: number };

/** Which file is asked for, from a form or a query string; null when it names no file we make. */
export function parseDownloadTarget(fields: { get(name: string): FormDataEntryValue | null }): DownloadTarget | null {
  const report = fields.get("report");
  const format = fields.get("format");
  if (report === "compliance" && (format === "csv" || format === "xlsx")) {
    const cycleId = fields.get("cycle");
    if (typeof cycleId !== "string" || !isUuid(cycleId)) return null;
    const asOf = fields.get("asOf");
    if (asOf === null || asOf === "") return { report, format, cycleId };
    return typeof asOf === "string" && isDateKey(asOf) ? { report, format, cycleId, asOf } : null;
  }
  if (report === "oversight" && (format === "xlsx" || format === "pdf")) {
    const year = Number(fields.get("year"));
    return Number.isInteger(year) && year >= 2000 && year <= 2999 ? { report, format, year } : null;
  }
  if ((report === "hours" || report === "lecturerActivity") && format === "csv") {
    const year = Number(fields.get("year"));
    return Number.isInteger(year) && year >= 2000 && year <= 2999 ? { report, format, year } : null;
  }
  return null;
}

/** The form that asks why, for a file (where a bookmarked or expired file link leads). */
export function downloadFormHref(target: DownloadTarget): string {
  const q = new URLSearchParams({ report: target.report, format: target.format });
  if (target.report === "compliance") {
    q.set("cycle", target.cycleId);
    if (target.asOf) q.set("asOf", target.asOf);
  } else q.set("year", String(target.year));
  return `/hr/download?${q}`;
}

function fileHref(target: DownloadTarget, accessId: bigint): string {
  const path = {
    compliance: `/hr/export.${target.format}`,
    hours: `/hr/hours.${target.format}`,
    oversight: `/hr/oversight.${target.format}`,
    lecturerActivity: `/academy/lecturers/activity.${target.format}`,
  }[target.report];
  return `${path}?access=${accessId}`;
}

function entityOf(target: DownloadTarget): { entityType: string; entityId: string } {
  if (target.report === "compliance") return { entityType: "cycle", entityId: target.cycleId };
  const entityType = { hours: "hours_year", oversight: "oversight_year", lecturerActivity: "lecturer_activity_year" }[target.report];
  return { entityType, entityId: String(target.year) };
}

/**
 * Record a download with its purpose, and return where the file is fetched.
 * The purpose is declared by a same-origin POST and logged first; the file
 * itself comes from the link this returns, which only the same person can use,
 * and only for a few minutes (see claimDownload).
 */
export async function recordDownload(actor: Actor, target: DownloadTarget, purpose: Purpose, note: string | null, scope: string[]): Promise<string> {
  const id = await recordAudit({
    actorUserId: actor.userId,
    action: "report.export",
    ...entityOf(target),
    reason: purpose,
    data: { ...target, scope, ...(note ? { note } : {}) },
  });
  return fileHref(target, id);
}

/**
 * For a file route of a year's CSV: the year a recorded download of this person allows (?access=),
 * or a redirect (thrown) to the form that asks why, for the year asked (?year=) or this year.
 */
export async function claimYearDownload(actor: Actor, url: URL, report: "hours" | "lecturerActivity", thisYear: number): Promise<number> {
  const grant = await claimDownload(actor, url.searchParams.get("access"), report, "csv");
  if (grant && grant.report === report) return grant.year;
  const asked = Number(url.searchParams.get("year"));
  const year = Number.isInteger(asked) && asked >= 2000 && asked <= 2999 ? asked : thisYear;
  throw redirect(downloadFormHref({ report, format: "csv", year }), 303);
}

/** How long the file link of a recorded download works. */
export const DOWNLOAD_LINK_MINUTES = 10;

/**
 * The file a recorded download allows: the download event must be this
 * person's, for this kind of file, and recent. Anything else (a bookmark, a
 * link from someone else, an old link) gets null, and the caller sends the
 * person to the form that asks why.
 */
export async function claimDownload(actor: Actor, accessId: string | null, report: DownloadTarget["report"], format: string): Promise<DownloadTarget | null> {
  if (!accessId || !/^\d{1,18}$/.test(accessId)) return null;
  const event = await prisma.auditEvent.findUnique({ where: { id: BigInt(accessId) } });
  if (!event || event.action !== "report.export" || event.actorUserId !== actor.userId) return null;
  if (event.createdAt.getTime() < Date.now() - DOWNLOAD_LINK_MINUTES * 60_000) return null;
  const data = event.data as Record<string, unknown> | null;
  if (!data || data.report !== report || data.format !== format) return null;
  const q = new URLSearchParams(Object.entries(data).filter(([, v]) => typeof v === "string" || typeof v === "number").map(([k, v]) => [k === "cycleId" ? "cycle" : k, String(v)]));
  return parseDownloadTarget(q);
}

/** How long a declared purpose covers the reader's visit to the reports. */
export const PURPOSE_DECLARATION_HOURS = 8;

export interface ViewPurpose {
  purpose: Purpose;
  note: string | null;
  /** The declaration the purpose comes from (an audit event id); null for routine monitoring by default. */
  accessId: string | null;
}

/**
 * The reader's purpose, declared by a same-origin POST (see purposeAction)
 * and recorded before anything is shown. Pages carry only the declaration's
 * id; a purpose in a link's query string is not taken, so a link cannot put a
 * reason in someone's name.
 */
async function declarePurpose(actor: Actor, purpose: Purpose, note: string | null): Promise<bigint> {
  return recordAudit({ actorUserId: actor.userId, action: "report.purpose", entityType: "user", entityId: actor.userId, reason: purpose, data: note ? { note } : undefined });
}

/** The declaration behind an access id: this reader's own, and recent; else null. */
export async function claimPurpose(actor: Actor, accessId: unknown): Promise<ViewPurpose | null> {
  if (typeof accessId !== "string" || !/^\d{1,18}$/.test(accessId)) return null;
  const event = await prisma.auditEvent.findUnique({ where: { id: BigInt(accessId) } });
  if (!event || event.action !== "report.purpose" || event.actorUserId !== actor.userId) return null;
  if (event.createdAt.getTime() < Date.now() - PURPOSE_DECLARATION_HOURS * 3600_000) return null;
  const note = (event.data as { note?: unknown } | null)?.note;
  return { purpose: event.reason as Purpose, note: typeof note === "string" ? note : null, accessId };
}

/** Why a report page is being read: the declaration its `access` names, or routine monitoring. */
export async function readViewPurpose(actor: Actor, params: URLSearchParams): Promise<ViewPurpose> {
  return (await claimPurpose(actor, params.get("access"))) ?? { purpose: DEFAULT_VIEW_PURPOSE, note: null, accessId: null };
}

/** The fields of a report page's form that choose what it shows, carried into the page's address. */
const VIEW_FIELDS = ["cycle", "asOf", "year"] as const;

/**
 * A report page's form, posted: the purpose is checked and recorded, and the
 * browser goes to the page with what was chosen and the declaration's id. A
 * purpose that does not stand ("Other" without a note, a note too long) comes
 * back as a 400 with the reason, and nothing is recorded.
 */
export async function purposeAction(request: Request, actor: Actor): Promise<Response> {
  const form = await request.formData();
  const purpose = parsePurpose(form);
  if (!purpose.ok) {
    const note = form.get("purposeNote");
    return Response.json(
      { purposeError: purpose.error, purpose: String(form.get("purpose") ?? ""), note: typeof note === "string" ? note : "" },
      { status: 400 },
    );
  }
  const q = new URLSearchParams();
  for (const name of VIEW_FIELDS) {
    const value = form.get(name);
    if (typeof value === "string" && value !== "") q.set(name, value.slice(0, 100));
  }
  q.set("access", String(await declarePurpose(actor, purpose.purpose, purpose.note)));
  return new Response(null, { status: 303, headers: { Location: `${new URL(request.url).pathname}?${q}` } });
}

/** Record a view of a report page with its purpose (routine monitoring unless the reader chose another). */
export async function recordReportView(
  actor: Actor,
  view: { report: ReportName; entityType: string; entityId: string | null; purpose: Purpose | null; note?: string | null; accessId?: string | null; data?: Record<string, Prisma.InputJsonValue | null> },
) {
  await recordAudit({
    actorUserId: actor.userId,
    action: view.report === "accessLog" ? "accesslog.view" : "report.view",
    entityType: view.entityType,
    entityId: view.entityId,
    reason: view.purpose,
    data: { report: view.report, format: "html", ...view.data, ...(view.note ? { note: view.note } : {}), ...(view.accessId ? { access: view.accessId } : {}) },
  });
}

// ---------------------------------------------------------------- reading the log

export interface AccessLogFilter {
  /** Part of a name or e-mail address. */
  person: string | null;
  /** Seoul calendar days, inclusive. */
  from: string | null;
  to: string | null;
}

export interface AccessLogEntry {
  id: string;
  createdAt: Date;
  action: string;
  reason: string | null;
  note: string | null;
  report: string | null;
  format: string | null;
  actorName: string | null;
  actorEmail: string | null;
  obligationTitleKo: string | null;
  obligationTitleEn: string | null;
  cycleLabel: string | null;
  /** The day a view or file was read as of (YYYY-MM-DD); null for "now". */
  asOf: string | null;
  year: number | null;
  unitsKo: string | null;
  unitsEn: string | null;
}

/** The filter from a query string; null when a date is malformed. */
export function parseAccessLogFilter(params: URLSearchParams): AccessLogFilter | null {
  const person = params.get("person")?.trim().slice(0, 100) || null;
  const from = params.get("from") || null;
  const to = params.get("to") || null;
  for (const d of [from, to]) {
    if (d && !isDateKey(d)) return null;
  }
  return { person, from, to };
}

/**
 * One page of the log, newest first, after the keyset `before` (an event id).
 * Events are numbered in the order they were written, so the id is the order.
 */
export async function accessLogPage(filter: AccessLogFilter, before: string | null, limit: number): Promise<AccessLogEntry[]> {
  const beforeId = before && /^\d{1,18}$/.test(before) ? before : null;
  const like = filter.person ? `%${filter.person.replace(/[\\%_]/g, (c) => `\\${c}`)}%` : null;
  const from = filter.from ? seoulDayStart(filter.from) : null;
  const to = filter.to ? new Date(seoulDayStart(filter.to).getTime() + 24 * 3600_000) : null;
  return prisma.$queryRaw<AccessLogEntry[]>`
    SELECT e.id::text AS id, e.created_at AS "createdAt", e.action, e.reason,
      e.data->>'note' AS note,
      COALESCE(e.data->>'report', CASE WHEN e.entity_type = 'cycle' THEN 'compliance' END) AS report,
      e.data->>'format' AS format,
      NULLIF(e.data->>'asOf', '') AS "asOf",
      u.display_name AS "actorName", u.email AS "actorEmail",
      ob.title_ko AS "obligationTitleKo", ob.title_en AS "obligationTitleEn", c.label AS "cycleLabel",
      CASE WHEN e.entity_type IN ('oversight_year', 'hours_year') AND e.entity_id ~ '^[0-9]{4}$' THEN e.entity_id::int END AS year,
      units.ko AS "unitsKo", units.en AS "unitsEn"
    FROM audit_event e
    LEFT JOIN app_user u ON u.id = e.actor_user_id
    LEFT JOIN cycle c ON e.entity_type = 'cycle' AND c.id::text = e.entity_id
    LEFT JOIN obligation ob ON ob.id = c.obligation_id
    LEFT JOIN LATERAL (
      -- The unit drilled into, else the units whose subtrees the report covered.
      SELECT string_agg(o.name_ko, ', ' ORDER BY o.code) AS ko, string_agg(o.name_en, ', ' ORDER BY o.code) AS en
      FROM org_unit o
      WHERE CASE WHEN e.data ? 'unitId' THEN o.id::text = e.data->>'unitId'
        WHEN jsonb_typeof(e.data->'scope') = 'array' THEN o.id::text IN (SELECT jsonb_array_elements_text(e.data->'scope'))
        ELSE false END
    ) units ON true
    WHERE e.action = ANY(${[...ACCESS_ACTIONS]}::text[])
      AND (${beforeId}::bigint IS NULL OR e.id < ${beforeId}::bigint)
      AND (${like}::text IS NULL OR u.display_name ILIKE ${like} OR u.email ILIKE ${like})
      AND (${from}::timestamptz IS NULL OR e.created_at >= ${from}::timestamptz)
      AND (${to}::timestamptz IS NULL OR e.created_at < ${to}::timestamptz)
    ORDER BY e.id DESC
    LIMIT ${limit}`;
}

type Translate = (key: string, options?: Record<string, unknown>) => string;

/** Date and time in Seoul, "2026-05-01 14:03:22": sortable, and the same in both languages. */
export function seoulTimestamp(d: Date | string): string {
  const date = typeof d === "string" ? new Date(d) : d;
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat("en-CA", { timeZone: TIME_ZONE, year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", second: "2-digit", hourCycle: "h23" })
      .formatToParts(date)
      .map((p) => [p.type, p.value]),
  );
  return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}:${parts.second}`;
}

/** The cells of one entry as a person reads them, shared by the page and the CSV. */
export function accessLogCells(e: AccessLogEntry, locale: AppLocale, t: Translate) {
  const cycle = e.cycleLabel
    ? `${pick(locale, e.obligationTitleKo, e.obligationTitleEn) ?? ""} · ${e.cycleLabel}${e.asOf ? ` · ${t("hr.asOfCaption", { date: e.asOf })}` : ""}`
    : e.year !== null
      ? t("accessLog.yearValue", { year: e.year })
      : "";
  return {
    when: seoulTimestamp(e.createdAt),
    who: e.actorName ?? t("accessLog.system"),
    email: e.actorEmail ?? "",
    what: t(`accessLog.action.${e.action.replace(".", "_")}`),
    report: e.report ? t(`accessLog.reportName.${e.report}`) : "",
    cycle,
    format: e.format === "html" ? t("accessLog.screen") : e.format ? e.format.toUpperCase() : "",
    unit: pick(locale, e.unitsKo, e.unitsEn) ?? "",
    why: e.reason ? t(`purpose.option.${e.reason}`) : "",
    note: e.note ?? "",
  };
}

export const ACCESS_LOG_COLUMNS = ["when", "who", "email", "what", "report", "cycle", "format", "unit", "why", "note"] as const;

const CSV_BATCH = 1000;

/** The whole filtered log as CSV, newest first, in keyset batches: a byte order mark, formulas neutralised. */
export function accessLogCsvStream(filter: AccessLogFilter, locale: AppLocale, t: Translate) {
  async function* pages() {
    let before: string | null = null;
    for (;;) {
      const rows = await accessLogPage(filter, before, CSV_BATCH);
      if (rows.length > 0) yield rows.map((r) => Object.values(accessLogCells(r, locale, t)));
      if (rows.length < CSV_BATCH) return;
      before = rows[rows.length - 1]!.id;
    }
  }
  return csvStream(ACCESS_LOG_COLUMNS.map((c) => t(`accessLog.${c}`)), pages());
}
