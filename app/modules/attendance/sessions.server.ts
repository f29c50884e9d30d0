import { createHash } from "node:crypto";
import { prisma, Prisma } from "~/utils/db.server";
import { plainText } from "~/utils/text";
import { recordAudit } from "~/modules/audit/audit.server";
import type { Actor } from "~/modules/auth/permissions.server";
import { subtreeScope, unitIsInScope } from "~/modules/org/org.server";
import { isUuid } from "~/utils/ids";
import { isDateKey, seoulDateKey } from "~/utils/i18n";
import { now } from "~/utils/clock.server";
import { issueCertificates } from "~/modules/certificates/certificates.server";
import { advanceTraineesAfterCompletion } from "~/modules/lecturers/stages.server";

/** A signed attendance sheet: a scan (PDF) or a photo (JPEG, PNG). */
export const MAX_EVIDENCE_BYTES = 10 * 1024 * 1024;
export const MAX_ATTENDEES = 5000;

/**
 * Why a session could not be recorded. `field` names the form field; `params`
 * fill the message (numbers that were not accepted, a cycle's dates, …).
 * Nothing is recorded when one is thrown.
 */
export class SessionInputError extends Error {
  constructor(
    public field: "title" | "heldOn" | "minutes" | "place" | "orgUnitId" | "cycleIds" | "attendees" | "evidence",
    public code: string,
    public params: Record<string, string | number | Bilingual> = {},
  ) {
    super(`${field}: ${code}`);
  }

  /** The message's parameters in the reader's language (a duty is named by its title, never its code). */
  paramsIn(locale: "ko" | "en"): Record<string, string | number> {
    return Object.fromEntries(Object.entries(this.params).map(([k, v]) => [k, typeof v === "object" ? v[locale] : v]));
  }
}

export interface Bilingual {
  ko: string;
  en: string;
}

/** A cycle as people name it: the obligation's title and the cycle's label ("연간 인권교육 · 2026"). */
export function cycleName(obligation: { titleKo: string; titleEn: string }, label: string): Bilingual {
  return { ko: `${obligation.titleKo} · ${label}`, en: `${obligation.titleEn} · ${label}` };
}

export interface SessionInput {
  title: string;
  heldOn: string;
  minutes: number;
  place: string;
  orgUnitId: string;
  cycleIds: string[];
  /** Employee numbers as typed or pasted from the sheet: separated by spaces, commas or new lines. */
  attendees: string;
  evidence: EvidenceUpload | null;
}

export interface SessionResult {
  sessionId: string;
  attendees: number;
  /** Assignments this session completed. */
  completed: number;
  /** Attendees who had already completed or been exempted from every chosen cycle. */
  alreadyDone: number;
  /** Attendees who owe none of the chosen cycles (recorded, nothing counted). */
  notOwed: number;
}

/** Tell the file's type from its first bytes, not from its name or the browser's claim. */
export function sniffEvidence(bytes: Uint8Array): "application/pdf" | "image/png" | "image/jpeg" | null {
  const starts = (...sig: number[]) => sig.every((b, i) => bytes[i] === b);
  if (starts(0x25, 0x50, 0x44, 0x46, 0x2d)) return "application/pdf";
  if (starts(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a)) return "image/png";
  if (starts(0xff, 0xd8, 0xff)) return "image/jpeg";
  return null;
}

export type EvidenceMediaType = NonNullable<ReturnType<typeof sniffEvidence>>;
export interface EvidenceUpload {
  fileName: string;
  bytes: Uint8Array;
}

/**
 * The checks every piece of evidence passes (a signed sheet, a certificate of
 * completion from elsewhere): present, at most MAX_EVIDENCE_BYTES, and a PDF,
 * PNG or JPEG by its content. Returns the type, or why it was refused.
 */
export function checkEvidence(evidence: EvidenceUpload | null): { mediaType: EvidenceMediaType } | { refused: "missing" | "tooLarge" | "type" } {
  if (!evidence || evidence.bytes.byteLength === 0) return { refused: "missing" };
  if (evidence.bytes.byteLength > MAX_EVIDENCE_BYTES) return { refused: "tooLarge" };
  const mediaType = sniffEvidence(evidence.bytes);
  return mediaType ? { mediaType } : { refused: "type" };
}

