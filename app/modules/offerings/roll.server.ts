import { prisma, Prisma } from "~/utils/db.server";
import { recordAudit } from "~/modules/audit/audit.server";
import type { Actor } from "~/modules/auth/permissions.server";
import { creditCourseInPerson, storeEvidence, writeSession } from "~/modules/attendance/sessions.server";
import { isUuid } from "~/utils/ids";
import { seoulDateKey } from "~/utils/i18n";
import { now } from "~/utils/clock.server";
import { renderRollPdf } from "./roll-pdf.server";
import { writeFeedbackRequests } from "./feedback.server";

/**
 * The roll call of a scheduled class and its closing (ADR 027). The class's lecturers and the
 * academy mark each seat's holder present or absent (a check-in counts as present until someone
 * marks otherwise), with the minutes attended when less than the whole class. Closing the roll,
 * once the class has started, turns those present into the class's training session through the
 * in-person path of ADR 007 (attendance, credit toward the obligation's cycle holding the class's
 * day, or the catalog course completed with its certificate) and records everyone else as a
 * no-show, and those present are sent the class's survey. A class's roll closes once: its row lock and `roll_closed_at` make a second close,
 * or two at once, change nothing.
 */

type Tx = Prisma.TransactionClient;

/** Who counts as present: marked present, or checked in and not marked absent. */
const PRESENT = Prisma.sql`COALESCE(r.roll_call = 'PRESENT', r.checked_in_at IS NOT NULL)`;

/** The roll may be marked from an hour before the class, as check-in opens. */
const MARKS_OPEN_BEFORE_MS = 60 * 60 * 1000;

export function isAcademy(actor: Pick<Actor, "roles">): boolean {
  return actor.roles.has("ACADEMY_ADMIN") || actor.roles.has("SYSTEM_ADMIN");
}

/** The condition that the actor may call this class's roll: the academy, or a lecturer listed on it. */
function mayCall(actor: Pick<Actor, "roles" | "userId">) {
  const lecturer = actor.roles.has("LECTURER");
  return Prisma.sql`(${isAcademy(actor)} OR (${lecturer} AND ${actor.userId}::uuid = ANY(o.lecturer_user_ids)))`;
}

interface LockedClass {
  id: string;
  status: string;
  titleKo: string;
  titleEn: string;
  startsAt: Date;
  endsAt: Date;
  format: string;
  place: string;
  courseId: string | null;
  obligationId: string | null;
  orgUnitId: string | null;
  audienceUnitIds: string[];
  lecturerNames: string;
  rollClosedAt: Date | null;
  trainingSessionId: string | null;
}

/** The class's row, locked, if the actor may call its roll (the rule is part of the query). */
async function lockForRoll(tx: Tx, actor: Pick<Actor, "roles" | "userId">, offeringId: string): Promise<LockedClass | null> {
  if (!isUuid(offeringId)) return null;
  const [row] = await tx.$queryRaw<LockedClass[]>`
    SELECT o.id, o.status::text AS status, o.title_ko AS "titleKo", o.title_en AS "titleEn", o.starts_at AS "startsAt", o.ends_at AS "endsAt",
      o.format::text AS format, o.place, o.course_id AS "courseId", o.obligation_id AS "obligationId", o.org_unit_id AS "orgUnitId",
      o.audience_unit_ids AS "audienceUnitIds", o.lecturer_names AS "lecturerNames",
      o.roll_closed_at AS "rollClosedAt", o.training_session_id AS "trainingSessionId"
    FROM offering o WHERE o.id = ${offeringId}::uuid AND ${mayCall(actor)}
    FOR UPDATE`;
  return row ?? null;
}

/** The class for its management page, if the actor may see it there: the academy, or one of its lecturers. */
export async function findClassForStaff(actor: Pick<Actor, "roles" | "userId">, offeringId: string) {
  if (!isUuid(offeringId)) return null;
  const [row] = await prisma.$queryRaw<Array<{ id: string }>>`
    SELECT o.id FROM offering o WHERE o.id = ${offeringId}::uuid AND ${mayCall(actor)}`;
  return row ? prisma.offering.findUnique({ where: { id: row.id } }) : null;
}

export function classMinutes(o: { startsAt: Date; endsAt: Date }): number {
  return Math.round((o.endsAt.getTime() - o.startsAt.getTime()) / 60_000);
}

