import { randomUUID } from "node:crypto";
import { z } from "zod";
import { prisma, Prisma } from "~/utils/db.server";
import { recordAudit } from "~/modules/audit/audit.server";
import { isUuid } from "~/utils/ids";
import { isDateKey, seoulDateKey } from "~/utils/i18n";
import { now } from "~/utils/clock.server";
import { plainText, stripInvisible } from "~/utils/text";
import { ACCESSIBILITY, DISTRICTS, MAX_CAPACITY, MAX_REPEAT_MONTHS, OFFERING_AUDIENCES, OFFERING_FORMATS, TOPICS } from "./codes";
import { promoteFromWaitlist, writeRegistrationMail } from "./registration.server";

/**
 * Scheduling classes (ADR 027): an academy administrator schedules one class, or the same class
 * every month for N months in one action; edits it; cancels it, which tells everyone registered.
 * Every change is audited in its own transaction.
 */

const title = z.string().transform(plainText).pipe(z.string().min(2, "length").max(200, "length"));
const longText = z.string().default("").transform((v) => stripInvisible(v).replace(/\r\n?/g, "\n").trim()).pipe(z.string().max(2000, "length"));
const shortText = z.string().default("").transform(plainText).pipe(z.string().max(300, "length"));
const dateKey = z.string().refine(isDateKey, "invalid");
const time = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, "invalid");
/** A datetime-local value, read as Seoul time. */
const localDateTime = z.string().regex(/^\d{4}-\d{2}-\d{2}T([01]\d|2[0-3]):[0-5]\d$/, "invalid").refine((v) => isDateKey(v.slice(0, 10)), "invalid");

/** A number typed into a form: the text as a number (NaN, refused as invalid, when it is not one). */
const formNumber = z.union([z.string(), z.number()]).transform((v) => (typeof v === "number" ? v : v.trim() === "" ? NaN : Number(v)));

const common = {
  titleKo: title,
  titleEn: title,
  descriptionKo: longText,
  descriptionEn: longText,
  topic: z.enum(TOPICS, { message: "required" }),
  format: z.enum(OFFERING_FORMATS, { message: "required" }),
  date: dateKey,
  startTime: time,
  endTime: time,
  place: shortText,
  district: z.union([z.enum(DISTRICTS), z.literal("")]).default(""),
  directionsKo: longText,
  directionsEn: longText,
  onlineUrl: z.string().default("").transform((v) => v.trim()),
  lecturerUserIds: z.array(z.string().refine(isUuid, "invalid")).default([]),
  lecturerNames: shortText,
  capacity: formNumber.pipe(z.number({ message: "invalid" }).int("invalid").min(1, "range").max(MAX_CAPACITY, "range")),
  audience: z.enum(OFFERING_AUDIENCES, { message: "required" }),
  audienceUnitCodes: z.string().default(""),
  registrationClosesAt: localDateTime,
  cancellationClosesAt: localDateTime,
  accessibility: z.array(z.enum(ACCESSIBILITY)).default([]),
};

function checkCommon(v: { format: string; place: string; district: string; onlineUrl: string; lecturerUserIds: string[]; lecturerNames: string; audience: string; audienceUnitCodes: string; startTime: string; endTime: string; date: string; registrationClosesAt: string; cancellationClosesAt: string }, ctx: z.RefinementCtx) {
  if (v.format === "IN_PERSON") {
    if (v.place.length < 2) ctx.addIssue({ code: "custom", path: ["place"], message: "required" });
    if (!v.district) ctx.addIssue({ code: "custom", path: ["district"], message: "required" });
  } else if (!/^https:\/\/[^\s]+$/.test(v.onlineUrl) || v.onlineUrl.length > 500) {
    ctx.addIssue({ code: "custom", path: ["onlineUrl"], message: "https" });
  }
  if (v.lecturerUserIds.length === 0 && v.lecturerNames.length === 0) ctx.addIssue({ code: "custom", path: ["lecturerNames"], message: "lecturer" });
  if (v.audience === "UNITS" && unitCodes(v.audienceUnitCodes).length === 0) ctx.addIssue({ code: "custom", path: ["audienceUnitCodes"], message: "none" });
  if (v.endTime <= v.startTime) ctx.addIssue({ code: "custom", path: ["endTime"], message: "beforeStart" });
  if (!isDateKey(v.date)) return;
  const start = seoulMoment(v.date, v.startTime);
  if (start <= now()) ctx.addIssue({ code: "custom", path: ["date"], message: "past" });
  if (/T/.test(v.registrationClosesAt) && seoulLocal(v.registrationClosesAt) > start) ctx.addIssue({ code: "custom", path: ["registrationClosesAt"], message: "afterStart" });
  if (/T/.test(v.cancellationClosesAt) && seoulLocal(v.cancellationClosesAt) > start) ctx.addIssue({ code: "custom", path: ["cancellationClosesAt"], message: "afterStart" });
}