/** Keep a checked piece of evidence in the database (ADR 007), with its SHA-256, inside the caller's transaction. */
export async function storeEvidence(tx: Prisma.TransactionClient, uploadedById: string, evidence: EvidenceUpload, mediaType: EvidenceMediaType, fallbackName: string) {
  const sha256 = createHash("sha256").update(evidence.bytes).digest("hex");
  return tx.evidenceFile.create({
    data: {
      fileName: evidence.fileName.replace(/[\r\n"\\/]/g, "_").slice(0, 200) || fallbackName,
      mediaType,
      size: evidence.bytes.byteLength,
      sha256,
      content: Buffer.from(evidence.bytes),
      uploadedById,
    },
  });
}

/** The response that sends a piece of evidence: always as a download under the server's name, never rendered inline. */
export function evidenceResponse(file: { content: Uint8Array<ArrayBuffer>; mediaType: string; size: number }, downloadName: string) {
  return new Response(file.content, {
    headers: {
      "Content-Type": file.mediaType,
      "Content-Length": String(file.size),
      "Content-Disposition": `attachment; filename="${downloadName}"`,
      "X-Content-Type-Options": "nosniff",
      // Even opened directly, the file runs no script and reaches nothing.
      "Content-Security-Policy": "sandbox; default-src 'none'",
      "Cache-Control": "private, no-store",
    },
  });
}

export function parseEmployeeNumbers(text: string): string[] {
  return [...new Set(text.split(/[\s,;]+/).map((s) => s.trim()).filter(Boolean))];
}

/** Open cycles an officer can record a session toward, with what their obligations allow. */
export async function sessionCycleOptions() {
  const cycles = await prisma.cycle.findMany({
    where: { status: "OPEN" },
    include: { obligation: { select: { code: true, titleKo: true, titleEn: true, sharedSessions: true } } },
    orderBy: [{ startsOn: "desc" }, { obligation: { code: "asc" } }],
  });
  return cycles.map((c) => ({
    id: c.id,
    label: c.label,
    startsOn: c.startsOn,
    endsOn: c.endsOn,
    obligationCode: c.obligation.code,
    titleKo: c.obligation.titleKo,
    titleEn: c.obligation.titleEn,
    sharedSessions: c.obligation.sharedSessions,
  }));
}

/** Units an officer may record a session for: their own subtrees, shallow ones first. */
export async function sessionUnitOptions(actor: Actor) {
  if (actor.hrScopeUnitIds.length === 0) return [];
  return prisma.$queryRaw<Array<{ id: string; code: string; nameKo: string; nameEn: string }>>`
    ${subtreeScope(actor.hrScopeUnitIds)}
    SELECT u.id, u.code, u.name_ko AS "nameKo", u.name_en AS "nameEn"
    FROM org_unit u WHERE u.id IN (SELECT id FROM scope)
    ORDER BY u.code`;
}

function checkBasics(input: SessionInput) {
  const title = plainText(input.title);
  if (title.length < 2 || title.length > 200) throw new SessionInputError("title", "length");
  const place = plainText(input.place);
  if (place.length < 2 || place.length > 200) throw new SessionInputError("place", "length");
  if (!Number.isInteger(input.minutes) || input.minutes < 10 || input.minutes > 1440) throw new SessionInputError("minutes", "range");
  if (!isDateKey(input.heldOn)) {
    throw new SessionInputError("heldOn", "invalid");
  }
  if (input.heldOn > seoulDateKey(now())) throw new SessionInputError("heldOn", "future");
  if (input.cycleIds.length === 0) throw new SessionInputError("cycleIds", "none");
  const numbers = parseEmployeeNumbers(input.attendees);
  if (numbers.length === 0) throw new SessionInputError("attendees", "none");
  if (numbers.length > MAX_ATTENDEES) throw new SessionInputError("attendees", "tooMany", { max: MAX_ATTENDEES });
  const checked = checkEvidence(input.evidence);
  if ("refused" in checked) {
    throw new SessionInputError("evidence", checked.refused, checked.refused === "tooLarge" ? { mb: MAX_EVIDENCE_BYTES / 1024 / 1024 } : {});
  }
  return { title, place, numbers, mediaType: checked.mediaType, evidence: input.evidence! };
}

/**
 * Record an in-person session after it took place, with the signed sheet as
 * evidence. Every attendee must be on the officer's roll; every chosen cycle
 * must be open, hold the session's date, and (for more than one) allow shared
 * sessions; the session must be long enough and in person must be allowed for
 * every attendee's route. Then, in one transaction: the evidence, the session,
 * one attendance per person, and every open assignment of theirs in the chosen
 * cycles completed in person as of the session's day. Assignments already
 * completed or exempted are left as they are. One audit event holds it all.
 */
export async function recordSession(actor: Actor, input: SessionInput): Promise<SessionResult> {
  const { title, place, numbers, mediaType, evidence } = checkBasics(input);
  if (!(await unitIsInScope(actor.hrScopeUnitIds, input.orgUnitId))) throw new SessionInputError("orgUnitId", "outOfScope");

  const cycleIds = [...new Set(input.cycleIds)];
  const cycles = await prisma.cycle.findMany({
    where: { id: { in: cycleIds.filter(isUuid) } },
    include: { obligation: { select: { id: true, code: true, titleKo: true, titleEn: true, sharedSessions: true } } },
  });
  if (cycles.length !== cycleIds.length) throw new SessionInputError("cycleIds", "unknown");
  for (const c of cycles) {
    if (c.status !== "OPEN") throw new SessionInputError("cycleIds", "notOpen", { cycle: cycleName(c.obligation, c.label) });
    const from = c.startsOn.toISOString().slice(0, 10);
    const to = c.endsOn.toISOString().slice(0, 10);
    if (input.heldOn < from || input.heldOn > to) throw new SessionInputError("heldOn", "outsideCycle", { cycle: cycleName(c.obligation, c.label), from, to });
  }
  if (cycles.length > 1) {
    const single = cycles.find((c) => !c.obligation.sharedSessions);
    if (single) throw new SessionInputError("cycleIds", "notShared", { cycle: cycleName(single.obligation, single.label) });
    if (new Set(cycles.map((c) => c.obligation.id)).size !== cycles.length) throw new SessionInputError("cycleIds", "sameObligation");
  }

  // Who is on this officer's roll, and what each owes in the chosen cycles, in one query.
  const people = await prisma.$queryRaw<Array<{ employeeNo: string; personId: string | null; open: number; owed: number; blocked: string | null }>>`
    ${subtreeScope(actor.hrScopeUnitIds)}
    SELECT n.no AS "employeeNo", p.id AS "personId",
      count(a.id) FILTER (WHERE a.status IN ('ASSIGNED', 'IN_PROGRESS'))::int AS open,
      count(a.id)::int AS owed,
      min(CASE
        WHEN a.status NOT IN ('ASSIGNED', 'IN_PROGRESS') THEN NULL
        WHEN NOT ('IN_PERSON' = ANY(r.modes)) THEN 'mode:' || o.code
        WHEN r.min_minutes > ${input.minutes} THEN 'minutes:' || o.code || ':' || r.min_minutes
      END) AS blocked
    FROM unnest(${numbers}::text[]) AS n(no)
    LEFT JOIN person p ON p.employee_no = n.no AND p.status = 'ACTIVE' AND p.org_unit_id IN (SELECT id FROM scope)
    LEFT JOIN assignment a ON a.person_id = p.id AND a.cycle_id = ANY(${cycleIds}::uuid[])
    LEFT JOIN cycle c ON c.id = a.cycle_id
    LEFT JOIN obligation o ON o.id = c.obligation_id
    LEFT JOIN obligation_route r ON r.obligation_id = o.id AND r.staff_category = p.staff_category AND (r.period = '' OR r.period = c.period)
      AND (r.grade_from IS NULL OR p.grade BETWEEN r.grade_from AND r.grade_to)
    GROUP BY n.no, p.id`;
  const unknown = people.filter((p) => !p.personId).map((p) => p.employeeNo);
  if (unknown.length) throw new SessionInputError("attendees", "unknown", { numbers: unknown.slice(0, 20).join(", "), count: unknown.length });
  const blocked = people.find((p) => p.blocked);
  if (blocked) {
    const [kind, code, min] = blocked.blocked!.split(":");
    const duty = cycles.find((c) => c.obligation.code === code)!.obligation;
    const obligation = { ko: duty.titleKo, en: duty.titleEn };
    if (kind === "mode") throw new SessionInputError("cycleIds", "onlineOnly", { obligation });
    throw new SessionInputError("minutes", "tooShort", { obligation, min: Number(min) });
  }

  const result = await prisma.$transaction(async (tx) => {
    const file = await storeEvidence(tx, actor.userId, evidence, mediaType, "attendance-sheet");
    const sha256 = file.sha256;
    const { sessionId, completed } = await writeSession(
      tx,
      { title, heldOn: input.heldOn, minutes: input.minutes, place, orgUnitId: input.orgUnitId, evidenceId: file.id, recordedById: actor.userId, cycleIds },
      people.map((p) => ({ personId: p.personId! })),
    );
    const summary: SessionResult = {
      sessionId,
      attendees: people.length,
      completed,
      alreadyDone: people.filter((p) => p.owed > 0 && p.open === 0).length,
      notOwed: people.filter((p) => p.owed === 0).length,
    };
    await recordAudit(
      {
        actorUserId: actor.userId,
        action: "session.record",
        entityType: "training_session",
        entityId: sessionId,
        reason: title,
        data: { ...summary, cycleIds, heldOn: input.heldOn, minutes: input.minutes, evidenceSha256: sha256, employeeNos: numbers } as unknown as Prisma.InputJsonValue,
      },
      tx,
    );
    return summary;
  });
  return result;
}

export interface SessionRecord {
  title: string;
  /** The day it was held, in Seoul ("2026-12-10"). */
  heldOn: string;
  minutes: number;
  place: string;
  orgUnitId: string;
  evidenceId: string;
  recordedById: string;
  /** The cycles it counts toward (none: a class for a catalog course, credited by creditCourseInPerson). */
  cycleIds: string[];
}

/**
 * The one way attendance becomes credit (ADR 007), inside the caller's transaction: the session
 * and its cycles, one attendance per person, and a single UPDATE completing every open assignment
 * of the attendees in those cycles in person, as of the session's day (18:00 Seoul, or now if that
 * is still ahead). An assignment is completed only where the person's route allows in person and
 * the minutes they attended (the whole session unless given) meet its minimum; completed or
 * exempted ones are left alone. Used by the sheet an officer uploads and by a scheduled class's
 * roll when it is closed.
 */
export async function writeSession(tx: Prisma.TransactionClient, record: SessionRecord, attendees: Array<{ personId: string; minutes?: number | null }>) {
  const session = await tx.trainingSession.create({
    data: {
      title: record.title,
      heldOn: new Date(`${record.heldOn}T00:00:00Z`),
      minutes: record.minutes,
      place: record.place,
      orgUnitId: record.orgUnitId,
      evidenceId: record.evidenceId,
      recordedById: record.recordedById,
      cycles: { create: record.cycleIds.map((cycleId) => ({ cycleId })) },
    },
  });
  const personIds = attendees.map((a) => a.personId);
  const minutes = attendees.map((a) => a.minutes ?? record.minutes);
  await tx.$executeRaw`
    INSERT INTO session_attendance (session_id, person_id)
    SELECT ${session.id}::uuid, unnest(${personIds}::uuid[])`;
  const completed = record.cycleIds.length === 0 ? 0 : await tx.$executeRaw`
    UPDATE assignment a SET status = 'COMPLETED', completion_mode = 'IN_PERSON', attendance_id = sa.id,
      completed_at = LEAST(${now()}::timestamptz, (${record.heldOn}::date + time '18:00') AT TIME ZONE 'Asia/Seoul')
    FROM session_attendance sa
    JOIN unnest(${personIds}::uuid[], ${minutes}::int[]) AS m(person_id, minutes) ON m.person_id = sa.person_id
    JOIN person p ON p.id = sa.person_id
    WHERE sa.session_id = ${session.id}::uuid AND a.person_id = sa.person_id
      AND a.cycle_id = ANY(${record.cycleIds}::uuid[]) AND a.status IN ('ASSIGNED', 'IN_PROGRESS')
      AND NOT EXISTS (
        SELECT 1 FROM cycle c JOIN obligation_route r ON r.obligation_id = c.obligation_id
          AND r.staff_category = p.staff_category AND (r.period = '' OR r.period = c.period)
          AND (r.grade_from IS NULL OR p.grade BETWEEN r.grade_from AND r.grade_to)
        WHERE c.id = a.cycle_id AND (NOT ('IN_PERSON' = ANY(r.modes)) OR r.min_minutes > m.minutes))`;
  return { sessionId: session.id, completed };
}

/**
 * A class for a catalog course, taken in person: each attendee's own enrolment in the course
 * (the one /catalog makes; made here for those who had none) is completed in person by their
 * attendance, on its latest version, and gets its certificate. Inside the caller's transaction,
 * after writeSession; set-based, under the same per-person lock as enrolling. An enrolment
 * already completed is left alone. Returns the assignments completed and the certificates issued.
 */
export async function creditCourseInPerson(tx: Prisma.TransactionClient, sessionId: string, courseId: string, heldOn: string) {
  const at = now();
  await tx.$executeRaw`
    SELECT count(pg_advisory_xact_lock(hashtext('enrol:' || sa.person_id::text)))
    FROM (SELECT person_id FROM session_attendance WHERE session_id = ${sessionId}::uuid ORDER BY person_id) sa`;
  await tx.$executeRaw`
    INSERT INTO assignment (person_id, course_id, assigned_at)
    SELECT sa.person_id, ${courseId}::uuid, ${at}::timestamptz FROM session_attendance sa
    WHERE sa.session_id = ${sessionId}::uuid
      AND NOT EXISTS (SELECT 1 FROM assignment a WHERE a.person_id = sa.person_id AND a.course_id = ${courseId}::uuid AND a.cycle_id IS NULL)`;
  const done = await tx.$queryRaw<Array<{ id: string }>>`
    WITH latest AS (SELECT id FROM course_version WHERE course_id = ${courseId}::uuid ORDER BY version DESC LIMIT 1),
    mine AS (
      SELECT DISTINCT ON (a.person_id) a.id, sa.id AS attendance_id, a.status
      FROM session_attendance sa JOIN assignment a ON a.person_id = sa.person_id AND a.course_id = ${courseId}::uuid AND a.cycle_id IS NULL
      WHERE sa.session_id = ${sessionId}::uuid
      ORDER BY a.person_id, a.assigned_at DESC
    )
    UPDATE assignment a SET status = 'COMPLETED', completion_mode = 'IN_PERSON', attendance_id = mine.attendance_id,
      course_version_id = COALESCE(a.course_version_id, (SELECT id FROM latest)),
      completed_at = LEAST(${at}::timestamptz, (${heldOn}::date + time '18:00') AT TIME ZONE 'Asia/Seoul')
    FROM mine WHERE a.id = mine.id AND mine.status IN ('ASSIGNED', 'IN_PROGRESS')
    RETURNING a.id`;
  const ids = done.map((d) => d.id);
  const certificates = await issueCertificates(tx, ids);
  // A lecturer trainee whose last stage this was moves on to the practicum (ADR 033).
  await advanceTraineesAfterCompletion(tx, ids);
  return { completed: ids.length, certificates: certificates.length };
}

/** Sessions recorded for units in the officer's subtree, newest first. */
export async function listSessions(actor: Actor) {
  if (actor.hrScopeUnitIds.length === 0) return [];
  return prisma.$queryRaw<
    Array<{ id: string; title: string; heldOn: Date; minutes: number; place: string; unitKo: string; unitEn: string; attendees: number; completed: number; cyclesKo: string[]; cyclesEn: string[] }>
  >`
    ${subtreeScope(actor.hrScopeUnitIds)}
    SELECT s.id, s.title, s.held_on AS "heldOn", s.minutes, s.place, u.name_ko AS "unitKo", u.name_en AS "unitEn",
      (SELECT count(*)::int FROM session_attendance sa WHERE sa.session_id = s.id) AS attendees,
      (SELECT count(*)::int FROM assignment a JOIN session_attendance sa ON sa.id = a.attendance_id WHERE sa.session_id = s.id) AS completed,
      ARRAY(SELECT o.title_ko || ' · ' || c.label FROM training_session_cycle sc JOIN cycle c ON c.id = sc.cycle_id
        JOIN obligation o ON o.id = c.obligation_id WHERE sc.session_id = s.id ORDER BY o.code) AS "cyclesKo",
      ARRAY(SELECT o.title_en || ' · ' || c.label FROM training_session_cycle sc JOIN cycle c ON c.id = sc.cycle_id
        JOIN obligation o ON o.id = c.obligation_id WHERE sc.session_id = s.id ORDER BY o.code) AS "cyclesEn"
    FROM training_session s JOIN org_unit u ON u.id = s.org_unit_id
    WHERE s.org_unit_id IN (SELECT id FROM scope)
    ORDER BY s.held_on DESC, s.created_at DESC
    LIMIT 200`;
}

/** One session of the officer's subtree with its attendees and what each attendance completed. */
export async function getSession(actor: Actor, id: string) {
  if (!isUuid(id) || actor.hrScopeUnitIds.length === 0) return null;
  const session = await prisma.trainingSession.findUnique({
    where: { id },
    include: {
      orgUnit: { select: { id: true, nameKo: true, nameEn: true } },
      evidence: { select: { fileName: true, mediaType: true, size: true, sha256: true, createdAt: true } },
      cycles: { include: { cycle: { include: { obligation: { select: { titleKo: true, titleEn: true } } } } } },
    },
  });
  if (!session || !(await unitIsInScope(actor.hrScopeUnitIds, session.orgUnitId))) return null;
  const attendees = await prisma.$queryRaw<
    Array<{ attendanceId: string; personId: string; employeeNo: string | null; name: string; unitKo: string | null; unitEn: string | null; completedKo: string[]; completedEn: string[] }>
  >`
    SELECT sa.id AS "attendanceId", p.id AS "personId", p.employee_no AS "employeeNo", p.name,
      u.name_ko AS "unitKo", u.name_en AS "unitEn",
      ARRAY(SELECT o.title_ko || ' · ' || c.label FROM assignment a JOIN cycle c ON c.id = a.cycle_id
        JOIN obligation o ON o.id = c.obligation_id WHERE a.attendance_id = sa.id ORDER BY o.code) AS "completedKo",
      ARRAY(SELECT o.title_en || ' · ' || c.label FROM assignment a JOIN cycle c ON c.id = a.cycle_id
        JOIN obligation o ON o.id = c.obligation_id WHERE a.attendance_id = sa.id ORDER BY o.code) AS "completedEn"
    FROM session_attendance sa JOIN person p ON p.id = sa.person_id
    LEFT JOIN org_unit u ON u.id = p.org_unit_id
    WHERE sa.session_id = ${id}::uuid
    ORDER BY p.name, p.employee_no`;
  return { session, attendees };
}

/** The sheet itself, for an officer who may see the session. Reading it is audited: it carries signatures. */
export const EVIDENCE_EXTENSIONS: Record<string, string> = { "application/pdf": "pdf", "image/png": "png", "image/jpeg": "jpg" };

/**
 * The signed sheet of a session, with the name it is downloaded under. That
 * name is the server's ("attendance-2026-11-20-1a2b3c4d.pdf", its extension
 * from the type the bytes were recognised as), never the uploader's: a file
 * sent up as "evil.html" does not come back as one.
 */
export async function getEvidence(actor: Actor, sessionId: string) {
  const found = await getSession(actor, sessionId);
  if (!found) return null;
  const file = await prisma.evidenceFile.findUniqueOrThrow({ where: { id: found.session.evidenceId } });
  await recordAudit({ actorUserId: actor.userId, action: "evidence.download", entityType: "training_session", entityId: sessionId, data: { sha256: file.sha256 } });
  const heldOn = found.session.heldOn.toISOString().slice(0, 10);
  const downloadName = `attendance-${heldOn}-${sessionId.slice(0, 8)}.${EVIDENCE_EXTENSIONS[file.mediaType] ?? "bin"}`;
  return { ...file, downloadName };
}

export class AttendanceError extends Error {
  constructor(public code: "not-found" | "reason" | "cycle-closed") {
    super(code);
  }
}

/**
 * Take back one attendance recorded in error (wrong person on the sheet): what
 * it completed goes back to where it was, the row goes, the reason is audited.
 */
export async function withdrawAttendance(actor: Actor, sessionId: string, attendanceId: string, reason: string) {
  if (reason.trim().length < 5) throw new AttendanceError("reason");
  const found = await getSession(actor, sessionId);
  const attendee = found?.attendees.find((a) => a.attendanceId === attendanceId);
  if (!found || !attendee) throw new AttendanceError("not-found");
  if (found.session.cycles.some((c) => c.cycle.status === "CLOSED")) throw new AttendanceError("cycle-closed");
  await prisma.$transaction(async (tx) => {
    const reopened = await tx.$executeRaw`
      UPDATE assignment SET status = CASE WHEN started_at IS NOT NULL THEN 'IN_PROGRESS'::"AssignmentStatus" ELSE 'ASSIGNED'::"AssignmentStatus" END,
        completed_at = NULL, completion_mode = NULL, attendance_id = NULL
      WHERE attendance_id = ${attendanceId}::uuid`;
    await tx.sessionAttendance.delete({ where: { id: attendanceId } });
    await recordAudit(
      {
        actorUserId: actor.userId,
        action: "session.withdraw-attendance",
        entityType: "training_session",
        entityId: sessionId,
        reason: reason.trim(),
        data: { personId: attendee.personId, employeeNo: attendee.employeeNo, reopened },
      },
      tx,
    );
  });
}