export interface RollRow {
  id: string;
  personId: string;
  name: string;
  employeeNo: string | null;
  unitKo: string | null;
  unitEn: string | null;
  checkedInAt: Date | null;
  checkInMethod: string | null;
  rollCall: "PRESENT" | "ABSENT" | null;
  attendedMinutes: number | null;
  present: boolean;
  noShowAt: Date | null;
}

/** Everyone with a seat, with their check-in, mark and whether they count as present. */
export async function getRoll(offeringId: string): Promise<RollRow[]> {
  if (!isUuid(offeringId)) return [];
  return prisma.$queryRaw<RollRow[]>`
    SELECT r.id, r.person_id AS "personId", p.name, p.employee_no AS "employeeNo", un.name_ko AS "unitKo", un.name_en AS "unitEn",
      r.checked_in_at AS "checkedInAt", r.check_in_method AS "checkInMethod", r.roll_call::text AS "rollCall",
      r.attended_minutes AS "attendedMinutes", ${PRESENT} AS present, r.no_show_at AS "noShowAt"
    FROM offering_registration r JOIN person p ON p.id = r.person_id LEFT JOIN org_unit un ON un.id = p.org_unit_id
    WHERE r.offering_id = ${offeringId}::uuid AND r.status = 'CONFIRMED'
    ORDER BY p.name, p.employee_no, r.id`;
}

export interface Mark {
  registrationId: string;
  /** "" leaves it unmarked (a check-in then counts). */
  state: "PRESENT" | "ABSENT" | "";
  /** Minutes attended; null for the whole class. */
  minutes: number | null;
}

export type MarkOutcome = { ok: true; changed: number } | { ok: false; problem: "notFound" | "cancelled" | "closed" | "notOpen" | "minutes" };

/** The marks of a submitted roll-call form: `roll:<id>` (PRESENT, ABSENT) and `minutes:<id>`, for the seats listed in `seat`. */
export function marksFromForm(form: FormData): Mark[] {
  return form
    .getAll("seat")
    .map(String)
    .filter(isUuid)
    .map((id) => {
      const state = String(form.get(`roll:${id}`) ?? "");
      const minutesText = String(form.get(`minutes:${id}`) ?? "").trim();
      return {
        registrationId: id,
        state: state === "PRESENT" || state === "ABSENT" ? state : "",
        minutes: minutesText === "" ? null : Number(minutesText),
      };
    });
}

/**
 * Record the roll call: each mark changes its seat only when it differs from what the seat
 * already counts as, in one statement under the class's lock. Someone marked present after the
 * class ended stops being a no-show; someone marked absent after it ended becomes one. Audited
 * with the changes.
 */
export async function markRoll(actor: Actor, offeringId: string, marks: Mark[]): Promise<MarkOutcome> {
  const at = now();
  return prisma.$transaction(async (tx) => {
    const o = await lockForRoll(tx, actor, offeringId);
    if (!o) return { ok: false as const, problem: "notFound" as const };
    if (o.status === "CANCELLED") return { ok: false as const, problem: "cancelled" as const };
    if (o.rollClosedAt) return { ok: false as const, problem: "closed" as const };
    if (at.getTime() < o.startsAt.getTime() - MARKS_OPEN_BEFORE_MS) return { ok: false as const, problem: "notOpen" as const };
    const length = classMinutes(o);
    if (marks.some((m) => m.minutes !== null && (!Number.isInteger(m.minutes) || m.minutes < 0 || m.minutes > length))) {
      return { ok: false as const, problem: "minutes" as const };
    }
    if (marks.length === 0) return { ok: true as const, changed: 0 };
    const ids = marks.map((m) => m.registrationId);
    const states = marks.map((m) => m.state);
    const minutes = marks.map((m) => m.minutes);
    const changed = await tx.$queryRaw<Array<{ personId: string; rollCall: string | null; attendedMinutes: number | null }>>`
      UPDATE offering_registration r SET roll_call = NULLIF(m.state, '')::"RollCall", attended_minutes = m.minutes,
        roll_marked_at = ${at}::timestamptz, roll_marked_by_id = ${actor.userId}::uuid,
        no_show_at = CASE
          WHEN m.state = 'PRESENT' OR (m.state = '' AND r.checked_in_at IS NOT NULL) THEN NULL
          WHEN ${o.endsAt}::timestamptz <= ${at}::timestamptz THEN COALESCE(r.no_show_at, ${at}::timestamptz)
          ELSE NULL END
      FROM unnest(${ids}::uuid[], ${states}::text[], ${minutes}::int[]) AS m(id, state, minutes)
      WHERE r.id = m.id AND r.offering_id = ${o.id}::uuid AND r.status = 'CONFIRMED'
        AND (COALESCE(r.roll_call::text, '') IS DISTINCT FROM m.state OR r.attended_minutes IS DISTINCT FROM m.minutes)
        AND NOT (m.state = 'PRESENT' AND r.roll_call IS NULL AND r.checked_in_at IS NOT NULL AND r.attended_minutes IS NOT DISTINCT FROM m.minutes)
      RETURNING r.person_id AS "personId", r.roll_call::text AS "rollCall", r.attended_minutes AS "attendedMinutes"`;
    if (changed.length) {
      await recordAudit({ actorUserId: actor.userId, action: "offering.roll-call", entityType: "offering", entityId: o.id, data: { marks: changed } }, tx);
    }
    return { ok: true as const, changed: changed.length };
  });
}