export const ScheduleSchema = z
  .object({
    ...common,
    countsToward: z.string().regex(/^(course|obligation):[0-9a-f-]{36}$/, "required"),
    repeatMonths: formNumber.pipe(z.number({ message: "invalid" }).int("invalid").min(1, "range").max(MAX_REPEAT_MONTHS, "range")),
  })
  .superRefine(checkCommon);

export const EditSchema = z.object(common).superRefine(checkCommon);

export type ScheduleInput = z.input<typeof ScheduleSchema>;
export type OfferingField = keyof ScheduleInput;
const ERROR_CODES = ["length", "invalid", "required", "range", "https", "lecturer", "none", "beforeStart", "past", "afterStart", "unknownUnits", "unknownLecturers", "unknownTarget", "belowConfirmed"];

export function seoulMoment(day: string, hhmm: string): Date {
  return new Date(`${day}T${hhmm}:00+09:00`);
}
function seoulLocal(value: string): Date {
  return new Date(`${value}:00+09:00`);
}
/** A moment as a datetime-local value in Seoul ("2026-12-06T18:00"). */
export function toSeoulLocal(d: Date): string {
  return `${seoulDateKey(d)}T${new Intl.DateTimeFormat("en-GB", { timeZone: "Asia/Seoul", hour: "2-digit", minute: "2-digit", hourCycle: "h23" }).format(d)}`;
}
function unitCodes(text: string): string[] {
  return [...new Set(text.split(/[\s,;]+/).map((s) => s.trim()).filter(Boolean))];
}

/** A form's fields as the schema reads them (checkboxes under one name). */
export function offeringInputFromForm(form: FormData): ScheduleInput {
  const text = (name: string) => String(form.get(name) ?? "");
  return {
    titleKo: text("titleKo"),
    titleEn: text("titleEn"),
    descriptionKo: text("descriptionKo"),
    descriptionEn: text("descriptionEn"),
    countsToward: text("countsToward"),
    topic: text("topic") as ScheduleInput["topic"],
    format: text("format") as ScheduleInput["format"],
    date: text("date"),
    startTime: text("startTime"),
    endTime: text("endTime"),
    place: text("place"),
    district: text("district") as ScheduleInput["district"],
    directionsKo: text("directionsKo"),
    directionsEn: text("directionsEn"),
    onlineUrl: text("onlineUrl"),
    lecturerUserIds: form.getAll("lecturerUserIds").map(String),
    lecturerNames: text("lecturerNames"),
    capacity: text("capacity"),
    audience: text("audience") as ScheduleInput["audience"],
    audienceUnitCodes: text("audienceUnitCodes"),
    registrationClosesAt: text("registrationClosesAt"),
    cancellationClosesAt: text("cancellationClosesAt"),
    accessibility: form.getAll("accessibility").map(String) as ScheduleInput["accessibility"],
    repeatMonths: text("repeatMonths") || "1",
  };
}

type Errors = Partial<Record<OfferingField, string>>;
export type ScheduleResult = { ok: true; ids: string[] } | { ok: false; errors: Errors };

function issuesToErrors(error: z.ZodError): Errors {
  const errors: Errors = {};
  for (const issue of error.issues) {
    const field = issue.path[0] as OfferingField;
    errors[field] ??= ERROR_CODES.includes(issue.message) ? issue.message : "invalid";
  }
  return errors;
}

