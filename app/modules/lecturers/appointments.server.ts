import type { Prisma as PrismaTypes } from "~/generated/prisma/client";
import { Prisma, prisma } from "~/utils/db.server";
import { recordAudit } from "~/modules/audit/audit.server";
import { maskName, newVerificationCode, normalizeVerificationCode } from "~/modules/certificates/certificates.server";
import { now } from "~/utils/clock.server";
import { isUuid } from "~/utils/ids";
import { seoulDateKey, TIME_ZONE } from "~/utils/i18n";
import { APPOINTMENT_ENDING_NOTICE_DAYS, APPOINTMENT_TERM_YEARS, RENEWAL_CONTINUING_HOURS } from "./codes";
import { writeLecturerMail } from "./practicum.server";

type Tx = PrismaTypes.TransactionClient;
const DAY_KEY = /^\d{4}-\d{2}-\d{2}$/;

/**
 * Appointments (ADR 034): the academy appoints a trainee who passed the practicum for a term;
 * the appointment is a credential anyone can verify; renewal is a new appointment, allowed after
 * enough continuing education within the term; the worker tells the lecturer before the term
 * ends and ends it after.
 */

function dayDate(key: string): Date {
  return new Date(`${key}T00:00:00Z`);
}

function dayKey(d: Date): string {
  return d.toISOString().slice(0, 10);
}

function addDays(key: string, days: number): string {
  return dayKey(new Date(dayDate(key).getTime() + days * 86_400_000));
}

/** The default last day of a term that starts on `start`: the day before the same date APPOINTMENT_TERM_YEARS later. */
export function termEnd(start: string, years = APPOINTMENT_TERM_YEARS): string {
  const d = dayDate(start);
  d.setUTCFullYear(d.getUTCFullYear() + years);
  return addDays(dayKey(d), -1);
}

function validKey(v: string | undefined | null): v is string {
  return typeof v === "string" && DAY_KEY.test(v) && !Number.isNaN(dayDate(v).getTime()) && dayKey(dayDate(v)) === v;
}

export const APPOINT_PROBLEMS = ["notFound", "notPassed", "noAccount", "dates", "already", "hours", "gap"] as const;
export type AppointProblem = (typeof APPOINT_PROBLEMS)[number];
export type AppointResult = { ok: true; appointmentId: string; outbox: string[] } | { ok: false; problem: AppointProblem; hours?: number };

function termOf(input: { startsOn?: string | null; endsOn?: string | null }, defaultStart: string): { start: string; end: string } | null {
  const start = input.startsOn?.trim() ? input.startsOn.trim() : defaultStart;
  if (!validKey(start)) return null;
  const end = input.endsOn?.trim() ? input.endsOn.trim() : termEnd(start);
  if (!validKey(end) || end < start) return null;
  return { start, end };
}