export type CloseProblem = "notFound" | "cancelled" | "notStarted" | "noCycle" | "cycleNotOpen" | "confirm";

export interface CloseSummary {
  /** False when the roll had already been closed (nothing was changed this time). */
  closedNow: boolean;
  sessionId: string | null;
  present: number;
  /** Obligation assignments or catalog enrolments completed in person. */
  completed: number;
  certificates: number;
  noShows: number;
}

/** `mail`: the survey invitations written to the outbox, to deliver once committed. */
export type CloseOutcome = { ok: true; summary: CloseSummary; mail: string[] } | { ok: false; problem: CloseProblem };

/** The unit a class's session is recorded under: the class's own, else its first audience unit, else the tree's root. */
async function sessionUnit(tx: Tx, o: LockedClass): Promise<string> {
  if (o.orgUnitId) return o.orgUnitId;
  if (o.audienceUnitIds?.[0]) return o.audienceUnitIds[0];
  const [root] = await tx.$queryRaw<Array<{ id: string }>>`SELECT id FROM org_unit WHERE parent_id IS NULL ORDER BY code LIMIT 1`;
  return root!.id;
}

/**
 * Close the class's roll (an explicit, confirmed action, allowed once the class has started).
 * In one transaction under the class's lock: those present become the attendance of a new
 * training session (with the roll itself, as a PDF, for its evidence), which completes the open
 * assignments of the obligation's cycle holding the class's day, or, for a catalog course, each
 * attendee's enrolment with a certificate; the other seats are recorded as no-shows; the class
 * keeps the session's id. A class whose roll is closed already returns what it recorded.
 */