/** Unit codes and lecturer accounts as ids; what is not known comes back as a field error. */
async function resolveReferences(v: { audience: string; audienceUnitCodes: string; lecturerUserIds: string[] }): Promise<{ unitIds: string[]; errors: Errors }> {
  const errors: Errors = {};
  let unitIds: string[] = [];
  if (v.audience === "UNITS") {
    const codes = unitCodes(v.audienceUnitCodes);
    const units = await prisma.orgUnit.findMany({ where: { code: { in: codes } }, select: { id: true } });
    if (units.length !== codes.length) errors.audienceUnitCodes = "unknownUnits";
    unitIds = units.map((u) => u.id);
  }
  const lecturers = [...new Set(v.lecturerUserIds)];
  if (lecturers.length) {
    const found = await prisma.roleGrant.count({ where: { role: "LECTURER", userId: { in: lecturers } } });
    if (found !== lecturers.length) errors.lecturerUserIds = "unknownLecturers";
  }
  return { unitIds, errors };
}

/** The same day of the month `months` later, or the month's last day when it has no such day. */
export function addMonths(day: string, months: number): string {
  const [y, m, d] = day.split("-").map(Number) as [number, number, number];
  const first = new Date(Date.UTC(y, m - 1 + months, 1));
  const last = new Date(Date.UTC(first.getUTCFullYear(), first.getUTCMonth() + 1, 0)).getUTCDate();
  return new Date(Date.UTC(first.getUTCFullYear(), first.getUTCMonth(), Math.min(d, last))).toISOString().slice(0, 10);
}

/**
 * Schedule a class, or the same class every month for `repeatMonths` months: each month's class
 * on the same day of the month (or the month's last day), its deadlines as far before it as the
 * first's. All or nothing, one audit event.
 */
export async function scheduleOffering(actorUserId: string, input: ScheduleInput): Promise<ScheduleResult> {
  const parsed = ScheduleSchema.safeParse(input);
  if (!parsed.success) return { ok: false, errors: issuesToErrors(parsed.error) };
  const v = parsed.data;
  const { unitIds, errors } = await resolveReferences(v);
  const [kind, targetId] = v.countsToward.split(":") as ["course" | "obligation", string];
  const target =
    kind === "course"
      ? await prisma.course.findUnique({ where: { id: targetId }, select: { id: true } }).then((c) => c && { audienceRootId: null })
      : await prisma.obligation.findUnique({ where: { id: targetId }, select: { audienceRootId: true } });
  if (!target) errors.countsToward = "unknownTarget";
  if (Object.keys(errors).length) return { ok: false, errors };

  const seriesId = randomUUID();
  const firstStart = seoulMoment(v.date, v.startTime);
  const regLead = firstStart.getTime() - seoulLocal(v.registrationClosesAt).getTime();
  const cancelLead = firstStart.getTime() - seoulLocal(v.cancellationClosesAt).getTime();
  // The unit that runs it, recorded on its training session: the obligation's city, if it names one.
  const orgUnitId = target?.audienceRootId ?? null;
  const ids = await prisma.$transaction(async (tx) => {
    const made: string[] = [];
    for (let i = 0; i < v.repeatMonths; i++) {
      const day = addMonths(v.date, i);
      const startsAt = seoulMoment(day, v.startTime);
      const o = await tx.offering.create({
        data: {
          seriesId,
          courseId: kind === "course" ? targetId : null,
          obligationId: kind === "obligation" ? targetId : null,
          titleKo: v.titleKo,
          titleEn: v.titleEn,
          descriptionKo: v.descriptionKo,
          descriptionEn: v.descriptionEn,
          topic: v.topic,
          format: v.format,
          startsAt,
          endsAt: seoulMoment(day, v.endTime),
          place: v.format === "IN_PERSON" ? v.place : "",
          district: v.format === "IN_PERSON" ? v.district : "",
          directionsKo: v.format === "IN_PERSON" ? v.directionsKo : "",
          directionsEn: v.format === "IN_PERSON" ? v.directionsEn : "",
          onlineUrl: v.format === "LIVE_ONLINE" ? v.onlineUrl : null,
          lecturerUserIds: [...new Set(v.lecturerUserIds)],
          lecturerNames: v.lecturerNames,
          capacity: v.capacity,
          audience: v.audience,
          audienceUnitIds: unitIds,
          registrationClosesAt: new Date(startsAt.getTime() - regLead),
          cancellationClosesAt: new Date(startsAt.getTime() - cancelLead),
          accessibility: [...new Set(v.accessibility)],
          orgUnitId,
          createdById: actorUserId,
          createdAt: now(),
          updatedAt: now(),
        },
        select: { id: true },
      });
      made.push(o.id);
    }
    await recordAudit(
      {
        actorUserId,
        action: "offering.schedule",
        entityType: "offering",
        entityId: made[0]!,
        data: { seriesId, offeringIds: made, titleKo: v.titleKo, countsToward: v.countsToward, date: v.date, repeatMonths: v.repeatMonths, capacity: v.capacity, audience: v.audience },
      },
      tx,
    );
    return made;
  });
  return { ok: true, ids };
}