/** The credential's number: HRL-<year>-<serial of the year>, taken under a lock so two appointments never share one. */
async function nextNumber(tx: Tx, year: string): Promise<string> {
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext('lecturer_appointment_number'))`;
  const [row] = await tx.$queryRaw<Array<{ n: number }>>`
    SELECT COALESCE(MAX(split_part(number, '-', 3)::int), 0)::int + 1 AS n FROM lecturer_appointment WHERE number LIKE ${`HRL-${year}-%`}`;
  return `HRL-${year}-${String(row!.n).padStart(4, "0")}`;
}

const ACADEMY = Prisma.sql`ARRAY['ACADEMY_ADMIN', 'SYSTEM_ADMIN']::text[]`;
function isAcademy(userId: string) {
  return Prisma.sql`EXISTS (SELECT 1 FROM role_grant g JOIN app_user gu ON gu.id = g.user_id WHERE g.user_id = ${userId}::uuid AND gu.disabled_at IS NULL AND g.role::text = ANY(${ACADEMY}))`;
}

/** The LECTURER role for the person's account, unless they hold it; audited. */
async function grantLecturer(tx: Tx, actorUserId: string, userId: string, appointmentId: string) {
  const existing = await tx.roleGrant.findFirst({ where: { userId, role: "LECTURER", orgUnitId: null }, select: { id: true } });
  if (existing) return;
  const grant = await tx.roleGrant.create({ data: { userId, role: "LECTURER" }, select: { id: true } });
  await recordAudit({ actorUserId, action: "role.grant", entityType: "user", entityId: userId, data: { grantId: grant.id, role: "LECTURER", appointmentId } }, tx);
}

/**
 * Appoint a trainee who passed the practicum: for APPOINTMENT_TERM_YEARS from today unless the
 * administrator sets the dates. Writes the credential, grants the LECTURER role, marks the
 * trainee APPOINTED, audits and tells them, in one transaction.
 */
export async function appointLecturer(actorUserId: string, traineeId: string, input: { startsOn?: string | null; endsOn?: string | null }): Promise<AppointResult> {
  if (!isUuid(traineeId)) return { ok: false, problem: "notFound" };
  return prisma.$transaction(async (tx) => {
    const [t] = await tx.$queryRaw<Array<{ id: string; personId: string; status: string; passed: boolean; appointed: boolean; userId: string | null }>>`
      SELECT t.id, t.person_id AS "personId", t.status::text AS status,
        EXISTS (SELECT 1 FROM practicum_attempt a WHERE a.trainee_id = t.id AND a.status = 'PASSED') AS passed,
        EXISTS (SELECT 1 FROM lecturer_appointment x WHERE x.trainee_id = t.id) AS appointed,
        (SELECT u.id FROM app_user u WHERE u.person_id = t.person_id AND u.disabled_at IS NULL) AS "userId"
      FROM lecturer_trainee t
      WHERE t.id = ${traineeId}::uuid AND ${isAcademy(actorUserId)}
      FOR UPDATE OF t`;
    if (!t) return { ok: false as const, problem: "notFound" as const };
    if (t.appointed) return { ok: false as const, problem: "already" as const };
    if (t.status !== "PRACTICUM" || !t.passed) return { ok: false as const, problem: "notPassed" as const };
    if (!t.userId) return { ok: false as const, problem: "noAccount" as const };
    const term = termOf(input, seoulDateKey(now()));
    if (!term) return { ok: false as const, problem: "dates" as const };
    const at = now();
    const appointment = await tx.lecturerAppointment.create({
      data: {
        personId: t.personId,
        traineeId: t.id,
        number: await nextNumber(tx, term.start.slice(0, 4)),
        verificationCode: newVerificationCode(),
        startsOn: dayDate(term.start),
        endsOn: dayDate(term.end),
        appointedById: actorUserId,
        appointedAt: at,
      },
      select: { id: true, number: true },
    });
    await grantLecturer(tx, actorUserId, t.userId, appointment.id);
    await tx.lecturerTrainee.update({ where: { id: t.id }, data: { status: "APPOINTED" } });
    await recordAudit({ actorUserId, action: "lecturer.appoint", entityType: "lecturer_appointment", entityId: appointment.id, data: { traineeId: t.id, number: appointment.number, startsOn: term.start, endsOn: term.end } }, tx);
    const outbox = await writeLecturerMail(tx, t.personId, `lecturer-appointed:${appointment.id}`, { kind: "appointed", appointmentId: appointment.id });
    return { ok: true as const, appointmentId: appointment.id, outbox };
  });
}

/**
 * Continuing education within a term (ADR 034), in hours: the recognised hours on the valid
 * certificates of courses completed within it (online or as a recognised equivalent), plus the
 * length of the in-person classes the person is recorded as attending within it (a class that
 * completed a course counts once, as the class).
 */
export async function continuingHours(tx: Tx | typeof prisma, personId: string, from: string, to: string): Promise<{ courses: number; classes: number; total: number }> {
  const [row] = await tx.$queryRaw<Array<{ courses: number; classes: number }>>`
    SELECT
      COALESCE((SELECT SUM(c.recognised_hours) FROM certificate c JOIN assignment a ON a.id = c.assignment_id
        WHERE a.person_id = ${personId}::uuid AND c.status = 'VALID' AND a.completion_mode IS DISTINCT FROM 'IN_PERSON'
          AND (a.completed_at AT TIME ZONE ${TIME_ZONE})::date BETWEEN ${from}::date AND ${to}::date), 0)::float8 AS courses,
      COALESCE((SELECT SUM(ts.minutes) FROM session_attendance sa JOIN training_session ts ON ts.id = sa.session_id
        WHERE sa.person_id = ${personId}::uuid AND ts.held_on BETWEEN ${from}::date AND ${to}::date), 0)::float8 / 60 AS classes`;
  const courses = Number(row!.courses);
  const classes = Math.round(Number(row!.classes) * 100) / 100;
  return { courses, classes, total: courses + classes };
}

/**
 * Renew an appointment: a new appointment that names the old one, allowed once per appointment
 * and only when the lecturer completed RENEWAL_CONTINUING_HOURS of continuing education within
 * the old term. It starts the day after the old term (or today, when that has passed) and may
 * not leave a gap after it.
 */
export async function renewAppointment(actorUserId: string, appointmentId: string, input: { startsOn?: string | null; endsOn?: string | null }): Promise<AppointResult> {
  if (!isUuid(appointmentId)) return { ok: false, problem: "notFound" };
  return prisma.$transaction(async (tx) => {
    const [old] = await tx.$queryRaw<Array<{ id: string; personId: string; traineeId: string | null; startsOn: Date; endsOn: Date; renewed: boolean; userId: string | null }>>`
      SELECT a.id, a.person_id AS "personId", a.trainee_id AS "traineeId", a.starts_on AS "startsOn", a.ends_on AS "endsOn",
        EXISTS (SELECT 1 FROM lecturer_appointment r WHERE r.renews_id = a.id) AS renewed,
        (SELECT u.id FROM app_user u WHERE u.person_id = a.person_id AND u.disabled_at IS NULL) AS "userId"
      FROM lecturer_appointment a
      WHERE a.id = ${appointmentId}::uuid AND ${isAcademy(actorUserId)}
      FOR UPDATE OF a`;
    if (!old) return { ok: false as const, problem: "notFound" as const };
    if (old.renewed) return { ok: false as const, problem: "already" as const };
    if (!old.userId) return { ok: false as const, problem: "noAccount" as const };
    const hours = await continuingHours(tx, old.personId, dayKey(old.startsOn), dayKey(old.endsOn));
    if (hours.total < RENEWAL_CONTINUING_HOURS) return { ok: false as const, problem: "hours" as const, hours: hours.total };
    const today = seoulDateKey(now());
    const next = addDays(dayKey(old.endsOn), 1);
    const term = termOf(input, next > today ? next : today);
    if (!term) return { ok: false as const, problem: "dates" as const };
    if (term.start > next && term.start > today) return { ok: false as const, problem: "gap" as const };
    const appointment = await tx.lecturerAppointment.create({
      data: {
        personId: old.personId,
        traineeId: old.traineeId,
        renewsId: old.id,
        number: await nextNumber(tx, term.start.slice(0, 4)),
        verificationCode: newVerificationCode(),
        startsOn: dayDate(term.start),
        endsOn: dayDate(term.end),
        appointedById: actorUserId,
        appointedAt: now(),
      },
      select: { id: true, number: true },
    });
    await grantLecturer(tx, actorUserId, old.userId, appointment.id);
    await recordAudit(
      { actorUserId, action: "lecturer.renew", entityType: "lecturer_appointment", entityId: appointment.id, data: { renews: old.id, number: appointment.number, startsOn: term.start, endsOn: term.end, hours: hours.total } },
      tx,
    );
    const outbox = await writeLecturerMail(tx, old.personId, `lecturer-appointed:${appointment.id}`, { kind: "appointed", appointmentId: appointment.id });
    return { ok: true as const, appointmentId: appointment.id, outbox };
  });
}

/** An appointment that has not ended and whose term covers `today` (a Seoul day), as SQL on alias x. */
function activeOn(today: string, alias = "x") {
  const x = Prisma.raw(alias);
  return Prisma.sql`(${x}.ended_at IS NULL AND ${x}.starts_on <= ${today}::date AND ${x}.ends_on >= ${today}::date)`;
}

/**
 * The worker's step for terms (each reminder tick), set-based and safe to run any number of
 * times: once, APPOINTMENT_ENDING_NOTICE_DAYS before a term's last day, a notice to the outbox
 * (not for a term already renewed); after the last day, the appointment ends ("renewed" when a
 * renewal follows, else "lapsed"), the LECTURER role goes unless another appointment is active,
 * and the directory profile is unpublished likewise. Each ending is audited in the same statement.
 */
export async function runAppointmentTerms(at: Date, onlyPersonIds: string[] = []): Promise<{ notices: string[]; ended: number; revoked: number; unpublished: number }> {
  const today = seoulDateKey(at);
  // Everyone, unless told (a test looks at its own people only).
  const scope = onlyPersonIds.length ? Prisma.sql`AND a.person_id = ANY(${onlyPersonIds}::uuid[])` : Prisma.empty;
  const notices = await prisma.$queryRaw<Array<{ id: string }>>`
    WITH due AS (
      UPDATE lecturer_appointment a SET ending_notice_at = ${at}::timestamptz
      WHERE a.ending_notice_at IS NULL AND a.ended_at IS NULL
        AND a.ends_on >= ${today}::date AND a.ends_on - ${APPOINTMENT_ENDING_NOTICE_DAYS}::int <= ${today}::date
        AND NOT EXISTS (SELECT 1 FROM lecturer_appointment r WHERE r.renews_id = a.id) ${scope}
      RETURNING a.id, a.person_id
    )
    INSERT INTO outbox_email (dedupe_key, to_address, template, locale, payload)
    SELECT 'appointment-ending:' || d.id, COALESCE(u.email, p.email), 'lecturer-programme', COALESCE(u.locale, 'ko'::"Locale"),
           jsonb_build_object('kind', 'appointment-ending', 'appointmentId', d.id)
    FROM due d JOIN person p ON p.id = d.person_id LEFT JOIN app_user u ON u.person_id = p.id
    ON CONFLICT (dedupe_key) DO NOTHING
    RETURNING id`;
  const [counts] = await prisma.$queryRaw<Array<{ ended: number; revoked: number; unpublished: number }>>`
    WITH ended AS (
      UPDATE lecturer_appointment a SET ended_at = ${at}::timestamptz,
        end_reason = CASE WHEN EXISTS (SELECT 1 FROM lecturer_appointment r WHERE r.renews_id = a.id) THEN 'renewed' ELSE 'lapsed' END
      WHERE a.ended_at IS NULL AND a.ends_on < ${today}::date ${scope}
      RETURNING a.id, a.person_id, a.end_reason
    ),
    gone AS (
      SELECT DISTINCT e.person_id FROM ended e
      WHERE NOT EXISTS (SELECT 1 FROM lecturer_appointment x WHERE x.person_id = e.person_id AND ${activeOn(today)})
    ),
    revoked AS (
      DELETE FROM role_grant g USING app_user u
      WHERE g.user_id = u.id AND g.role = 'LECTURER' AND u.person_id IN (SELECT person_id FROM gone)
      RETURNING g.id, g.user_id
    ),
    unpublished AS (
      UPDATE lecturer_profile lp SET published = false, updated_at = ${at}::timestamptz
      WHERE lp.published AND lp.person_id IN (SELECT person_id FROM gone)
      RETURNING lp.person_id
    ),
    audit_end AS (
      INSERT INTO audit_event (actor_user_id, action, entity_type, entity_id, data)
      SELECT NULL, 'lecturer.appointment.end', 'lecturer_appointment', e.id::text, jsonb_build_object('endReason', e.end_reason)
      FROM ended e
    ),
    audit_role AS (
      INSERT INTO audit_event (actor_user_id, action, entity_type, entity_id, data)
      SELECT NULL, 'role.revoke', 'user', r.user_id::text, jsonb_build_object('grantId', r.id, 'role', 'LECTURER', 'because', 'appointment ended')
      FROM revoked r
    )
    SELECT (SELECT count(*) FROM ended)::int AS ended, (SELECT count(*) FROM revoked)::int AS revoked, (SELECT count(*) FROM unpublished)::int AS unpublished`;
  return { notices: notices.map((n) => n.id), ...counts! };
}

/** The academy's list of appointments not ended, with the continuing education each holds within its term. */
export async function academyAppointments() {
  const today = seoulDateKey(now());
  return prisma.$queryRaw<Array<{ id: string; name: string; number: string; startsOn: Date; endsOn: Date; renewed: boolean; hours: number }>>`
    SELECT a.id, p.name, a.number, a.starts_on AS "startsOn", a.ends_on AS "endsOn",
      EXISTS (SELECT 1 FROM lecturer_appointment r WHERE r.renews_id = a.id) AS renewed,
      (COALESCE((SELECT SUM(c.recognised_hours) FROM certificate c JOIN assignment s ON s.id = c.assignment_id
          WHERE s.person_id = a.person_id AND c.status = 'VALID' AND s.completion_mode IS DISTINCT FROM 'IN_PERSON'
            AND (s.completed_at AT TIME ZONE ${TIME_ZONE})::date BETWEEN a.starts_on AND a.ends_on), 0)
       + COALESCE((SELECT SUM(ts.minutes) FROM session_attendance sa JOIN training_session ts ON ts.id = sa.session_id
          WHERE sa.person_id = a.person_id AND ts.held_on BETWEEN a.starts_on AND a.ends_on), 0)::float8 / 60)::float8 AS hours
    FROM lecturer_appointment a JOIN person p ON p.id = a.person_id
    WHERE a.ended_at IS NULL AND a.ends_on >= ${today}::date
    ORDER BY a.ends_on, a.id
    LIMIT 500`;
}

/** The lecturer's own appointments, newest first. */
export function appointmentsOfUser(userId: string) {
  return prisma.lecturerAppointment.findMany({
    where: { person: { user: { id: userId } } },
    orderBy: { startsOn: "desc" },
    select: { id: true, number: true, verificationCode: true, startsOn: true, endsOn: true, endedAt: true, endReason: true },
  });
}

export type CredentialStatus = "VALID" | "NOT_YET" | "ENDED";

/** The public check of a lecturer's credential by its code: number, name partly hidden, term and whether it holds today. */
export async function verifyAppointment(code: string) {
  const normalized = normalizeVerificationCode(code);
  if (!normalized) return null;
  const a = await prisma.lecturerAppointment.findUnique({
    where: { verificationCode: normalized },
    select: { number: true, verificationCode: true, startsOn: true, endsOn: true, endedAt: true, person: { select: { name: true } } },
  });
  if (!a) return null;
  const today = seoulDateKey(now());
  const status: CredentialStatus = a.endedAt || dayKey(a.endsOn) < today ? "ENDED" : dayKey(a.startsOn) > today ? "NOT_YET" : "VALID";
  return { number: a.number, verificationCode: a.verificationCode, holderName: maskName(a.person.name), startsOn: dayKey(a.startsOn), endsOn: dayKey(a.endsOn), status };
}