export async function closeRoll(actor: Actor, offeringId: string, confirmed: boolean): Promise<CloseOutcome> {
  if (!confirmed) return { ok: false, problem: "confirm" };
  const at = now();
  return prisma.$transaction(
    async (tx): Promise<CloseOutcome> => {
      const o = await lockForRoll(tx, actor, offeringId);
      if (!o) return { ok: false, problem: "notFound" };
      if (o.status === "CANCELLED") return { ok: false, problem: "cancelled" };
      if (o.rollClosedAt) return { ok: true, summary: await closedSummary(tx, o), mail: [] };
      if (at < o.startsAt) return { ok: false, problem: "notStarted" };
      const heldOn = seoulDateKey(o.startsAt);
      let cycleIds: string[] = [];
      if (o.obligationId) {
        const [cycle] = await tx.$queryRaw<Array<{ id: string; status: string }>>`
          SELECT id, status::text AS status FROM cycle
          WHERE obligation_id = ${o.obligationId}::uuid AND starts_on <= ${heldOn}::date AND ends_on >= ${heldOn}::date
          ORDER BY (status = 'OPEN') DESC, starts_on DESC LIMIT 1`;
        if (!cycle) return { ok: false, problem: "noCycle" };
        if (cycle.status !== "OPEN") return { ok: false, problem: "cycleNotOpen" };
        cycleIds = [cycle.id];
      }
      const roll = await tx.$queryRaw<Array<{ id: string; personId: string; name: string; employeeNo: string | null; present: boolean; minutes: number | null; how: string }>>`
        SELECT r.id, r.person_id AS "personId", p.name, p.employee_no AS "employeeNo", ${PRESENT} AS present,
          r.attended_minutes AS minutes,
          CASE WHEN r.roll_call IS NOT NULL THEN lower(r.roll_call::text) ELSE COALESCE(r.check_in_method, '') END AS how
        FROM offering_registration r JOIN person p ON p.id = r.person_id
        WHERE r.offering_id = ${o.id}::uuid AND r.status = 'CONFIRMED'
        ORDER BY p.name, p.employee_no, r.id`;
      const present = roll.filter((r) => r.present);
      const minutes = classMinutes(o);
      let sessionId: string | null = null;
      let completed = 0;
      let certificates = 0;
      if (present.length > 0) {
        const pdf = await renderRollPdf({ ...o, minutes, closedAt: at, rows: roll });
        const file = await storeEvidence(tx, actor.userId, { fileName: `roll-${heldOn}.pdf`, bytes: pdf }, "application/pdf", "roll.pdf");
        const place = o.format === "LIVE_ONLINE" ? "실시간 온라인 / Live online" : o.place;
        const written = await writeSession(
          tx,
          { title: o.titleKo, heldOn, minutes, place, orgUnitId: await sessionUnit(tx, o), evidenceId: file.id, recordedById: actor.userId, cycleIds },
          present.map((p) => ({ personId: p.personId, minutes: p.minutes })),
        );
        sessionId = written.sessionId;
        completed = written.completed;
        if (o.courseId) {
          const course = await creditCourseInPerson(tx, sessionId, o.courseId, heldOn);
          completed = course.completed;
          certificates = course.certificates;
        }
      }
      const absent = roll.filter((r) => !r.present).map((r) => r.id);
      const noShows = await tx.$executeRaw`
        UPDATE offering_registration SET no_show_at = ${at}::timestamptz
        WHERE id = ANY(${absent}::uuid[]) AND no_show_at IS NULL`;
      await tx.offering.update({ where: { id: o.id }, data: { rollClosedAt: at, rollClosedById: actor.userId, trainingSessionId: sessionId, updatedAt: at } });
      // The survey goes to those who attended, through the outbox, once.
      const mail = sessionId ? await writeFeedbackRequests(tx, o.id) : [];
      const summary: CloseSummary = { closedNow: true, sessionId, present: present.length, completed, certificates, noShows: absent.length };
      await recordAudit(
        {
          actorUserId: actor.userId,
          action: "offering.close-roll",
          entityType: "offering",
          entityId: o.id,
          data: { ...summary, newNoShows: noShows, cycleIds, heldOn, presentIds: present.map((p) => p.personId), absentIds: roll.filter((r) => !r.present).map((r) => r.personId) },
        },
        tx,
      );
      return { ok: true, summary, mail };
    },
    { timeout: 30_000 },
  );
}

/** What a closed roll recorded, read back (closing again changes nothing). */
async function closedSummary(db: Tx | typeof prisma, o: { id: string; trainingSessionId: string | null }): Promise<CloseSummary> {
  const [row] = await db.$queryRaw<Array<{ present: number; completed: number; certificates: number; noShows: number }>>`
    SELECT (SELECT count(*)::int FROM session_attendance sa WHERE sa.session_id = ${o.trainingSessionId}::uuid) AS present,
      (SELECT count(*)::int FROM assignment a JOIN session_attendance sa ON sa.id = a.attendance_id WHERE sa.session_id = ${o.trainingSessionId}::uuid) AS completed,
      (SELECT count(*)::int FROM certificate c JOIN assignment a ON a.id = c.assignment_id JOIN session_attendance sa ON sa.id = a.attendance_id
        WHERE sa.session_id = ${o.trainingSessionId}::uuid) AS certificates,
      (SELECT count(*)::int FROM offering_registration r WHERE r.offering_id = ${o.id}::uuid AND r.status = 'CONFIRMED' AND r.no_show_at IS NOT NULL) AS "noShows"`;
  return { closedNow: false, sessionId: o.trainingSessionId, ...(row ?? { present: 0, completed: 0, certificates: 0, noShows: 0 }) };
}

/** What the closed roll of a class recorded, for its management page. */
export async function closedRollSummary(o: { id: string; trainingSessionId: string | null }) {
  return closedSummary(prisma, o);
}

/**
 * The worker's tick: the seats of classes that ended (in the last month) whose holders neither
 * checked in nor were marked present are recorded as no-shows, in one statement; marking them
 * present later takes it back. Returns how many were recorded.
 */
export async function recordNoShows(at: Date): Promise<number> {
  return prisma.$executeRaw`
    UPDATE offering_registration r SET no_show_at = ${at}::timestamptz
    FROM offering o
    WHERE o.id = r.offering_id AND o.status = 'SCHEDULED' AND o.roll_closed_at IS NULL
      AND o.starts_at > ${at}::timestamptz - interval '31 days' AND o.ends_at <= ${at}::timestamptz
      AND r.status = 'CONFIRMED' AND r.no_show_at IS NULL AND NOT ${PRESENT}`;
}