export type EditResult = { ok: true; notified: string[] } | { ok: false; errors: Errors } | { ok: false; notFound: true };

/**
 * Change a scheduled class. Its capacity never goes below the seats already taken; more seats
 * go to the waiting list in order. When the time or the place changes, everyone registered is
 * told (with the calendar entry updated). Returns the outbox ids to deliver.
 */
export async function editOffering(actorUserId: string, offeringId: string, input: ScheduleInput): Promise<EditResult> {
  if (!isUuid(offeringId)) return { ok: false, notFound: true };
  const parsed = EditSchema.safeParse(input);
  if (!parsed.success) return { ok: false, errors: issuesToErrors(parsed.error) };
  const v = parsed.data;
  const { unitIds, errors } = await resolveReferences(v);
  if (Object.keys(errors).length) return { ok: false, errors };
  return prisma.$transaction(async (tx) => {
    const [before] = await tx.$queryRaw<Array<{ id: string; status: string; startsAt: Date; endsAt: Date; place: string; onlineUrl: string | null; confirmed: number }>>`
      SELECT o.id, CASE WHEN o.roll_closed_at IS NULL THEN o.status::text ELSE 'CLOSED' END AS status, o.starts_at AS "startsAt", o.ends_at AS "endsAt", o.place, o.online_url AS "onlineUrl",
        (SELECT count(*)::int FROM offering_registration r WHERE r.offering_id = o.id AND r.status = 'CONFIRMED') AS confirmed
      FROM offering o WHERE o.id = ${offeringId}::uuid FOR UPDATE`;
    if (!before || before.status !== "SCHEDULED") return { ok: false as const, notFound: true as const };
    if (v.capacity < before.confirmed) return { ok: false as const, errors: { capacity: "belowConfirmed" } };
    const startsAt = seoulMoment(v.date, v.startTime);
    const endsAt = seoulMoment(v.date, v.endTime);
    const place = v.format === "IN_PERSON" ? v.place : "";
    const onlineUrl = v.format === "LIVE_ONLINE" ? v.onlineUrl : null;
    await tx.offering.update({
      where: { id: offeringId },
      data: {
        titleKo: v.titleKo,
        titleEn: v.titleEn,
        descriptionKo: v.descriptionKo,
        descriptionEn: v.descriptionEn,
        topic: v.topic,
        format: v.format,
        startsAt,
        endsAt,
        place,
        district: v.format === "IN_PERSON" ? v.district : "",
        directionsKo: v.format === "IN_PERSON" ? v.directionsKo : "",
        directionsEn: v.format === "IN_PERSON" ? v.directionsEn : "",
        onlineUrl,
        lecturerUserIds: [...new Set(v.lecturerUserIds)],
        lecturerNames: v.lecturerNames,
        capacity: v.capacity,
        audience: v.audience,
        audienceUnitIds: unitIds,
        registrationClosesAt: seoulLocal(v.registrationClosesAt),
        cancellationClosesAt: seoulLocal(v.cancellationClosesAt),
        accessibility: [...new Set(v.accessibility)],
        updatedAt: now(),
      },
    });
    const moved = before.startsAt.getTime() !== startsAt.getTime() || before.endsAt.getTime() !== endsAt.getTime() || before.place !== place || before.onlineUrl !== onlineUrl;
    const promoted = await promoteFromWaitlist(tx, offeringId);
    const notified = [
      ...(await writeRegistrationMail(tx, promoted, "promoted")),
      ...(moved ? await writeOfferingMail(tx, offeringId, "changed") : []),
    ];
    await recordAudit(
      { actorUserId, action: "offering.edit", entityType: "offering", entityId: offeringId, data: { capacity: v.capacity, startsAt: startsAt.toISOString(), moved, promoted: promoted.length } },
      tx,
    );
    return { ok: true as const, notified };
  });
}

export type CancelResult = { ok: true; notified: string[] } | { ok: false; problem: "notFound" | "reason" };

