import { prisma } from "~/utils/db.server";

import { isSelfEnrolTrack } from "~/modules/org/coded-sets";
import { now } from "~/utils/clock.server";
import { lecturerStageRefusal, type StageRefusal } from "~/modules/lecturers/stages.server";

export interface CatalogCourse {
  courseId: string;
  slug: string;
  track: string;
  edition: string | null;
  titleKo: string;
  titleEn: string;
  summaryKo: string;
  summaryEn: string;
  estimatedMinutes: number;
  /** On the lecturer track: the stage this course is. */
  trackStage: number | null;
  lessonCount: number;
  /** The reader's own open or finished enrolment, if any. */
  assignmentId: string | null;
  assignmentStatus: string | null;
}

/** Every course's latest version, with the reader's enrolment, in one query. */
export async function listCatalog(personId: string | null): Promise<CatalogCourse[]> {
  return prisma.$queryRaw<CatalogCourse[]>`
    WITH latest AS (
      SELECT DISTINCT ON (course_id) * FROM course_version ORDER BY course_id, version DESC
    )
    SELECT c.id AS "courseId", c.slug, v.track::text AS track, v.edition,
      v.title_ko AS "titleKo", v.title_en AS "titleEn", v.summary_ko AS "summaryKo", v.summary_en AS "summaryEn",
      v.estimated_minutes AS "estimatedMinutes", v.track_stage AS "trackStage",
      (SELECT count(*)::int FROM lesson l WHERE l.course_version_id = v.id) AS "lessonCount",
      mine.id AS "assignmentId", mine.status::text AS "assignmentStatus"
    FROM course c
    JOIN latest v ON v.course_id = c.id
    LEFT JOIN LATERAL (
      SELECT a.id, a.status FROM assignment a
      WHERE a.person_id = ${personId}::uuid AND a.course_id = c.id AND a.cycle_id IS NULL
      ORDER BY a.assigned_at DESC LIMIT 1
    ) mine ON true
    ORDER BY array_position(ARRAY['ANNUAL_SENIOR','ANNUAL_GENERAL','DISABILITY','LECTURER','ELECTIVE'], v.track::text), v.edition NULLS FIRST, c.slug`;
}

export class EnrolmentError extends Error {}

/** A lecturer-track course refused: the person is not an active trainee, or an earlier stage is open (ADR 033). */
export class StageLockedError extends EnrolmentError {
  constructor(readonly refusal: StageRefusal) {
    super(refusal.reason === "notTrainee" ? "not a trainee" : `stage ${refusal.waitingFor} first`);
  }
}

/**
 * Enrol a person in a catalog course. Enrolling twice returns the same
 * enrolment; the per-person advisory lock makes concurrent clicks safe.
 */
export async function enrol(personId: string, courseSlug: string, actorUserId: string): Promise<string> {
  return prisma.$transaction(async (tx) => {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`enrol:${personId}`}))`;
    const course = await tx.course.findUnique({
      where: { slug: courseSlug },
      include: { versions: { orderBy: { version: "desc" }, take: 1, select: { track: true } } },
    });
    const track = course?.versions[0]?.track;
    if (!course || !track) throw new EnrolmentError("unknown course");
    if (!isSelfEnrolTrack(track)) throw new EnrolmentError("not open for enrolment");
    const existing = await tx.assignment.findFirst({
      where: { personId, courseId: course.id, cycleId: null },
      orderBy: { assignedAt: "desc" },
      select: { id: true },
    });
    if (existing) return existing.id;
    const refusal = await lecturerStageRefusal(tx, personId, course.id);
    if (refusal) throw new StageLockedError(refusal);
    const created = await tx.assignment.create({ data: { personId, courseId: course.id, assignedAt: now() }, select: { id: true } });
    await tx.auditEvent.create({
      data: { actorUserId, action: "catalog.enrol", entityType: "assignment", entityId: created.id, data: { course: courseSlug } },
    });
    return created.id;
  });
}