/** Cancel a class: everyone with a seat or on the waiting list is told through the outbox. Audited. */
export async function cancelOffering(actorUserId: string, offeringId: string, reasonText: string): Promise<CancelResult> {
  const reason = plainText(reasonText);
  if (reason.length < 5 || reason.length > 500) return { ok: false, problem: "reason" };
  if (!isUuid(offeringId)) return { ok: false, problem: "notFound" };
  return prisma.$transaction(async (tx) => {
    const changed = await tx.offering.updateMany({
      // A class whose roll is closed took place: it cannot be cancelled any more.
      where: { id: offeringId, status: "SCHEDULED", rollClosedAt: null },
      data: { status: "CANCELLED", cancelledAt: now(), cancelReason: reason, updatedAt: now() },
    });
    if (changed.count === 0) return { ok: false as const, problem: "notFound" as const };
    const notified = await writeOfferingMail(tx, offeringId, "cancelled");
    await recordAudit({ actorUserId, action: "offering.cancel", entityType: "offering", entityId: offeringId, reason, data: { notified: notified.length } }, tx);
    return { ok: true as const, notified };
  });
}

/**
 * One message per person with a seat or on the waiting list of a class that was changed or
 * cancelled, written in one statement; the key names the change, so writing it again does nothing.
 */
async function writeOfferingMail(tx: Prisma.TransactionClient, offeringId: string, kind: "changed" | "cancelled"): Promise<string[]> {
  const rows = await tx.$queryRaw<Array<{ id: string }>>`
    INSERT INTO outbox_email (dedupe_key, to_address, template, locale, payload)
    SELECT 'offering-' || ${kind} || ':' || r.id || ':' || floor(extract(epoch FROM o.updated_at) * 1000)::bigint,
           p.email, 'offering-registration', COALESCE(u.locale, 'ko'::"Locale"),
           jsonb_build_object('registrationId', r.id, 'kind', ${kind}::text)
    FROM offering_registration r
    JOIN offering o ON o.id = r.offering_id
    JOIN person p ON p.id = r.person_id
    LEFT JOIN app_user u ON u.person_id = p.id
    WHERE r.offering_id = ${offeringId}::uuid AND r.status IN ('CONFIRMED', 'WAITLISTED')
    ON CONFLICT (dedupe_key) DO NOTHING
    RETURNING id`;
  return rows.map((r) => r.id);
}

/** What the academy's form offers: catalog courses, obligations, lecturers. */
export async function scheduleFormOptions() {
  const [courses, obligations, lecturers] = await Promise.all([
    prisma.$queryRaw<Array<{ id: string; titleKo: string; titleEn: string; edition: string | null }>>`
      SELECT DISTINCT ON (c.id) c.id, v.title_ko AS "titleKo", v.title_en AS "titleEn", v.edition
      FROM course c JOIN course_version v ON v.course_id = c.id ORDER BY c.id, v.version DESC`,
    prisma.obligation.findMany({ select: { id: true, code: true, titleKo: true, titleEn: true }, orderBy: { code: "asc" } }),
    prisma.$queryRaw<Array<{ id: string; displayName: string; email: string }>>`
      SELECT DISTINCT u.id, u.display_name AS "displayName", u.email FROM app_user u
      JOIN role_grant g ON g.user_id = u.id AND g.role = 'LECTURER' WHERE u.disabled_at IS NULL
      ORDER BY u.display_name, u.email LIMIT 500`,
  ]);
  courses.sort((a, b) => a.titleKo.localeCompare(b.titleKo, "ko"));
  return { courses, obligations, lecturers };
}

/** The academy's list: classes from a month ago on, with seats taken and the waiting list. */
export async function listOfferingsForAcademy() {
  return prisma.$queryRaw<
    Array<{ id: string; seriesId: string; titleKo: string; titleEn: string; startsAt: Date; endsAt: Date; format: string; status: string; capacity: number; confirmed: number; waitlisted: number }>
  >`
    SELECT o.id, o.series_id AS "seriesId", o.title_ko AS "titleKo", o.title_en AS "titleEn", o.starts_at AS "startsAt", o.ends_at AS "endsAt",
      o.format::text AS format, CASE WHEN o.roll_closed_at IS NULL THEN o.status::text ELSE 'CLOSED' END AS status, o.capacity,
      count(r.id) FILTER (WHERE r.status = 'CONFIRMED')::int AS confirmed,
      count(r.id) FILTER (WHERE r.status = 'WAITLISTED')::int AS waitlisted
    FROM offering o LEFT JOIN offering_registration r ON r.offering_id = o.id
    WHERE o.starts_at >= ${now()}::timestamptz - interval '31 days'
    GROUP BY o.id ORDER BY o.starts_at, o.title_ko LIMIT 500`;
}

/** One class for the academy: everything about it, its unit codes, and its roster in order. */
export async function getOfferingForAcademy(offeringId: string) {
  if (!isUuid(offeringId)) return null;
  const offering = await prisma.offering.findUnique({ where: { id: offeringId } });
  if (!offering) return null;
  const [units, roster] = await Promise.all([
    prisma.orgUnit.findMany({ where: { id: { in: offering.audienceUnitIds } }, select: { code: true } }),
    prisma.$queryRaw<Array<{ id: string; name: string; employeeNo: string | null; email: string; status: string; queuedAt: Date; unitKo: string | null; unitEn: string | null }>>`
      SELECT r.id, p.name, p.employee_no AS "employeeNo", p.email, r.status::text AS status, r.queued_at AS "queuedAt",
        un.name_ko AS "unitKo", un.name_en AS "unitEn"
      FROM offering_registration r JOIN person p ON p.id = r.person_id LEFT JOIN org_unit un ON un.id = p.org_unit_id
      WHERE r.offering_id = ${offeringId}::uuid
      ORDER BY array_position(ARRAY['CONFIRMED','WAITLISTED','CANCELLED'], r.status::text), r.queued_at, r.id`,
  ]);
  return { offering, unitCodes: units.map((u) => u.code), roster };
}

/** A lecture an organisation asked for and a lecturer accepted (ADR 035), as the class it becomes. */
export interface RequestedLecture {
  titleKo: string;
  titleEn: string;
  descriptionKo: string;
  descriptionEn: string;
  topic: string;
  startsAt: Date;
  endsAt: Date;
  place: string;
  district: string;
  lecturerUserId: string;
  capacity: number;
  /** The requesting city unit, whose staff may register; none: anyone may. */
  unitId: string | null;
  accessibility: string[];
  /** The obligation it counts toward, by its code; unknown: it counts toward none. */
  obligationCode: string;
  createdById: string;
}

/**
 * Schedule a requested lecture in the caller's transaction: in person at the requester's place,
 * the accepting lecturer as its lecturer, as many seats as the audience, for the requesting
 * unit's staff or else the public, registration open until it starts. Its roster, check-in and
 * roll are those of any class. Returns the class's id.
 */
export async function scheduleRequestedLecture(tx: Prisma.TransactionClient, lecture: RequestedLecture): Promise<string> {
  const obligation = await tx.obligation.findUnique({ where: { code: lecture.obligationCode }, select: { id: true, audienceRootId: true } });
  const at = now();
  const dayBefore = new Date(lecture.startsAt.getTime() - 86_400_000);
  const o = await tx.offering.create({
    data: {
      seriesId: randomUUID(),
      obligationId: obligation?.id ?? null,
      titleKo: lecture.titleKo,
      titleEn: lecture.titleEn,
      descriptionKo: lecture.descriptionKo,
      descriptionEn: lecture.descriptionEn,
      topic: (TOPICS as readonly string[]).includes(lecture.topic) ? lecture.topic : "GENERAL",
      format: "IN_PERSON",
      startsAt: lecture.startsAt,
      endsAt: lecture.endsAt,
      place: lecture.place,
      district: lecture.district,
      lecturerUserIds: [lecture.lecturerUserId],
      capacity: Math.min(Math.max(1, lecture.capacity), MAX_CAPACITY),
      audience: lecture.unitId ? "UNITS" : "PUBLIC",
      audienceUnitIds: lecture.unitId ? [lecture.unitId] : [],
      registrationClosesAt: lecture.startsAt,
      cancellationClosesAt: dayBefore > at ? dayBefore : at < lecture.startsAt ? at : lecture.startsAt,
      accessibility: lecture.accessibility.filter((a) => (ACCESSIBILITY as readonly string[]).includes(a)),
      orgUnitId: lecture.unitId ?? obligation?.audienceRootId ?? null,
      createdById: lecture.createdById,
      createdAt: at,
      updatedAt: at,
    },
    select: { id: true },
  });
  return o.id;
}
